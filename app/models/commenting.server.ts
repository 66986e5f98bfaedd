// Whether an article takes comments: open unless a moderator closed it, or
// until `autoCloseDays` after publication when that setting is on. The rule is
// enforced by the moderation pipeline (a step of it); the article page only
// asks so it can say "Comments are closed." instead of showing the form.
import { sql } from "kysely";
import type { DB } from "../../db/connection";
import { CLOSED_MESSAGE } from "../lib/moderation-text";
import { logAction, resolveActor } from "./moderation-log.server";
import { DEFAULT_MODERATION_SETTINGS, getModerationSettings, type ModerationSettings } from "./moderation-settings.server";

export type CommentingState =
  | { open: true; closesAt: string | null }
  | { open: false; why: "closed-by-moderator" | "auto-closed"; closedAt: string | null };

/** The pure rule, for an article row and the settings in force. */
export function commentingState(
  article: { comments_open: boolean; published_at: Date | null },
  settings: Pick<ModerationSettings, "autoCloseDays">,
  now: Date = new Date(),
): CommentingState {
  if (!article.comments_open) return { open: false, why: "closed-by-moderator", closedAt: null };
  if (settings.autoCloseDays !== null && article.published_at) {
    const closesAt = new Date(article.published_at.getTime() + settings.autoCloseDays * 86_400_000);
    if (closesAt.getTime() <= now.getTime()) return { open: false, why: "auto-closed", closedAt: closesAt.toISOString() };
    return { open: true, closesAt: closesAt.toISOString() };
  }
  return { open: true, closesAt: null };
}

/** Does this article take comments now? Null when there is no such article. */
export async function getCommentingState(db: DB, articleId: number, settings?: ModerationSettings): Promise<CommentingState | null> {
  const article = await db.selectFrom("articles").select(["comments_open", "published_at"]).where("id", "=", articleId).executeTakeFirst();
  if (!article) return null;
  return commentingState(article, settings ?? (await getModerationSettings(db)));
}

export { CLOSED_MESSAGE };

export interface CommentingRules {
  /** The article takes comments now. */
  open: boolean;
  /** Only members may comment (the "guests allowed" setting is off). */
  membersOnly: boolean;
}

/**
 * What the article page needs to know before showing the form, in one query
 * (the article page counts its queries). The pipeline enforces the same rules.
 */
export async function getCommentingRules(db: DB, articleId: number): Promise<CommentingRules> {
  const row = await db
    .selectFrom("articles as a")
    .leftJoin("moderation_settings as s", (join) => join.on("s.id", "=", true))
    .select(["a.comments_open", "a.published_at", "s.auto_close_days", "s.guests_allowed"])
    .where("a.id", "=", articleId)
    .executeTakeFirst();
  if (!row) return { open: false, membersOnly: false };
  const autoCloseDays = row.guests_allowed === null ? DEFAULT_MODERATION_SETTINGS.autoCloseDays : row.auto_close_days;
  const guestsAllowed = row.guests_allowed ?? DEFAULT_MODERATION_SETTINGS.guestsAllowed;
  return { open: commentingState(row, { autoCloseDays }).open, membersOnly: !guestsAllowed };
}

/** Open or close an article's comments, with its log entry. */
export async function setCommentsOpen(
  db: DB,
  input: { articleId: number; open: boolean; moderatorId: number | null; reason?: string },
): Promise<{ ok: true; changed: boolean } | { ok: false; error: "not-found" }> {
  return db.transaction().execute(async (trx) => {
    const article = await trx.selectFrom("articles").select(["id", "comments_open"]).where("id", "=", input.articleId).forUpdate().executeTakeFirst();
    if (!article) return { ok: false, error: "not-found" } as const;
    if (article.comments_open === input.open) return { ok: true, changed: false } as const;
    await trx.updateTable("articles").set({ comments_open: input.open, updated_at: new Date() }).where("id", "=", article.id).execute();
    const actor = await resolveActor(trx, input.moderatorId);
    await logAction(trx, { actor, action: input.open ? "open-comments" : "close-comments", articleId: article.id, reason: input.reason ?? "" });
    return { ok: true, changed: true } as const;
  });
}

export interface ModeratedArticle {
  id: number;
  slug: string;
  title: string;
  publishedAt: string | null;
  state: CommentingState;
  pendingCount: number;
}

export const ARTICLES_PAGE_SIZE = 30;

/** Articles, newest first (drafts last), with whether they take comments; keyset by id. */
export async function listArticlesForModeration(
  db: DB,
  options: { beforeId?: number | null } = {},
): Promise<{ articles: ModeratedArticle[]; nextBeforeId: number | null }> {
  const settings = await getModerationSettings(db);
  let query = db
    .selectFrom("articles as a")
    .select([
      "a.id",
      "a.slug",
      "a.title",
      "a.published_at",
      "a.comments_open",
      sql<number>`(select count(*) from comments c where c.article_id = a.id and c.status = 'pending')`.as("pending_count"),
    ]);
  if (options.beforeId) query = query.where("a.id", "<", options.beforeId);
  const rows = await query.orderBy("a.id", "desc").limit(ARTICLES_PAGE_SIZE + 1).execute();
  const page = rows.slice(0, ARTICLES_PAGE_SIZE);
  return {
    articles: page.map((row) => ({
      id: row.id,
      slug: row.slug,
      title: row.title,
      publishedAt: row.published_at?.toISOString() ?? null,
      state: commentingState(row, settings),
      pendingCount: Number(row.pending_count),
    })),
    nextBeforeId: rows.length > ARTICLES_PAGE_SIZE ? page[page.length - 1]!.id : null,
  };
}
