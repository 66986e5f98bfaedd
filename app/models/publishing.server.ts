// The editors' side of articles: write, save (every save a revision, checked
// against the version the editor started from), publish now or at a time,
// unpublish and publish again, restore a revision. An article is visible to
// readers exactly when published_at is set and not in the future (a rule at
// query time, see articles.server.ts), so a scheduled article appears at its
// time with nobody acting; the job queue only tells followers (announceDueArticles).
import { sql } from "kysely";
import type { DB } from "../../db/connection";
import type { RevisionKind } from "../../db/schema";
import { markdownToText, renderArticleMarkdown } from "../lib/markdown.server";
import { cashtagMentions } from "./tickers.server";
import { SLUG_PATTERN, slugify } from "../lib/slugs";
import { categoriesOfArticles, type CategoryLink } from "./categories.server";
import { logAction, type Actor } from "./moderation-log.server";

import { ARTICLE_STATUSES, type ArticleStatus } from "../lib/article-status";

export { ARTICLE_STATUSES, type ArticleStatus };

export function articleStatus(
  row: { published_at: Date | null; first_published_at: Date | null },
  now: Date = new Date(),
): ArticleStatus {
  if (row.published_at) return row.published_at.getTime() > now.getTime() ? "scheduled" : "published";
  return row.first_published_at ? "unpublished" : "draft";
}

/** The excerpt when the editor gives none: the body's first 280 characters of plain text. */
export function deriveExcerpt(markdown: string): string {
  const plain = markdownToText(markdown);
  return plain.length > 280 ? `${plain.slice(0, 277).replace(/\s+\S*$/, "")}…` : plain;
}

export interface ArticleFields {
  title: string;
  /** "" to make one from the title (or keep the current one once published). */
  slug: string;
  byline: string;
  highlights: string[];
  bodyMarkdown: string;
  /** "" to derive it from the body. */
  excerpt: string;
  categoryIds: number[];
  /** Categories to create (or reuse, by slug) and attach. */
  newCategoryNames: string[];
  commentsOpen: boolean;
  /** The tickers the article is tagged with; undefined leaves the tags as they are. */
  tickerIds?: number[];
}

/** What the save does to publication: keep the state (a new time reschedules), or publish now / at `at`. */
export type PublishIntent = { mode: "keep"; at?: Date | null } | { mode: "publish"; at?: Date | null };

export type SaveError =
  | { ok: false; error: "invalid"; errors: Partial<Record<"slug" | "title" | "categoryIds" | "newCategories", string>> }
  | { ok: false; error: "conflict"; current: { version: number; savedBy: string; savedAt: string } }
  | { ok: false; error: "not-found" };

export type SaveResult = { ok: true; id: number; version: number; slug: string; status: ArticleStatus } | SaveError;

export interface SaveInput {
  /** Null: a new article. */
  articleId: number | null;
  /** The version the editor's form was loaded at (0 for a new article). */
  expectedVersion: number;
  actor: Actor;
  fields: ArticleFields;
  publish: PublishIntent;
  kind?: RevisionKind;
  restoredFrom?: number | null;
  now?: Date;
  /** False only for the demo seed and test fixtures: their publications are not people's actions. */
  logPublication?: boolean;
}

type Trx = DB;

const SLUG_TAKEN = "Another article already uses this slug (now or as an old address). Choose another.";

async function slugTakenByOther(trx: Trx, slug: string, articleId: number | null): Promise<boolean> {
  const current = await trx.selectFrom("articles").select("id").where("slug", "=", slug).executeTakeFirst();
  if (current && current.id !== articleId) return true;
  const old = await trx.selectFrom("article_slug_redirects").select("article_id").where("slug", "=", slug).executeTakeFirst();
  return Boolean(old && old.article_id !== articleId);
}

/** The chosen categories plus new ones by name (an existing slug is reused); null when a chosen one is gone. */
async function resolveCategories(trx: Trx, ids: number[], newNames: string[]): Promise<number[] | null> {
  const unique = [...new Set(ids)];
  const found = unique.length ? await trx.selectFrom("categories").select("id").where("id", "in", unique).execute() : [];
  if (found.length !== unique.length) return null;
  const result = new Set(unique);
  for (const name of newNames) {
    const slug = slugify(name);
    if (!slug) continue;
    const row = await trx
      .insertInto("categories")
      .values({ slug, name, description: "" })
      .onConflict((oc) => oc.column("slug").doUpdateSet({ slug }))
      .returning("id")
      .executeTakeFirstOrThrow();
    result.add(row.id);
  }
  return [...result];
}

