// Following: a member's level for each category (as Discourse's watched
// categories), the threads they watch, the /categories index, and the
// /following page. Mail and in-app notices are written by the jobs
// (app/jobs/); this module is the reading and choosing side.
import { sql } from "kysely";
import type { DB } from "../../db/connection";
import {
  FOLLOW_CHOICES,
  FOLLOW_LEVEL_TEXT,
  FOLLOW_LEVELS,
  FOLLOWER_LEVELS,
  FOLLOWING_PAGE_LEVELS,
  parseFollowChoice,
  type FollowChoice,
  type FollowLevel,
} from "../lib/follow-levels";
import { SLUG_PATTERN } from "../lib/slugs";
import { listPublishedArticles, type ArticleSummary } from "./articles.server";

export { FOLLOW_CHOICES, FOLLOW_LEVEL_TEXT, FOLLOW_LEVELS, FOLLOWER_LEVELS, FOLLOWING_PAGE_LEVELS, parseFollowChoice, type FollowChoice, type FollowLevel };


// --- categories ---------------------------------------------------------------

/** Set a member's level for a category; "none" removes it. */
export async function setCategoryFollow(
  db: DB,
  input: { userId: number; categoryId: number; level: FollowChoice },
): Promise<{ ok: true; level: FollowChoice } | { ok: false; error: "not-found" }> {
  const category = await db.selectFrom("categories").select("id").where("id", "=", input.categoryId).executeTakeFirst();
  if (!category) return { ok: false, error: "not-found" };
  if (input.level === "none") {
    await db.deleteFrom("category_follows").where("user_id", "=", input.userId).where("category_id", "=", input.categoryId).execute();
    return { ok: true, level: "none" };
  }
  const level = input.level;
  await db
    .insertInto("category_follows")
    .values({ user_id: input.userId, category_id: input.categoryId, level })
    .onConflict((oc) =>
      // updated_at only moves when the level does: it says since when this level holds.
      oc.columns(["user_id", "category_id"]).doUpdateSet({ level, updated_at: sql`case when category_follows.level = ${level} then category_follows.updated_at else now() end` }),
    )
    .execute();
  return { ok: true, level };
}

/** The member's level for one category ("none" without a row). */
export async function getCategoryFollow(db: DB, userId: number, categoryId: number): Promise<FollowChoice> {
  const row = await db
    .selectFrom("category_follows")
    .select("level")
    .where("user_id", "=", userId)
    .where("category_id", "=", categoryId)
    .executeTakeFirst();
  return row?.level ?? "none";
}

export interface FollowedTicker {
  symbol: string;
  exchange: string;
  companyName: string;
  level: FollowLevel;
}

/** The tickers a member has a level for, by symbol. */
export async function listFollowedTickers(db: DB, userId: number): Promise<FollowedTicker[]> {
  const rows = await db
    .selectFrom("ticker_follows as tf")
    .innerJoin("tickers as t", "t.id", "tf.ticker_id")
    .select(["t.symbol", "t.exchange", "t.company_name", "tf.level"])
    .where("tf.user_id", "=", userId)
    .orderBy("t.symbol")
    .orderBy("t.exchange")
    .execute();
  return rows.map((r) => ({ symbol: r.symbol, exchange: r.exchange, companyName: r.company_name, level: r.level }));
}

export interface FollowedCategory {
  slug: string;
  name: string;
  level: FollowLevel;
}

/** Every category the member has a level for, by name. */
export async function listFollowedCategories(db: DB, userId: number): Promise<FollowedCategory[]> {
  return db
    .selectFrom("category_follows as f")
    .innerJoin("categories as c", "c.id", "f.category_id")
    .select(["c.slug", "c.name", "f.level"])
    .where("f.user_id", "=", userId)
    .orderBy("c.name")
    .execute();
}

