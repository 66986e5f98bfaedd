import { sql } from "kysely";
import { parseInstantCursor } from "../lib/params";
import type { DB } from "../../db/connection";
import { categoriesOfArticles, type CategoryLink } from "./categories.server";
import { markdownToText, renderArticleMarkdown } from "../lib/markdown.server";

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

function publishedArticles(db: DB) {
  return db
    .selectFrom("articles as a")
    .where("a.published_at", "is not", null)
    .where("a.published_at", "<=", sql<Date>`now()`);
}

/** Published articles, newest first, optionally of one category. */
export async function listPublishedArticles(
  db: DB,
  options: { cursor?: string | null; categoryId?: number; limit?: number } = {},
): Promise<ArticlePage> {
  const limit = options.limit ?? ARTICLES_PER_PAGE;
  const after = parseArticleCursor(options.cursor ?? null);
  let query = publishedArticles(db).select([
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
  if (after) {
    query = query.where(sql<boolean>`(a.published_at, a.id) < (${after.publishedAt}, ${after.id})`);
  }
  const rows = await query
    .orderBy("a.published_at", "desc")
    .orderBy("a.id", "desc")
    .limit(limit + 1)
    .execute();
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

/** Slugs are lower-case words joined by hyphens (a check in the schema too). */
export const SLUG_PATTERN = /^[a-z0-9]+(-[a-z0-9]+)*$/;

export async function getPublishedArticle(db: DB, slug: string): Promise<ArticleDetail | null> {
  if (!SLUG_PATTERN.test(slug)) return null;
  const row = await publishedArticles(db)
    .select([
      "a.id",
      "a.slug",
      "a.title",
      "a.excerpt",
      "a.byline",
      "a.published_at",
      "a.highlights",
      "a.body_html",
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
  publishedAt: Date | null;
  categorySlugs: string[];
}

/**
 * Create or update an article by slug (editors' tooling and the seed). The body is
 * rendered and sanitized here, once, so readers never pay for it.
 */
export async function saveArticle(db: DB, input: ArticleInput): Promise<{ id: number; created: boolean }> {
  const bodyHtml = renderArticleMarkdown(input.bodyMarkdown);
  const plain = markdownToText(input.bodyMarkdown);
  const excerpt = plain.length > 280 ? `${plain.slice(0, 277).replace(/\s+\S*$/, "")}…` : plain;
  return db.transaction().execute(async (trx) => {
    const existing = await trx.selectFrom("articles").select("id").where("slug", "=", input.slug).forUpdate().executeTakeFirst();
    const values = {
      title: input.title,
      highlights: input.highlights,
      body_markdown: input.bodyMarkdown,
      body_html: bodyHtml,
      excerpt,
      byline: input.byline,
      published_at: input.publishedAt,
    };
    const id = existing
      ? (await trx.updateTable("articles").set({ ...values, updated_at: new Date() }).where("id", "=", existing.id).returning("id").executeTakeFirstOrThrow()).id
      : (await trx.insertInto("articles").values({ slug: input.slug, ...values }).returning("id").executeTakeFirstOrThrow()).id;
    const categoryIds = input.categorySlugs.length
      ? await trx.selectFrom("categories").select("id").where("slug", "in", input.categorySlugs).execute()
      : [];
    if (categoryIds.length !== input.categorySlugs.length) {
      throw new Error(`Unknown category among: ${input.categorySlugs.join(", ")}`);
    }
    await trx.deleteFrom("article_categories").where("article_id", "=", id).execute();
    if (categoryIds.length) {
      await trx.insertInto("article_categories").values(categoryIds.map((c) => ({ article_id: id, category_id: c.id }))).execute();
    }
    return { id, created: !existing };
  });
}