async function writeRevision(
  trx: Trx,
  articleId: number,
  actor: Actor,
  kind: RevisionKind,
  restoredFrom: number | null,
): Promise<void> {
  const article = await trx.selectFrom("articles").selectAll().where("id", "=", articleId).executeTakeFirstOrThrow();
  const categories = await categoriesOfArticles(trx, [articleId]);
  await trx
    .insertInto("article_revisions")
    .values({
      article_id: articleId,
      version: article.version,
      author_id: actor.id,
      author_name: actor.name,
      kind,
      restored_from: restoredFrom,
      title: article.title,
      slug: article.slug,
      byline: article.byline,
      highlights: article.highlights,
      body_markdown: article.body_markdown,
      excerpt: article.excerpt,
      excerpt_is_custom: article.excerpt_is_custom,
      category_slugs: (categories.get(articleId) ?? []).map((c) => c.slug),
      published_at: article.published_at,
      comments_open: article.comments_open,
    })
    .execute();
}

/** The latest revision's author and time, for "someone else saved meanwhile". */
async function lastSave(trx: Trx, articleId: number, version: number) {
  const row = await trx
    .selectFrom("article_revisions")
    .select(["author_name", "created_at"])
    .where("article_id", "=", articleId)
    .orderBy("version", "desc")
    .limit(1)
    .executeTakeFirst();
  return { version, savedBy: row?.author_name ?? "someone", savedAt: (row?.created_at ?? new Date()).toISOString() };
}

/**
 * The article locked for a change (FOR UPDATE), or why it may not change: it is
 * gone, or someone saved it since the editor's form was read (its version moved on).
 */
async function lockForChange(trx: Trx, articleId: number, expectedVersion: number) {
  const article = await trx.selectFrom("articles").selectAll().where("id", "=", articleId).forUpdate().executeTakeFirst();
  if (!article) return { ok: false, error: "not-found" } as const;
  if (article.version !== expectedVersion) return { ok: false, error: "conflict", current: await lastSave(trx, article.id, article.version) } as const;
  return { ok: true, article } as const;
}

/**
 * Create or update an article from the editor (or an import), in one transaction:
 * the version check, the slug rules, categories, a revision, and a log entry when
 * it publishes. A second editor saving from an older version is refused and told.
 */
