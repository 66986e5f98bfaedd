// The guest page cache over HTTP, on the production server (scripts/start.ts)
// against this file's database: pages come from memory for guests until
// PostgreSQL says they changed; nothing personal (a held comment, a member's
// header) is ever served to anyone else; ETag/304 and Cache-Control.
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import http from "node:http";
import path from "node:path";
import { brotliDecompressSync, gunzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sql } from "kysely";
import { freePort } from "../../db/embedded";
import { approveComment } from "~/models/moderation.server";
import { saveTicker } from "~/models/tickers.server";
import { createUser } from "~/models/users.server";
import { startSession } from "~/composition/session.server";
import { ROOTS_PER_PAGE } from "~/models/threads.server";
import { useTestDatabase } from "../support/db";
import { createArticle, createComment } from "../support/factories";

const t = useTestDatabase();
const root = path.resolve(import.meta.dirname, "..", "..");
let child: ChildProcess | undefined;
let base = "";
let output = "";

beforeAll(async () => {
  if (!existsSync(path.join(root, "build", "index.js"))) throw new Error("No build: run `npx remix build` first (npm test does).");
  const port = await freePort();
  child = spawn(process.execPath, ["--import", "tsx", "scripts/start.ts"], {
    cwd: root,
    env: { ...process.env, DATABASE_URL: t.url, PORT: String(port), HOST: "127.0.0.1", NODE_ENV: "production", ASSAY_SEED: "0", ASSAY_RATE_LIMITS: "off" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout!.on("data", (c) => (output += c));
  child.stderr!.on("data", (c) => (output += c));
  base = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 240; i++) {
    if (child.exitCode !== null) throw new Error(`server exited:\n${output}`);
    try {
      if ((await fetch(`${base}/`)).status < 500) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`server did not start:\n${output}`);
}, 90_000);

afterAll(async () => {
  if (!child || child.exitCode !== null) return;
  child.kill("SIGTERM");
  await new Promise((r) => child!.once("exit", r));
});

const get = (pathname: string, headers: Record<string, string> = {}) => fetch(`${base}${pathname}`, { headers, redirect: "manual" });
const page = async (pathname: string, headers: Record<string, string> = {}) => (await get(pathname, headers)).text();

/** Wait (bounded) for what PostgreSQL's NOTIFY makes happen, right after a commit. */
async function eventually(check: () => Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`never happened: ${what}`);
}

/** One request, its body as the bytes sent (fetch would decompress them). */
function raw(pathname: string, headers: Record<string, string>, method = "GET"): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = http.request(`${base}${pathname}`, { method, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end();
  });
}

function postComment(slug: string, fields: Record<string, string>, cookie?: string) {
  return fetch(`${base}/articles/${slug}`, {
    method: "POST",
    redirect: "manual",
    headers: { Origin: base, "Content-Type": "application/x-www-form-urlencoded", ...(cookie ? { Cookie: cookie } : {}) },
    body: new URLSearchParams({ url: "", comment_parent: "0", ...fields }),
  });
}

describe("a guest's page", () => {
  it("lives no longer than its own time limit: the home page's trending box is rendered again when a counted comment leaves the 24 hours, with no write", async () => {
    const saved = await saveTicker(t.db, null, { symbol: "FADE", exchange: "ASX", companyName: "Fading Minerals", aliases: "" });
    if (!saved.ok) throw new Error(JSON.stringify(saved));
    const article = await createArticle(t.db);
    const { commentId } = await createComment(t.db, article.id, { body: "$FADE is quiet today" });
    await approveComment(t.db, { commentId });
    // Counted for six more seconds. Moved back without a notice: only the time limit can drop the page.
    await sql`alter table comment_tickers disable trigger user`.execute(t.db);
    try {
      await t.db.updateTable("comment_tickers").set({ created_at: new Date(Date.now() - 86_400_000 + 6_000) } as never).where("comment_id", "=", commentId).execute();
    } finally {
      await sql`alter table comment_tickers enable trigger user`.execute(t.db);
    }
    await eventually(async () => (await page("/")).includes("Fading Minerals"), "the home page shows the new ticker");
    const first = await get("/");
    expect(first.headers.get("x-assay-cache-until")).toBeNull();
    expect(await first.text()).toContain("Fading Minerals");
    const cached = await get("/");
    expect(cached.headers.get("etag")).toBeTruthy();
    expect(await cached.text()).toContain("Fading Minerals");
    await new Promise((r) => setTimeout(r, 6_500));
    expect(await page("/")).not.toContain("Fading Minerals");
  });

  it("comes from memory, with an ETag (304 when unchanged) and a Cache-Control a CDN can use, until PostgreSQL says it changed", async () => {
    const article = await createArticle(t.db, { title: "Cached title" });
    const first = await get(`/articles/${article.slug}`);
    expect(first.status).toBe(200);
    await first.text();
    const second = await get(`/articles/${article.slug}`);
    const etag = second.headers.get("etag");
    expect(etag).toBeTruthy();
    expect(second.headers.get("cache-control")).toMatch(/public.*s-maxage=\d+/);
    expect(second.headers.get("vary")).toMatch(/Cookie/);
    expect(second.headers.get("x-assay-cache")).toBeNull();
    expect(await second.text()).toContain("Cached title");
    expect((await get(`/articles/${article.slug}`, { "If-None-Match": etag! })).status).toBe(304);

    // A change made without telling anyone is not seen: the page really comes from memory…
    await sql`alter table articles disable trigger articles_notify_update`.execute(t.db);
    try {
      await t.db.updateTable("articles").set({ title: "Quietly renamed" }).where("id", "=", article.id).execute();
    } finally {
      await sql`alter table articles enable trigger articles_notify_update`.execute(t.db);
    }
    expect(await page(`/articles/${article.slug}`)).toContain("Cached title");
    // …and a notice drops it.
    await sql`select pg_notify('assay_page_cache', ${String(article.id)})`.execute(t.db);
    await eventually(async () => (await page(`/articles/${article.slug}`)).includes("Quietly renamed"), "the renamed title shows");
    expect((await get(`/articles/${article.slug}`, { "If-None-Match": etag! })).status).toBe(200);
  });

  it("shows a guest's published comment as soon as the POST redirects back", async () => {
    const article = await createArticle(t.db);
    const earlier = await createComment(t.db, article.id, { authorEmail: "regular@example.com" });
    await approveComment(t.db, { commentId: earlier.commentId });
    await page(`/articles/${article.slug}`);
    const response = await postComment(article.slug, { comment: "Regular speaks a second word", author: "Regular", email: "regular@example.com" });
    expect(response.status).toBe(303);
    expect(response.headers.get("set-cookie") ?? "").not.toContain("assay_held");
    expect(await page(`/articles/${article.slug}`)).toContain("second word");
  });

  it("sends the poster to the page of a long thread that shows their comment, and /comments/:id there too", async () => {
    const article = await createArticle(t.db);
    const earlier = await createComment(t.db, article.id, { authorEmail: "long@example.com" });
    await approveComment(t.db, { commentId: earlier.commentId });
    // A first page full of older conversations: the new comment is on the next page.
    await sql`
      insert into comments (article_id, status, author_name, author_email, body_markdown, body_html, created_at)
      select ${article.id}, 'approved', 'Old', 'old@example.com', 'old', '<p>old</p>', now() - g * interval '1 minute'
      from generate_series(1, ${ROOTS_PER_PAGE}) as g
    `.execute(t.db);
    const response = await postComment(article.slug, { comment: "Late to a long thread", author: "Long", email: "long@example.com" });
    expect(response.status).toBe(303);
    const location = response.headers.get("location") ?? "";
    const row = await t.db.selectFrom("comments").select("id").where("body_markdown", "=", "Late to a long thread").executeTakeFirstOrThrow();
    expect(location).toMatch(new RegExp(`^/articles/${article.slug}\\?after=[^#]+#comment-${row.id}$`));
    expect(await page(location.split("#")[0]!)).toContain("Late to a long thread");
    expect(await page(`/articles/${article.slug}`)).not.toContain("Late to a long thread");

    const permalink = await get(`/comments/${row.id}`);
    expect(permalink.status).toBe(302);
    expect(permalink.headers.get("location")).toBe(location);
  });

  it("keeps /comments/:id of a held comment for its poster alone", async () => {
    const article = await createArticle(t.db);
    const response = await postComment(article.slug, { comment: "Held, and only mine", author: "New", email: "new-permalink@example.com" });
    const cookie = (response.headers.get("set-cookie") ?? "").split(";")[0]!;
    const row = await t.db.selectFrom("comments").select("id").where("body_markdown", "=", "Held, and only mine").executeTakeFirstOrThrow();
    expect((await get(`/comments/${row.id}`)).status).toBe(404);
    const mine = await get(`/comments/${row.id}`, { Cookie: cookie });
    expect(mine.status).toBe(302);
    expect(mine.headers.get("location")).toBe(`/articles/${article.slug}#comment-${row.id}`);
    expect((await get("/comments/0")).status).toBe(404);
    expect((await get("/comments/nope")).status).toBe(404);
  });

  it("is a standards-mode HTML document in UTF-8, rendered or from memory", async () => {
    const article = await createArticle(t.db);
    for (let i = 0; i < 2; i++) {
      const response = await get(`/articles/${article.slug}`);
      expect(response.headers.get("content-type")).toBe("text/html; charset=utf-8");
      expect(await response.text()).toMatch(/^<!DOCTYPE html><html lang="en"/);
    }
  });

  it("never shows its internal cache tag, not even on a form's error page", async () => {
    const article = await createArticle(t.db);
    const refused = await postComment(article.slug, { comment: "", author: "", email: "" });
    expect(refused.status).toBe(400);
    expect(refused.headers.get("x-assay-cache")).toBeNull();
    expect((await get(`/articles/${article.slug}`)).headers.get("x-assay-cache")).toBeNull();
    expect((await get(`/articles/${article.slug}`, { Cookie: "assay_held=x" })).headers.get("x-assay-cache")).toBeNull();
  });
});

describe("personal pages are never shared", () => {
  it("a held comment shows to its poster only, and to everyone once approved", async () => {
    const article = await createArticle(t.db);
    const body = "A first comment, held for now";
    expect(await page(`/articles/${article.slug}`)).not.toContain(body);
    const response = await postComment(article.slug, { comment: body, author: "Newcomer", email: "newcomer@example.com" });
    expect(response.status).toBe(303);
    const cookie = (response.headers.get("set-cookie") ?? "").split(";")[0]!;
    expect(cookie).toMatch(/^assay_held=/);

    const mine = await get(`/articles/${article.slug}`, { Cookie: cookie });
    expect(mine.headers.get("cache-control")).toBe("private, no-store");
    expect(mine.headers.get("etag")).toBeNull();
    const mineHtml = await mine.text();
    expect(mineHtml).toContain(body);
    expect(mineHtml).toContain("Your comment is awaiting moderation.");

    for (let i = 0; i < 3; i++) {
      const html = await page(`/articles/${article.slug}`);
      expect(html).not.toContain(body);
      expect(html).not.toContain("awaiting moderation");
    }

    const row = await t.db.selectFrom("comments").select("id").where("body_markdown", "=", body).executeTakeFirstOrThrow();
    await approveComment(t.db, { commentId: row.id });
    await eventually(async () => (await page(`/articles/${article.slug}`)).includes(body), "the approved comment shows to guests");
    expect(await page(`/articles/${article.slug}`)).not.toContain("awaiting moderation");
  });

  it("a member's header never reaches a guest, whoever comes first", async () => {
    const user = await createUser(t.db, { email: "member@example.com", displayName: "Zelda Member", password: "a long enough password", emailVerified: true });
    if (!user.ok) throw new Error("user");
    const cookie = (await startSession(t.db, new Request(`${base}/login`), user.userId!)).split(";")[0]!;
    const guestFirst = await createArticle(t.db);
    const memberFirst = await createArticle(t.db);

    expect(await page(`/articles/${guestFirst.slug}`)).not.toContain("Zelda Member");
    const asMember = await get(`/articles/${guestFirst.slug}`, { Cookie: cookie });
    expect(asMember.headers.get("cache-control")).toBe("private, no-store");
    expect(await asMember.text()).toContain("Zelda Member");
    expect(await page(`/articles/${guestFirst.slug}`)).not.toContain("Zelda Member");

    expect(await page(`/articles/${memberFirst.slug}`, { Cookie: cookie })).toContain("Zelda Member");
    for (let i = 0; i < 3; i++) expect(await page(`/articles/${memberFirst.slug}`)).not.toContain("Zelda Member");
    expect(await page(`/`, { Cookie: cookie })).toContain("Zelda Member");
    expect(await page(`/`)).not.toContain("Zelda Member");
  });
});

describe("a guest's page, compressed once", () => {
  it("is sent in brotli, gzip or plain as Accept-Encoding asks, the same bytes rendered and from memory", async () => {
    const article = await createArticle(t.db, { title: "Compressed once" });
    const pathname = `/articles/${article.slug}`;
    const rendered = await raw(pathname, { "Accept-Encoding": "gzip, deflate, br" });
    expect(rendered.status).toBe(200);
    expect(rendered.headers["content-encoding"]).toBe("br");
    expect(rendered.headers.vary).toBe("Accept-Encoding, Cookie");
    const html = brotliDecompressSync(rendered.body).toString("utf8");
    expect(html).toContain("Compressed once");

    const fromMemory = await raw(pathname, { "Accept-Encoding": "gzip, deflate, br" });
    expect(fromMemory.body.equals(rendered.body)).toBe(true);
    expect(fromMemory.headers.etag).toBe(rendered.headers.etag);
    expect(Number(fromMemory.headers["content-length"])).toBe(fromMemory.body.length);

    const zipped = await raw(pathname, { "Accept-Encoding": "br;q=0.5, gzip" });
    expect(zipped.headers["content-encoding"]).toBe("gzip");
    expect(gunzipSync(zipped.body).toString("utf8")).toBe(html);

    const plain = await raw(pathname, { "Accept-Encoding": "identity" });
    expect(plain.headers["content-encoding"]).toBeUndefined();
    expect(plain.body.toString("utf8")).toBe(html);
    expect(plain.headers.etag).toBe(rendered.headers.etag);

    const head = await raw(pathname, { "Accept-Encoding": "gzip" }, "HEAD");
    expect(head.status).toBe(200);
    expect(head.headers["content-encoding"]).toBe("gzip");
    expect(Number(head.headers["content-length"])).toBe(zipped.body.length);
    expect(head.body.length).toBe(0);
  });
});
