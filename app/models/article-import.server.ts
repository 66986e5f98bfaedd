// Importing parsed article files: each becomes (or updates) one article, matched
// by its slug (current or old), with a new revision each time. Never a duplicate.
import type { DB } from "../../db/connection";
import type { ImportedArticle } from "../lib/article-import";
import { slugify } from "../lib/slugs";
import type { Actor } from "./moderation-log.server";
import { getArticleForEditing, saveEditedArticle } from "./publishing.server";
import { parseCashtags } from "../lib/cashtags";
import { resolveCashtags } from "./tickers.server";

/** The ids of the tickers a file names, or the first name that is no known ticker. */
async function resolveTickerNames(db: DB, names: string[]): Promise<{ ok: true; ids: number[] } | { ok: false; message: string }> {
  const ids: number[] = [];
  for (const name of names) {
    const tags = parseCashtags(`$${name}`);
    const tag = tags.length === 1 && tags[0]!.text.toUpperCase() === `$${name.toUpperCase()}` ? tags[0]! : null;
    const ticker = tag ? [...(await resolveCashtags(db, [tag])).values()][0] : undefined;
    if (!ticker) return { ok: false, message: `tickers: "${name}" is not a known ticker (editors add tickers at /admin/tickers; write ASX:LYC where a symbol is on two exchanges)` };
    ids.push(ticker.id);
  }
  return { ok: true, ids };
}

export const IMPORT_ACTOR: Actor = Object.freeze({ id: null, name: "Import" });

export type ImportOutcome =
  | { ok: true; action: "created" | "updated"; id: number | null; slug: string; changed: string[]; dryRun: boolean }
  | { ok: false; message: string };

async function findExisting(db: DB, slug: string): Promise<number | null> {
  const current = await db.selectFrom("articles").select("id").where("slug", "=", slug).executeTakeFirst();
  if (current) return current.id;
  const old = await db.selectFrom("article_slug_redirects").select("article_id").where("slug", "=", slug).executeTakeFirst();
  return old?.article_id ?? null;
}

export async function importArticle(
  db: DB,
  article: ImportedArticle,
  options: { dryRun?: boolean; actor?: Actor; now?: Date } = {},
): Promise<ImportOutcome> {
  const slug = article.slug || slugify(article.title);
  if (!slug) return { ok: false, message: "the title makes no slug: give one in the front matter (slug: …)" };
  const existingId = await findExisting(db, slug);
  const existing = existingId ? await getArticleForEditing(db, existingId) : null;
  const categorySlugs = article.categories?.map(slugify).filter(Boolean);
  const tickers = article.tickers === undefined ? undefined : await resolveTickerNames(db, article.tickers);
  if (tickers && !tickers.ok) return { ok: false, message: tickers.message };
  const tickerIds = tickers?.ok ? tickers.ids : undefined;

  const changed: string[] = [];
  if (existing) {
    if (existing.title !== article.title) changed.push("title");
    if (existing.byline !== article.byline) changed.push("byline");
    if (existing.highlights.join("\n") !== article.highlights.join("\n")) changed.push("highlights");
    if (existing.bodyMarkdown !== article.bodyMarkdown) changed.push("body");
    if (categorySlugs && [...categorySlugs].sort().join() !== existing.categories.map((c) => c.slug).sort().join()) changed.push("categories");
    if (tickerIds && [...new Set(tickerIds)].sort().join() !== [...existing.tickerIds].sort().join()) changed.push("tickers");
    if (article.publishedAt !== undefined && (article.publishedAt?.toISOString() ?? null) !== existing.publishedAt) changed.push("published_at");
    if (article.commentsOpen !== undefined && article.commentsOpen !== existing.commentsOpen) changed.push("comments_open");
  }
  if (options.dryRun) return { ok: true, action: existing ? "updated" : "created", id: existing?.id ?? null, slug, changed, dryRun: true };

  const result = await saveEditedArticle(db, {
    articleId: existing?.id ?? null,
    expectedVersion: existing?.version ?? 0,
    actor: options.actor ?? IMPORT_ACTOR,
    kind: "import",
    now: options.now,
    fields: {
      title: article.title,
      slug: existing ? existing.slug : slug,
      byline: article.byline,
      highlights: article.highlights,
      bodyMarkdown: article.bodyMarkdown,
      excerpt: article.excerpt,
      // The file's categories when it names any; otherwise the article keeps its own.
      categoryIds: article.categories === undefined ? (existing?.categoryIds ?? []) : [],
      newCategoryNames: article.categories ?? [],
      commentsOpen: article.commentsOpen ?? existing?.commentsOpen ?? true,
      tickerIds,
    },
    publish: article.publishedAt ? { mode: "publish", at: article.publishedAt } : { mode: "keep" },
  });
  if (!result.ok) {
    if (result.error === "invalid") return { ok: false, message: Object.values(result.errors).join(" ") };
    if (result.error === "conflict") return { ok: false, message: "the article changed while importing; run the import again" };
    return { ok: false, message: "the article disappeared while importing" };
  }
  return { ok: true, action: existing ? "updated" : "created", id: result.id, slug: result.slug, changed, dryRun: false };
}
