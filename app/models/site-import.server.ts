// Moving a site in: a WordPress export (posts, categories, tags, comments) or a
// Disqus export (threads, posts), read as a stream of records (app/lib/wxr.server.ts,
// app/lib/disqus-export.server.ts) and written in batches, one transaction each,
// so an interrupted import is simply run again. What each record became is kept
// in import_keys (source, site, kind, its id there), so a rerun updates in place
// and never duplicates.
//
// Comments are written here, straight into the table, never through the posting
// pipeline: an imported comment is history, not a new post (no moderation rules,
// no rate limits, no mail to anyone, no reply subscriptions). The page cache hears
// of a batch through the tables' statement-level NOTIFY, once per statement.
import { createHmac } from "node:crypto";
import { sql } from "kysely";
import type { DB } from "../../db/connection";
import { COMMENT_STATUSES, type CommentStatus, type ImportKind, type ImportSource } from "../../db/schema";
import type { DisqusPost, DisqusRecord, DisqusThread } from "../lib/disqus-export.server";
import { commentHtmlToMarkdown, postHtmlToMarkdown } from "../lib/html-markdown.server";
import { inProcessConverter, type ConvertedComment, type ConvertedItem, type Converter } from "../lib/import-convert.server";
import { htmlToText, renderArticleMarkdown, renderCommentMarkdown } from "../lib/markdown.server";
import { normalizeCanonicalUrl } from "../lib/canonical-url";
import { canonicalUrlVariants, httpUrl, normalizePermalinkPath } from "../lib/permalinks";

/** Stored as the embed looks it up (app/lib/canonical-url.ts), so an imported article's page finds its thread. */
function storedCanonicalUrl(link: string): string {
  return normalizeCanonicalUrl(link) ?? link;
}
import { getSiteSecret } from "./secrets.server";
import { SLUG_MAX_LENGTH, slugify } from "../lib/slugs";
import { COMMENT_MAX_LENGTH, NAME_MAX_LENGTH } from "../lib/validation";
import type { WxrComment, WxrItem, WxrRecord, WxrSite } from "../lib/wxr.server";
import { IMPORT_ACTOR } from "./article-import.server";
import { deriveExcerpt, getArticleForEditing, saveEditedArticle } from "./publishing.server";

export type ImportedArticleStatus = "published" | "scheduled" | "draft";

export interface ImportSummary {
  source: ImportSource;
  /** The WordPress site or Disqus forum the keys belong to. */
  site: string;
  dryRun: boolean;
  articles: { created: number; updated: number; unchanged: number; byStatus: Record<ImportedArticleStatus, number> };
  /** Disqus threads that found an article by its canonical URL (imported from WordPress, or embedded). */
  matchedArticles: number;
  categories: { created: number; updated: number; unchanged: number };
  comments: { created: number; updated: number; unchanged: number; byStatus: Record<CommentStatus, number> };
  /** Old permalinks that answer 301. */
  redirects: number;
  /** Comments whose parent is not in the export (or was skipped): made top-level. */
  orphans: number;
  /** Why records were left out, with how many. */
  skipped: Record<string, number>;
}

function emptySummary(source: ImportSource, dryRun: boolean): ImportSummary {
  return {
    source,
    site: "",
    dryRun,
    articles: { created: 0, updated: 0, unchanged: 0, byStatus: { published: 0, scheduled: 0, draft: 0 } },
    matchedArticles: 0,
    categories: { created: 0, updated: 0, unchanged: 0 },
    comments: { created: 0, updated: 0, unchanged: 0, byStatus: Object.fromEntries(COMMENT_STATUSES.map((s) => [s, 0])) as Record<CommentStatus, number> },
    redirects: 0,
    orphans: 0,
    skipped: {},
  };
}

function skip(summary: ImportSummary, reason: string, n = 1): void {
  if (n > 0) summary.skipped[reason] = (summary.skipped[reason] ?? 0) + n;
}

/** Thrown when the export itself is unusable (not a per-record problem). */
export class ImportError extends Error {
  override name = "ImportError";
}

export interface ImportOptions {
  dryRun?: boolean;
  now?: Date;
  /** Records per transaction (comments; a post counts as 50). */
  batchSize?: number;
  /** Told after each batch (progress on a long import). */
  onBatch?: (summary: ImportSummary) => void;
}

type RunBatch = <T>(fn: (trx: DB) => Promise<T>) => Promise<T>;

const ROLLBACK = Symbol("dry run");

/**
 * Run `body` with a way to write one batch. A real import commits each batch on
 * its own; a dry run does every batch in one transaction that is rolled back, so
 * it counts exactly what the import would do and writes nothing.
 */
async function withBatches(db: DB, dryRun: boolean, body: (run: RunBatch) => Promise<void>): Promise<void> {
  if (!dryRun) {
    return body((fn) =>
      db.transaction().execute(async (trx) => {
        // An interrupted import is run again, so a crash losing the last commits costs nothing; not waiting for each flush does.
        await sql`set local synchronous_commit = off`.execute(trx);
        return fn(trx);
      }),
    );
  }
  try {
    await db.transaction().execute(async (trx) => {
      await body((fn) => fn(trx));
      throw ROLLBACK;
    });
  } catch (error) {
    if (error !== ROLLBACK) throw error;
  }
}

// --- keys ------------------------------------------------------------------------

interface KeyScope {
  source: ImportSource;
  site: string;
}

const TARGET_COLUMN = { article: "article_id", comment: "comment_id", category: "category_id" } as const;

async function findKeys(trx: DB, scope: KeyScope, kind: ImportKind, externalIds: string[]): Promise<Map<string, number>> {
  const found = new Map<string, number>();
  if (externalIds.length === 0) return found;
  // A join with the list, not "= any(list)": while a big import outruns the table's
  // statistics the planner may scan, and a scan testing each row against thousands of ids is quadratic.
  const { rows } = await sql<{ external_id: string; article_id: number | null; comment_id: number | null; category_id: number | null }>`
    select k.external_id, k.article_id, k.comment_id, k.category_id
    from unnest(${[...new Set(externalIds)]}::text[]) as wanted(external_id)
    join import_keys k on k.source = ${scope.source} and k.site = ${scope.site} and k.kind = ${kind} and k.external_id = wanted.external_id
  `.execute(trx);
  for (const row of rows) {
    const id = row[TARGET_COLUMN[kind]];
    if (id !== null) found.set(row.external_id, id);
  }
  return found;
}

