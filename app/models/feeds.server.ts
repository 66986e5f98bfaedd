// What the feeds carry: the newest published articles (all, of a category, or of
// what a member watches and follows), an article's approved comments, and the
// secret token of a member's personal feed. Every query names its columns: a
// commenter's email is never read here, so it cannot reach a feed.
import { randomBytes } from "node:crypto";
import { sql } from "kysely";
import type { DB } from "../../db/connection";
import { memberFollowSides, newestOfSides } from "./articles.server";
import { categoriesOfArticles, type CategoryLink } from "./categories.server";
import { FOLLOWING_PAGE_LEVELS } from "../lib/follow-levels";
import { SLUG_PATTERN } from "../lib/slugs";

/** How many entries a feed carries (readers poll; older ones are on the site). */
export const FEED_ITEMS = 20;

export interface FeedArticle {
  id: number;
  slug: string;
  title: string;
  excerpt: string;
  byline: string;
  bodyHtml: string;
  publishedAt: Date;
  updatedAt: Date;
  categories: CategoryLink[];
}

export interface FeedComment {
  id: number;
  authorName: string;
  bodyHtml: string;
  createdAt: Date;
  updatedAt: Date;
}

function publishedArticles(db: DB) {
  return db
    .selectFrom("articles as a")
    .where("a.published_at", "is not", null)
    .where("a.published_at", "<=", sql<Date>`now()`);
}

async function withCategories(
  db: DB,
  rows: { id: number; slug: string; title: string; excerpt: string; byline: string; body_html: string; published_at: Date | null; updated_at: Date }[],
): Promise<FeedArticle[]> {
  const categories = await categoriesOfArticles(db, rows.map((r) => r.id));
  return rows.map((r) => ({
    id: r.id,
    slug: r.slug,
    title: r.title,
    excerpt: r.excerpt,
    byline: r.byline,
    bodyHtml: r.body_html,
    publishedAt: r.published_at as Date,
    updatedAt: r.updated_at,
    categories: categories.get(r.id) ?? [],
  }));
}

const ARTICLE_COLUMNS = ["a.id", "a.slug", "a.title", "a.excerpt", "a.byline", "a.body_html", "a.published_at", "a.updated_at"] as const;

/** The newest published articles, optionally of one category. */
export async function listFeedArticles(db: DB, options: { categoryId?: number; tickerId?: number; limit?: number } = {}): Promise<FeedArticle[]> {
  let query = publishedArticles(db).select(ARTICLE_COLUMNS);
  const { categoryId, tickerId } = options;
  if (tickerId !== undefined) {
    query = query.where((eb) =>
      eb.exists(eb.selectFrom("article_tickers as at").select(sql`1`.as("one")).whereRef("at.article_id", "=", "a.id").where("at.ticker_id", "=", tickerId)),
    );
  }
  if (categoryId !== undefined) {
    query = query.where((eb) =>
      eb.exists(
        eb.selectFrom("article_categories as ac").select(sql`1`.as("one")).whereRef("ac.article_id", "=", "a.id").where("ac.category_id", "=", categoryId),
      ),
    );
  }
  const rows = await query
    .orderBy("a.published_at", "desc")
    .orderBy("a.id", "desc")
    .limit(options.limit ?? FEED_ITEMS)
    .execute();
  return withCategories(db, rows);
}

/**
 * A member's feed: the newest articles of the categories and tickers they watch or
 * follow, less any article also in a category or of a ticker they muted.
 */
export async function listPersonalFeedArticles(db: DB, userId: number, limit = FEED_ITEMS): Promise<FeedArticle[]> {
  // The rule /following uses (app/models/articles.server.ts), so the two never disagree.
  const sides = memberFollowSides({ userId, inLevels: FOLLOWING_PAGE_LEVELS, hideMuted: true }).map((condition) =>
    publishedArticles(db).select(ARTICLE_COLUMNS).where(condition).orderBy("a.published_at", "desc").orderBy("a.id", "desc").limit(limit),
  );
  const rows = await newestOfSides(db, sides, limit);
  return withCategories(db, rows);
}

/** When the member last changed what they follow (a new follow can bring older articles in). */
export async function followsChangedAt(db: DB, userId: number): Promise<Date | null> {
  const row = await db
    .selectFrom("category_follows")
    .select(sql<Date | null>`max(greatest(created_at, updated_at))`.as("at"))
    .where("user_id", "=", userId)
    .executeTakeFirst();
  return row?.at ?? null;
}

/** A published article by slug, for its comments feed. */
export async function getFeedArticle(db: DB, slug: string): Promise<FeedArticle | null> {
  if (!SLUG_PATTERN.test(slug)) return null;
  const row = await publishedArticles(db).select(ARTICLE_COLUMNS).where("a.slug", "=", slug).executeTakeFirst();
  return row ? ((await withCategories(db, [row]))[0] ?? null) : null;
}

/**
 * An article's newest comments that every reader sees: approved and not hidden by
 * reports. Held, spam and trashed ones never; the author's email is not selected.
 */
export async function listFeedComments(db: DB, articleId: number, limit = FEED_ITEMS): Promise<FeedComment[]> {
  const rows = await db
    .selectFrom("comments")
    .select(["id", "author_name", "body_html", "created_at", "updated_at"])
    .where("article_id", "=", articleId)
    .where("status", "=", "approved")
    .where("hidden_at", "is", null)
    .orderBy("created_at", "desc")
    .orderBy("id", "desc")
    .limit(limit)
    .execute();
  return rows.map((r) => ({ id: r.id, authorName: r.author_name, bodyHtml: r.body_html, createdAt: r.created_at, updatedAt: r.updated_at }));
}

// --- the personal feed's secret -------------------------------------------------

/** 32 random bytes, URL-safe: unguessable, so the URL alone is the key. */
function newFeedToken(): string {
  return randomBytes(32).toString("base64url");
}

/** Tokens are what newFeedToken makes: anything else cannot match (and is not looked up). */
const TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;

/** The member's feed token, made on first use. */
export async function ensureFeedToken(db: DB, userId: number): Promise<string> {
  const made = await db
    .updateTable("users")
    .set({ feed_token: newFeedToken() })
    .where("id", "=", userId)
    .where("feed_token", "is", null)
    .returning("feed_token")
    .executeTakeFirst();
  if (made?.feed_token) return made.feed_token;
  const row = await db.selectFrom("users").select("feed_token").where("id", "=", userId).executeTakeFirstOrThrow();
  return row.feed_token!;
}

/** A new token: the old URL stops working at once. */
export async function resetFeedToken(db: DB, userId: number): Promise<string> {
  const row = await db
    .updateTable("users")
    .set({ feed_token: newFeedToken() })
    .where("id", "=", userId)
    .where("deleted_at", "is", null)
    .returning("feed_token")
    .executeTakeFirstOrThrow();
  return row.feed_token!;
}

/** Whose personal feed this token opens (a live account), or null. */
export async function findFeedOwner(db: DB, token: string): Promise<{ userId: number; displayName: string } | null> {
  if (!TOKEN_PATTERN.test(token)) return null;
  const row = await db
    .selectFrom("users")
    .select(["id", "display_name"])
    .where("feed_token", "=", token)
    .where("deleted_at", "is", null)
    .executeTakeFirst();
  return row ? { userId: row.id, displayName: row.display_name } : null;
}