export async function saveEditedArticle(db: DB, input: SaveInput): Promise<SaveResult> {
  const now = input.now ?? new Date();
  const f = input.fields;
  // Cashtags of known tickers become links, once, at save time.
  const mentions = await cashtagMentions(db, f.bodyMarkdown);
  const bodyHtml = renderArticleMarkdown(f.bodyMarkdown, { cashtagHref: mentions.hrefFor });
  const excerpt = f.excerpt.trim() || deriveExcerpt(f.bodyMarkdown);
  // Runs inside a caller's transaction (a restore, an import) or in its own.
  const inTransaction = <T,>(fn: (trx: DB) => Promise<T>): Promise<T> => (db.isTransaction ? fn(db) : db.transaction().execute(fn));
  return inTransaction(async (trx): Promise<SaveResult> => {
    let existing = null;
    if (input.articleId) {
      const locked = await lockForChange(trx, input.articleId, input.expectedVersion);
      if (!locked.ok) return locked;
      existing = locked.article;
    }

    // The slug: as typed; else the current one once the article was ever public; else from the title.
    const slug = f.slug || (existing?.first_published_at ? existing.slug : slugify(f.title)) || existing?.slug || "";
    if (!SLUG_PATTERN.test(slug)) {
      return { ok: false, error: "invalid", errors: { slug: "This title makes no slug: type one (lower-case letters, digits, hyphens)." } };
    }
    if (await slugTakenByOther(trx, slug, existing?.id ?? null)) return { ok: false, error: "invalid", errors: { slug: SLUG_TAKEN } };
    const categoryIds = await resolveCategories(trx, f.categoryIds, f.newCategoryNames);
    if (!categoryIds) return { ok: false, error: "invalid", errors: { categoryIds: "One of the chosen categories no longer exists. Choose again." } };

    // Publication.
    const before = existing ? articleStatus(existing, now) : "draft";
    let publishedAt = existing?.published_at ?? null;
    let firstPublishedAt = existing?.first_published_at ?? null;
    let withdrawn = existing?.withdrawn_published_at ?? null;
    let logged: "publish" | "schedule" | null = null;
    if (input.publish.mode === "publish") {
      publishedAt = input.publish.at ?? (before === "published" ? publishedAt : now);
      firstPublishedAt ??= publishedAt;
      withdrawn = null;
      if (before !== "published" || publishedAt!.getTime() !== existing?.published_at?.getTime()) {
        logged = publishedAt!.getTime() > now.getTime() ? "schedule" : "publish";
      }
    } else if (input.publish.at && (before === "published" || before === "scheduled")) {
      if (input.publish.at.getTime() !== publishedAt?.getTime()) {
        publishedAt = input.publish.at;
        logged = publishedAt.getTime() > now.getTime() ? "schedule" : "publish";
      }
    }

    const values = {
      slug,
      title: f.title,
      highlights: f.highlights,
      body_markdown: f.bodyMarkdown,
      body_html: bodyHtml,
      excerpt,
      excerpt_is_custom: f.excerpt.trim() !== "",
      byline: f.byline,
      comments_open: f.commentsOpen,
      published_at: publishedAt,
      first_published_at: firstPublishedAt,
      withdrawn_published_at: withdrawn,
      updated_by: input.actor.id,
      updated_at: now,
    };
    let id: number;
    let version: number;
    if (existing) {
      const row = await trx
        .updateTable("articles")
        .set({ ...values, version: sql<number>`version + 1` })
        .where("id", "=", existing.id)
        .returning(["id", "version"])
        .executeTakeFirstOrThrow();
      ({ id, version } = row);
      // An address readers may have seen keeps working: 301 to the new one.
      if (existing.slug !== slug) {
        await trx.deleteFrom("article_slug_redirects").where("slug", "=", slug).execute();
        if (existing.first_published_at) {
          await trx
            .insertInto("article_slug_redirects")
            .values({ slug: existing.slug, article_id: id })
            .onConflict((oc) => oc.column("slug").doUpdateSet({ article_id: id }))
            .execute();
        }
      }
    } else {
      const row = await trx
        .insertInto("articles")
        .values({ ...values, created_at: now, version: 1 })
        .returning(["id", "version"])
        .executeTakeFirstOrThrow();
      ({ id, version } = row);
    }
    await trx.deleteFrom("article_categories").where("article_id", "=", id).execute();
    if (categoryIds.length) {
      await trx.insertInto("article_categories").values(categoryIds.map((c) => ({ article_id: id, category_id: c }))).execute();
    }
    if (f.tickerIds !== undefined) {
      await trx.deleteFrom("article_tickers").where("article_id", "=", id).execute();
      const tickerIds = [...new Set(f.tickerIds)];
      if (tickerIds.length) {
        // Only tickers that still exist: one removed meanwhile is simply not tagged.
        await trx
          .insertInto("article_tickers")
          .columns(["article_id", "ticker_id"])
          .expression((eb) => eb.selectFrom("tickers").select([sql<number>`${id}::int`.as("article_id"), "id as ticker_id"]).where("id", "in", tickerIds))
          .execute();
      }
    }
    const kind = input.kind ?? (logged ? "publish" : "save");
    await writeRevision(trx, id, input.actor, kind, input.restoredFrom ?? null);
    if (logged && input.logPublication !== false) {
      await logAction(trx, {
        actor: input.actor,
        action: logged,
        articleId: id,
        details: { version, publishedAt: publishedAt!.toISOString() },
      });
    }
    return { ok: true, id, version, slug, status: articleStatus({ published_at: publishedAt, first_published_at: firstPublishedAt }, now) };
  });
}

export type StateChangeResult =
  | { ok: true; version: number; status: ArticleStatus }
  | { ok: false; error: "not-found" | "not-applicable" }
  | { ok: false; error: "conflict"; current: { version: number; savedBy: string; savedAt: string } };

