// The embed over HTTP, on the production server: finding a news page's article by
// its canonical address, the editors' setting for an address no article has yet
// (both ways), the fence around the server's own fetch of that page, the CSP and
// framing headers, posting from the frame, the cookies a third-party frame needs
// over https, and the log-in ticket from the popup to the frame.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { approveComment } from "~/models/moderation.server";
import { createEmbeddedArticle, getEmbedSettings, saveEmbedSettings } from "~/models/embed.server";
import { createUser } from "~/models/users.server";
import { startSession } from "~/composition/session.server";
import { fetchPagePreview, MAX_REDIRECTS } from "~/lib/page-preview.server";
import { useTestDatabase } from "../support/db";
import { createArticle, createComment } from "../support/factories";
import { request, startAppServer, type AppServer } from "../support/app-server";

const t = useTestDatabase();
let app: AppServer;
/** The news site: its pages, with OpenGraph, on localhost (loopback, allowed here by EMBED_FETCH_ALLOW_LOOPBACK). */
let news: http.Server;
let newsBase = "";
const NEWS_HOST = "news.example.test";
let pageHits = 0;

function startNewsSite(): Promise<void> {
  news = http.createServer((req, res) => {
    pageHits++;
    const url = new URL(req.url ?? "/", "http://localhost");
    if (url.pathname === "/2026/new-story") {
      res.writeHead(200, { "Content-Type": "text/html; charset=utf-8" });
      res.end(
        `<!doctype html><html><head><title>Fallback title</title>` +
          `<meta property="og:title" content="Lynas &amp; MP Materials sign a supply deal">` +
          `<meta property="og:description" content="The two producers agree a five-year offtake.">` +
          `<meta property="og:site_name" content="Rare Earth Daily"></head><body><p>Story</p></body></html>`,
      );
    } else if (url.pathname === "/2026/no-og") {
      res.writeHead(200, { "Content-Type": "text/html" });
      res.end("<!doctype html><html><head></head><body>No title at all</body></html>");
    } else if (url.pathname === "/redirect-off-list") {
      // To 127.0.0.1: loopback like localhost, but not on EMBED_HOSTS.
      res.writeHead(302, { Location: `http://127.0.0.1:${(news.address() as AddressInfo).port}/2026/new-story` });
      res.end();
    } else if (url.pathname === "/redirect-on-list") {
      res.writeHead(301, { Location: "/2026/new-story" });
      res.end();
    } else if (url.pathname === "/redirect-loop") {
      res.writeHead(302, { Location: "/redirect-loop" });
      res.end();
    } else if (url.pathname === "/slow") {
      // Never answers: the deadline must end the fetch.
    } else if (url.pathname === "/huge") {
      res.writeHead(200, { "Content-Type": "text/html" });
      res.write(`<html><head><meta property="og:title" content="Huge page"></head><body>`);
      const chunk = "x".repeat(64 * 1024);
      let sent = 0;
      const pump = () => {
        while (sent < 200 && res.write(chunk)) sent++;
        if (sent < 200) res.once("drain", pump);
        else res.end("</body></html>");
      };
      res.on("error", () => undefined);
      pump();
    } else if (url.pathname === "/image") {
      res.writeHead(200, { "Content-Type": "image/png" });
      res.end("png");
    } else {
      res.writeHead(404, { "Content-Type": "text/html" });
      res.end("<title>Not found</title>");
    }
  });
  return new Promise((resolve) => news.listen(0, "127.0.0.1", () => resolve()));
}

beforeAll(async () => {
  await startNewsSite();
  newsBase = `http://localhost:${(news.address() as AddressInfo).port}`;
  app = await startAppServer(t.url, {
    EMBED_HOSTS: `${NEWS_HOST}, ${new URL(newsBase).host}`,
    EMBED_FETCH_ALLOW_LOOPBACK: "1",
    TRUST_PROXY: "loopback",
  });
}, 120_000);

afterAll(async () => {
  await app?.stop();
  await new Promise((resolve) => news?.close(resolve));
});

