// The job worker (graphile-worker): its tasks, one file each under tasks/, and
// its crontab. `npm start` runs it in-process; `npm run worker` runs it alone.
import { parseCronItems, run, type Runner, type TaskList } from "graphile-worker";
import type { DB } from "../../db/connection";
import { createAnnounceDueArticles } from "./tasks/announce_due_articles";
import { createArticlePublished, type ArticlePublishedDeps } from "./tasks/article_published";
import { JOB_SCHEMA } from "./queue.server";

export interface WorkerDeps extends ArticlePublishedDeps {
  db: DB;
  now?: () => Date;
}

export function createTaskList(deps: WorkerDeps): TaskList {
  return {
    announce_due_articles: createAnnounceDueArticles(deps),
    article_published: createArticlePublished(deps),
  };
}

/** Once a minute: announce what has become visible (backfilled over a restart of up to an hour). */
export const CRON_ITEMS = parseCronItems([
  { task: "announce_due_articles", match: "* * * * *", options: { backfillPeriod: 60 * 60_000, jobKey: "announce_due_articles", jobKeyMode: "replace" } },
]);

export async function startWorker(options: { connectionString: string; db: DB; concurrency?: number }): Promise<Runner> {
  return run({
    connectionString: options.connectionString,
    schema: JOB_SCHEMA,
    concurrency: options.concurrency ?? 2,
    maxPoolSize: 3,
    // The process that runs us handles SIGINT/SIGTERM and calls stop().
    noHandleSignals: true,
    taskList: createTaskList({ db: options.db }),
    parsedCronItems: CRON_ITEMS,
  });
}
