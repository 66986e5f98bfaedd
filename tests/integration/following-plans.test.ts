// The statement behind /following, a member's home page and the personal feed (which
// articles a member's follows keep) at a size where the planner's choice matters: it
// walks the follows' indexes, never reads article_categories whole, and keeps the
// same articles as the rule written out plainly (categories or tickers, less muted).
import { describe, expect, it } from "vitest";
import { Kysely, PostgresDialect, sql } from "kysely";
import pg from "pg";
import type { Database } from "../../db/schema";
import { getFollowingPage, listHomeArticles } from "~/models/follows.server";
import { listPersonalFeedArticles } from "~/models/feeds.server";
import { createUser } from "~/models/users.server";
import { useTestDatabase } from "../support/db";

const t = useTestDatabase();
const ARTICLES = 30_000;

interface Captured {
  name: string;
  sql: string;
  parameters: readonly unknown[];
}

/** Every statement the three lists run for the member, by list. */
async function captureStatements(userId: number): Promise<Captured[]> {
  const captured: Captured[] = [];
  let current = "";
  const db = new Kysely<Database>({
    dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: t.url, max: 2 }) }),
    log: (event) => {
      if (event.level === "query") captured.push({ name: current, sql: event.query.sql, parameters: event.query.parameters });
    },
  });
  try {
    current = "following page 1";
    const first = await getFollowingPage(db, { userId });
    expect(first.nextCursor).toBeTruthy();
    current = "following page 2";
    await getFollowingPage(db, { userId, cursor: first.nextCursor });
    current = "member home page";
    await listHomeArticles(db, { userId });
    current = "personal feed";
    await listPersonalFeedArticles(db, userId);
  } finally {
    await db.destroy();
  }
  return captured;
}

interface PlanNode {
  "Node Type": string;
  "Relation Name"?: string;
  Plans?: PlanNode[];
}

function seqScanned(node: PlanNode, into = new Set<string>()): Set<string> {
  if (node["Node Type"] === "Seq Scan" && node["Relation Name"]) into.add(node["Relation Name"]);
  for (const child of node.Plans ?? []) seqScanned(child, into);
  return into;
}