const embedPath = (pageUrl: string) => `/embed?url=${encodeURIComponent(pageUrl)}`;
const formBody = (fields: Record<string, string>) => new URLSearchParams(fields).toString();
const FORM = { "Content-Type": "application/x-www-form-urlencoded" };

async function newsArticle(canonicalUrl: string, title = "Baotou smelter restarts") {
  const article = await createArticle(t.db, { title });
  await t.db.updateTable("articles").set({ canonical_url: canonicalUrl }).where("id", "=", article.id).execute();
  return article;
}

function guestComment(text: string) {
  return { comment: text, author: "Frame Reader", email: "reader@example.com", url: "", comment_parent: "0" };
}

describe("finding the article of a page", () => {
  it("shows the thread and the Leave a Reply form of the article with that canonical URL, without the site's chrome or Remix's scripts", async () => {
    const article = await newsArticle(`https://${NEWS_HOST}/2026/baotou-restart`);
    const { commentId } = await createComment(t.db, article.id, { body: "Approved words from a reader", authorName: "Early Reader" });
    await approveComment(t.db, { commentId });
    const page = await request(app.base, { path: embedPath(`https://${NEWS_HOST}/2026/baotou-restart`) });
    expect(page.status).toBe(200);
    expect(page.text).toContain("Approved words from a reader");
    expect(page.text).toContain("1 comment");
    expect(page.text).toContain("Leave a Reply");
    expect(page.text).toMatch(new RegExp(`<a href="${app.base.replace(/\./g, "\\.")}/articles/${article.slug}#comments"[^>]*>Discuss on the forum</a>`));
    // The form posts back to the embed, and the reply links stay in it.
    expect(page.text).toContain(`action="${embedPath(`https://${NEWS_HOST}/2026/baotou-restart`).replace(/&/g, "&amp;")}"`);
    expect(page.text).toContain(`href="/embed?url=${encodeURIComponent(`https://${NEWS_HOST}/2026/baotou-restart`)}&amp;replytocom=${commentId}#respond"`);
    expect(page.text).not.toContain("site-header");
    expect(page.text).not.toContain("__remixContext");
    expect(page.text).toContain('<script src="/embed-frame.js" data-parent-origin="https://news.example.test">');
    // The commenter's email never reaches the browser.
    expect(page.text).not.toMatch(/@example\.com/);
  });

  it("sends a reader who opened it as a page (the <noscript> link) to the article's forum page", async () => {
    const article = await newsArticle(`https://${NEWS_HOST}/2026/noscript`);
    const page = await request(app.base, { path: embedPath(`https://${NEWS_HOST}/2026/noscript`), headers: { "Sec-Fetch-Dest": "document" } });
    expect(page.status).toBe(303);
    expect(page.headers.location).toBe(`/articles/${article.slug}#comments`);
    const framed = await request(app.base, { path: embedPath(`https://${NEWS_HOST}/2026/noscript`), headers: { "Sec-Fetch-Dest": "iframe" } });
    expect(framed.status).toBe(200);
  });

  it("finds it whatever the case of scheme and host, a trailing slash, a fragment or tracking parameters", async () => {
    const article = await newsArticle(`https://${NEWS_HOST}/2026/Prices?page=2&sort=new`, "Prices in case");
    for (const spelling of [
      `HTTPS://NEWS.Example.TEST/2026/Prices/?sort=new&page=2`,
      `https://${NEWS_HOST}:443/2026/Prices?utm_source=newsletter&page=2&fbclid=abc&sort=new#comments`,
    ]) {
      const page = await request(app.base, { path: embedPath(spelling) });
      expect(page.status, spelling).toBe(200);
      expect(page.text, spelling).toContain(`/articles/${article.slug}#comments`);
    }
    // The path's case counts: another page.
    const other = await request(app.base, { path: embedPath(`https://${NEWS_HOST}/2026/prices?page=2&sort=new`) });
    expect(other.status).toBe(404);
  });

  it("refuses a page on a host that is not allowed, and an unreadable address, and creates nothing", async () => {
    await saveEmbedSettings(t.db, { settings: { unknownUrls: "create" }, editorId: null });
    const refused = await request(app.base, { path: embedPath("https://evil.example/2026/story") });
    expect(refused.status).toBe(403);
    expect(refused.text).toContain("This site may not show the forum&#x27;s threads.");
    for (const path of ["/embed", "/embed?url=javascript:alert(1)", "/embed?url=https://user:pw@news.example.test/x", `/embed?url=${"x".repeat(3000)}`]) {
      const bad = await request(app.base, { path });
      expect(bad.status, path).toBe(400);
    }
    const count = await t.db.selectFrom("articles").select((eb) => eb.fn.countAll<string>().as("n")).executeTakeFirstOrThrow();
    expect(Number(count.n)).toBe(0);
  });

  it("does not give a draft's page a thread of its own", async () => {
    const draft = await createArticle(t.db, { title: "Not yet out", publishedAt: null });
    await t.db.updateTable("articles").set({ canonical_url: `${newsBase}/2026/new-story` }).where("id", "=", draft.id).execute();
    await saveEmbedSettings(t.db, { settings: { unknownUrls: "create" }, editorId: null });
    const page = await request(app.base, { path: embedPath(`${newsBase}/2026/new-story`) });
    expect(page.status).toBe(404);
    expect(page.text).toContain("Comments are not open for this page.");
    expect(await t.db.selectFrom("articles").select("id").execute()).toHaveLength(1);
  });
});

describe("a page no article has yet, on an allowed host", () => {
  it("shows “Comments are not open for this page” when the editors chose so (the default), and creates nothing", async () => {
    expect((await getEmbedSettings(t.db)).unknownUrls).toBe("closed");
    const hitsBefore = pageHits;
    const page = await request(app.base, { path: embedPath(`${newsBase}/2026/new-story`) });
    expect(page.status).toBe(404);
    expect(page.text).toContain("Comments are not open for this page.");
    expect(page.text).not.toContain("Leave a Reply");
    expect(await t.db.selectFrom("articles").select("id").execute()).toHaveLength(0);
    // Not even fetched.
    expect(pageHits).toBe(hitsBefore);
  });

  it("creates its article and thread on first view when the editors chose so, from the page's OpenGraph, once", async () => {
    await saveEmbedSettings(t.db, { settings: { unknownUrls: "create" }, editorId: null });
    const address = `${newsBase}/2026/new-story/?utm_campaign=x`;
    const first = await request(app.base, { path: `${embedPath(address)}&title=${encodeURIComponent("Whatever the frame says")}` });
    expect(first.status).toBe(200);
    expect(first.text).toContain("No comments yet");
    expect(first.text).toContain("Leave a Reply");
    const rows = await t.db.selectFrom("articles").select(["title", "slug", "canonical_url", "body_markdown", "byline", "published_at"]).execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      title: "Lynas & MP Materials sign a supply deal",
      canonical_url: `${newsBase}/2026/new-story`,
      byline: "Rare Earth Daily",
    });
    expect(rows[0]!.body_markdown).toContain("The two producers agree a five-year offtake.");
    expect(rows[0]!.body_markdown).toContain(`${newsBase}/2026/new-story`);
    expect(rows[0]!.published_at).not.toBeNull();
    // Its forum page exists too.
    expect((await request(app.base, { path: `/articles/${rows[0]!.slug}` })).status).toBe(200);

    const again = await Promise.all([1, 2, 3].map(() => request(app.base, { path: embedPath(`${newsBase}/2026/new-story`) })));
    expect(again.map((r) => r.status)).toEqual([200, 200, 200]);
    expect(await t.db.selectFrom("articles").select("id").execute()).toHaveLength(1);
  });

  it("takes the frame's data-title when the page has no title of its own", async () => {
    await saveEmbedSettings(t.db, { settings: { unknownUrls: "create" }, editorId: null });
    const page = await request(app.base, { path: `${embedPath(`${newsBase}/2026/no-og`)}&title=${encodeURIComponent("Title from data-title")}` });
    expect(page.status).toBe(200);
    const row = await t.db.selectFrom("articles").select("title").executeTakeFirstOrThrow();
    expect(row.title).toBe("Title from data-title");
  });

  it("makes no thread for an address the news site does not have, or one it redirects off the allowed hosts", async () => {
    await saveEmbedSettings(t.db, { settings: { unknownUrls: "create" }, editorId: null });
    for (const path of ["/2026/no-such-story", "/redirect-off-list", "/image"]) {
      const page = await request(app.base, { path: embedPath(`${newsBase}${path}`) });
      expect(page.status, path).toBe(404);
      expect(page.text, path).toContain("Comments are not open for this page.");
    }
    expect(await t.db.selectFrom("articles").select("id").execute()).toHaveLength(0);
  });

  it("is set by editors on /admin/embedding, both ways, and logged", async () => {
    const created = await createUser(t.db, { email: "editor@embed.example", displayName: "Desk Editor", password: "embed editor password", role: "editor", emailVerified: true });
    if (!created.ok) throw new Error("editor");
    const cookie = (await startSession(t.db, new Request(`${app.base}/login`, { method: "POST" }), created.userId)).split(";")[0]!;
    const save = (value: string) =>
      request(app.base, { path: "/admin/embedding", headers: { ...FORM, Cookie: cookie, Origin: app.base }, body: formBody({ unknownUrls: value }) });
    expect((await save("create")).status).toBe(303);
    expect((await getEmbedSettings(t.db)).unknownUrls).toBe("create");
    expect((await request(app.base, { path: embedPath(`${newsBase}/2026/new-story`) })).status).toBe(200);
    expect((await save("closed")).status).toBe(303);
    expect((await getEmbedSettings(t.db)).unknownUrls).toBe("closed");
    expect((await request(app.base, { path: embedPath(`${newsBase}/2026/no-og`) })).status).toBe(404);
    const bad = await save("sometimes");
    expect(bad.status).toBe(400);
    expect(bad.text).toContain("Choose what happens for a page that has no thread yet.");
    const page = await request(app.base, { path: "/admin/embedding", headers: { Cookie: cookie } });
    expect(page.text).toContain(`<code>${NEWS_HOST}</code>`);
    expect(page.text).toContain(`${app.base}/embed.js`);
    const log = await t.db.selectFrom("moderation_log").select(["action", "details"]).where("action", "=", "settings").execute();
    expect(log.map((l) => l.details)).toEqual([
      { embedUnknownUrls: { before: "closed", after: "create" } },
      { embedUnknownUrls: { before: "create", after: "closed" } },
    ]);
  });
});

