// The job queue is graphile-worker's, in PostgreSQL (schema graphile_worker,
// created by the worker when it starts). Jobs added here join the caller's
// transaction, so a job exists exactly when the change that needs it commits.
import { sql } from "kysely";
import type { DB } from "../../db/connection";

export { JOB_SCHEMA } from "../../db/migrate";
import { JOB_SCHEMA } from "../../db/migrate";

/** Task names and their payloads. */
export interface JobPayloads {
  announce_due_articles: Record<string, never>;
  article_published: { articleId: number };
  /** A comment was posted (approved at once, or held; a guest may have asked for replies). */
  comment_posted: { commentId: number };
  /** A held comment was approved by a moderator (or by replying to it). */
  comment_approved: { commentId: number };
  /** One of the mail senders: sends due deliveries until none is left (see app/models/mail-deliveries.server.ts). */
  send_mail: { slot: number };
  digest_daily: Record<string, never>;
  digest_weekly: Record<string, never>;
}

export async function addJob<T extends keyof JobPayloads>(
  db: DB,
  task: T,
  payload: JobPayloads[T],
  options: { jobKey?: string; runAt?: Date; jobKeyMode?: "replace" | "preserve_run_at"; priority?: number } = {},
): Promise<void> {
  await sql`select ${sql.id(JOB_SCHEMA)}.add_job(
    ${task}::text,
    ${JSON.stringify(payload)}::json,
    run_at => ${options.runAt ?? null}::timestamptz,
    job_key => ${options.jobKey ?? null}::text,
    priority => ${options.priority ?? null}::int,
    job_key_mode => ${options.jobKeyMode ?? null}::text
  )`.execute(db);
}
