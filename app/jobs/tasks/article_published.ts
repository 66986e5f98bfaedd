// One article has appeared for readers. Tells its followers (the follow feature
// adds them here: categories' and authors' followers, once each, since this job
// runs once per article, keyed by its id). Until then it only records the event.
import type { Task } from "graphile-worker";
import type { DB } from "../../../db/connection";
import { getArticleForEditing } from "../../models/publishing.server";

export interface ArticlePublishedDeps {
  db: DB;
  /** Called with the article that appeared (the follow feature's fan-out goes here). */
  notify?: (article: { id: number; slug: string; title: string }) => Promise<void>;
}

export function createArticlePublished(deps: ArticlePublishedDeps): Task {
  return async (payload, helpers) => {
    const articleId = Number((payload as { articleId?: unknown } | null)?.articleId);
    if (!Number.isSafeInteger(articleId) || articleId <= 0) {
      helpers.logger.error(`article_published: bad payload ${JSON.stringify(payload)}`);
      return;
    }
    const article = await getArticleForEditing(deps.db, articleId);
    // Unpublished (or deleted) before the job ran: nobody is told about it.
    if (!article || article.status !== "published") return;
    await deps.notify?.({ id: article.id, slug: article.slug, title: article.title });
    helpers.logger.info(`article ${article.id} published: ${article.slug}`);
  };
}