/** Hide an article and its thread from readers and feeds; both are kept. */
export async function unpublishArticle(
  db: DB,
  input: { articleId: number; expectedVersion: number; actor: Actor; reason?: string; now?: Date },
): Promise<StateChangeResult> {
  const now = input.now ?? new Date();
  return db.transaction().execute(async (trx): Promise<StateChangeResult> => {
    const locked = await lockForChange(trx, input.articleId, input.expectedVersion);
    if (!locked.ok) return locked;
    const a = locked.article;
    if (!a.published_at) return { ok: false, error: "not-applicable" };
    const row = await trx
      .updateTable("articles")
      .set({
        published_at: null,
        withdrawn_published_at: a.published_at,
        first_published_at: a.first_published_at ?? a.published_at,
        version: sql<number>`version + 1`,
        updated_at: now,
        updated_by: input.actor.id,
      })
      .where("id", "=", a.id)
      .returning("version")
      .executeTakeFirstOrThrow();
    await writeRevision(trx, a.id, input.actor, "unpublish", null);
    await logAction(trx, { actor: input.actor, action: "unpublish", articleId: a.id, reason: input.reason ?? "", details: { version: row.version } });
    return { ok: true, version: row.version, status: "unpublished" };
  });
}

/** Publish an unpublished article again, at the time it had (its thread comes back with it). */
export async function republishArticle(
  db: DB,
  input: { articleId: number; expectedVersion: number; actor: Actor; now?: Date },
): Promise<StateChangeResult> {
  const now = input.now ?? new Date();
  return db.transaction().execute(async (trx): Promise<StateChangeResult> => {
    const locked = await lockForChange(trx, input.articleId, input.expectedVersion);
    if (!locked.ok) return locked;
    const a = locked.article;
    if (articleStatus(a, now) !== "unpublished") return { ok: false, error: "not-applicable" };
    const publishedAt = a.withdrawn_published_at ?? now;
    const row = await trx
      .updateTable("articles")
      .set({ published_at: publishedAt, withdrawn_published_at: null, version: sql<number>`version + 1`, updated_at: now, updated_by: input.actor.id })
      .where("id", "=", a.id)
      .returning("version")
      .executeTakeFirstOrThrow();
    await writeRevision(trx, a.id, input.actor, "publish", null);
    await logAction(trx, { actor: input.actor, action: "publish", articleId: a.id, details: { version: row.version, publishedAt: publishedAt.toISOString() } });
    return { ok: true, version: row.version, status: articleStatus({ published_at: publishedAt, first_published_at: a.first_published_at }, now) };
  });
}

// --- revisions -----------------------------------------------------------------

export interface RevisionSummary {
  version: number;
  createdAt: string;
  authorName: string;
  kind: RevisionKind;
  restoredFrom: number | null;
  title: string;
}

export interface RevisionDetail extends RevisionSummary {
  slug: string;
  byline: string;
  highlights: string[];
  bodyMarkdown: string;
  excerpt: string;
  excerptIsCustom: boolean;
  categorySlugs: string[];
  publishedAt: string | null;
  commentsOpen: boolean;
}

export async function listRevisions(db: DB, articleId: number): Promise<RevisionSummary[]> {
  const rows = await db
    .selectFrom("article_revisions")
    .select(["version", "created_at", "author_name", "kind", "restored_from", "title"])
    .where("article_id", "=", articleId)
    .orderBy("version", "desc")
    .limit(500)
    .execute();
  return rows.map((r) => ({
    version: r.version,
    createdAt: r.created_at.toISOString(),
    authorName: r.author_name,
    kind: r.kind,
    restoredFrom: r.restored_from,
    title: r.title,
  }));
}

export async function getRevision(db: DB, articleId: number, version: number): Promise<RevisionDetail | null> {
  const r = await db
    .selectFrom("article_revisions")
    .selectAll()
    .where("article_id", "=", articleId)
    .where("version", "=", version)
    .executeTakeFirst();
  if (!r) return null;
  return {
    version: r.version,
    createdAt: r.created_at.toISOString(),
    authorName: r.author_name,
    kind: r.kind,
    restoredFrom: r.restored_from,
    title: r.title,
    slug: r.slug,
    byline: r.byline,
    highlights: r.highlights,
    bodyMarkdown: r.body_markdown,
    excerpt: r.excerpt,
    excerptIsCustom: r.excerpt_is_custom,
    categorySlugs: r.category_slugs,
    publishedAt: r.published_at?.toISOString() ?? null,
    commentsOpen: r.comments_open,
  };
}

