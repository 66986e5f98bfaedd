import { sql, type RawBuilder, type SelectQueryBuilder } from "kysely";
import { parseInstantCursor } from "../lib/params";
import type { DB } from "../../db/connection";
import type { Database, FollowLevel } from "../../db/schema";
import { categoriesOfArticles, type CategoryLink } from "./categories.server";
import { SYSTEM_ACTOR, type Actor } from "./moderation-log.server";
import { saveEditedArticle } from "./publishing.server";
import { SLUG_PATTERN } from "../lib/slugs";

export { SLUG_PATTERN };

export interface ArticleSummary {
  id: number;
  slug: string;
  title: string;
  excerpt: string;
  byline: string;
  publishedAt: string;
  categories: CategoryLink[];
  approvedCommentCount: number;
}

export interface ArticleDetail extends ArticleSummary {
  highlights: string[];
  bodyHtml: string;
  updatedAt: string;
}

export interface ArticlePage {
  articles: ArticleSummary[];
  /** Cursor for the next (older) page, or null on the last page. */
  nextCursor: string | null;
}

export const ARTICLES_PER_PAGE = 20;

/** Cursor of the form `2025-06-01T10:00:00.000Z~42`: keyset pagination, newest first. */
export function parseArticleCursor(cursor: string | null): { publishedAt: Date; id: number } | null {
  const parsed = parseInstantCursor(cursor);
  return parsed ? { publishedAt: new Date(parsed.at), id: parsed.id } : null;
}

const approvedCount = (articleId: "a.id") =>
  sql<number>`(select count(*) from comments c where c.article_id = ${sql.ref(articleId)} and c.status = 'approved')`;

/**
 * What readers see: published_at set and not in the future. A scheduled article
 * appears at its time with nobody acting. `now` is the clock (tests set it).
 */
function publishedArticles(db: DB, now?: Date) {
  return db
    .selectFrom("articles as a")
    .where("a.published_at", "is not", null)
    .where("a.published_at", "<=", now ?? sql<Date>`now()`);
}

/** Which articles a member's own lists keep, by their follows (app/models/follows.server.ts). */
export interface MemberArticleFilter {
  userId: number;
  /** Keep only articles in a category (or of a ticker) the member has at one of these levels. */
  inLevels?: readonly FollowLevel[];
  /** Leave out articles in a category (or of a ticker) the member muted. */
  hideMuted?: boolean;
}

/**
 * The one rule for which of `articles as a` a member's own lists keep by their follows
 * (the home page, /following, the personal feed), as sides: an article is kept when one
 * side holds for it. A ticker the article is tagged with counts as one of its categories
 * (the same levels). With levels there are two sides, the categories' and the tickers';
 * a statement runs each as its own walk and takes the newest of their union
 * (`newestOfSides`). One condition `exists … or exists …` cannot become a join, so
 * PostgreSQL hashed each side whole (a sequential scan of article_categories per page);
 * a side alone is a plain semi-join, as before tickers: per article of a walk down
 * articles_published_idx, primary-key probes (its categories, the member's follows),
 * or, for a few follows, a drive from the follows' index. Muted ones are two anti-joins.
 */
export function memberFollowSides(member: MemberArticleFilter): RawBuilder<boolean>[] {
  const levelList = (levels: readonly FollowLevel[]) => sql.join(levels.map((l) => sql.lit(l)));
  const inCategories = (levels: readonly FollowLevel[]) =>
    sql<boolean>`exists (select 1 from article_categories ac join category_follows cf on cf.category_id = ac.category_id
      where ac.article_id = a.id and cf.user_id = ${member.userId} and cf.level in (${levelList(levels)}))`;
  const ofTickers = (levels: readonly FollowLevel[]) =>
    sql<boolean>`exists (select 1 from article_tickers at join ticker_follows tf on tf.ticker_id = at.ticker_id
      where at.article_id = a.id and tf.user_id = ${member.userId} and tf.level in (${levelList(levels)}))`;
  const notMuted = member.hideMuted ? [sql<boolean>`not ${inCategories(["muted"])}`, sql<boolean>`not ${ofTickers(["muted"])}`] : [];
  const sides = member.inLevels?.length ? [inCategories(member.inLevels), ofTickers(member.inLevels)] : [];
  if (!sides.length) return [notMuted.length ? sql<boolean>`(${sql.join(notMuted, sql` and `)})` : sql<boolean>`true`];
  return sides.map((side) => sql<boolean>`(${sql.join([side, ...notMuted], sql` and `)})`);
}

type ArticlesAsA = Database & { a: Database["articles"] };

/**
 * The newest `limit` rows of the union of one query per side (each already ordered
 * newest first and limited), in the same order; a single side is run as it is.
 * `union`, not `union all`: an article both in a followed category and of a followed ticker comes once.
 */

export async function newestOfSides<Row extends { id: number; published_at: Date | null }>(
  db: DB,
  sides: SelectQueryBuilder<ArticlesAsA, "a", Row>[],
  limit: number,
): Promise<Row[]> {
  const [first, ...rest] = sides;
  if (!first) return [];
  if (!rest.length) return (await first.execute()) as Row[];
  // Each side sits in its own derived table: its order and limit stay its own.
  const wrap = (side: SelectQueryBuilder<ArticlesAsA, "a", Row>) => db.selectFrom(side.as("side")).selectAll();
  const union = rest.reduce((all, side) => all.union(wrap(side)), wrap(first));
  const rows = await db
    .selectFrom(union.as("a"))
    .selectAll()
    .orderBy(sql`a.published_at desc, a.id desc`)
    .limit(limit)
    .execute();
  return rows as Row[];
}