describe("the server's fetch of a news page (SSRF guard)", () => {
  const allowLocal = (u: URL) => u.host === new URL(newsBase).host;

  it("reads the OpenGraph of an allowed page, and follows a redirect that stays on the allowed hosts", async () => {
    const result = await fetchPagePreview(`${newsBase}/redirect-on-list`, { isAllowed: allowLocal, allowLoopback: true });
    expect(result).toMatchObject({ ok: true, preview: { title: "Lynas & MP Materials sign a supply deal", siteName: "Rare Earth Daily" } });
  });

  it("refuses loopback unless told, private and metadata addresses, and hosts off the list", async () => {
    expect(await fetchPagePreview(`${newsBase}/2026/new-story`, { isAllowed: allowLocal })).toMatchObject({ ok: false, reason: "internal-address" });
    for (const address of ["http://169.254.169.254/latest/meta-data/", "http://10.0.0.1/", "http://[::1]/", "http://[::ffff:127.0.0.1]/", "http://192.168.1.1/"]) {
      expect(await fetchPagePreview(address, { isAllowed: () => true, allowLoopback: false }), address).toMatchObject({ ok: false, reason: "internal-address" });
    }
    expect(await fetchPagePreview("https://evil.example/", { isAllowed: allowLocal })).toMatchObject({ ok: false, reason: "not-allowed" });
    expect(await fetchPagePreview("file:///etc/passwd", { isAllowed: () => true })).toMatchObject({ ok: false, reason: "not-allowed" });
  });

  it("refuses a redirect off the allowed hosts, and gives up after a few redirects", async () => {
    expect(await fetchPagePreview(`${newsBase}/redirect-off-list`, { isAllowed: allowLocal, allowLoopback: true })).toMatchObject({ ok: false, reason: "not-allowed" });
    const before = pageHits;
    expect(await fetchPagePreview(`${newsBase}/redirect-loop`, { isAllowed: allowLocal, allowLoopback: true })).toMatchObject({ ok: false, reason: "too-many-redirects" });
    expect(pageHits - before).toBe(MAX_REDIRECTS + 1);
  });

  it("stops at its deadline and at its size cap", async () => {
    const started = Date.now();
    expect(await fetchPagePreview(`${newsBase}/slow`, { isAllowed: allowLocal, allowLoopback: true, timeoutMs: 300 })).toMatchObject({ ok: false, reason: "timeout" });
    expect(Date.now() - started).toBeLessThan(3000);
    const huge = await fetchPagePreview(`${newsBase}/huge`, { isAllowed: allowLocal, allowLoopback: true, maxBytes: 32 * 1024 });
    expect(huge).toMatchObject({ ok: true, preview: { title: "Huge page" } });
  });
});

