// The embed in a real browser: a plain static news page on another localhost port
// (another origin) with the README's snippet shows the article's thread in the
// frame; a guest posts there and sees their comment held; the frame grows with the
// thread; a page on a host not on EMBED_HOSTS shows no thread (the browser refuses
// the frame: CSP frame-ancestors); a member logs in through the popup.
import { readFileSync } from "node:fs";
import http from "node:http";
import path from "node:path";
import type { Page } from "@playwright/test";
import { saveArticle } from "~/models/articles.server";
import { approveComment } from "~/models/moderation.server";
import { postComment } from "~/models/comments.server";
import { createUser } from "~/models/users.server";
import { expect, test, uniqueText } from "./fixtures";

const template = readFileSync(path.resolve(import.meta.dirname, "..", "fixtures", "embed-site", "story.html"), "utf8");
const sitePort = Number(process.env.E2E_EMBED_SITE_PORT);
const otherPort = Number(process.env.E2E_OTHER_SITE_PORT);
const SITE = `http://localhost:${sitePort}`;
const OTHER = `http://localhost:${otherPort}`;
/** The article's page on the allowed news site. */
const PAGE_URL = `${SITE}/2026/prices-climb.html`;
const servers: http.Server[] = [];

/** A plain static site: every path answers the story page, its snippet naming `pageUrl`. */
function staticSite(port: number, forum: string, pageUrl: (requestPath: string) => string): Promise<void> {
  const server = http.createServer((req, res) => {
    const own = pageUrl(req.url ?? "/");
    const html = template
      .replaceAll("{{FORUM}}", forum)
      .replaceAll("{{PAGE_URL_ENCODED}}", encodeURIComponent(own))
      .replaceAll("{{PAGE_URL}}", own);
    res.writeHead(200, { "Content-Type": "text/html; charset=utf-8" });
    res.end(html);
  });
  servers.push(server);
  return new Promise((resolve) => server.listen(port, "127.0.0.1", () => resolve()));
}

test.beforeAll(async ({ baseURL }) => {
  const forum = new URL(baseURL!).origin;
  // The allowed site: each page is its own canonical URL.
  await staticSite(sitePort, forum, (p) => `${SITE}${p.split("?")[0]}`);
  // The other site copies the snippet of the allowed site's article.
  await staticSite(otherPort, forum, () => PAGE_URL);
});

test.afterAll(async () => {
  await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
});

