// Every minute (the worker's crontab): articles whose time has come since the
// last run are marked announced, each once, and an "article published" job is
// queued for each in the same transaction. Readers see a scheduled article at
// its time regardless (a rule at query time); this only drives notifications.
import type { Task } from "graphile-worker";
import type { DB } from "../../../db/connection";
import { announceDueArticles } from "../../models/publishing.server";
import { addJob } from "../queue.server";

export function createAnnounceDueArticles(deps: { db: DB; now?: () => Date }): Task {
  return async (_payload, helpers) => {
    const now = deps.now?.() ?? new Date();
    const ids = await deps.db.transaction().execute(async (trx) => {
      const due = await announceDueArticles(trx, now);
      for (const articleId of due) {
        await addJob(trx, "article_published", { articleId }, { jobKey: `article_published:${articleId}` });
      }
      return due;
    });
    if (ids.length) helpers.logger.info(`announced articles ${ids.join(", ")}`);
  };
}
