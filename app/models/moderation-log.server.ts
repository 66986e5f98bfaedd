// The moderation log: every moderation action, who did it, when, the status
// before and after, and why. Append-only: the database itself rejects UPDATE and
// DELETE on `moderation_log` (a trigger of migration 0003). Entries are written
// inside the transaction of the action they record, so an action and its entry
// stand or fall together.
//
// A member author is recorded by user id only (their name and email live in
// `users`, and vanish from the log's pages when the account is erased); a guest
// author, who has no account, by a copy of the name and email they typed.
import { sql } from "kysely";
import type { DB } from "../../db/connection";
import type { CommentStatus } from "../../db/schema";

export interface Actor {
  /** Null: the system (a rule, the report threshold, a script). */
  id: number | null;
  name: string;
}

export const SYSTEM_ACTOR: Actor = Object.freeze({ id: null, name: "System" });

/** The actor for a moderator id (their display name now), or the system. */
export async function resolveActor(db: DB, moderatorId: number | null | undefined): Promise<Actor> {
  if (moderatorId === null || moderatorId === undefined) return SYSTEM_ACTOR;
  const row = await db.selectFrom("users").select("display_name").where("id", "=", moderatorId).executeTakeFirst();
  return { id: moderatorId, name: row?.display_name ?? `User ${moderatorId}` };
}

export const LOG_ACTIONS = {
  approve: "Approved",
  unapprove: "Unapproved",
  spam: "Marked as spam",
  trash: "Moved to trash",
  restore: "Restored",
  delete: "Deleted forever",
  edit: "Edited",
  reply: "Replied",
  "hide-reported": "Hidden after reports",
  "dismiss-reports": "Dismissed reports",
  ban: "Banned member",
  suspend: "Suspended member",
  "lift-restriction": "Lifted restriction",
  "block-email": "Blocked guest email",
  "block-ip": "Blocked guest IP",
  unblock: "Unblocked guest",
  "close-comments": "Closed comments",
  "open-comments": "Opened comments",
  settings: "Changed settings",
  publish: "Published article",
  schedule: "Scheduled article",
  unpublish: "Unpublished article",
  "restore-revision": "Restored article revision",
  "give-label": "Gave a label",
  "remove-label": "Removed a label",
} as const;

export type LogAction = keyof typeof LOG_ACTIONS;

/** The parts of a comment row a log entry keeps. */
export interface LoggedComment {
  id: number;
  article_id: number;
  user_id: number | null;
  author_name: string;
  author_email: string;
}

export interface LogInput {
  actor: Actor;
  action: LogAction;
  comment?: LoggedComment | null;
  articleId?: number | null;
  targetUserId?: number | null;
  before?: CommentStatus | null;
  after?: CommentStatus | null;
  reason?: string;
  details?: Record<string, unknown>;
}

function logRow(input: LogInput) {
  const comment = input.comment ?? null;
  const guest = comment !== null && comment.user_id === null;
  return {
    moderator_id: input.actor.id,
    moderator_name: input.actor.name,
    action: input.action,
    comment_id: comment?.id ?? null,
    article_id: comment?.article_id ?? input.articleId ?? null,
    author_user_id: comment?.user_id ?? null,
    author_name: guest ? comment.author_name : null,
    author_email: guest && comment.author_email ? comment.author_email.toLowerCase() : null,
    target_user_id: input.targetUserId ?? comment?.user_id ?? null,
    status_before: input.before ?? null,
    status_after: input.after ?? null,
    reason: (input.reason ?? "").trim().slice(0, 1000),
    details: JSON.stringify(input.details ?? {}),
  };
}

/** Append entries (call it inside the action's transaction). */
export async function logActions(db: DB, inputs: LogInput[]): Promise<void> {
  if (inputs.length === 0) return;
  await db.insertInto("moderation_log").values(inputs.map(logRow)).execute();
}

export async function logAction(db: DB, input: LogInput): Promise<void> {
  await logActions(db, [input]);
}

// --- reading -------------------------------------------------------------------