/**
 * Bring back a revision's text and fields as a new revision. The slug and the
 * publication state stay as they are now: restoring words never moves or hides a page.
 */
export async function restoreRevision(
  db: DB,
  input: { articleId: number; version: number; expectedVersion: number; actor: Actor; now?: Date },
): Promise<SaveResult> {
  const revision = await getRevision(db, input.articleId, input.version);
  if (!revision) return { ok: false, error: "not-found" };
  const categories = revision.categorySlugs.length
    ? await db.selectFrom("categories").select("id").where("slug", "in", revision.categorySlugs).execute()
    : [];
  const current = await db.selectFrom("articles").select("slug").where("id", "=", input.articleId).executeTakeFirst();
  if (!current) return { ok: false, error: "not-found" };
  return db.transaction().execute(async (trx) => {
    const saved = await saveEditedArticle(trx, {
      articleId: input.articleId,
      expectedVersion: input.expectedVersion,
      actor: input.actor,
      kind: "restore",
      restoredFrom: revision.version,
      now: input.now,
      fields: {
        title: revision.title,
        slug: current.slug,
        byline: revision.byline,
        highlights: revision.highlights,
        bodyMarkdown: revision.bodyMarkdown,
        excerpt: revision.excerptIsCustom ? revision.excerpt : "",
        categoryIds: categories.map((c) => c.id),
        newCategoryNames: [],
        commentsOpen: revision.commentsOpen,
      },
      publish: { mode: "keep" },
    });
    if (saved.ok) {
      await logAction(trx, {
        actor: input.actor,
        action: "restore-revision",
        articleId: input.articleId,
        details: { restoredVersion: revision.version, version: saved.version },
      });
    }
    return saved;
  });
}

// --- reading for editors -------------------------------------------------------

export interface EditorArticle {
  id: number;
  version: number;
  title: string;
  slug: string;
  byline: string;
  highlights: string[];
  bodyMarkdown: string;
  bodyHtml: string;
  excerpt: string;
  excerptIsCustom: boolean;
  categoryIds: number[];
  categories: CategoryLink[];
  tickerIds: number[];
  publishedAt: string | null;
  withdrawnPublishedAt: string | null;
  firstPublishedAt: string | null;
  commentsOpen: boolean;
  status: ArticleStatus;
  updatedAt: string;
}

export async function getArticleForEditing(db: DB, articleId: number, now: Date = new Date()): Promise<EditorArticle | null> {
  const a = await db.selectFrom("articles").selectAll().where("id", "=", articleId).executeTakeFirst();
  if (!a) return null;
  const cats = await db
    .selectFrom("article_categories as ac")
    .innerJoin("categories as c", "c.id", "ac.category_id")
    .select(["c.id", "c.slug", "c.name"])
    .where("ac.article_id", "=", articleId)
    .orderBy("c.name")
    .execute();
  const tags = await db.selectFrom("article_tickers").select("ticker_id").where("article_id", "=", articleId).execute();
  return {
    tickerIds: tags.map((t) => t.ticker_id),
    id: a.id,
    version: a.version,
    title: a.title,
    slug: a.slug,
    byline: a.byline,
    highlights: a.highlights,
    bodyMarkdown: a.body_markdown,
    bodyHtml: a.body_html,
    excerpt: a.excerpt,
    excerptIsCustom: a.excerpt_is_custom,
    categoryIds: cats.map((c) => c.id),
    categories: cats.map((c) => ({ slug: c.slug, name: c.name })),
    publishedAt: a.published_at?.toISOString() ?? null,
    withdrawnPublishedAt: a.withdrawn_published_at?.toISOString() ?? null,
    firstPublishedAt: a.first_published_at?.toISOString() ?? null,
    commentsOpen: a.comments_open,
    status: articleStatus(a, now),
    updatedAt: a.updated_at.toISOString(),
  };
}

export interface EditorListItem {
  id: number;
  title: string;
  slug: string;
  status: ArticleStatus;
  publishedAt: string | null;
  updatedAt: string;
  categories: CategoryLink[];
  approvedCount: number;
  pendingCount: number;
}

export const EDITOR_PAGE_SIZE = 25;

const CURSOR = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z)~(\d{1,10})$/;

