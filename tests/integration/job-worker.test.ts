// The job worker as it runs (graphile-worker on this database): the crontab's
// task announces what has become visible and queues one "article published" job
// per article, which tells followers once; an article withdrawn before its job
// runs tells nobody.
import { describe, expect, it } from "vitest";
import { sql } from "kysely";
import { makeWorkerUtils, runOnce } from "graphile-worker";
import { createTaskList } from "~/jobs/worker.server";
import { JOB_SCHEMA } from "~/jobs/queue.server";
import { saveEditedArticle, unpublishArticle } from "~/models/publishing.server";
import { useTestDatabase } from "../support/db";

const t = useTestDatabase();
const actor = { id: null, name: "Test" };

async function publish(slug: string, at = new Date(Date.now() - 60_000)) {
  const result = await saveEditedArticle(t.db, {
    articleId: null,
    expectedVersion: 0,
    actor,
    fields: { title: slug, slug, byline: "", highlights: [], bodyMarkdown: "Body.", excerpt: "", categoryIds: [], newCategoryNames: [], commentsOpen: true },
    publish: { mode: "publish", at },
  });
  if (!result.ok) throw new Error("not saved");
  return result;
}

async function runWorkerOnce(notified: string[]) {
  const utils = await makeWorkerUtils({ connectionString: t.url, schema: JOB_SCHEMA });
  try {
    await utils.migrate();
    await utils.addJob("announce_due_articles", {});
  } finally {
    await utils.release();
  }
  const taskList = createTaskList({ db: t.db, notify: async (article) => void notified.push(article.slug) });
  await runOnce({ connectionString: t.url, schema: JOB_SCHEMA, taskList, concurrency: 1 });
}

describe("the job worker", () => {
  it("tells followers of each article once, when it appears", async () => {
    await publish("already-out");
    await publish("later", new Date(Date.now() + 3600_000));
    const notified: string[] = [];
    await runWorkerOnce(notified);
    expect(notified).toEqual(["already-out"]);
    await runWorkerOnce(notified);
    expect(notified).toEqual(["already-out"]);
    const left = await t.db.selectFrom("articles").select(["slug", "announced_at"]).where("announced_at", "is", null).execute();
    expect(left.map((r) => r.slug)).toEqual(["later"]);
  });

  it("tells nobody about an article unpublished before its job ran", async () => {
    const a = await publish("withdrawn-quickly");
    const notified: string[] = [];
    // The announcement is queued, then the article is withdrawn before the job runs.
    const utils = await makeWorkerUtils({ connectionString: t.url, schema: JOB_SCHEMA });
    await utils.migrate();
    await utils.addJob("announce_due_articles", {});
    await utils.release();
    const tasks = createTaskList({ db: t.db, notify: async (article) => void notified.push(article.slug) });
    await runOnce({ connectionString: t.url, schema: JOB_SCHEMA, taskList: { announce_due_articles: tasks.announce_due_articles! } });
    const queued = await sql<{ n: number }>`select count(*)::int as n from graphile_worker.jobs where task_identifier = 'article_published'`.execute(t.db);
    expect(queued.rows[0]!.n).toBe(1);
    await unpublishArticle(t.db, { articleId: a.id, expectedVersion: a.version, actor });
    await runOnce({ connectionString: t.url, schema: JOB_SCHEMA, taskList: tasks });
    expect(notified).toEqual([]);
    const after = await sql<{ n: number }>`select count(*)::int as n from graphile_worker.jobs`.execute(t.db);
    expect(after.rows[0]!.n).toBe(0);
  });
});