/** How many members follow a category (any level but muted): an index-only count. */
export async function countFollowers(db: DB, categoryId: number): Promise<number> {
  const row = await db
    .selectFrom("category_follows")
    .select(sql<number>`count(*)`.as("n"))
    .where("category_id", "=", categoryId)
    .where("level", "in", FOLLOWER_LEVELS)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export interface CategoryIndexEntry {
  slug: string;
  name: string;
  description: string;
  /** Published articles (not drafts, not scheduled ones). */
  articleCount: number;
  followerCount: number;
}

/**
 * The /categories index: every category with its published articles and
 * followers, by index-only counts per category (article_categories_category_idx,
 * category_follows_category_level_idx), less the category's articles not
 * published yet (drafts, scheduled, withdrawn: few, found by one pass over
 * articles' published_at). Joining every article to count the published ones
 * costs ten times more at 50,000 articles.
 */
export async function listCategoryIndex(db: DB, now?: Date): Promise<CategoryIndexEntry[]> {
  const at = now ?? sql<Date>`now()`;
  const [rows, unpublished] = await Promise.all([
    db
      .selectFrom("categories as c")
      .select([
        "c.id",
        "c.slug",
        "c.name",
        "c.description",
        sql<number>`(select count(*) from article_categories ac where ac.category_id = c.id)`.as("article_count"),
        sql<number>`(select count(*) from category_follows f where f.category_id = c.id
          and f.level in (${sql.join(FOLLOWER_LEVELS.map((l) => sql.lit(l)))}))`.as("follower_count"),
      ])
      .orderBy("c.name")
      .execute(),
    db
      .selectFrom("articles as a")
      .innerJoin("article_categories as ac", "ac.article_id", "a.id")
      .select(["ac.category_id", sql<number>`count(*)`.as("n")])
      .where((eb) => eb.or([eb("a.published_at", "is", null), eb("a.published_at", ">", at)]))
      .groupBy("ac.category_id")
      .execute(),
  ]);
  const hidden = new Map(unpublished.map((c) => [c.category_id, Number(c.n)]));
  return rows.map((r) => ({
    slug: r.slug,
    name: r.name,
    description: r.description,
    articleCount: Number(r.article_count) - (hidden.get(r.id) ?? 0),
    followerCount: Number(r.follower_count),
  }));
}

// --- threads ------------------------------------------------------------------

export async function setThreadWatch(
  db: DB,
  input: { userId: number; articleId: number; watch: boolean },
): Promise<{ ok: true; watching: boolean } | { ok: false; error: "not-found" }> {
  if (!input.watch) {
    await db.deleteFrom("thread_watches").where("user_id", "=", input.userId).where("article_id", "=", input.articleId).execute();
    return { ok: true, watching: false };
  }
  const article = await db
    .selectFrom("articles")
    .select("id")
    .where("id", "=", input.articleId)
    .where("published_at", "is not", null)
    .where("published_at", "<=", sql<Date>`now()`)
    .executeTakeFirst();
  if (!article) return { ok: false, error: "not-found" };
  await db
    .insertInto("thread_watches")
    .values({ user_id: input.userId, article_id: input.articleId })
    .onConflict((oc) => oc.columns(["user_id", "article_id"]).doNothing())
    .execute();
  return { ok: true, watching: true };
}

export interface ArticleFollowState {
  watchingThread: boolean;
  /** The member's default for the "Notify me of replies" box. */
  notifyRepliesDefault: boolean;
}

/** What the article page shows a member about following (one query). */
export async function getArticleFollowState(db: DB, userId: number, articleId: number): Promise<ArticleFollowState> {
  const row = await db
    .selectFrom("users as u")
    .select([
      "u.notify_replies_default",
      sql<boolean>`exists (select 1 from thread_watches w where w.user_id = u.id and w.article_id = ${articleId})`.as("watching"),
    ])
    .where("u.id", "=", userId)
    .executeTakeFirst();
  return { watchingThread: Boolean(row?.watching), notifyRepliesDefault: row?.notify_replies_default ?? true };
}

// --- what a guest asked for before logging in ---------------------------------

/**
 * A follow a guest pressed before logging in, carried in the login address
 * (`?follow=category:china:watching`, `?follow=thread:some-slug`) and done by
 * the login itself, so they come back having followed.
 */
export type FollowIntent = { kind: "category"; slug: string; level: FollowChoice } | { kind: "thread"; slug: string };

export function formatFollowIntent(intent: FollowIntent): string {
  return intent.kind === "category" ? `category:${intent.slug}:${intent.level}` : `thread:${intent.slug}`;
}

export function parseFollowIntent(text: unknown): FollowIntent | null {
  if (typeof text !== "string" || text.length > 300) return null;
  const [kind, slug, level, ...rest] = text.split(":");
  if (rest.length || !slug || !SLUG_PATTERN.test(slug)) return null;
  if (kind === "thread" && level === undefined) return { kind, slug };
  const choice = parseFollowChoice(level);
  if (kind === "category" && choice) return { kind, slug, level: choice };
  return null;
}

/** Do what the intent says, for a member who just logged in. Unknown slugs are ignored. */
export async function applyFollowIntent(db: DB, userId: number, intent: FollowIntent): Promise<boolean> {
  if (intent.kind === "category") {
    const category = await db.selectFrom("categories").select("id").where("slug", "=", intent.slug).executeTakeFirst();
    if (!category) return false;
    return (await setCategoryFollow(db, { userId, categoryId: category.id, level: intent.level })).ok;
  }
  const article = await db.selectFrom("articles").select("id").where("slug", "=", intent.slug).executeTakeFirst();
  if (!article) return false;
  return (await setThreadWatch(db, { userId, articleId: article.id, watch: true })).ok;
}

/** Where the intent's page is (after it is done). */
export function intentPath(intent: FollowIntent): string {
  return intent.kind === "category" ? `/categories/${intent.slug}` : `/articles/${intent.slug}`;
}

// --- the member's lists -----------------------------------------------------------

/** The member's muted categories leave their home page (guests' home page is the same for all, and cached). */
export async function listHomeArticles(db: DB, input: { userId: number | null; cursor?: string | null; now?: Date }) {
  return listPublishedArticles(db, {
    cursor: input.cursor,
    now: input.now,
    member: input.userId === null ? undefined : { userId: input.userId, hideMuted: true },
  });
}

export interface FollowingArticle extends ArticleSummary {
  /** Published since the member's last visit of /following. */
  isNew: boolean;
  /** Approved comments since that visit (all of them, on a first visit). */
  newCommentCount: number;
}

export interface FollowingPage {
  articles: FollowingArticle[];
  nextCursor: string | null;
  /** The last visit before this one: what came after is new (null: first visit). */
  since: string | null;
  categories: FollowedCategory[];
  tickers: FollowedTicker[];
}

/**
 * /following: the newest articles of the categories the member watches or
 * follows, never one of a muted category; each marked new since `since` (their
 * last visit, unless the page passes on the one its first page saw), with its
 * count of approved comments since then. Keyset-paginated like every list.
 */
export async function getFollowingPage(
  db: DB,
  input: { userId: number; cursor?: string | null; since?: Date | null; now?: Date; visit?: Date },
): Promise<FollowingPage> {
  const [user, categories, tickers] = await Promise.all([
    db.selectFrom("users").select("following_visited_at").where("id", "=", input.userId).executeTakeFirst(),
    listFollowedCategories(db, input.userId),
    listFollowedTickers(db, input.userId),
  ]);
  const since = input.since !== undefined ? input.since : (user?.following_visited_at ?? null);
  // This view is a visit: the mark moves on beside the reads (which already know `since`).
  const visited = input.visit ? markFollowingVisited(db, input.userId, input.visit) : Promise.resolve();
  const follows = [...categories, ...tickers].some((c) => FOLLOWING_PAGE_LEVELS.includes(c.level));
  const listed = (async () => {
    const page = follows
      ? await listPublishedArticles(db, {
          cursor: input.cursor,
          now: input.now,
          member: { userId: input.userId, inLevels: FOLLOWING_PAGE_LEVELS, hideMuted: true },
        })
      : { articles: [], nextCursor: null };
    const ids = page.articles.map((a) => a.id);
    const counts = new Map<number, number>();
    if (ids.length && since) {
      // One index range per article of the page (comments_thread_idx: article, status, created_at),
      // never a walk through every comment since the visit.
      const { rows } = await sql<{ id: number; n: number }>`
        select p.id, (select count(*) from comments c where c.article_id = p.id and c.status = 'approved' and c.created_at > ${since}) as n
        from unnest(${ids}::int[]) as p(id)
      `.execute(db);
      for (const r of rows) counts.set(r.id, Number(r.n));
    }
    return { page, counts };
  })();
  const [{ page, counts }] = await Promise.all([listed, visited]);
  return {
    articles: page.articles.map((a) => ({
      ...a,
      isNew: since === null || new Date(a.publishedAt) > since,
      newCommentCount: since === null ? a.approvedCommentCount : (counts.get(a.id) ?? 0),
    })),
    nextCursor: page.nextCursor,
    since: since?.toISOString() ?? null,
    categories,
    tickers,
  };
}

/** The member saw /following now: what comes after is new next time. */
export async function markFollowingVisited(db: DB, userId: number, at: Date = new Date()): Promise<void> {
  // Every view of the page writes this: it need not wait for the disk (a crash may at worst
  // forget the last visit, and show its articles as new once more).
  await db.transaction().execute(async (trx) => {
    await sql`set local synchronous_commit = off`.execute(trx);
    await trx.updateTable("users").set({ following_visited_at: at }).where("id", "=", userId).execute();
  });
}

// --- the member's reply default (/account) --------------------------------------

export async function getNotifyRepliesDefault(db: DB, userId: number): Promise<boolean> {
  const row = await db.selectFrom("users").select("notify_replies_default").where("id", "=", userId).executeTakeFirst();
  return row?.notify_replies_default ?? true;
}

export async function setNotifyRepliesDefault(db: DB, userId: number, value: boolean): Promise<void> {
  await db.updateTable("users").set({ notify_replies_default: value }).where("id", "=", userId).execute();
}
