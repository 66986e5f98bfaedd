// The caches hear of changes through PostgreSQL: the migration's triggers send
// NOTIFY on any change a guest could see, and each app instance's LISTEN
// connection drops what changed. Here two "instances" (two caches, each with its
// own LISTEN connection) and a writer on a third connection.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { sql } from "kysely";
import { TaggedCache, articleTag } from "~/lib/tagged-cache";
import { listenForPageInvalidations, type PageCacheListener } from "~/lib/page-cache-listener.server";
import { approveComment } from "~/models/moderation.server";
import { saveArticle } from "~/models/articles.server";
import { useTestDatabase } from "../support/db";
import { createArticle, createCategory, createComment } from "../support/factories";

const t = useTestDatabase();

interface Instance {
  cache: TaggedCache<string>;
  listener: PageCacheListener;
}
let instances: Instance[] = [];

async function instance(): Promise<Instance> {
  const cache = new TaggedCache<string>({ sizeOf: (v) => v.length });
  const listener = listenForPageInvalidations(t.url, [cache], { log: () => undefined });
  await listener.ready;
  const made = { cache, listener };
  instances.push(made);
  return made;
}

beforeEach(() => {
  instances = [];
});
afterEach(async () => {
  for (const i of instances) await i.listener.stop();
});

/** Wait (bounded) until `check` holds: notices arrive asynchronously, right after the writer's commit. */
async function eventually(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (check()) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`never happened: ${what}`);
}

function remember(i: Instance, key: string, articleId: number | "list") {
  expect(i.cache.store(i.cache.begin(), key, key, [articleId === "list" ? "list" : articleTag(articleId)])).toBe(true);
}

describe("invalidation through LISTEN/NOTIFY", () => {
  it("an approval on another connection drops that article's pages in every instance, and the lists", async () => {
    const [one, two] = [await instance(), await instance()];
    const article = await createArticle(t.db);
    const other = await createArticle(t.db);
    const held = await createComment(t.db, article.id, { authorEmail: "first@example.com" });
    for (const i of [one, two]) {
      remember(i, "/articles/a", article.id);
      remember(i, "/articles/b", other.id);
      remember(i, "/", "list");
    }
    await approveComment(t.db, { commentId: held.commentId });
    await eventually(() => !one.cache.get("/articles/a") && !two.cache.get("/articles/a"), "both instances drop the article");
    for (const i of [one, two]) {
      expect(i.cache.get("/")).toBeUndefined();
      expect(i.cache.get("/articles/b")).toBe("/articles/b");
    }
  });

  it("a held comment arriving tells nobody (guests cannot see it); what follows it is still heard", async () => {
    const listener = await instance();
    const quiet = await createArticle(t.db);
    const busy = await createArticle(t.db);
    remember(listener, "/articles/quiet", quiet.id);
    remember(listener, "/articles/busy", busy.id);
    const held = await createComment(t.db, quiet.id, { authorEmail: "new@example.com" });
    expect(held.status).toBe("pending");
    // Notices arrive in commit order: once the later one is heard, the earlier would have been.
    await saveArticle(t.db, { slug: busy.slug, title: "Busy, renamed", highlights: [], bodyMarkdown: "Body.", byline: "", publishedAt: new Date(Date.now() - 1000), categorySlugs: [] });
    await eventually(() => !listener.cache.get("/articles/busy"), "the article update is heard");
    expect(listener.cache.get("/articles/quiet")).toBe("/articles/quiet");
  });

  it("an approved comment removed, edited or sent to spam is heard too", async () => {
    const listener = await instance();
    const article = await createArticle(t.db);
    const first = await createComment(t.db, article.id, { authorEmail: "x@example.com" });
    await approveComment(t.db, { commentId: first.commentId });
    for (const change of [
      () => t.db.updateTable("comments").set({ body_html: "<p>edited</p>" }).where("id", "=", first.commentId).execute(),
      () => t.db.updateTable("comments").set({ status: "spam" }).where("id", "=", first.commentId).execute(),
    ]) {
      remember(listener, "/articles/a", article.id);
      await change();
      await eventually(() => !listener.cache.get("/articles/a"), "the change is heard");
    }
    await t.db.updateTable("comments").set({ status: "approved" }).where("id", "=", first.commentId).execute();
    remember(listener, "/articles/a", article.id);
    await t.db.deleteFrom("comments").where("id", "=", first.commentId).execute();
    await eventually(() => !listener.cache.get("/articles/a"), "the deletion is heard");
  });

  it("a change to the categories (shown on every page) drops everything", async () => {
    const listener = await instance();
    const article = await createArticle(t.db);
    remember(listener, "/articles/a", article.id);
    remember(listener, "/", "list");
    await createCategory(t.db);
    await eventually(() => listener.cache.size === 0, "everything dropped");
  });

  it("any writer counts, not only the app: plain SQL, and NOTIFY itself", async () => {
    const listener = await instance();
    const article = await createArticle(t.db);
    remember(listener, "/articles/a", article.id);
    await sql`update articles set title = 'Renamed by hand' where id = ${article.id}`.execute(t.db);
    await eventually(() => !listener.cache.get("/articles/a"), "a hand-made update is heard");
    remember(listener, "/articles/a", article.id);
    await sql`select pg_notify('assay_page_cache', ${String(article.id)})`.execute(t.db);
    await eventually(() => !listener.cache.get("/articles/a"), "a NOTIFY is heard");
  });

  it("serves nothing while its LISTEN connection is down, and starts afresh once it is back", async () => {
    const listener = await instance();
    const article = await createArticle(t.db);
    remember(listener, "/articles/a", article.id);
    // Cut the LISTEN connection from the server side, as a restart or a failover would.
    await sql`select pg_terminate_backend(pid) from pg_stat_activity where application_name = 'assay-page-cache' and datname = current_database()`.execute(t.db);
    await eventually(() => !listener.cache.enabled, "the cache turns itself off");
    expect(listener.cache.get("/articles/a")).toBeUndefined();
    await eventually(() => listener.cache.enabled, "the cache is back once LISTEN is");
    expect(listener.cache.size).toBe(0);
    remember(listener, "/articles/a", article.id);
    await approveComment(t.db, { commentId: (await createComment(t.db, article.id, { authorEmail: "y@example.com" })).commentId });
    await eventually(() => !listener.cache.get("/articles/a"), "notices are heard again");
  });
});