export interface LogEntry {
  id: number;
  createdAt: string;
  moderatorId: number | null;
  moderatorName: string;
  action: string;
  actionLabel: string;
  commentId: number | null;
  article: { slug: string; title: string } | null;
  /** Who wrote the comment: a member (by id, current name) or a guest (name and email as typed). */
  author: { kind: "member"; userId: number; name: string } | { kind: "guest"; name: string; email: string } | null;
  target: { userId: number; name: string } | null;
  statusBefore: string | null;
  statusAfter: string | null;
  reason: string;
  details: Record<string, unknown>;
}

export interface LogFilter {
  moderatorId?: number | null;
  /** The comment author: a member's user id. */
  authorUserId?: number | null;
  /** The comment author: a guest's email (any case). */
  authorEmail?: string | null;
  /** Only entries older than this id (keyset, newest first). */
  before?: number | null;
  limit?: number;
}

export const LOG_PAGE_SIZE = 50;

/** Log entries, newest first, filtered by moderator and/or comment author. */
export async function listModerationLog(db: DB, filter: LogFilter = {}): Promise<{ entries: LogEntry[]; nextBefore: number | null }> {
  const limit = Math.min(Math.max(filter.limit ?? LOG_PAGE_SIZE, 1), 200);
  let query = db
    .selectFrom("moderation_log as l")
    .leftJoin("articles as a", "a.id", "l.article_id")
    .leftJoin("users as au", "au.id", "l.author_user_id")
    .leftJoin("users as tu", "tu.id", "l.target_user_id")
    .select([
      "l.id",
      "l.created_at",
      "l.moderator_id",
      "l.moderator_name",
      "l.action",
      "l.comment_id",
      "a.slug as article_slug",
      "a.title as article_title",
      "l.author_user_id",
      "au.display_name as author_display_name",
      "l.author_name",
      "l.author_email",
      "l.target_user_id",
      "tu.display_name as target_display_name",
      "l.status_before",
      "l.status_after",
      "l.reason",
      "l.details",
    ]);
  if (filter.moderatorId) query = query.where("l.moderator_id", "=", filter.moderatorId);
  if (filter.authorUserId) query = query.where("l.author_user_id", "=", filter.authorUserId);
  if (filter.authorEmail) query = query.where(sql`lower(l.author_email)`, "=", filter.authorEmail.trim().toLowerCase());
  if (filter.before) query = query.where("l.id", "<", filter.before);
  const rows = await query.orderBy("l.id", "desc").limit(limit + 1).execute();
  const page = rows.slice(0, limit);
  return {
    entries: page.map((row) => ({
      id: Number(row.id),
      createdAt: row.created_at.toISOString(),
      moderatorId: row.moderator_id,
      moderatorName: row.moderator_name,
      action: row.action,
      actionLabel: LOG_ACTIONS[row.action as LogAction] ?? row.action,
      commentId: row.comment_id,
      article: row.article_slug && row.article_title ? { slug: row.article_slug, title: row.article_title } : null,
      author:
        row.author_user_id !== null
          ? { kind: "member", userId: row.author_user_id, name: row.author_display_name ?? `User ${row.author_user_id}` }
          : row.author_email !== null || row.author_name !== null
            ? { kind: "guest", name: row.author_name ?? "", email: row.author_email ?? "" }
            : null,
      target:
        row.target_user_id !== null && row.target_user_id !== row.author_user_id
          ? { userId: row.target_user_id, name: row.target_display_name ?? `User ${row.target_user_id}` }
          : null,
      statusBefore: row.status_before,
      statusAfter: row.status_after,
      reason: row.reason,
      details: row.details,
    })),
    nextBefore: rows.length > limit && page.length ? Number(page[page.length - 1]!.id) : null,
  };
}

/** Everyone who has acted in the log (for the moderator filter). */
export async function listLogModerators(db: DB): Promise<{ id: number; name: string }[]> {
  const rows = await db
    .selectFrom("users")
    .select(["id", "display_name"])
    .where((eb) => eb.exists(eb.selectFrom("moderation_log as l").select(sql`1`.as("one")).whereRef("l.moderator_id", "=", "users.id")))
    .orderBy("display_name")
    .execute();
  return rows.map((row) => ({ id: row.id, name: row.display_name }));
}