describe("which articles a member's follows keep, at size", () => {
  it("reads article_categories and articles through their indexes and keeps what the plain rule keeps", async () => {
    const user = await createUser(t.db, { email: "plans@example.com", displayName: "Plan Reader", password: "a long enough password", emailVerified: true });
    if (!user.ok) throw new Error("user");
    const userId = user.userId!;
    // 22 categories (20 followed, one muted, one not followed) and 4 tickers (2 followed, one muted, one not).
    await sql`insert into categories (slug, name, description) select 'plan-' || g, 'Plan ' || g, 'A category.' from generate_series(1, 22) g`.execute(t.db);
    await sql`insert into tickers (symbol, exchange, company_name) select 'PL' || g, 'ASX', 'Plan Co ' || g from generate_series(1, 4) g`.execute(t.db);
    const categories = (await t.db.selectFrom("categories").select("id").orderBy("id").execute()).map((c) => c.id);
    const tickers = (await t.db.selectFrom("tickers").select("id").orderBy("id").execute()).map((c) => c.id);
    // An hour apart (id 1 the newest); each in one of the 22 categories; every 7th also tagged with a ticker
    // (id 21: only a followed ticker keeps it; id 14: a muted ticker leaves it out of a followed category).
    await sql`
      with made as (
        insert into articles (slug, title, body_markdown, body_html, excerpt, byline, published_at, first_published_at, announced_at, created_at, updated_at)
        select 'plan-article-' || g, 'Plan article ' || g, 'Body.', '<p>Body.</p>', 'Body.', 'Plan desk', t, t, t, t, t
        from generate_series(1, ${ARTICLES}::int) g, lateral (select now() - make_interval(hours => g) as t) x
        returning id
      ), in_categories as (
        insert into article_categories (article_id, category_id)
        select id, (${categories}::int[])[1 + id % 22] from made
      )
      insert into article_tickers (article_id, ticker_id)
      select id, (${tickers}::int[])[1 + id % 4] from made where id % 7 = 0
    `.execute(t.db);
    await t.db
      .insertInto("category_follows")
      .values([
        ...categories.slice(0, 20).map((id, i) => ({ user_id: userId, category_id: id, level: i < 12 ? ("watching" as const) : ("following" as const) })),
        { user_id: userId, category_id: categories[20]!, level: "muted" as const },
      ])
      .execute();
    await t.db
      .insertInto("ticker_follows")
      .values([
        { user_id: userId, ticker_id: tickers[0]!, level: "watching" as const },
        { user_id: userId, ticker_id: tickers[1]!, level: "following" as const },
        { user_id: userId, ticker_id: tickers[2]!, level: "muted" as const },
      ])
      .execute();
    await sql`vacuum (analyze) articles, article_categories, article_tickers, category_follows, ticker_follows`.execute(t.db);

    const statements = (await captureStatements(userId)).filter((s) => /from "articles" as "a"/.test(s.sql));
    expect(new Set(statements.map((s) => s.name))).toEqual(new Set(["following page 1", "following page 2", "member home page", "personal feed"]));
    const client = new pg.Client({ connectionString: t.url });
    await client.connect();
    try {
      for (const statement of statements) {
        const { rows } = await client.query(`explain (format json) ${statement.sql}`, statement.parameters as unknown[]);
        const scanned = [...seqScanned((rows[0]["QUERY PLAN"] as { Plan: PlanNode }[])[0]!.Plan)];
        expect({ name: statement.name, scanned: scanned.filter((r) => r === "article_categories" || r === "articles") }).toEqual({ name: statement.name, scanned: [] });
      }
    } finally {
      await client.end();
    }

    // The rule written out plainly: in a watched or followed category or of such a ticker, in no muted one.
    const { rows: expected } = await sql<{ id: number }>`
      select a.id from articles a
      where (a.id in (select ac.article_id from article_categories ac join category_follows cf on cf.category_id = ac.category_id and cf.user_id = ${userId} and cf.level in ('watching', 'following'))
          or a.id in (select at.article_id from article_tickers at join ticker_follows tf on tf.ticker_id = at.ticker_id and tf.user_id = ${userId} and tf.level in ('watching', 'following')))
        and a.id not in (select ac.article_id from article_categories ac join category_follows cf on cf.category_id = ac.category_id and cf.user_id = ${userId} and cf.level = 'muted')
        and a.id not in (select at.article_id from article_tickers at join ticker_follows tf on tf.ticker_id = at.ticker_id and tf.user_id = ${userId} and tf.level = 'muted')
      order by a.published_at desc, a.id desc limit 60
    `.execute(t.db);
    const listed: number[] = [];
    let cursor: string | null = null;
    for (let page = 0; page < 3; page++) {
      const got: Awaited<ReturnType<typeof getFollowingPage>> = await getFollowingPage(t.db, { userId, cursor });
      listed.push(...got.articles.map((a) => a.id));
      cursor = got.nextCursor;
    }
    expect(listed).toEqual(expected.map((r) => r.id));
    // Among them an article kept only by a followed ticker (its category is the one not followed).
    const onlyByTicker = await sql<{ id: number }>`
      select at.article_id as id from article_tickers at join article_categories ac on ac.article_id = at.article_id
      where at.ticker_id in (${tickers[0]!}, ${tickers[1]!}) and ac.category_id = ${categories[21]!}`.execute(t.db);
    const onlyByTickerIds = new Set(onlyByTicker.rows.map((r) => r.id));
    expect(listed.some((id) => onlyByTickerIds.has(id))).toBe(true);
    // And an article of a followed category the muted ticker leaves out, within the pages read.
    const mutedByTicker = (await t.db.selectFrom("article_tickers").select("article_id").where("ticker_id", "=", tickers[2]!).execute()).map((r) => r.article_id);
    const oldestListed = Math.max(...listed);
    expect(mutedByTicker.some((id) => id < oldestListed)).toBe(true);
    expect(listed.filter((id) => mutedByTicker.includes(id))).toEqual([]);
    const feed = await listPersonalFeedArticles(t.db, userId);
    expect(feed.map((a) => a.id)).toEqual(expected.slice(0, feed.length).map((r) => r.id));
    expect(feed.length).toBe(20);
  });
});
