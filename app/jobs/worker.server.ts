// The job worker (graphile-worker): its tasks, one file each under tasks/, and
// its crontab. `npm start` runs it in-process; `npm run worker` runs it alone.
import { parseCronItems, run, type Runner, type TaskList } from "graphile-worker";
import type { DB } from "../../db/connection";
import { closeMailPool } from "../models/mail.server";
import { fanOutArticle, wakeMailSendersIfDue, workerConcurrency } from "../models/mail-fanout.server";
import { createAnnounceDueArticles } from "./tasks/announce_due_articles";
import { createArticlePublished, type ArticlePublishedDeps } from "./tasks/article_published";
import { createCommentApproved, createCommentPosted } from "./tasks/comment_events";
import { createDigest } from "./tasks/digests";
import { createSendMail } from "./tasks/send_mail";
import { JOB_SCHEMA } from "./queue.server";

export interface WorkerDeps extends ArticlePublishedDeps {
  db: DB;
  now?: () => Date;
  /** Where SMTP_URL, MAIL_FROM, WORKER_CONCURRENCY are read (process.env by default). */
  env?: NodeJS.ProcessEnv;
}

export function createTaskList(deps: WorkerDeps): TaskList {
  return {
    announce_due_articles: createAnnounceDueArticles(deps),
    article_published: createArticlePublished({
      ...deps,
      // Its watchers' notifications and mail (the fan-out: one statement, however many).
      notify: deps.notify ?? (async (article) => void (await fanOutArticle(deps.db, article.id))),
    }),
    comment_posted: createCommentPosted(deps),
    comment_approved: createCommentApproved(deps),
    send_mail: createSendMail(deps),
    digest_daily: createDigest(deps, "daily"),
    digest_weekly: createDigest(deps, "weekly"),
  };
}

/**
 * Once a minute: announce what has become visible (backfilled over a restart of
 * up to an hour), and wake a sender for mail whose retry time has come (or whose
 * sender died). Digests: daily at 07:00 UTC, weekly on Mondays at 07:00 UTC.
 */
export const CRON_ITEMS = parseCronItems([
  { task: "announce_due_articles", match: "* * * * *", options: { backfillPeriod: 60 * 60_000, jobKey: "announce_due_articles", jobKeyMode: "replace" } },
  { task: "send_mail", match: "* * * * *", payload: { slot: 0 }, options: { jobKey: "send_mail:0", jobKeyMode: "replace", priority: 1 } },
  { task: "digest_daily", match: "0 7 * * *", options: { backfillPeriod: 6 * 3600_000, jobKey: "digest_daily", jobKeyMode: "replace" } },
  { task: "digest_weekly", match: "0 7 * * 1", options: { backfillPeriod: 24 * 3600_000, jobKey: "digest_weekly", jobKeyMode: "replace" } },
]);

export async function startWorker(options: { connectionString: string; db: DB; concurrency?: number; env?: NodeJS.ProcessEnv }): Promise<Runner> {
  const concurrency = options.concurrency ?? workerConcurrency(options.env);
  const runner = await run({
    connectionString: options.connectionString,
    schema: JOB_SCHEMA,
    concurrency,
    // One connection per running job, and one for the worker's own LISTEN and bookkeeping.
    maxPoolSize: concurrency + 2,
    // The process that runs us handles SIGINT/SIGTERM and calls stop().
    noHandleSignals: true,
    taskList: createTaskList({ db: options.db, env: options.env }),
    parsedCronItems: CRON_ITEMS,
  });
  void runner.promise.finally(closeMailPool).catch(() => undefined);
  // Mail left by a worker that died (its jobs stay locked to it) goes out now, at full width.
  await wakeMailSendersIfDue(options.db, concurrency).catch((error: unknown) =>
    console.error(`[assay] could not wake the mail senders: ${error instanceof Error ? error.message : String(error)}`),
  );
  return runner;
}