async function saveKeys(trx: DB, scope: KeyScope, kind: ImportKind, pairs: { externalId: string; id: number }[]): Promise<void> {
  if (pairs.length === 0) return;
  const column = TARGET_COLUMN[kind];
  await sql`
    insert into import_keys (source, site, kind, external_id, ${sql.ref(column)})
    select ${scope.source}, ${scope.site}, ${kind}, t.external_id, t.id
    from unnest(${pairs.map((p) => p.externalId)}::text[], ${pairs.map((p) => p.id)}::int[]) as t(external_id, id)
    on conflict (source, site, kind, external_id) do update set ${sql.ref(column)} = excluded.${sql.ref(column)}
  `.execute(trx);
}

// --- small conversions ---------------------------------------------------------------

/** WordPress's "YYYY-MM-DD HH:MM:SS" (UTC for the _gmt fields); null for the all-zero "not set". */
export function parseWordPressDate(value: string): Date | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})/.exec(value.trim());
  if (!m || m[1] === "0000") return null;
  const date = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6])));
  return Number.isNaN(date.getTime()) ? null : date;
}

function parseIsoDate(value: string): Date | null {
  if (!value.trim()) return null;
  const date = new Date(value.trim());
  return Number.isNaN(date.getTime()) ? null : date;
}

/** Imported text that may carry markup or entities, as plain text (the common plain case without a parser). */
function plainText(text: string): string {
  return /[<&]/.test(text) ? htmlToText(text) : text.replace(/\s+/g, " ").trim();
}

function authorName(...names: string[]): string {
  const name = names.map(plainText).find(Boolean) ?? "";
  return (name || "Anonymous").slice(0, NAME_MAX_LENGTH);
}

function authorUrl(value: string): string {
  const url = httpUrl(value);
  return url && new URL(url).hostname.includes(".") ? url : "";
}

function siteKey(url: string): string {
  return url.trim().replace(/\/+$/, "");
}

