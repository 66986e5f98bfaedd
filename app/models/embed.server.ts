// Threads embedded in the news site's own pages: which article a page address
// belongs to, the editors' choice for an address no article has yet, and the
// one-time tickets that carry a member's log-in from the popup into the frame.
import { sql } from "kysely";
import type { DB } from "../../db/connection";
import type { UnknownUrlChoice } from "../../db/schema";
import { normalizeCanonicalUrl } from "../lib/canonical-url";
import { generateToken, hashToken } from "../lib/tokens.server";
import { slugify, SLUG_MAX_LENGTH } from "../lib/slugs";
import { logAction, resolveActor, SYSTEM_ACTOR } from "./moderation-log.server";
import { saveEditedArticle } from "./publishing.server";

export { UNKNOWN_URL_CHOICES, type UnknownUrlChoice } from "../../db/schema";

export interface EmbedSettings {
  /** A page on an allowed host that no article has yet: create its thread on first view, or say comments are not open. */
  unknownUrls: UnknownUrlChoice;
}

export const DEFAULT_EMBED_SETTINGS: Readonly<EmbedSettings> = Object.freeze({ unknownUrls: "closed" });

export async function getEmbedSettings(db: DB): Promise<EmbedSettings> {
  const row = await db.selectFrom("embed_settings").select("unknown_urls").where("id", "=", true).executeTakeFirst();
  return row ? { unknownUrls: row.unknown_urls } : { ...DEFAULT_EMBED_SETTINGS };
}

/** Save the setting, logged (as the moderation rules are) with what it was before. */
export async function saveEmbedSettings(db: DB, input: { settings: EmbedSettings; editorId: number | null }): Promise<{ changed: boolean }> {
  return db.transaction().execute(async (trx) => {
    await trx.insertInto("embed_settings").values({ id: true }).onConflict((oc) => oc.column("id").doNothing()).execute();
    const before = await trx.selectFrom("embed_settings").select("unknown_urls").where("id", "=", true).forUpdate().executeTakeFirstOrThrow();
    if (before.unknown_urls === input.settings.unknownUrls) return { changed: false };
    await trx
      .updateTable("embed_settings")
      .set({ unknown_urls: input.settings.unknownUrls, updated_at: new Date(), updated_by: input.editorId })
      .where("id", "=", true)
      .execute();
    await logAction(trx, {
      actor: await resolveActor(trx, input.editorId),
      action: "settings",
      details: { embedUnknownUrls: { before: before.unknown_urls, after: input.settings.unknownUrls } },
    });
    return { changed: true };
  });
}

export interface EmbeddedArticle {
  id: number;
  slug: string;
  canonicalUrl: string;
}

/** The published article with this page address (in its normalized form), if any. */
export async function findArticleByCanonicalUrl(db: DB, address: string): Promise<EmbeddedArticle | null> {
  const canonical = normalizeCanonicalUrl(address);
  if (!canonical) return null;
  const row = await db
    .selectFrom("articles")
    .select(["id", "slug", "canonical_url"])
    .where("canonical_url", "=", canonical)
    .where("published_at", "<=", sql<Date>`now()`)
    .executeTakeFirst();
  return row ? { id: row.id, slug: row.slug, canonicalUrl: row.canonical_url! } : null;
}

/** Is there any article (published or not) with this address? A draft's page gets no thread of its own. */
async function anyArticleWith(db: DB, canonical: string): Promise<boolean> {
  return Boolean(await db.selectFrom("articles").select("id").where("canonical_url", "=", canonical).executeTakeFirst());
}

export interface NewEmbeddedArticle {
  /** The page's address (normalized here). */
  url: string;
  title: string;
  description: string;
  siteName: string;
}

export type CreateEmbeddedResult = { ok: true; article: EmbeddedArticle; created: boolean } | { ok: false; error: "invalid-url" | "no-title" | "not-published" };

