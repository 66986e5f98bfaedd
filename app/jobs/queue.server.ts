// The job queue is graphile-worker's, in PostgreSQL (schema graphile_worker,
// created by the worker when it starts). Jobs added here join the caller's
// transaction, so a job exists exactly when the change that needs it commits.
import { sql } from "kysely";
import type { DB } from "../../db/connection";

export const JOB_SCHEMA = "graphile_worker";

/** Task names and their payloads. */
export interface JobPayloads {
  announce_due_articles: Record<string, never>;
  article_published: { articleId: number };
}

export async function addJob<T extends keyof JobPayloads>(
  db: DB,
  task: T,
  payload: JobPayloads[T],
  options: { jobKey?: string; runAt?: Date } = {},
): Promise<void> {
  await sql`select ${sql.id(JOB_SCHEMA)}.add_job(
    ${task}::text,
    ${JSON.stringify(payload)}::json,
    run_at => ${options.runAt ?? null}::timestamptz,
    job_key => ${options.jobKey ?? null}::text
  )`.execute(db);
}