/** Plain words as Markdown text (a link's label). */
function escapeMarkdown(text: string): string {
  return text.replace(/([\\`*_[\]<>#|])/g, "\\$1");
}

// --- articles ------------------------------------------------------------------------

interface IncomingArticle {
  externalId: string;
  title: string;
  slugHint: string;
  byline: string;
  bodyMarkdown: string;
  excerpt: string;
  categoryIds: number[];
  status: ImportedArticleStatus;
  /** For published and scheduled articles. */
  publishedAt: Date | null;
  createdAt: Date | null;
  commentsOpen: boolean;
  canonicalUrl: string | null;
}

type ArticleOutcome = { id: number; action: "created" | "updated" | "unchanged" };

async function slugInUse(trx: DB, slug: string): Promise<boolean> {
  const row = await trx
    .selectFrom("articles")
    .select(sql<number>`1`.as("one"))
    .where("slug", "=", slug)
    .unionAll(trx.selectFrom("article_slug_redirects").select(sql<number>`1`.as("one")).where("slug", "=", slug))
    .executeTakeFirst();
  return Boolean(row);
}

/** The hint as a slug, or a numbered one when an article already has it. */
async function freeSlug(trx: DB, hint: string, fallback: string, reserved: ReadonlySet<string> = new Set()): Promise<string> {
  const base = slugify(hint) || slugify(fallback) || "imported";
  for (let n = 1; n < 1000; n++) {
    const suffix = n === 1 ? "" : `-${n}`;
    const slug = `${base.slice(0, SLUG_MAX_LENGTH - suffix.length).replace(/-+$/, "")}${suffix}`;
    if (!reserved.has(slug) && !(await slugInUse(trx, slug))) return slug;
  }
  return `${base.slice(0, SLUG_MAX_LENGTH - 14)}-${Date.now()}`;
}

async function articleByCanonicalUrl(trx: DB, url: string): Promise<number | null> {
  const row = await trx
    .selectFrom("articles")
    .select("id")
    .where("canonical_url", "=", sql<string>`any(${canonicalUrlVariants(url)}::text[])`)
    .orderBy("id")
    .executeTakeFirst();
  return row?.id ?? null;
}

/** Create the article, or bring an existing one (by key or canonical URL) in line with the export. */
async function writeArticle(trx: DB, scope: KeyScope, input: IncomingArticle, now: Date): Promise<ArticleOutcome> {
  let id = (await findKeys(trx, scope, "article", [input.externalId])).get(input.externalId) ?? null;
  if (id === null && input.canonicalUrl) id = await articleByCanonicalUrl(trx, input.canonicalUrl);
  const existing = id === null ? null : await getArticleForEditing(trx, id, now);
  const publish = input.status === "draft" ? ({ mode: "keep" } as const) : ({ mode: "publish", at: input.publishedAt ?? now } as const);

  let action: ArticleOutcome["action"];
  if (existing) {
    const sameCategories = [...existing.categoryIds].sort().join() === [...input.categoryIds].sort().join();
    const wantedPublishedAt = input.status === "draft" ? null : (input.publishedAt ?? now).toISOString();
    const unchanged =
      existing.title === input.title &&
      existing.byline === input.byline &&
      existing.bodyMarkdown === input.bodyMarkdown &&
      (existing.excerptIsCustom ? existing.excerpt : "") === input.excerpt &&
      sameCategories &&
      existing.commentsOpen === input.commentsOpen &&
      existing.publishedAt === wantedPublishedAt;
    if (unchanged) action = "unchanged";
    else {
      const saved = await saveEditedArticle(trx, {
        articleId: existing.id,
        expectedVersion: existing.version,
        actor: IMPORT_ACTOR,
        kind: "import",
        now,
        logPublication: false,
        fields: {
          title: input.title,
          slug: existing.slug,
          byline: input.byline,
          highlights: existing.highlights,
          bodyMarkdown: input.bodyMarkdown,
          excerpt: input.excerpt,
          categoryIds: input.categoryIds,
          newCategoryNames: [],
          commentsOpen: input.commentsOpen,
        },
        publish,
      });
      if (!saved.ok) throw new ImportError(`article ${input.externalId} could not be updated (${saved.error})`);
      // Now a draft on the old site: hidden here too, its thread kept (as unpublishing does).
      if (input.status === "draft" && existing.publishedAt) {
        await trx
          .updateTable("articles")
          .set({ published_at: null, withdrawn_published_at: new Date(existing.publishedAt), first_published_at: sql`coalesce(first_published_at, published_at)` })
          .where("id", "=", existing.id)
          .execute();
      }
      action = "updated";
    }
    id = existing.id;
  } else {
    const slug = await freeSlug(trx, input.slugHint, input.title);
    const saved = await saveEditedArticle(trx, {
      articleId: null,
      expectedVersion: 0,
      actor: IMPORT_ACTOR,
      kind: "import",
      now,
      logPublication: false,
      fields: {
        title: input.title,
        slug,
        byline: input.byline,
        highlights: [],
        bodyMarkdown: input.bodyMarkdown,
        excerpt: input.excerpt,
        categoryIds: input.categoryIds,
        newCategoryNames: [],
        commentsOpen: input.commentsOpen,
      },
      publish,
    });
    if (!saved.ok) throw new ImportError(`article ${input.externalId} could not be created (${saved.error})`);
    id = saved.id;
    // Its own dates, and nobody to tell about the past: followers hear of what appears from now on.
    const past = input.status === "published";
    await trx
      .updateTable("articles")
      .set({ created_at: input.createdAt ?? input.publishedAt ?? now, ...(past ? { announced_at: input.publishedAt ?? now } : {}) })
      .where("id", "=", id)
      .execute();
    action = "created";
  }

  if (input.canonicalUrl) {
    const holder = await trx.selectFrom("articles").select(["id", "canonical_url"]).where("canonical_url", "=", input.canonicalUrl).executeTakeFirst();
    if (!holder) {
      const current = await trx.selectFrom("articles").select("canonical_url").where("id", "=", id).executeTakeFirstOrThrow();
      if (current.canonical_url === null || !canonicalUrlVariants(input.canonicalUrl).includes(current.canonical_url)) {
        await trx.updateTable("articles").set({ canonical_url: input.canonicalUrl }).where("id", "=", id).execute();
      }
    }
  }
  await saveKeys(trx, scope, "article", [{ externalId: input.externalId, id }]);
  return { id, action };
}

/**
 * writeArticle for a whole batch, in a fixed number of statements: new articles
 * are inserted together (with their first revision, categories and keys), as
 * saveEditedArticle would write them one by one; unchanged ones are left alone;
 * the few that changed go through writeArticle (and so saveEditedArticle).
 */
async function writeArticles(trx: DB, scope: KeyScope, inputs: IncomingArticle[], now: Date): Promise<ArticleOutcome[]> {
  if (inputs.length === 0) return [];
  const keyed = await findKeys(trx, scope, "article", inputs.map((i) => i.externalId));
  const urls = inputs.filter((i) => !keyed.has(i.externalId) && i.canonicalUrl).flatMap((i) => canonicalUrlVariants(i.canonicalUrl!));
  const byUrl = new Map<string, number>();
  if (urls.length) {
    const rows = await trx.selectFrom("articles").select(["id", "canonical_url"]).where("canonical_url", "=", sql<string>`any(${urls}::text[])`).execute();
    for (const r of rows) byUrl.set(r.canonical_url!, r.id);
  }
  const targets = inputs.map((i) => keyed.get(i.externalId) ?? (i.canonicalUrl ? (canonicalUrlVariants(i.canonicalUrl).map((v) => byUrl.get(v)).find((id) => id !== undefined) ?? null) : null));

  const existingIds = [...new Set(targets.filter((id): id is number => id !== null))];
  const existing = new Map(
    existingIds.length ? (await trx.selectFrom("articles").selectAll().where("id", "=", sql<number>`any(${existingIds}::int[])`).execute()).map((a) => [a.id, a]) : [],
  );
  const existingCategories = new Map<number, number[]>();
  if (existingIds.length) {
    const rows = await trx.selectFrom("article_categories").select(["article_id", "category_id"]).where("article_id", "=", sql<number>`any(${existingIds}::int[])`).execute();
    for (const r of rows) existingCategories.set(r.article_id, [...(existingCategories.get(r.article_id) ?? []), r.category_id]);
  }

  const outcomes: (ArticleOutcome | null)[] = inputs.map(() => null);
  const keys: { externalId: string; id: number }[] = [];
  const fresh: { index: number; input: IncomingArticle }[] = [];
  for (const [index, input] of inputs.entries()) {
    const id = targets[index];
    const row = id === null || id === undefined ? undefined : existing.get(id);
    if (!row) {
      fresh.push({ index, input });
      continue;
    }
    const wantedPublishedAt = input.status === "draft" ? null : (input.publishedAt ?? now).getTime();
    const unchanged =
      row.title === input.title &&
      row.byline === input.byline &&
      row.body_markdown === input.bodyMarkdown &&
      (row.excerpt_is_custom ? row.excerpt : "") === input.excerpt &&
      [...(existingCategories.get(row.id) ?? [])].sort().join() === [...input.categoryIds].sort().join() &&
      row.comments_open === input.commentsOpen &&
      (row.published_at?.getTime() ?? null) === wantedPublishedAt &&
      (!input.canonicalUrl || row.canonical_url !== null);
    if (unchanged) {
      outcomes[index] = { id: row.id, action: "unchanged" };
      keys.push({ externalId: input.externalId, id: row.id });
    } else outcomes[index] = await writeArticle(trx, scope, input, now);
  }

  if (fresh.length) {
    const bases = fresh.map(({ input }) => slugify(input.slugHint) || slugify(input.title) || "imported");
    const taken = new Set(
      (
        await trx
          .selectFrom("articles")
          .select("slug")
          .where("slug", "=", sql<string>`any(${bases}::text[])`)
          .unionAll(trx.selectFrom("article_slug_redirects").select("slug").where("slug", "=", sql<string>`any(${bases}::text[])`))
          .execute()
      ).map((r) => r.slug),
    );
    const assigned = new Set<string>();
    const urlsUsed = new Set<string>();
    const ids = (await sql<{ id: number }>`select nextval(pg_get_serial_sequence('articles', 'id'))::int as id from generate_series(1, ${fresh.length})`.execute(trx)).rows.map((r) => r.id);
    const categoryIds = [...new Set(fresh.flatMap(({ input }) => input.categoryIds))];
    const categorySlugs = new Map(
      categoryIds.length ? (await trx.selectFrom("categories").select(["id", "slug"]).where("id", "=", sql<number>`any(${categoryIds}::int[])`).execute()).map((c) => [c.id, c.slug]) : [],
    );
    const rows = [];
    for (const [n, { index, input }] of fresh.entries()) {
      let slug = bases[n]!;
      if (taken.has(slug) || assigned.has(slug)) slug = await freeSlug(trx, slug, input.title, assigned);
      assigned.add(slug);
      const canonical = input.canonicalUrl && !urlsUsed.has(input.canonicalUrl) ? input.canonicalUrl : null;
      if (canonical) urlsUsed.add(canonical);
      const publishedAt = input.status === "draft" ? null : (input.publishedAt ?? now);
      rows.push({
        id: ids[n]!,
        slug,
        title: input.title,
        byline: input.byline,
        body_markdown: input.bodyMarkdown,
        body_html: renderArticleMarkdown(input.bodyMarkdown),
        excerpt: input.excerpt || deriveExcerpt(input.bodyMarkdown),
        excerpt_is_custom: input.excerpt !== "",
        published_at: publishedAt?.toISOString() ?? null,
        // Imported history is not news: followers hear only of what appears from now on.
        announced_at: input.status === "published" ? publishedAt!.toISOString() : null,
        created_at: (input.createdAt ?? publishedAt ?? now).toISOString(),
        comments_open: input.commentsOpen,
        canonical_url: canonical,
        category_slugs: input.categoryIds.map((c) => categorySlugs.get(c)).filter((c): c is string => Boolean(c)),
      });
      outcomes[index] = { id: ids[n]!, action: "created" };
      keys.push({ externalId: input.externalId, id: ids[n]! });
    }
    const json = JSON.stringify(rows);
    await sql`
      insert into articles (id, slug, title, highlights, body_markdown, body_html, excerpt, excerpt_is_custom, byline, published_at,
                            first_published_at, announced_at, created_at, updated_at, comments_open, version, canonical_url)
      overriding system value
      select t.id, t.slug, t.title, '{}', t.body_markdown, t.body_html, t.excerpt, t.excerpt_is_custom, t.byline, t.published_at,
             t.published_at, t.announced_at, t.created_at, ${now}, t.comments_open, 1, t.canonical_url
      from jsonb_to_recordset(${json}::jsonb) as t(id int, slug text, title text, body_markdown text, body_html text, excerpt text,
           excerpt_is_custom boolean, byline text, published_at timestamptz, announced_at timestamptz, created_at timestamptz,
           comments_open boolean, canonical_url text)
      order by t.id
    `.execute(trx);
    // The first revision of each, as saveEditedArticle writes it.
    await sql`
      insert into article_revisions (article_id, version, created_at, author_id, author_name, kind, title, slug, byline, highlights,
                                     body_markdown, excerpt, excerpt_is_custom, category_slugs, published_at, comments_open)
      select t.id, 1, ${now}, ${IMPORT_ACTOR.id}, ${IMPORT_ACTOR.name}, 'import', t.title, t.slug, t.byline, '{}',
             t.body_markdown, t.excerpt, t.excerpt_is_custom, t.category_slugs, t.published_at, t.comments_open
      from jsonb_to_recordset(${json}::jsonb) as t(id int, slug text, title text, byline text, body_markdown text, excerpt text,
           excerpt_is_custom boolean, category_slugs text[], published_at timestamptz, comments_open boolean)
    `.execute(trx);
    const links = fresh.flatMap(({ input }, n) => [...new Set(input.categoryIds)].map((c) => ({ article_id: ids[n]!, category_id: c })));
    if (links.length) await trx.insertInto("article_categories").values(links).execute();
  }
  await saveKeys(trx, scope, "article", keys);
  return outcomes.map((o) => o!);
}

function countArticle(summary: ImportSummary, outcome: ArticleOutcome, status: ImportedArticleStatus): void {
  summary.articles[outcome.action] += 1;
  summary.articles.byStatus[status] += 1;
}

// --- categories -----------------------------------------------------------------------

interface IncomingCategory {
  externalId: string;
  name: string;
  description: string;
}

async function writeCategory(trx: DB, scope: KeyScope, input: IncomingCategory, summary: ImportSummary): Promise<number | null> {
  const slug = slugify(input.name);
  if (!slug) {
    skip(summary, "categories whose name makes no slug");
    return null;
  }
  const keyed = (await findKeys(trx, scope, "category", [input.externalId])).get(input.externalId);
  const current = keyed
    ? await trx.selectFrom("categories").select(["id", "name", "description"]).where("id", "=", keyed).executeTakeFirst()
    : await trx.selectFrom("categories").select(["id", "name", "description"]).where("slug", "=", slug).executeTakeFirst();
  let id: number;
  if (current) {
    id = current.id;
    // A category made here before keeps its words unless the export has some.
    const description = input.description || current.description;
    if (current.name !== input.name || current.description !== description) {
      await trx.updateTable("categories").set({ name: input.name, description }).where("id", "=", id).execute();
      summary.categories.updated += 1;
    } else summary.categories.unchanged += 1;
  } else {
    const row = await trx
      .insertInto("categories")
      .values({ slug, name: input.name, description: input.description })
      .onConflict((oc) => oc.column("slug").doUpdateSet({ slug }))
      .returning("id")
      .executeTakeFirstOrThrow();
    id = row.id;
    summary.categories.created += 1;
  }
  await saveKeys(trx, scope, "category", [{ externalId: input.externalId, id }]);
  return id;
}

// --- comments ---------------------------------------------------------------------------

interface IncomingComment {
  externalId: string;
  articleId: number;
  /** Another comment of the export (this batch or an earlier one); null: top-level. */
  parentExternalId: string | null;
  status: CommentStatus;
  heldReason: string | null;
  authorName: string;
  authorEmail: string;
  authorUrl: string;
  ipHash: string;
  bodyMarkdown: string;
  /** Rendered beforehand (outside the batch's transaction); otherwise rendered when written. */
  bodyHtml?: string;
  createdAt: Date;
}

interface WrittenComment {
  id: number;
  articleId: number;
  rootId: number | null;
}

/** Parents before their children (a cycle, impossible in a sane export, is broken at the first comment seen). */
function parentsFirst(comments: IncomingComment[]): IncomingComment[] {
  const byId = new Map(comments.map((c) => [c.externalId, c]));
  const done = new Set<string>();
  const out: IncomingComment[] = [];
  for (const start of comments) {
    const chain: IncomingComment[] = [];
    const onChain = new Set<string>();
    let c: IncomingComment | undefined = start;
    while (c && !done.has(c.externalId) && !onChain.has(c.externalId)) {
      chain.push(c);
      onChain.add(c.externalId);
      c = c.parentExternalId ? byId.get(c.parentExternalId) : undefined;
    }
    if (c && onChain.has(c.externalId)) c.parentExternalId = null;
    for (let i = chain.length - 1; i >= 0; i--) {
      done.add(chain[i]!.externalId);
      out.push(chain[i]!);
    }
  }
  return out;
}

/**
 * Insert the new comments and update the changed ones of one batch, with their
 * keys: a handful of statements whatever the batch's size. Ids are drawn from the
 * sequence first, so a reply in the same batch knows its parent's id and root.
 * A comment already imported keeps its place in its thread (parent_id never changes).
 */
async function writeComments(trx: DB, scope: KeyScope, batch: IncomingComment[], summary: ImportSummary, written: Map<string, WrittenComment>): Promise<void> {
  if (batch.length === 0) return;
  const ordered = parentsFirst(batch);
  const wanted = [...new Set(ordered.flatMap((c) => (c.parentExternalId && !written.has(c.parentExternalId) ? [c.externalId, c.parentExternalId] : [c.externalId])))];
  const keyed = await findKeys(trx, scope, "comment", wanted);
  const existingRows = keyed.size
    ? (
        await sql<{
          id: number;
          article_id: number;
          root_id: number | null;
          status: CommentStatus;
          author_name: string;
          author_email: string;
          author_url: string;
          ip_hash: string;
          body_markdown: string;
          created_at: Date;
        }>`
          select c.id, c.article_id, c.root_id, c.status, c.author_name, c.author_email, c.author_url, c.ip_hash, c.body_markdown, c.created_at
          from unnest(${[...keyed.values()]}::int[]) as wanted(id) join comments c on c.id = wanted.id
        `.execute(trx)
      ).rows
    : [];
  const existing = new Map(existingRows.map((r) => [r.id, r]));
  const fresh = ordered.filter((c) => !keyed.has(c.externalId) || !existing.has(keyed.get(c.externalId)!));
  const newIds = fresh.length
    ? (await sql<{ id: number }>`select nextval(pg_get_serial_sequence('comments', 'id'))::int as id from generate_series(1, ${fresh.length})`.execute(trx)).rows.map((r) => r.id)
    : [];

  const inserts: { c: IncomingComment; id: number; parentId: number | null; rootId: number | null; html: string }[] = [];
  const updates: { id: number; c: IncomingComment; html: string }[] = [];
  const keys: { externalId: string; id: number }[] = [];
  let next = 0;
  const known = (externalId: string): WrittenComment | null => {
    const w = written.get(externalId);
    if (w) return w;
    const id = keyed.get(externalId);
    const row = id === undefined ? undefined : existing.get(id);
    return row ? { id: row.id, articleId: row.article_id, rootId: row.root_id } : null;
  };

  for (const c of ordered) {
    const id = keyed.get(c.externalId);
    const row = id === undefined ? undefined : existing.get(id);
    summary.comments.byStatus[c.status] += 1;
    if (row) {
      written.set(c.externalId, { id: row.id, articleId: row.article_id, rootId: row.root_id });
      const same =
        row.status === c.status &&
        row.author_name === c.authorName &&
        row.author_email === c.authorEmail &&
        row.author_url === c.authorUrl &&
        row.body_markdown === c.bodyMarkdown &&
        row.created_at.getTime() === c.createdAt.getTime() &&
        (c.ipHash === "" || row.ip_hash === c.ipHash);
      if (same) summary.comments.unchanged += 1;
      else {
        updates.push({ id: row.id, c, html: c.bodyHtml ?? renderCommentMarkdown(c.bodyMarkdown) });
        summary.comments.updated += 1;
      }
      continue;
    }
    const newId = newIds[next++]!;
    let parent = c.parentExternalId ? known(c.parentExternalId) : null;
    if (c.parentExternalId && (!parent || parent.articleId !== c.articleId)) {
      summary.orphans += 1;
      parent = null;
    }
    const rootId = parent ? (parent.rootId ?? parent.id) : null;
    inserts.push({ c, id: newId, parentId: parent?.id ?? null, rootId, html: c.bodyHtml ?? renderCommentMarkdown(c.bodyMarkdown) });
    keys.push({ externalId: c.externalId, id: newId });
    written.set(c.externalId, { id: newId, articleId: c.articleId, rootId });
    summary.comments.created += 1;
  }

  for (let start = 0; start < inserts.length; start += 5000) {
    const chunk = inserts.slice(start, start + 5000);
    await sql`
      insert into comments (id, article_id, parent_id, root_id, status, held_reason, author_name, author_email, author_url,
                            ip_hash, body_markdown, body_html, created_at, updated_at)
      overriding system value
      select t.id, t.article_id, t.parent_id, t.root_id, t.status, t.held_reason, t.author_name, t.author_email, t.author_url,
             t.ip_hash, t.body_markdown, t.body_html, t.created_at, t.created_at
      from unnest(${chunk.map((i) => i.id)}::int[], ${chunk.map((i) => i.c.articleId)}::int[], ${chunk.map((i) => i.parentId)}::int[],
                  ${chunk.map((i) => i.rootId)}::int[], ${chunk.map((i) => i.c.status)}::text[], ${chunk.map((i) => i.c.heldReason)}::text[],
                  ${chunk.map((i) => i.c.authorName)}::text[], ${chunk.map((i) => i.c.authorEmail)}::text[], ${chunk.map((i) => i.c.authorUrl)}::text[],
                  ${chunk.map((i) => i.c.ipHash)}::text[], ${chunk.map((i) => i.c.bodyMarkdown)}::text[], ${chunk.map((i) => i.html)}::text[],
                  ${chunk.map((i) => i.c.createdAt.toISOString())}::timestamptz[])
        as t(id, article_id, parent_id, root_id, status, held_reason, author_name, author_email, author_url, ip_hash, body_markdown, body_html, created_at)
      order by t.id
    `.execute(trx);
  }
  for (let start = 0; start < updates.length; start += 5000) {
    const chunk = updates.slice(start, start + 5000);
    await sql`
      update comments c set
        status = t.status, held_reason = t.held_reason, author_name = t.author_name, author_email = t.author_email,
        author_url = t.author_url, ip_hash = case when t.ip_hash = '' then c.ip_hash else t.ip_hash end,
        body_markdown = t.body_markdown, body_html = t.body_html, created_at = t.created_at, updated_at = now()
      from unnest(${chunk.map((u) => u.id)}::int[], ${chunk.map((u) => u.c.status)}::text[], ${chunk.map((u) => u.c.heldReason)}::text[],
                  ${chunk.map((u) => u.c.authorName)}::text[], ${chunk.map((u) => u.c.authorEmail)}::text[], ${chunk.map((u) => u.c.authorUrl)}::text[],
                  ${chunk.map((u) => u.c.ipHash)}::text[], ${chunk.map((u) => u.c.bodyMarkdown)}::text[], ${chunk.map((u) => u.html)}::text[],
                  ${chunk.map((u) => u.c.createdAt.toISOString())}::timestamptz[])
        as t(id, status, held_reason, author_name, author_email, author_url, ip_hash, body_markdown, body_html, created_at)
      where c.id = t.id
    `.execute(trx);
  }
  await saveKeys(trx, scope, "comment", keys);
}

/** The body of a comment as Markdown, or why it cannot be one. */
function commentBody(html: string): { ok: true; markdown: string } | { ok: false; reason: string } {
  const markdown = commentHtmlToMarkdown(html);
  if (!markdown) return { ok: false, reason: "comments with no text" };
  if (markdown.length > COMMENT_MAX_LENGTH) return { ok: false, reason: `comments longer than ${COMMENT_MAX_LENGTH.toLocaleString("en-US")} characters` };
  return { ok: true, markdown };
}

type IpHasher = (ip: string) => string;

async function ipHasher(db: DB, dryRun: boolean): Promise<IpHasher> {
  // A dry run stores nothing, so it needs no secret (and must not create one).
  if (dryRun) return () => "";
  const secret = await getSiteSecret(db, "ip-hash");
  // The same keyed hash as hashIp (secrets.server.ts): comparable with the hashes of new comments.
  return (ip) => (ip.trim() ? createHmac("sha256", secret).update(ip.trim()).digest("base64url").slice(0, 32) : "");
}

// --- WordPress ----------------------------------------------------------------------------

export interface WordPressImportOptions extends ImportOptions {
  /** Where HTML is converted (default: on this thread; the command line uses worker threads). */
  converter?: Converter;
  /** Tags become categories too; otherwise they are dropped (and counted). */
  tagsAsCategories?: boolean;
}

const WP_POST_STATUS: Record<string, ImportedArticleStatus> = {
  publish: "published",
  future: "scheduled",
  draft: "draft",
  pending: "draft",
  private: "draft",
};

const WP_COMMENT_STATUS: Record<string, CommentStatus> = { "1": "approved", "0": "pending", spam: "spam", trash: "trash", "post-trashed": "trash" };

/** Category names with their parents' in front ("Markets › Mining"): Assay's categories are flat. */
function flattenCategoryNames(site: WxrSite): Map<string, { name: string; description: string }> {
  const byNicename = new Map(site.categories.map((c) => [c.nicename, c]));
  const names = new Map<string, { name: string; description: string }>();
  for (const category of site.categories) {
    const parts: string[] = [];
    const seen = new Set<string>();
    let c: (typeof site.categories)[number] | undefined = category;
    while (c && !seen.has(c.nicename)) {
      seen.add(c.nicename);
      parts.unshift(htmlToText(c.name) || c.nicename);
      c = c.parent ? byNicename.get(c.parent) : undefined;
    }
    names.set(category.nicename, { name: parts.join(" › "), description: htmlToText(category.description) });
  }
  return names;
}

/** An item as read, with its post and comments already converted. */
interface ArrivedItem {
  item: WxrItem;
  bodyMarkdown: string;
  comments: IncomingComment[];
}

/** Import a WordPress export's records (see readWxr); returns what was (or, in a dry run, would be) done. */
export async function importWordPress(db: DB, records: AsyncIterable<WxrRecord>, options: WordPressImportOptions = {}): Promise<ImportSummary> {
  const dryRun = options.dryRun ?? false;
  const now = options.now ?? new Date();
  const batchSize = options.batchSize ?? 1000;
  const summary = emptySummary("wordpress", dryRun);
  const converter = options.converter ?? inProcessConverter();
  const hash = await ipHasher(db, dryRun);
  let scope: KeyScope | null = null;
  let site: WxrSite | null = null;
  const categoryIds = new Map<string, number>();
  const tagIds = new Map<string, number>();
  let droppedTags = 0;

  await withBatches(db, dryRun, async (run) => {
    let pending: { record: WxrItem; conversion: Promise<ConvertedItem> | null }[] = [];
    let pendingWeight = 0;
    // One batch is written while the next is read and converted (the database and
    // this process work at once); never more, so memory stays bounded.
    let inFlight: Promise<void> = Promise.resolve();
    const flush = async () => {
      const items = pending;
      pending = [];
      pendingWeight = 0;
      if (items.length === 0) return;
      const converted = await Promise.all(items.map((i) => i.conversion));
      const arrived = items.map(({ record }, n): ArrivedItem => {
        const c = converted[n];
        return { item: record, bodyMarkdown: c?.bodyMarkdown ?? "", comments: c ? wordPressComments(record, c.comments) : [] };
      });
      await inFlight;
      const batch = run((trx) => importItems(trx, arrived)).then(() => options.onBatch?.(summary));
      // Awaited at the next flush or at the end; until then its failure is not "unhandled".
      batch.catch(() => undefined);
      inFlight = batch;
    };

    const categoryFor = async (trx: DB, domain: string, nicename: string, name: string): Promise<number | null> => {
      const map = domain === "post_tag" ? tagIds : categoryIds;
      const cached = map.get(nicename);
      if (cached !== undefined) return cached;
      const id = await writeCategory(trx, scope!, { externalId: `${domain === "post_tag" ? "tag" : "category"}:${nicename}`, name: htmlToText(name) || nicename, description: "" }, summary);
      if (id !== null) map.set(nicename, id);
      return id;
    };

    /** The article an item becomes, or null when it is left out (counted). */
    const prepareItem = async (trx: DB, arrived: ArrivedItem): Promise<{ article: IncomingArticle; link: string | null } | null> => {
      const item = arrived.item;
      if (item.postType !== "post") {
        skip(summary, `${item.postType || "untyped"} items (not posts)`);
        skip(summary, "comments of items that are not posts", item.comments.length);
        return null;
      }
      const status = WP_POST_STATUS[item.status];
      if (!status) {
        skip(summary, item.status === "trash" ? "posts in the trash" : `posts with status "${item.status || "none"}"`);
        skip(summary, "comments of skipped posts", item.comments.length);
        return null;
      }
      if (!item.postId) {
        skip(summary, "posts without a wp:post_id");
        skip(summary, "comments of skipped posts", item.comments.length);
        return null;
      }
      const cats: number[] = [];
      for (const c of item.categories) {
        if (c.domain === "post_tag" && !options.tagsAsCategories) continue;
        if (c.domain !== "category" && c.domain !== "post_tag") continue;
        const id = await categoryFor(trx, c.domain, c.nicename || slugify(c.name), c.name);
        if (id !== null && !cats.includes(id)) cats.push(id);
      }
      const date = parseWordPressDate(item.postDateGmt) ?? parseWordPressDate(item.postDate);
      let postName = item.postName;
      try {
        postName = decodeURIComponent(item.postName);
      } catch {
        // kept as written
      }
      const link = httpUrl(item.link);
      return {
        link: status === "draft" ? null : link,
        article: {
          externalId: item.postId,
          title: plainText(item.title) || "(untitled)",
          slugHint: postName,
          byline: site!.authors.get(item.creator) ?? item.creator,
          bodyMarkdown: arrived.bodyMarkdown,
          excerpt: plainText(item.excerptHtml),
          categoryIds: cats,
          status,
          publishedAt: status === "draft" ? null : (date ?? now),
          createdAt: date,
          commentsOpen: item.commentStatus !== "closed",
          // A draft's address is a placeholder (?p=123) until it is published.
          canonicalUrl: status === "draft" || !link ? null : storedCanonicalUrl(link),
        },
      };
    };

    /** One batch of items: their articles, old permalinks and comments, each kind in a few statements. */
    const importItems = async (trx: DB, items: ArrivedItem[]) => {
      const prepared: { arrived: ArrivedItem; article: IncomingArticle; link: string | null }[] = [];
      for (const arrived of items) {
        const p = await prepareItem(trx, arrived);
        if (p) prepared.push({ arrived, ...p });
      }
      const outcomes = await writeArticles(trx, scope!, prepared.map((p) => p.article), now);
      const redirects = new Map<string, number>();
      const comments: IncomingComment[] = [];
      for (const [i, p] of prepared.entries()) {
        const outcome = outcomes[i]!;
        countArticle(summary, outcome, p.article.status);
        const path = p.link ? normalizePermalinkPath(p.link) : null;
        if (path) redirects.set(path, outcome.id);
        for (const c of p.arrived.comments) comments.push({ ...c, articleId: outcome.id });
      }
      if (redirects.size) {
        await sql`
          insert into permalink_redirects (path, article_id)
          select * from unnest(${[...redirects.keys()]}::text[], ${[...redirects.values()]}::int[])
          on conflict (path) do update set article_id = excluded.article_id
        `.execute(trx);
        summary.redirects += redirects.size;
      }
      await writeComments(trx, scope!, comments, summary, new Map());
    };

    /** An item's comments as they will be written (converted and rendered now, outside any transaction). */
    const wordPressComments = (item: WxrItem, converted: ConvertedComment[]): IncomingComment[] => {
      const kept: IncomingComment[] = [];
      for (const [index, c] of item.comments.entries()) {
        const type = c.type || "comment";
        if (type === "pingback" || type === "trackback") {
          skip(summary, `${type}s`);
          continue;
        }
        if (type !== "comment") {
          skip(summary, `comments of type "${type}"`);
          continue;
        }
        if (!c.id) {
          skip(summary, "comments without a wp:comment_id");
          continue;
        }
        const body = converted[index]!;
        if (!body.ok) {
          skip(summary, body.reason);
          continue;
        }
        const status = WP_COMMENT_STATUS[c.approved] ?? "pending";
        kept.push({
          externalId: `${item.postId}:${c.id}`,
          // Set once the batch knows the article's id.
          articleId: 0,
          parentExternalId: c.parentId && c.parentId !== "0" ? `${item.postId}:${c.parentId}` : null,
          status,
          heldReason: status === "pending" ? "Imported from WordPress, where it was waiting for approval." : null,
          authorName: authorName(c.author),
          authorEmail: c.authorEmail.slice(0, 254),
          authorUrl: authorUrl(c.authorUrl),
          ipHash: hash(c.authorIp),
          bodyMarkdown: body.markdown,
          bodyHtml: body.html,
          createdAt: parseWordPressDate(c.dateGmt) ?? parseWordPressDate(c.date) ?? now,
        });
      }
      // A reply whose parent is not in the export (or was skipped) is made top-level; writeComments counts it.
      const ids = new Set(kept.map((c) => c.externalId));
      for (const c of kept) {
        if (c.parentExternalId && !ids.has(c.parentExternalId)) {
          c.parentExternalId = null;
          summary.orphans += 1;
        }
      }
      return kept;
    };

    try {
      for await (const record of records) {
        if (record.kind === "site") {
          site = record;
          scope = { source: "wordpress", site: siteKey(record.baseUrl) };
          summary.site = scope.site;
          const flat = flattenCategoryNames(record);
          await run(async (trx) => {
            for (const category of record.categories) {
              const f = flat.get(category.nicename)!;
              const id = await writeCategory(trx, scope!, { externalId: `category:${category.nicename}`, name: f.name, description: f.description }, summary);
              if (id !== null) categoryIds.set(category.nicename, id);
            }
            if (options.tagsAsCategories) {
              for (const tag of record.tags) {
                const id = await writeCategory(trx, scope!, { externalId: `tag:${tag.slug}`, name: htmlToText(tag.name) || tag.slug, description: htmlToText(tag.description) }, summary);
                if (id !== null) tagIds.set(tag.slug, id);
              }
            } else droppedTags = record.tags.length;
          });
          continue;
        }
        if (!site) throw new ImportError("the export has an item before its channel's details");
        const importable = record.postType === "post" && WP_POST_STATUS[record.status] !== undefined && record.postId !== "";
        // Converted now (in a worker thread when there are some), written with its batch.
        const conversion = importable ? converter.convertItem(record.contentHtml, record.comments.map((c) => c.contentHtml)) : null;
        // Awaited with its batch; until then its failure is not "unhandled".
        conversion?.catch(() => undefined);
        pending.push({ record, conversion });
        pendingWeight += 50 + record.comments.length;
        if (importable) {
          // The raw HTML is no longer needed while the item waits for its batch.
          record.contentHtml = "";
          for (const c of record.comments) c.contentHtml = "";
        }
        if (pendingWeight >= batchSize) await flush();
      }
      await flush();
    } finally {
      // Whatever happened, the batch being written finishes (or fails) before the import returns.
      await inFlight.catch(() => undefined);
    }
    await inFlight;
  });
  skip(summary, "tags (dropped; --tags-as-categories keeps them)", droppedTags);
  if (!site) throw new ImportError("this WordPress export has no <channel>");
  return summary;
}

// --- Disqus --------------------------------------------------------------------------------

function disqusStatus(post: DisqusPost): CommentStatus {
  if (post.isSpam) return "spam";
  if (post.isDeleted) return "trash";
  if (post.isApproved === false) return "pending";
  return "approved";
}

/**
 * Import a Disqus export's records (see readDisqusExport). Each thread finds its
 * article by canonical URL (an article imported from WordPress, or one made for
 * an embedded page), or becomes a new published article pointing at the page.
 */
export async function importDisqus(db: DB, records: AsyncIterable<DisqusRecord>, options: ImportOptions = {}): Promise<ImportSummary> {
  const dryRun = options.dryRun ?? false;
  const now = options.now ?? new Date();
  const batchSize = options.batchSize ?? 2000;
  const summary = emptySummary("disqus", dryRun);
  const hash = await ipHasher(db, dryRun);
  /** Thread dsq:id → article id, or null for a thread left out. */
  const threads = new Map<string, number | null>();
  const written = new Map<string, WrittenComment>();
  /** Posts whose parent has not been seen yet, by the parent's dsq:id. */
  const waiting = new Map<string, DisqusPost[]>();
  /** Posts whose thread has not been seen yet (Disqus writes threads first; not every tool does), by its dsq:id. */
  const waitingForThread = new Map<string, DisqusPost[]>();
  let scope: KeyScope | null = null;

  await withBatches(db, dryRun, async (run) => {
    let pendingThreads: DisqusThread[] = [];
    let pendingPosts: DisqusPost[] = [];

    const scopeFor = (forum: string): KeyScope => {
      if (!scope) {
        scope = { source: "disqus", site: forum };
        summary.site = forum;
      }
      return scope;
    };

    const flushThreads = async () => {
      const batch = pendingThreads;
      pendingThreads = [];
      if (batch.length === 0) return;
      await run(async (trx) => {
        for (const thread of batch) {
          const link = httpUrl(thread.link);
          if (thread.isDeleted || !link || !thread.dsqId) {
            threads.set(thread.dsqId, null);
            skip(summary, thread.isDeleted ? "threads deleted on Disqus" : !thread.dsqId ? "threads without a dsq:id" : "threads without an http(s) link");
            continue;
          }
          const keyScope = scopeFor(thread.forum || summary.site || "disqus");
          // Made by an earlier run of this import: brought in line below. Otherwise a page
          // with an article of its own (imported from WordPress, or embedded) gets the comments
          // and is left as it is; it is found by its URL each time, so it has no key of ours.
          const ours = (await findKeys(trx, keyScope, "article", [thread.dsqId])).has(thread.dsqId);
          const matched = ours ? null : await articleByCanonicalUrl(trx, link);
          if (matched !== null) {
            threads.set(thread.dsqId, matched);
            summary.matchedArticles += 1;
            continue;
          }
          const title = htmlToText(thread.title) || link;
          const message = thread.messageHtml.trim() ? postHtmlToMarkdown(thread.messageHtml) : "";
          const outcome = await writeArticle(
            trx,
            keyScope,
            {
              externalId: thread.dsqId,
              title,
              slugHint: title,
              byline: "",
              bodyMarkdown: message || `The discussion of [${escapeMarkdown(title)}](${link.replace(/[()\s]/g, encodeURIComponent)}).`,
              excerpt: "",
              categoryIds: [],
              status: "published",
              publishedAt: parseIsoDate(thread.createdAt) ?? now,
              createdAt: parseIsoDate(thread.createdAt),
              commentsOpen: !thread.isClosed,
              canonicalUrl: storedCanonicalUrl(link),
            },
            now,
          );
          countArticle(summary, outcome, "published");
          threads.set(thread.dsqId, outcome.id);
        }
      });
      // Posts that came before their thread: written with the next batch of posts.
      for (const thread of batch) {
        const early = waitingForThread.get(thread.dsqId);
        if (early) {
          waitingForThread.delete(thread.dsqId);
          pendingPosts.push(...early);
        }
      }
      options.onBatch?.(summary);
    };

    const toComment = (post: DisqusPost, articleId: number, parentExternalId: string | null): IncomingComment | null => {
      const body = commentBody(post.messageHtml);
      if (!body.ok) {
        skip(summary, body.reason);
        return null;
      }
      const status = disqusStatus(post);
      return {
        externalId: post.dsqId,
        articleId,
        parentExternalId,
        status,
        heldReason: status === "pending" ? "Imported from Disqus, where it was waiting for approval." : null,
        authorName: authorName(post.author.name, post.author.username),
        authorEmail: post.author.email.slice(0, 254),
        authorUrl: "",
        ipHash: hash(post.ipAddress),
        bodyMarkdown: body.markdown,
        createdAt: parseIsoDate(post.createdAt) ?? now,
      };
    };

    /** Write posts whose parents are written (or none); the others wait for their parent. */
    const flushPosts = async (final: boolean) => {
      let batch = pendingPosts;
      pendingPosts = [];
      while (batch.length) {
        const current = batch;
        batch = [];
        await run(async (trx) => {
          const unknownThreads = [...new Set(current.map((p) => p.threadDsqId).filter((t) => !threads.has(t)))];
          if (unknownThreads.length && scope) {
            // Threads of an earlier run (a file of posts alone): by their keys.
            const found = await findKeys(trx, scope, "article", unknownThreads);
            for (const t of unknownThreads) if (found.has(t)) threads.set(t, found.get(t)!);
          }
          const inBatch = new Set(current.map((p) => p.dsqId));
          const unresolvedParents = [...new Set(current.map((p) => p.parentDsqId).filter((p) => p && !written.has(p) && !inBatch.has(p)))];
          const earlier = scope && unresolvedParents.length ? await findKeys(trx, scope, "comment", unresolvedParents) : new Map<string, number>();
          const incoming: IncomingComment[] = [];
          for (const post of current) {
            const articleId = threads.get(post.threadDsqId);
            if (articleId === undefined) {
              if (final) skip(summary, "posts whose thread is not in the export");
              else waitingForThread.set(post.threadDsqId, [...(waitingForThread.get(post.threadDsqId) ?? []), post]);
              continue;
            }
            if (articleId === null) {
              skip(summary, "posts of threads left out");
              continue;
            }
            if (!post.dsqId) {
              skip(summary, "posts without a dsq:id");
              continue;
            }
            let parent: string | null = post.parentDsqId || null;
            if (parent && !written.has(parent) && !inBatch.has(parent) && !earlier.has(parent)) {
              if (!final) {
                // Its parent may come later in the file.
                waiting.set(parent, [...(waiting.get(parent) ?? []), post]);
                continue;
              }
              summary.orphans += 1;
              parent = null;
            }
            const comment = toComment(post, articleId, parent);
            if (comment) incoming.push(comment);
          }
          // A parent in this batch that was itself left out (no text, no thread): the reply is top-level.
          const kept = new Set(incoming.map((c) => c.externalId));
          for (const c of incoming) {
            if (c.parentExternalId && inBatch.has(c.parentExternalId) && !kept.has(c.parentExternalId) && !written.has(c.parentExternalId)) {
              c.parentExternalId = null;
              summary.orphans += 1;
            }
          }
          await writeComments(trx, scopeFor(scope?.site ?? "disqus"), incoming, summary, written);
          // Replies that waited for one of these.
          for (const c of incoming) {
            const children = waiting.get(c.externalId);
            if (children) {
              waiting.delete(c.externalId);
              batch.push(...children);
            }
          }
        });
        options.onBatch?.(summary);
      }
      if (final && waitingForThread.size) {
        skip(summary, "posts whose thread is not in the export", [...waitingForThread.values()].reduce((n, posts) => n + posts.length, 0));
        waitingForThread.clear();
      }
      if (final && waiting.size) {
        // Parents that never came: their replies become top-level (counted as they are written).
        pendingPosts = [...waiting.values()].flat();
        waiting.clear();
        await flushPosts(true);
      }
    };

    for await (const record of records) {
      if (record.kind === "thread") {
        pendingThreads.push(record);
        if (pendingThreads.length * 20 >= batchSize) await flushThreads();
      } else {
        await flushThreads();
        pendingPosts.push(record);
        if (pendingPosts.length >= batchSize) await flushPosts(false);
      }
    }
    await flushThreads();
    await flushPosts(false);
    await flushPosts(true);
  });
  return summary;
}