/** Published articles, newest first, optionally of one category, or of a member's follows. */
export async function listPublishedArticles(
  db: DB,
  options: { cursor?: string | null; categoryId?: number; limit?: number; now?: Date; member?: MemberArticleFilter } = {},
): Promise<ArticlePage> {
  const limit = options.limit ?? ARTICLES_PER_PAGE;
  const after = parseArticleCursor(options.cursor ?? null);
  const side = (condition: RawBuilder<boolean> | null) => {
    let query = publishedArticles(db, options.now).select([
      "a.id",
      "a.slug",
      "a.title",
      "a.excerpt",
      "a.byline",
      "a.published_at",
      approvedCount("a.id").as("approved_comment_count"),
    ]);
    if (options.categoryId !== undefined) {
      const categoryId = options.categoryId;
      query = query.where((eb) =>
        eb.exists(
          eb
            .selectFrom("article_categories as ac")
            .select(sql`1`.as("one"))
            .whereRef("ac.article_id", "=", "a.id")
            .where("ac.category_id", "=", categoryId),
        ),
      );
    }
    if (condition) query = query.where(condition);
    if (after) {
      query = query.where(sql<boolean>`(a.published_at, a.id) < (${after.publishedAt}, ${after.id})`);
    }
    return query.orderBy("a.published_at", "desc").orderBy("a.id", "desc").limit(limit + 1);
  };
  const rows = await newestOfSides(db, options.member ? memberFollowSides(options.member).map(side) : [side(null)], limit + 1);
  const page = rows.slice(0, limit);
  const categories = await categoriesOfArticles(db, page.map((row) => row.id));
  const last = page[page.length - 1];
  return {
    articles: page.map((row) => ({
      id: row.id,
      slug: row.slug,
      title: row.title,
      excerpt: row.excerpt,
      byline: row.byline,
      publishedAt: (row.published_at as Date).toISOString(),
      categories: categories.get(row.id) ?? [],
      approvedCommentCount: Number(row.approved_comment_count),
    })),
    nextCursor: rows.length > limit && last ? `${(last.published_at as Date).toISOString()}~${last.id}` : null,
  };
}

export async function getPublishedArticle(db: DB, slug: string, now?: Date): Promise<ArticleDetail | null> {
  if (!SLUG_PATTERN.test(slug)) return null;
  const row = await publishedArticles(db, now)
    .select([
      "a.id",
      "a.slug",
      "a.title",
      "a.excerpt",
      "a.byline",
      "a.published_at",
      "a.highlights",
      "a.body_html",
      "a.updated_at",
      approvedCount("a.id").as("approved_comment_count"),
    ])
    .where("a.slug", "=", slug)
    .executeTakeFirst();
  if (!row) return null;
  const categories = await categoriesOfArticles(db, [row.id]);
  return {
    id: row.id,
    slug: row.slug,
    title: row.title,
    excerpt: row.excerpt,
    byline: row.byline,
    publishedAt: (row.published_at as Date).toISOString(),
    highlights: row.highlights,
    bodyHtml: row.body_html,
    updatedAt: row.updated_at.toISOString(),
    categories: categories.get(row.id) ?? [],
    approvedCommentCount: Number(row.approved_comment_count),
  };
}

export interface ArticleInput {
  slug: string;
  title: string;
  highlights: string[];
  bodyMarkdown: string;
  byline: string;
  /** Null: a draft (or, for an existing article, its publication as it is). */
  publishedAt: Date | null;
  categorySlugs: string[];
  /** Tickers to tag it with; undefined leaves its tags as they are. */
  tickerIds?: number[];
}

/**
 * Create or update an article by slug (the demo seed and test fixtures), through
 * the editors' save: a revision each time, the body rendered and sanitized once.
 * Not in the moderation log: the log is for what people (and imports) did.
 */
export async function saveArticle(db: DB, input: ArticleInput, actor: Actor = SYSTEM_ACTOR): Promise<{ id: number; created: boolean }> {
  const existing = await db.selectFrom("articles").select(["id", "version"]).where("slug", "=", input.slug).executeTakeFirst();
  const categories = input.categorySlugs.length
    ? await db.selectFrom("categories").select("id").where("slug", "in", input.categorySlugs).execute()
    : [];
  if (categories.length !== new Set(input.categorySlugs).size) {
    throw new Error(`Unknown category among: ${input.categorySlugs.join(", ")}`);
  }
  const result = await saveEditedArticle(db, {
    articleId: existing?.id ?? null,
    expectedVersion: existing?.version ?? 0,
    actor,
    fields: {
      title: input.title,
      slug: input.slug,
      byline: input.byline,
      highlights: input.highlights,
      bodyMarkdown: input.bodyMarkdown,
      excerpt: "",
      categoryIds: categories.map((c) => c.id),
      newCategoryNames: [],
      commentsOpen: true,
      tickerIds: input.tickerIds,
    },
    publish: input.publishedAt ? { mode: "publish", at: input.publishedAt } : { mode: "keep" },
    logPublication: false,
  });
  if (!result.ok) throw new Error(`Could not save article ${input.slug}: ${result.error}`);
  return { id: result.id, created: !existing };
}

/** Every published article's slug and last change, newest first (a sitemap holds 50,000 at most). */
export async function listSitemapArticles(db: DB, now?: Date): Promise<{ slug: string; lastModified: string }[]> {
  const rows = await publishedArticles(db, now)
    .select(["a.slug", "a.updated_at"])
    .orderBy("a.published_at", "desc")
    .orderBy("a.id", "desc")
    .limit(49_000)
    .execute();
  return rows.map((r) => ({ slug: r.slug, lastModified: r.updated_at.toISOString() }));
}
