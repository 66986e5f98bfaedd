// Moderation: every rule that can hold a new comment is one step of one pipeline
// (as Coral's comment "phases"). A step looks at the comment and may decide its
// status and say why; the first step that decides wins. The "why" is stored on
// the comment and shown to moderators. New rules are new steps.
import { sql, type Transaction } from "kysely";
import type { DB } from "../../db/connection";
import type { CommentStatus, Database } from "../../db/schema";

export type Executor = DB | Transaction<Database>;

export interface CommentCandidate {
  articleId: number;
  authorEmail: string;
  bodyMarkdown: string;
}

export interface ModerationDecision {
  status: CommentStatus;
  /** Why the comment was held, or null when it was published. */
  reason: string | null;
}

type ModerationStep = (db: Executor, candidate: CommentCandidate) => Promise<ModerationDecision | null>;

export const HOLD_REASONS = {
  firstTimeAuthor: "First comment from this author: held until a moderator approves one.",
} as const;

/** Hold a first-time author: published at once only after one earlier comment was approved. */
const firstTimeAuthor: ModerationStep = async (db, candidate) => {
  const approvedBefore = await db
    .selectFrom("comments")
    .select(sql`1`.as("one"))
    .where(sql`lower(author_email)`, "=", candidate.authorEmail.toLowerCase())
    .where("status", "=", "approved")
    .limit(1)
    .executeTakeFirst();
  return approvedBefore ? null : { status: "pending", reason: HOLD_REASONS.firstTimeAuthor };
};

const PIPELINE: ModerationStep[] = [firstTimeAuthor];

export async function moderateNewComment(db: Executor, candidate: CommentCandidate): Promise<ModerationDecision> {
  for (const step of PIPELINE) {
    const decision = await step(db, candidate);
    if (decision) return decision;
  }
  return { status: "approved", reason: null };
}

export type StatusChange =
  | { ok: true; commentId: number; before: CommentStatus; after: CommentStatus }
  | { ok: false; error: "not-found" };

/**
 * Move a comment to a status. The row is locked for the transaction, so two
 * moderators acting at once see one consistent before/after, never a lost update.
 */
export async function setCommentStatus(
  db: DB,
  input: { commentId: number; status: CommentStatus },
): Promise<StatusChange> {
  return db.transaction().execute(async (trx) => {
    const row = await trx.selectFrom("comments").select(["id", "status"]).where("id", "=", input.commentId).forUpdate().executeTakeFirst();
    if (!row) return { ok: false, error: "not-found" } as const;
    if (row.status !== input.status) {
      await trx
        .updateTable("comments")
        .set({ status: input.status, updated_at: new Date(), held_reason: input.status === "approved" ? null : sql`held_reason` })
        .where("id", "=", row.id)
        .execute();
    }
    return { ok: true, commentId: row.id, before: row.status, after: input.status } as const;
  });
}

export function approveComment(db: DB, input: { commentId: number }): Promise<StatusChange> {
  return setCommentStatus(db, { commentId: input.commentId, status: "approved" });
}