describe("the headers", () => {
  it("lets exactly the allowed hosts frame /embed, and nobody else frame any other page", async () => {
    const article = await newsArticle(`https://${NEWS_HOST}/2026/headers`);
    for (const path of [embedPath(`https://${NEWS_HOST}/2026/headers`), embedPath(`https://${NEWS_HOST}/2026/unknown`), embedPath("https://evil.example/")]) {
      const page = await request(app.base, { path });
      const csp = String(page.headers["content-security-policy"]);
      expect(csp, path).toMatch(new RegExp(`frame-ancestors ${NEWS_HOST} ${new URL(newsBase).host.replace(/\./g, "\\.")}(;|$)`));
      expect(csp, path).toMatch(/script-src 'self'(;| )/);
      expect(page.headers["x-frame-options"], path).toBeUndefined();
    }
    for (const path of [`/articles/${article.slug}`, "/", "/embed/login", "/embed.js"]) {
      const page = await request(app.base, { path });
      expect(String(page.headers["content-security-policy"]), path).toContain("frame-ancestors 'self'");
      expect(page.headers["x-frame-options"], path).toBe("SAMEORIGIN");
    }
  });
});

describe("posting from the frame", () => {
  it("works as on the forum: a held comment shown to its poster, back in the frame, not on the article page", async () => {
    await newsArticle(`https://${NEWS_HOST}/2026/posting`);
    const path = embedPath(`https://${NEWS_HOST}/2026/posting`);
    const posted = await request(app.base, { path, headers: { ...FORM, Origin: app.base }, body: formBody(guestComment("Held words from the frame")) });
    expect(posted.status).toBe(303);
    const comment = await t.db.selectFrom("comments").select(["id", "status"]).executeTakeFirstOrThrow();
    expect(comment.status).toBe("pending");
    expect(posted.headers.location).toBe(`${path}#comment-${comment.id}`);
    const setCookie = String(posted.headers["set-cookie"]);
    expect(setCookie).toContain("assay_held=");
    // Plain http (local development): as before.
    expect(setCookie).toContain("SameSite=Lax");
    expect(setCookie).not.toContain("Partitioned");
    const mine = await request(app.base, { path, headers: { Cookie: setCookie.split(";")[0]! } });
    expect(mine.text).toContain("Held words from the frame");
    expect(mine.text).toContain("Your comment is awaiting moderation.");
    const theirs = await request(app.base, { path });
    expect(theirs.text).not.toContain("Held words from the frame");
  });

  it("shows validation messages in the frame and keeps what was typed", async () => {
    await newsArticle(`https://${NEWS_HOST}/2026/validation`);
    const path = embedPath(`https://${NEWS_HOST}/2026/validation`);
    const refused = await request(app.base, { path, headers: { ...FORM, Origin: app.base }, body: formBody({ ...guestComment("Kept text"), email: "not an email" }) });
    expect(refused.status).toBe(400);
    expect(refused.text).toContain("Your comment was not posted. Please correct:");
    expect(refused.text).toContain("Kept text");
    expect(refused.text).not.toContain("site-header");
    expect(await t.db.selectFrom("comments").select("id").execute()).toHaveLength(0);
  });

  it("refuses a post from another origin (the frame posts to its own), and a post for a page that is not open", async () => {
    await newsArticle(`https://${NEWS_HOST}/2026/origin`);
    const path = embedPath(`https://${NEWS_HOST}/2026/origin`);
    const forged = await request(app.base, { path, headers: { ...FORM, Origin: `https://${NEWS_HOST}` }, body: formBody(guestComment("From the news page itself")) });
    expect(forged.status).toBe(403);
    const closed = await request(app.base, { path: embedPath(`https://${NEWS_HOST}/2026/none`), headers: { ...FORM, Origin: app.base }, body: formBody(guestComment("Nowhere")) });
    expect(closed.status).toBe(404);
    // Said in the frame's own page, not the site's error page.
    expect(closed.text).toContain("Comments are not open for this page.");
    expect(closed.text).not.toContain("site-header");
    expect(await t.db.selectFrom("comments").select("id").execute()).toHaveLength(0);
  });

  it("applies the rate limit, with Retry-After", async () => {
    await newsArticle(`https://${NEWS_HOST}/2026/rate`);
    const path = embedPath(`https://${NEWS_HOST}/2026/rate`);
    const statuses: number[] = [];
    let last: Awaited<ReturnType<typeof request>> | undefined;
    for (let i = 0; i < 6; i++) {
      last = await request(app.base, { path, headers: { ...FORM, Origin: app.base }, body: formBody({ ...guestComment(`Comment number ${i} here`), email: `r${i}@example.com` }) });
      statuses.push(last.status);
    }
    expect(statuses).toEqual([303, 303, 303, 303, 303, 429]);
    expect(Number(last!.headers["retry-after"])).toBeGreaterThan(0);
    expect(last!.text).toContain("Comment number 5 here");
  });

  it("over https, sets its cookies SameSite=None; Secure; Partitioned, so they work in a third-party frame", async () => {
    await newsArticle(`https://${NEWS_HOST}/2026/https`);
    const origin = app.base.replace("http:", "https:");
    const posted = await request(app.base, {
      path: embedPath(`https://${NEWS_HOST}/2026/https`),
      headers: { ...FORM, Origin: origin, "X-Forwarded-Proto": "https" },
      body: formBody(guestComment("Over https")),
    });
    expect(posted.status).toBe(303);
    const held = String(posted.headers["set-cookie"]);
    expect(held).toMatch(/assay_held=/);
    expect(held).toMatch(/SameSite=None/i);
    expect(held).toMatch(/; Secure/);
    expect(held).toMatch(/; Partitioned/);
    // The session cookie too.
    const created = await createUser(t.db, { email: "https@embed.example", displayName: "Https Member", password: "embed member password", emailVerified: true });
    if (!created.ok) throw new Error("member");
    const session = await startSession(t.db, new Request(`${origin}/login`, { method: "POST" }), created.userId);
    expect(session).toMatch(/SameSite=None/i);
    expect(session).toMatch(/; Secure/);
    expect(session).toMatch(/; Partitioned$/);
    const plain = await startSession(t.db, new Request(`${app.base}/login`, { method: "POST" }), created.userId);
    expect(plain).toMatch(/SameSite=Lax/i);
    expect(plain).not.toMatch(/Partitioned|Secure/);
  });
});