async function freeSlug(trx: DB, base: string): Promise<string> {
  const root = (base || "discussion").slice(0, SLUG_MAX_LENGTH - 4).replace(/-+$/, "");
  for (let n = 1; ; n++) {
    const slug = n === 1 ? root : `${root}-${n}`;
    const taken =
      (await trx.selectFrom("articles").select("id").where("slug", "=", slug).executeTakeFirst()) ??
      (await trx.selectFrom("article_slug_redirects").select("article_id").where("slug", "=", slug).executeTakeFirst());
    if (!taken) return slug;
  }
}

/**
 * The article of a news page seen for the first time in an embed: published now,
 * its body the page's description and a link to the page. Two first views at once
 * make one article (a lock on the address), and the second is told it exists.
 */
export async function createEmbeddedArticle(db: DB, input: NewEmbeddedArticle): Promise<CreateEmbeddedResult> {
  const canonical = normalizeCanonicalUrl(input.url);
  if (!canonical) return { ok: false, error: "invalid-url" };
  const title = input.title.replace(/\s+/g, " ").trim().slice(0, 200);
  if (!title) return { ok: false, error: "no-title" };
  return db.transaction().execute(async (trx): Promise<CreateEmbeddedResult> => {
    await sql`select pg_advisory_xact_lock(hashtext(${`embed:${canonical}`}))`.execute(trx);
    const existing = await findArticleByCanonicalUrl(trx, canonical);
    if (existing) return { ok: true, article: existing, created: false };
    if (await anyArticleWith(trx, canonical)) return { ok: false, error: "not-published" };
    const host = new URL(canonical).hostname;
    const link = `[Read the article on ${(input.siteName || host).replace(/[[\]]/g, "")}](<${canonical.replace(/[<>]/g, encodeURIComponent)}>)`;
    const bodyMarkdown = [input.description.trim(), link].filter(Boolean).join("\n\n");
    const saved = await saveEditedArticle(trx, {
      articleId: null,
      expectedVersion: 0,
      actor: SYSTEM_ACTOR,
      fields: {
        title,
        slug: await freeSlug(trx, slugify(title)),
        byline: input.siteName || host,
        highlights: [],
        bodyMarkdown,
        excerpt: input.description.trim().slice(0, 300),
        categoryIds: [],
        newCategoryNames: [],
        commentsOpen: true,
      },
      publish: { mode: "publish" },
    });
    if (!saved.ok) throw new Error(`Could not create the embedded article for ${canonical}: ${saved.error}`);
    await trx.updateTable("articles").set({ canonical_url: canonical }).where("id", "=", saved.id).execute();
    return { ok: true, article: { id: saved.id, slug: saved.slug, canonicalUrl: canonical }, created: true };
  });
}

// --- log-in tickets ------------------------------------------------------------------

/** How long a ticket lives: the popup hands it to the frame at once. */
export const LOGIN_TICKET_SECONDS = 60;

/** A one-time ticket for this member's log-in, to be redeemed by the frame (only its hash is kept). */
export async function issueLoginTicket(db: DB, userId: number, now: Date = new Date()): Promise<string> {
  const { token, tokenHash } = generateToken();
  await db.deleteFrom("embed_logins").where("expires_at", "<", now).execute();
  await db
    .insertInto("embed_logins")
    .values({ token_hash: tokenHash, user_id: userId, created_at: now, expires_at: new Date(now.getTime() + LOGIN_TICKET_SECONDS * 1000) })
    .execute();
  return token;
}

/** The member a ticket names, once: it is used up, or was never issued, or expired (null). */
export async function redeemLoginTicket(db: DB, token: string, now: Date = new Date()): Promise<number | null> {
  if (!/^[A-Za-z0-9_-]{16,128}$/.test(token)) return null;
  const row = await db
    .deleteFrom("embed_logins")
    .where("token_hash", "=", hashToken(token))
    .where("expires_at", ">", now)
    .returning("user_id")
    .executeTakeFirst();
  return row?.user_id ?? null;
}
