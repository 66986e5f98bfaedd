// The bench's Following rows (scripts/bench.ts, step 10): a member with 20
// followed categories, on a database topped up to 50,000 published articles,
// and their /following and /notifications. Made with a few insert-selects, after
// the other read measurements (so they see the database they always did).
import { sql } from "kysely";
import type { DB } from "../db/connection";
import { getFollowingPage, listCategoryIndex, listHomeArticles } from "../app/models/follows.server";
import { countUnreadNotifications, listNotifications } from "../app/models/notifications.server";
import { explainStatements, type ExplainedStatement } from "./bench-explain";

export interface FollowingBenchSetup {
  userId: number;
  articles: number;
  followed: number;
  notifications: number;
  unread: number;
  ms: number;
}

/**
 * Top the database up to `articles` published articles (spread over 20
 * categories, older than the seed's, so page one shows the seed's threads), and
 * give the member 20 followed categories (12 watching, 8 following), one muted
 * category, a last visit three days ago, and `notifications` notifications (a
 * tenth unread) among `others` for other members.
 */
export async function prepareFollowingBench(
  db: DB,
  input: { userId: number; articles: number; notifications?: number; others?: number; log?: (m: string) => void },
): Promise<FollowingBenchSetup> {
  const started = Date.now();
  const log = input.log ?? (() => undefined);
  const wantedNotifications = input.notifications ?? 2_000;
  const others = input.others ?? 100_000;
  await sql`
    insert into categories (slug, name, description)
    select 'bench-follow-' || g, 'Bench Follow ' || g, 'A category for the Following bench.' from generate_series(1, 16) g
    on conflict (slug) do nothing
  `.execute(db);
  const categories = await db.selectFrom("categories").select(["id", "slug"]).orderBy("id").execute();
  const muted = categories.find((c) => c.slug === "bench-follow-16")!;
  const followed = categories.filter((c) => c.id !== muted.id).slice(0, 20);
  if (followed.length < 20) throw new Error(`only ${followed.length} categories to follow`);

  const { n: published } = await db
    .selectFrom("articles")
    .select(sql<number>`count(*)`.as("n"))
    .where("published_at", "is not", null)
    .executeTakeFirstOrThrow();
  const missing = Math.max(0, input.articles - Number(published));
  if (missing > 0) {
    log(`following: adding ${missing.toLocaleString("en-US")} articles (to ${input.articles.toLocaleString("en-US")})`);
    const oldest = await db.selectFrom("articles").select(sql<Date>`coalesce(min(published_at), now())`.as("at")).executeTakeFirstOrThrow();
    // An hour apart, each older than the seed's oldest, already announced (no job fans them out);
    // every 21st in the muted category as well.
    await sql`
      with made as (
        insert into articles (slug, title, body_markdown, body_html, excerpt, byline, published_at, first_published_at, announced_at, created_at, updated_at)
        select 'bench-follow-article-' || g, 'Following bench article ' || g, 'Body of article ' || g || '.', '<p>Body of article ' || g || '.</p>',
               'Body of article ' || g || '.', 'Bench desk', t, t, t, t, t
        from generate_series(1, ${missing}::int) g, lateral (select ${oldest.at}::timestamptz - make_interval(hours => g) as t) x
        returning id
      )
      insert into article_categories (article_id, category_id)
      select id, (array[${sql.join(followed.map((c) => c.id))}]::int[])[1 + id % 20] from made
      union all
      select id, ${muted.id}::int from made where id % 21 = 0
    `.execute(db);
  }
  await db.deleteFrom("category_follows").where("user_id", "=", input.userId).execute();
  await db
    .insertInto("category_follows")
    .values([
      ...followed.map((c, i) => ({ user_id: input.userId, category_id: c.id, level: i < 12 ? ("watching" as const) : ("following" as const) })),
      { user_id: input.userId, category_id: muted.id, level: "muted" as const },
    ])
    .execute();
  await db.updateTable("users").set({ following_visited_at: sql`now() - interval '3 days'` }).where("id", "=", input.userId).execute();

  await db.deleteFrom("notifications").execute();
  // Other members' notifications (so the member's are a slice of a big table), then the member's own.
  await sql`
    insert into notifications (user_id, kind, article_id, created_at, read_at)
    select u.id, 'article', a.id, a.published_at, case when (u.id + a.id) % 3 = 0 then null else a.published_at end
    from (select id from users where id <> ${input.userId} order by id limit greatest(1, ${others}::int / 50)) u
    cross join lateral (select id, published_at from articles where published_at is not null order by published_at desc limit 50) a
    on conflict do nothing
  `.execute(db);
  await sql`
    insert into notifications (user_id, kind, article_id, created_at, read_at)
    select ${input.userId}, 'article', a.id, a.published_at, case when row_number() over (order by a.published_at desc) % 10 = 0 then null else a.published_at end
    from (select id, published_at from articles where published_at is not null order by published_at desc limit ${wantedNotifications}::int) a
    on conflict do nothing
  `.execute(db);
  await sql`vacuum (analyze) articles, article_categories, category_follows, notifications, users`.execute(db);
  const total = await db.selectFrom("articles").select(sql<number>`count(*)`.as("n")).where("published_at", "is not", null).executeTakeFirstOrThrow();
  return {
    userId: input.userId,
    articles: Number(total.n),
    followed: followed.length,
    notifications: wantedNotifications,
    unread: await countUnreadNotifications(db, input.userId),
    ms: Date.now() - started,
  };
}

/** The statements of /following, /notifications, the header's count, a member's home page and /categories, EXPLAINed (ANALYZE). */
export function explainFollowingQueries(url: string, userId: number): Promise<ExplainedStatement[]> {
  // A seq scan of a tiny table (categories, one member's follows) is the right plan; of these, never.
  return explainStatements(url, ["articles", "comments", "notifications", "article_categories"], async (db, step) => {
    const first = await step("following page 1", () => getFollowingPage(db, { userId }));
    if (first.nextCursor) await step("following page 2", () => getFollowingPage(db, { userId, cursor: first.nextCursor }));
    await step("notifications", () => listNotifications(db, { userId }));
    await step("unread count", () => countUnreadNotifications(db, userId));
    await step("member home page (muted left out)", () => listHomeArticles(db, { userId }));
    await step("categories index", () => listCategoryIndex(db));
  });
}