/** The news site's article, with `approved` approved comments, known by its canonical URL. */
async function newsArticle(db: Parameters<Parameters<typeof test>[2]>[0]["db"], pagePath: string, approved: number) {
  const slug = `embedded-${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
  const { id } = await saveArticle(db, {
    slug,
    title: "Rare earth prices climb as export curbs bite",
    highlights: [],
    bodyMarkdown: "The forum's copy of the news article.",
    byline: "Rare Earth Daily",
    publishedAt: new Date(Date.now() - 60_000),
    categorySlugs: [],
  });
  await db.updateTable("articles").set({ canonical_url: `${SITE}${pagePath}` }).where("id", "=", id).execute();
  for (let i = 0; i < approved; i++) {
    const posted = await postComment(db, {
      articleId: id,
      parentId: null,
      authorName: `Reader ${i}`,
      authorEmail: `embed-reader-${i}@example.com`,
      authorUrl: "",
      body: `Approved comment number ${i} on the news page.`,
      ipHash: "e2e",
      userAgent: "e2e",
      userId: null,
    });
    if (!posted.ok) throw new Error(posted.error);
    await approveComment(db, { commentId: posted.commentId });
  }
  return { id, slug };
}

const frameHeight = (page: Page) => page.locator("#assay-thread iframe").evaluate((f) => f.getBoundingClientRect().height);

test("the snippet on another origin shows the thread in the frame, sized to it", async ({ page, db }) => {
  await newsArticle(db, "/2026/shows-thread.html", 2);
  await page.goto(`${SITE}/2026/shows-thread.html`);
  const frame = page.frameLocator("#assay-thread iframe");
  await expect(frame.getByRole("heading", { name: "2 comments" })).toBeVisible();
  await expect(frame.getByText("Approved comment number 1 on the news page.")).toBeVisible();
  await expect(frame.getByRole("heading", { name: "Leave a Reply" })).toBeVisible();
  await expect(frame.getByRole("link", { name: "Discuss on the forum" })).toHaveAttribute("href", /\/articles\/embedded-[a-z0-9]+#comments$/);
  // No site chrome in the frame.
  await expect(frame.locator(".site-header")).toHaveCount(0);
  // The frame took its content's height (not its initial 320 px), with no inner scrolling.
  await expect.poll(() => frameHeight(page)).toBeGreaterThan(600);
  const inner = await frame.locator("html").evaluate((el) => Math.ceil(el.getBoundingClientRect().height));
  expect(Math.abs((await frameHeight(page)) - inner)).toBeLessThanOrEqual(2);

  // Only the forum's frame may set its height: a message from the page itself is ignored.
  const before = await frameHeight(page);
  await page.evaluate(() => window.postMessage({ type: "assay:height", height: 50 }, "*"));
  await page.waitForTimeout(300);
  expect(await frameHeight(page)).toBe(before);
});

test("a guest posts in the frame, sees the comment held, stays in the frame, and the frame grows", async ({ page, db }) => {
  await newsArticle(db, "/2026/guest-posts.html", 1);
  await page.goto(`${SITE}/2026/guest-posts.html`);
  const frame = page.frameLocator("#assay-thread iframe");
  await expect(frame.getByRole("heading", { name: "1 comment" })).toBeVisible();
  await expect.poll(() => frameHeight(page)).toBeGreaterThan(400);
  const before = await frameHeight(page);

  // A mistake first: the message shows in the frame, and what was typed stays.
  const text = uniqueText("A guest's comment from the news page");
  await frame.getByLabel("Comment *").fill(text);
  await frame.getByLabel("Name *").fill("Embedded Guest");
  await frame.getByRole("button", { name: "Post Comment" }).click();
  await expect(frame.getByRole("alert")).toContainText("Your comment was not posted");
  await expect(frame.getByLabel("Comment *")).toHaveValue(text);

  await frame.getByLabel("Email *").fill("embedded-guest@example.com");
  await frame.getByRole("button", { name: "Post Comment" }).click();
  const held = frame.locator(".comment--held", { hasText: text });
  await expect(held).toBeVisible();
  await expect(held).toContainText("Your comment is awaiting moderation.");
  // Still the news page, with the forum's embed in the frame (not the forum's article page).
  expect(page.url()).toBe(`${SITE}/2026/guest-posts.html`);
  const frameUrl = page.frames().find((f) => f !== page.mainFrame())!.url();
  expect(new URL(frameUrl).pathname).toBe("/embed");
  // The frame grew with the thread.
  await expect.poll(() => frameHeight(page)).toBeGreaterThan(before + 40);
  // Another reader does not see it.
  const other = await (await page.context().browser()!.newContext()).newPage();
  await other.goto(`${SITE}/2026/guest-posts.html`);
  await expect(other.frameLocator("#assay-thread iframe").getByRole("heading", { name: "1 comment" })).toBeVisible();
  await expect(other.frameLocator("#assay-thread iframe").getByText(text)).toHaveCount(0);
});

test("a page on a host that is not allowed shows no thread: the browser refuses the frame", async ({ page, db }) => {
  await newsArticle(db, "/2026/prices-climb.html", 1);
  const refusals: string[] = [];
  page.on("console", (message) => {
    if (/frame-ancestors/.test(message.text())) refusals.push(message.text());
  });
  // The other site copies the allowed site's snippet, for an article that exists.
  await page.goto(`${OTHER}/2026/copied.html`);
  await expect(page.locator("#assay-thread iframe")).toHaveCount(1);
  await expect.poll(() => refusals.length).toBeGreaterThan(0);
  const frame = page.frameLocator("#assay-thread iframe");
  await expect(frame.getByText("Leave a Reply")).toHaveCount(0);
  await expect(frame.getByText("Approved comment number 0 on the news page.")).toHaveCount(0);
  // Nothing spoke to the page: the frame keeps its initial height.
  expect(await frameHeight(page)).toBe(320);
});

test("a member logs in through the popup on the forum's origin, and the frame shows them logged in", async ({ page, db }) => {
  await newsArticle(db, "/2026/member-logs-in.html", 1);
  const email = `embed-member-${Date.now().toString(36)}@example.com`;
  const created = await createUser(db, { email, displayName: "Framed Member", password: "embed e2e password long", emailVerified: true });
  if (!created.ok) throw new Error("member");
  await page.goto(`${SITE}/2026/member-logs-in.html`);
  const frame = page.frameLocator("#assay-thread iframe");
  const popupOpened = page.waitForEvent("popup");
  await frame.getByRole("link", { name: "Log in" }).click();
  const popup = await popupOpened;
  await expect(popup).toHaveURL(/\/login\?redirectTo=%2Fembed%2Flogin$/);
  await popup.getByLabel("Email *").fill(email);
  await popup.getByLabel("Password *").fill("embed e2e password long");
  // The popup hands the frame its ticket and closes; the frame reloads as the member.
  // Listened for before the click: the popup may close before a later listener is attached.
  const popupClosed = popup.waitForEvent("close", { timeout: 30_000 });
  await popup.getByRole("button", { name: "Log in" }).click();
  await popupClosed;
  await expect(frame.getByText("Logged in as")).toBeVisible();
  await expect(frame.getByRole("link", { name: "Framed Member" })).toBeVisible();
  await expect(frame.getByLabel("Name *")).toHaveCount(0);
});