/** Every article, most recently changed first, keyset by (updated_at, id); search by title, filter by status. */
export async function listEditorArticles(
  db: DB,
  options: { q?: string; status?: ArticleStatus | null; cursor?: string | null; now?: Date } = {},
): Promise<{ articles: EditorListItem[]; nextCursor: string | null; counts: Record<ArticleStatus, number> }> {
  const now = options.now ?? new Date();
  let query = db
    .selectFrom("articles as a")
    .select([
      "a.id",
      "a.title",
      "a.slug",
      "a.published_at",
      "a.first_published_at",
      "a.updated_at",
      sql<number>`(select count(*) from comments c where c.article_id = a.id and c.status = 'approved')`.as("approved"),
      sql<number>`(select count(*) from comments c where c.article_id = a.id and c.status = 'pending')`.as("pending"),
    ]);
  const q = options.q?.trim();
  if (q) query = query.where(sql<boolean>`a.title ilike ${`%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`}`);
  switch (options.status) {
    case "draft":
      query = query.where("a.published_at", "is", null).where("a.first_published_at", "is", null);
      break;
    case "unpublished":
      query = query.where("a.published_at", "is", null).where("a.first_published_at", "is not", null);
      break;
    case "scheduled":
      query = query.where("a.published_at", ">", now);
      break;
    case "published":
      query = query.where("a.published_at", "<=", now);
      break;
    default:
      break;
  }
  const match = options.cursor ? CURSOR.exec(options.cursor) : null;
  if (match) query = query.where(sql<boolean>`(a.updated_at, a.id) < (${new Date(match[1]!)}, ${Number(match[2])})`);
  const rows = await query.orderBy("a.updated_at", "desc").orderBy("a.id", "desc").limit(EDITOR_PAGE_SIZE + 1).execute();
  const page = rows.slice(0, EDITOR_PAGE_SIZE);
  const categories = await categoriesOfArticles(db, page.map((r) => r.id));
  const countRow = await db
    .selectFrom("articles")
    .select([
      sql<number>`count(*) filter (where published_at is null and first_published_at is null)`.as("draft"),
      sql<number>`count(*) filter (where published_at > ${now})`.as("scheduled"),
      sql<number>`count(*) filter (where published_at <= ${now})`.as("published"),
      sql<number>`count(*) filter (where published_at is null and first_published_at is not null)`.as("unpublished"),
    ])
    .executeTakeFirstOrThrow();
  const last = page[page.length - 1];
  return {
    articles: page.map((r) => ({
      id: r.id,
      title: r.title,
      slug: r.slug,
      status: articleStatus(r, now),
      publishedAt: r.published_at?.toISOString() ?? null,
      updatedAt: r.updated_at.toISOString(),
      categories: categories.get(r.id) ?? [],
      approvedCount: Number(r.approved),
      pendingCount: Number(r.pending),
    })),
    nextCursor: rows.length > EDITOR_PAGE_SIZE && last ? `${last.updated_at.toISOString()}~${last.id}` : null,
    counts: {
      draft: Number(countRow.draft),
      scheduled: Number(countRow.scheduled),
      published: Number(countRow.published),
      unpublished: Number(countRow.unpublished),
    },
  };
}

/** Where an old article slug lives now, when that article is visible to readers. */
export async function findArticleRedirect(db: DB, slug: string, now: Date = new Date()): Promise<string | null> {
  if (!SLUG_PATTERN.test(slug)) return null;
  const row = await db
    .selectFrom("article_slug_redirects as r")
    .innerJoin("articles as a", "a.id", "r.article_id")
    .select("a.slug")
    .where("r.slug", "=", slug)
    .where("a.published_at", "<=", now)
    .executeTakeFirst();
  return row?.slug ?? null;
}

// --- notifications ---------------------------------------------------------------

/**
 * Mark the articles that have become visible since the last run as announced,
 * each exactly once (even with several workers), and return their ids for the
 * "article published" notification.
 */
export async function announceDueArticles(db: DB, now: Date = new Date()): Promise<number[]> {
  const rows = await db
    .updateTable("articles")
    .set({ announced_at: now })
    .where("announced_at", "is", null)
    .where("published_at", "is not", null)
    .where("published_at", "<=", now)
    .returning("id")
    .execute();
  return rows.map((r) => r.id).sort((x, y) => x - y);
}