describe("members in the frame", () => {
  it("carry their log-in from the popup to the frame with a one-time ticket", async () => {
    await newsArticle(`https://${NEWS_HOST}/2026/members`);
    const created = await createUser(t.db, { email: "frame@embed.example", displayName: "Frame Member", password: "embed member password", emailVerified: true });
    if (!created.ok) throw new Error("member");
    // A guest opening the popup is sent to log in first, and comes back to it.
    const guest = await request(app.base, { path: "/embed/login" });
    expect(guest.status).toBe(303);
    expect(guest.headers.location).toBe("/login?redirectTo=%2Fembed%2Flogin");

    const popupCookie = (await startSession(t.db, new Request(`${app.base}/login`, { method: "POST" }), created.userId)).split(";")[0]!;
    const popup = await request(app.base, { path: "/embed/login?_data=routes%2Fembed_.login", headers: { Cookie: popupCookie } });
    expect(popup.status).toBe(200);
    expect(popup.headers["cache-control"]).toContain("no-store");
    const { ticket } = JSON.parse(popup.text) as { ticket: string };
    // The popup is the forum's own page: its scripts (they hand the ticket over), and framed by nobody.
    const popupPage = await request(app.base, { path: "/embed/login", headers: { Cookie: popupCookie } });
    expect(popupPage.status).toBe(200);
    expect(popupPage.text).toContain("You are logged in");
    expect(popupPage.text).toContain("__remixContext");
    expect(String(popupPage.headers["content-security-policy"])).toContain("frame-ancestors 'self'");
    expect(ticket).toMatch(/^[A-Za-z0-9_-]{40,}$/);

    // The frame has no cookie of the forum's: it trades the ticket for its own.
    const traded = await request(app.base, { path: "/embed/session", headers: { ...FORM, Origin: app.base }, body: formBody({ ticket }) });
    expect(traded.status).toBe(200);
    const frameCookie = String(traded.headers["set-cookie"]).split(";")[0]!;
    expect(frameCookie).toMatch(/^assay_session=/);
    expect(frameCookie).not.toBe(popupCookie);
    const page = await request(app.base, { path: embedPath(`https://${NEWS_HOST}/2026/members`), headers: { Cookie: frameCookie } });
    expect(page.text).toContain("Logged in as");
    expect(page.text).toContain("Frame Member");

    // Once only; a made-up one never; and never from another site.
    expect((await request(app.base, { path: "/embed/session", headers: { ...FORM, Origin: app.base }, body: formBody({ ticket }) })).status).toBe(400);
    expect((await request(app.base, { path: "/embed/session", headers: { ...FORM, Origin: app.base }, body: formBody({ ticket: "a".repeat(43) }) })).status).toBe(400);
    const another = JSON.parse((await request(app.base, { path: "/embed/login?_data=routes%2Fembed_.login", headers: { Cookie: popupCookie } })).text) as { ticket: string };
    expect((await request(app.base, { path: "/embed/session", headers: { ...FORM, Origin: `https://${NEWS_HOST}` }, body: formBody({ ticket: another.ticket }) })).status).toBe(403);
  });

  it("a ticket expires after a minute", async () => {
    const created = await createUser(t.db, { email: "late@embed.example", displayName: "Late Member", password: "embed member password", emailVerified: true });
    if (!created.ok) throw new Error("member");
    const { issueLoginTicket, redeemLoginTicket } = await import("~/models/embed.server");
    const ticket = await issueLoginTicket(t.db, created.userId, new Date(Date.now() - 61_000));
    expect(await redeemLoginTicket(t.db, ticket)).toBeNull();
    const fresh = await issueLoginTicket(t.db, created.userId);
    expect(await redeemLoginTicket(t.db, fresh)).toBe(created.userId);
  });
});

describe("createEmbeddedArticle", () => {
  it("refuses an address that is not a page's, and a page without any title", async () => {
    expect(await createEmbeddedArticle(t.db, { url: "ftp://x.example/", title: "T", description: "", siteName: "" })).toEqual({ ok: false, error: "invalid-url" });
    expect(await createEmbeddedArticle(t.db, { url: "https://news.example.test/a", title: "  ", description: "", siteName: "" })).toEqual({ ok: false, error: "no-title" });
  });

  it("gives two pages of one title two slugs", async () => {
    const a = await createEmbeddedArticle(t.db, { url: "https://news.example.test/a", title: "Same title", description: "", siteName: "" });
    const b = await createEmbeddedArticle(t.db, { url: "https://news.example.test/b", title: "Same title", description: "", siteName: "" });
    expect(a.ok && b.ok).toBe(true);
    if (a.ok && b.ok) expect([a.article.slug, b.article.slug]).toEqual(["same-title", "same-title-2"]);
  });
});
