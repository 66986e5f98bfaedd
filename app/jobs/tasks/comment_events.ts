// A comment was posted (comment_posted, queued by postComment in the same
// transaction) or approved later by a moderator (comment_approved, queued where
// the status changes). An approved comment tells the parent's author and the
// thread's watchers (app/models/mail-fanout.server.ts); a held one tells nobody
// until it is approved. A guest who ticked "Notify me of replies" is sent the
// confirmation link of their address, whatever became of the comment but spam.
import type { Task } from "graphile-worker";
import type { DB } from "../../../db/connection";
import { fanOutApprovedComment, requestGuestConfirmation } from "../../models/mail-fanout.server";

function commentIdOf(payload: unknown): number | null {
  const id = Number((payload as { commentId?: unknown } | null)?.commentId);
  return Number.isSafeInteger(id) && id > 0 ? id : null;
}

export function createCommentPosted(deps: { db: DB }): Task {
  return async (payload, helpers) => {
    const commentId = commentIdOf(payload);
    if (commentId === null) return helpers.logger.error(`comment_posted: bad payload ${JSON.stringify(payload)}`);
    await requestGuestConfirmation(deps.db, commentId);
    await fanOutApprovedComment(deps.db, commentId);
  };
}

export function createCommentApproved(deps: { db: DB }): Task {
  return async (payload, helpers) => {
    const commentId = commentIdOf(payload);
    if (commentId === null) return helpers.logger.error(`comment_approved: bad payload ${JSON.stringify(payload)}`);
    const { notifications, deliveries } = await fanOutApprovedComment(deps.db, commentId);
    if (deliveries || notifications) helpers.logger.info(`comment ${commentId}: ${notifications} notifications, ${deliveries} mails queued`);
  };
}
