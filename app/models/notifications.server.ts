// A member's /notifications: replies to their comments and new articles in the
// categories they watch, newest first. The rows are written by the jobs
// (app/jobs/), once per (member, event); this module reads them and marks them read.
import { sql } from "kysely";
import type { DB } from "../../db/connection";
import type { NotificationKind } from "../../db/schema";
import { parseId } from "../lib/params";

export const NOTIFICATIONS_PER_PAGE = 30;

export interface NotificationItem {
  id: number;
  kind: NotificationKind;
  createdAt: string;
  read: boolean;
  article: { slug: string; title: string };
  /** For a reply: who wrote it and its first words. Never their email. */
  reply: { commentId: number; authorName: string; excerpt: string } | null;
  /** A reply from a member the reader now ignores: shown collapsed. */
  fromIgnored: boolean;
}

export interface NotificationPage {
  notifications: NotificationItem[];
  /** The id to page on from (older ones), or null on the last page. */
  nextBefore: number | null;
}

const EXCERPT_LENGTH = 140;

function excerpt(markdown: string): string {
  const text = markdown.replace(/[*_`>#\[\]]/g, "").replace(/\((https?:[^)]*)\)/g, "").replace(/\s+/g, " ").trim();
  return text.length > EXCERPT_LENGTH ? `${text.slice(0, EXCERPT_LENGTH - 1).trimEnd()}…` : text;
}

/** Newest first, keyset on id (notifications_user_idx: user_id, id desc). */
export async function listNotifications(db: DB, input: { userId: number; before?: number | null; limit?: number }): Promise<NotificationPage> {
  const limit = input.limit ?? NOTIFICATIONS_PER_PAGE;
  let query = db
    .selectFrom("notifications as n")
    .innerJoin("articles as a", "a.id", "n.article_id")
    .leftJoin("comments as c", "c.id", "n.comment_id")
    .select(["n.id", "n.kind", "n.created_at", "n.read_at", "a.slug", "a.title", "c.id as comment_id", "c.author_name", "c.body_markdown", "c.status", "c.hidden_at"])
    // A reply from a member they ignore (written before they did: later ones are never
    // created) stays in the list, collapsed like that member's comments everywhere.
    .select(sql<boolean>`exists (select 1 from member_ignores i where i.user_id = n.user_id and i.ignored_user_id = c.user_id)`.as("from_ignored"))
    .where("n.user_id", "=", input.userId);
  if (input.before) query = query.where("n.id", "<", input.before);
  const rows = await query.orderBy("n.id", "desc").limit(limit + 1).execute();
  const page = rows.slice(0, limit);
  return {
    notifications: page.map((r) => ({
      id: r.id,
      kind: r.kind,
      createdAt: r.created_at.toISOString(),
      read: r.read_at !== null,
      article: { slug: r.slug, title: r.title },
      // A reply that was since removed or hidden shows as its article only.
      reply:
        r.kind === "reply" && r.comment_id !== null && r.status === "approved" && !r.hidden_at
          ? { commentId: r.comment_id, authorName: r.author_name ?? "", excerpt: excerpt(r.body_markdown ?? "") }
          : null,
      fromIgnored: r.kind === "reply" && r.from_ignored,
    })),
    nextBefore: rows.length > limit ? page[page.length - 1]!.id : null,
  };
}

/** The header's badge: an index-only count (notifications_unread_idx). */
export async function countUnreadNotifications(db: DB, userId: number): Promise<number> {
  const row = await db
    .selectFrom("notifications")
    .select(sql<number>`count(*)`.as("n"))
    .where("user_id", "=", userId)
    .where("read_at", "is", null)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/**
 * Open one of the member's notifications: it is marked read, and the answer is
 * where it leads (the reply in its thread, or the article). Someone else's, or
 * one that does not exist: null.
 */
export async function openNotification(db: DB, input: { userId: number; id: number | string }): Promise<{ href: string } | null> {
  const id = typeof input.id === "number" ? input.id : parseId(input.id);
  if (id === null || !Number.isSafeInteger(id) || id < 1) return null;
  const row = await db
    .updateTable("notifications as n")
    .set({ read_at: sql`coalesce(n.read_at, now())` })
    .from("articles as a")
    .whereRef("a.id", "=", "n.article_id")
    .where("n.id", "=", id)
    .where("n.user_id", "=", input.userId)
    .returning(["n.kind", "n.comment_id", "a.slug"])
    .executeTakeFirst();
  if (!row) return null;
  if (row.kind === "reply" && row.comment_id !== null) {
    const comment = await db.selectFrom("comments").select("id").where("id", "=", row.comment_id).where("status", "=", "approved").executeTakeFirst();
    // The permalink finds the page of the thread that shows it.
    if (comment) return { href: `/comments/${comment.id}` };
  }
  return { href: `/articles/${row.slug}` };
}

/** Mark every unread notification of the member read. Returns how many were. */
export async function markAllNotificationsRead(db: DB, userId: number): Promise<number> {
  const result = await db
    .updateTable("notifications")
    .set({ read_at: sql`now()` })
    .where("user_id", "=", userId)
    .where("read_at", "is", null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}
