// The guest page cache over HTTP: only valid values of known query parameters
// make an entry, and a POST that changed nothing drops nothing. The shared
// article views are off here, so a page not served from memory shows the database.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sql } from "kysely";
import { HONEYPOT_FIELD } from "~/components/CommentForm";
import { approveComment } from "~/models/moderation.server";
import { useTestDatabase } from "../support/db";
import { createArticle, createComment } from "../support/factories";
import { request, startAppServer, type AppServer } from "../support/app-server";

const t = useTestDatabase();
let server: AppServer;

beforeAll(async () => {
  server = await startAppServer(t.url, { ASSAY_VIEW_CACHE: "off", ASSAY_RATE_LIMITS: "off" });
}, 120_000);

afterAll(async () => {
  await server?.stop();
});

const page = async (path: string) => (await request(server.base, { path })).text;

/** Rename an article without telling the caches (its NOTIFY trigger off): only a fresh render shows it. */
async function quietlyRename(articleId: number, title: string) {
  await sql`alter table articles disable trigger articles_notify_update`.execute(t.db);
  try {
    await t.db.updateTable("articles").set({ title }).where("id", "=", articleId).execute();
  } finally {
    await sql`alter table articles enable trigger articles_notify_update`.execute(t.db);
  }
}

function post(path: string, fields: Record<string, string>) {
  return request(server.base, {
    path,
    headers: { Origin: server.base, "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ url: "", comment_parent: "0", ...fields }).toString(),
  });
}

describe("cache keys", () => {
  it("an invalid value of a known parameter makes no entry; a valid one does", async () => {
    const article = await createArticle(t.db, { title: "Before" });
    const comment = await createComment(t.db, article.id, { authorEmail: "r@example.com" });
    await approveComment(t.db, { commentId: comment.commentId });
    const base = `/articles/${article.slug}`;
    const junk = [`${base}?after=junk`, `${base}?replytocom=99999999999`, `${base}?thread=x`, `${base}?after=2025-02-30T00:00:00Z~1`];
    const valid = `${base}?replytocom=${comment.commentId}`;
    for (const path of [...junk, valid]) {
      await page(path);
      await page(path);
    }
    await quietlyRename(article.id, "After");
    for (const path of junk) {
      const response = await request(server.base, { path });
      expect(response.headers.etag, path).toBeUndefined();
      expect(response.text, path).toContain("After");
    }
    // The valid one really came from memory: it still shows the old title.
    expect(await page(valid)).toContain("Before");
  });
});

describe("a POST that changed nothing", () => {
  it("drops nothing: a honeypot post, a refused comment, a held comment", async () => {
    const article = await createArticle(t.db, { title: "Kept in memory" });
    const path = `/articles/${article.slug}`;
    await page(path);
    expect(await page(path)).toContain("Kept in memory");
    await quietlyRename(article.id, "Renamed quietly");

    const bot = await post(path, { comment: "Buy now", author: "Bot", email: "bot@example.com", [HONEYPOT_FIELD]: "gotcha" });
    expect(bot.status).toBe(302);
    expect(await page(path)).toContain("Kept in memory");

    const refused = await post(path, { comment: "", author: "", email: "" });
    expect(refused.status).toBe(400);
    expect(await page(path)).toContain("Kept in memory");

    const held = await post(path, { comment: "A first-timer's comment", author: "New", email: "new@example.com" });
    expect(held.status).toBe(303);
    expect(held.headers["x-assay-unchanged"]).toBeUndefined();
    expect(await page(path)).toContain("Kept in memory");

    // A write that did change the page drops it at once (the control).
    const earlier = await createComment(t.db, article.id, { authorEmail: "regular@example.com" });
    await approveComment(t.db, { commentId: earlier.commentId });
    await quietlyRename(article.id, "Renamed quietly");
    const published = await post(path, { comment: "A regular speaks", author: "Regular", email: "regular@example.com" });
    expect(published.status).toBe(303);
    expect(await page(path)).toContain("Renamed quietly");
  });
});
