// Moderation in a real browser: who may open /moderation, a moderator approving
// a held guest comment (with JavaScript, in place; without, by POST-redirect-GET)
// that a fresh visitor then sees, a selection sent to Spam, a member's report, and
// axe-core on every moderation page.
import type { APIRequestContext, Browser, Page } from "@playwright/test";
import { sql } from "kysely";
import { createUser } from "~/models/users.server";
import type { Role } from "~/lib/roles";
import { BAOGANG_SLUG, expect, sameOrigin, seriousA11yViolations, test, uniqueText } from "./fixtures";
import type { DB } from "../../db/connection";

const PASSWORD = "moderation e2e password";
const ARTICLE = `/articles/${BAOGANG_SLUG}`;

async function account(db: DB, role: Role) {
  const id = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
  const email = `${role}-${id}@example.com`;
  const name = `${role === "moderator" ? "Moderator" : "Member"} ${id}`;
  const created = await createUser(db, { email, displayName: name, password: PASSWORD, role, emailVerified: true });
  if (!created.ok) throw new Error(`could not create the ${role}`);
  return { id: created.userId, email, name };
}

async function logIn(page: Page, email: string, next = "/") {
  await page.goto(`/login?redirectTo=${encodeURIComponent(next)}`);
  await page.getByLabel("Email *").fill(email);
  await page.getByLabel("Password *").fill(PASSWORD);
  await page.getByRole("button", { name: "Log in" }).click();
  await expect(page).toHaveURL(new RegExp(`${next.replace(/[?]/g, "\\?")}$`));
}

/** A guest posts a comment (held: a first-time author); returns its words. */
async function postHeldComment(request: APIRequestContext, baseURL: string | undefined, author = "Held Guest") {
  const body = uniqueText(`${author} says`);
  const posted = await request.post(ARTICLE, {
    headers: sameOrigin(baseURL),
    form: { comment: body, author, email: `guest-${Date.now()}-${Math.random().toString(36).slice(2, 6)}@example.com`, url: "", comment_parent: "0" },
    maxRedirects: 0,
  });
  expect(posted.status()).toBe(303);
  return body;
}

/** The queue item showing `text`, following the pages (oldest first) until it appears. */
async function queueItem(page: Page, text: string, tab = "pending") {
  await page.goto(`/moderation?tab=${tab}`);
  for (let i = 0; i < 20; i++) {
    const item = page.locator("li.queue-item", { hasText: text });
    if (await item.count()) return item;
    const next = page.getByRole("link", { name: "Next page (newer)" });
    if (!(await next.count())) break;
    await next.click();
  }
  throw new Error(`"${text}" is not in the ${tab} queue`);
}

async function visibleToFreshVisitor(browser: Browser, baseURL: string, text: string) {
  const context = await browser.newContext({ baseURL });
  const page = await context.newPage();
  await page.goto(ARTICLE);
  const count = await page.getByText(text).count();
  await context.close();
  return count > 0;
}

test("a guest asking for /moderation is sent to log in", async ({ page }) => {
  await page.goto("/moderation?tab=spam");
  await expect(page).toHaveURL(/\/login\?redirectTo=%2Fmoderation%3Ftab%3Dspam$/);
});

test("a member cannot open /moderation or read its data (403)", async ({ page, db }) => {
  const member = await account(db, "member");
  await logIn(page, member.email);
  for (const path of ["/moderation", "/moderation/settings", "/moderation/people", "/moderation/articles", "/moderation/log"]) {
    const response = await page.goto(path);
    expect(response?.status(), path).toBe(403);
  }
  await expect(page.getByRole("heading", { level: 1, name: /403/ })).toBeVisible();
  const data = await page.request.get("/moderation?_data=routes%2Fmoderation._index");
  expect(data.status()).toBe(403);
  expect(await data.text()).not.toContain("@example.com");
  const post = await page.request.post("/moderation?index", { headers: sameOrigin(page.url()), form: { intent: "approve", comment: "1:pending" } });
  expect(post.status()).toBe(403);
});

test("a moderator approves a held guest comment in place, and a fresh visitor sees it", async ({ page, browser, baseURL, request, db }) => {
  const body = await postHeldComment(request, baseURL);
  expect(await visibleToFreshVisitor(browser, baseURL!, body)).toBe(false);
  const moderator = await account(db, "moderator");
  await logIn(page, moderator.email, "/moderation");
  await expect(page.getByRole("heading", { level: 1, name: "Moderation queue" })).toBeVisible();
  await expect(page.getByRole("link", { name: /^Pending \(\d+\)$/ })).toHaveAttribute("aria-current", "page");

  const item = await queueItem(page, body);
  // The item as it will look, with what the moderator needs to decide.
  await expect(item.getByRole("heading", { name: "Comment by Held Guest" })).toBeVisible();
  await expect(item.getByText(/^Guest · 0 approved before$/)).toBeVisible();
  await expect(item.getByRole("link", { name: /^guest-.*@example\.com$/ })).toBeVisible();
  await expect(item.getByText("First comment from this author: held until a moderator approves one.")).toBeVisible();
  await expect(item.getByRole("link", { name: /Baogang/ })).toHaveAttribute("href", new RegExp(`^${ARTICLE}#comment-\\d+$`));
  expect(await seriousA11yViolations(page)).toEqual([]);

  await page.evaluate(() => ((window as unknown as { noReload: boolean }).noReload = true));
  await item.getByRole("button", { name: "Approve" }).click();
  await expect(page.getByRole("status")).toHaveText("1 comment approved.");
  await expect(page.locator("li.queue-item", { hasText: body })).toHaveCount(0);
  expect(await page.evaluate(() => (window as unknown as { noReload?: boolean }).noReload)).toBe(true);

  expect(await visibleToFreshVisitor(browser, baseURL!, body)).toBe(true);
  const row = await db.selectFrom("comments").select(["id", "status"]).where("body_markdown", "=", body).executeTakeFirstOrThrow();
  expect(row.status).toBe("approved");
  const log = await db.selectFrom("moderation_log").select(["moderator_id", "action", "status_before", "status_after"]).where("comment_id", "=", row.id).execute();
  expect(log).toEqual([{ moderator_id: moderator.id, action: "approve", status_before: "pending", status_after: "approved" }]);
});

test("a moderator edits a held comment in place, then replies to it, which approves it", async ({ page, browser, baseURL, request, db }) => {
  const body = await postHeldComment(request, baseURL, "Edit Me");
  const moderator = await account(db, "moderator");
  await logIn(page, moderator.email, "/moderation");
  const item = await queueItem(page, body);
  await item.getByText("Edit", { exact: true }).click();
  const edited = uniqueText("Edited by a moderator, **now bold**");
  await item.getByLabel("Text of the comment by Edit Me (Markdown)").fill("");
  await item.getByRole("button", { name: "Save changes" }).click();
  // An empty body is refused beside the field; nothing changes.
  await expect(item.locator(".field-error")).toHaveText("Please type your comment.");
  await item.getByLabel("Text of the comment by Edit Me (Markdown)").fill(edited);
  await item.getByRole("button", { name: "Save changes" }).click();
  await expect(page.getByRole("status")).toHaveText("Comment edited.");
  const editedItem = page.locator("li.queue-item", { hasText: "Edited by a moderator" });
  await expect(editedItem.locator(".queue-item__body strong")).toHaveText("now bold");

  await editedItem.getByText("Reply", { exact: true }).click();
  const reply = uniqueText("Thanks for the detail");
  await editedItem.getByLabel(/^Your reply to Edit Me/).fill(reply);
  await editedItem.getByRole("button", { name: "Reply and approve" }).click();
  await expect(page.getByRole("status")).toHaveText("Reply published, and the comment approved.");
  await expect(editedItem).toHaveCount(0);
  const context = await browser.newContext({ baseURL });
  const visitor = await context.newPage();
  await visitor.goto(ARTICLE);
  const parent = visitor.locator("li.comment", { has: visitor.locator(".comment__author", { hasText: "Edit Me" }) }).last();
  await expect(parent.locator(".comment__content strong")).toHaveText("now bold");
  await expect(parent.locator("ol.comment-list--children").getByText(reply)).toBeVisible();
  await context.close();
});

test.describe("without JavaScript", () => {
  test.use({ javaScriptEnabled: false });

  test("a moderator approves by a plain form: POST, redirect, the queue with a notice", async ({ page, browser, baseURL, request, db }) => {
    const body = await postHeldComment(request, baseURL, "No Script Guest");
    const moderator = await account(db, "moderator");
    await logIn(page, moderator.email, "/moderation");
    const item = await queueItem(page, body);
    await item.getByLabel("Note for the log").fill("Checked by hand");
    const [response] = await Promise.all([
      page.waitForResponse((r) => r.request().method() === "POST"),
      item.getByRole("button", { name: "Approve" }).click(),
    ]);
    expect(response.status()).toBe(303);
    await expect(page.getByRole("status")).toHaveText("1 comment approved.");
    await expect(page.locator("li.queue-item", { hasText: body })).toHaveCount(0);
    expect(await visibleToFreshVisitor(browser, baseURL!, body)).toBe(true);
    const entry = await db
      .selectFrom("moderation_log")
      .innerJoin("comments", "comments.id", "moderation_log.comment_id")
      .select("moderation_log.reason")
      .where("comments.body_markdown", "=", body)
      .executeTakeFirstOrThrow();
    expect(entry.reason).toBe("Checked by hand");
  });
});

test("a selection goes to Spam at once, and waits in the Spam tab", async ({ page, baseURL, request, db }) => {
  const first = await postHeldComment(request, baseURL, "Pump Promoter");
  const second = await postHeldComment(request, baseURL, "Pump Promoter");
  const moderator = await account(db, "moderator");
  await logIn(page, moderator.email, "/moderation");
  // Open the queue at the first of the two (a keyset cursor just before it), so both are on one page.
  const { cursor } = await db
    .selectFrom("comments")
    .select(sql<string>`to_char((created_at - interval '1 microsecond') at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') || '~' || id`.as("cursor"))
    .where("body_markdown", "=", first)
    .executeTakeFirstOrThrow();
  await page.goto(`/moderation?tab=pending&after=${encodeURIComponent(cursor)}`);
  for (const text of [first, second]) {
    await page.locator("li.queue-item", { hasText: text }).getByLabel("Select the comment by Pump Promoter").check();
  }
  await page.getByRole("group", { name: "With the selected comments" }).getByRole("button", { name: "Spam" }).click();
  await expect(page.getByRole("status")).toHaveText("2 comments marked as spam.");
  await expect(page.locator("li.queue-item", { hasText: "Pump Promoter" })).toHaveCount(0);
  const spam = await queueItem(page, first, "spam");
  await expect(spam.getByRole("button", { name: "Delete forever" })).toBeVisible();
  const rows = await db.selectFrom("comments").select("status").where("body_markdown", "in", [first, second]).execute();
  expect(rows.map((r) => r.status)).toEqual(["spam", "spam"]);
});

test("a member reports a published comment once, with a reason", async ({ page, db }) => {
  const member = await account(db, "member");
  const target = await db
    .selectFrom("comments")
    .innerJoin("articles", "articles.id", "comments.article_id")
    .select(["comments.id", "comments.author_name"])
    .where("articles.slug", "=", BAOGANG_SLUG)
    .where("comments.status", "=", "approved")
    .where("comments.report_state", "is", null)
    .orderBy("comments.id")
    .executeTakeFirstOrThrow();
  await logIn(page, member.email, ARTICLE);
  await page.getByRole("link", { name: `Report the comment by ${target.author_name}` }).first().click();
  await expect(page.getByRole("heading", { level: 1, name: "Report a comment" })).toBeVisible();
  expect(await seriousA11yViolations(page)).toEqual([]);
  // "Something else" needs words.
  await page.getByRole("radio", { name: "Something else" }).check();
  await page.getByRole("button", { name: "Send the report" }).click();
  await expect(page.locator("#report-details-error")).toHaveText("Please tell the moderators what is wrong with it.");
  await page.getByRole("radio", { name: "Undisclosed promotion or pump-and-dump" }).check();
  await page.getByRole("button", { name: "Send the report" }).click();
  await expect(page.getByText("Thank you: you reported this comment.")).toBeVisible();
  const reports = await db.selectFrom("comment_reports").select(["reason"]).where("reporter_id", "=", member.id).execute();
  expect(reports).toEqual([{ reason: "promotion" }]);
});

test("every moderation page passes axe (no serious or critical violation)", async ({ page, baseURL, request, db }) => {
  await postHeldComment(request, baseURL, "Axe Guest");
  // An editor: the site-wide rules are a form for editors (moderators read them).
  const editor = await account(db, "editor");
  await logIn(page, editor.email, "/moderation");
  for (const path of ["/moderation", "/moderation?tab=reported", "/moderation?tab=spam", "/moderation?tab=trash", "/moderation/settings", "/moderation/people", "/moderation/articles", "/moderation/log"]) {
    await page.goto(path);
    expect(await seriousA11yViolations(page), path).toEqual([]);
  }
  // The item's forms opened, and a settings form refused field by field.
  await page.goto("/moderation");
  for (const summary of await page.locator("li.queue-item").first().locator("summary").all()) await summary.click();
  expect(await seriousA11yViolations(page)).toEqual([]);
  await page.goto("/moderation/settings");
  await page.getByLabel(/Hold a comment with more than/).fill("many");
  await page.getByRole("button", { name: "Save rules" }).click();
  await expect(page.locator("#settings-maxLinks-error")).toHaveText("Please enter a whole number from 0 to 1,000.");
  await expect(page.getByLabel(/Hold a comment with more than/)).toHaveValue("many");
  expect(await seriousA11yViolations(page)).toEqual([]);
});

test("the demo's spike alert shows in the queue and its link opens that ticker's comments; a held comment shows its disclosure", async ({ page, db }) => {
  // A comment held by the paid-or-connected rule, through the pipeline as the form's are.
  const { postComment } = await import("~/models/comments.server");
  const article = await db.selectFrom("articles").select("id").where("slug", "=", BAOGANG_SLUG).executeTakeFirstOrThrow();
  const mp = await db.selectFrom("tickers").select("id").where("symbol", "=", "MP").executeTakeFirstOrThrow();
  const body = uniqueText("I consult for MP Materials: $MP is underpriced");
  const held = await postComment(db, {
    articleId: article.id,
    parentId: null,
    authorName: "Connected Guest",
    authorEmail: `connected-${Date.now()}@example.com`,
    authorUrl: "",
    body,
    ipHash: `e2e-connected-${Date.now()}`,
    userAgent: "playwright",
    disclosures: [{ tickerId: mp.id, position: "long", connected: true }],
    connectedTickerIds: [mp.id],
    sentiment: "bullish",
  });
  expect(held).toMatchObject({ ok: true, status: "pending" });

  const moderator = await account(db, "moderator");
  await logIn(page, moderator.email, "/moderation");
  const banner = page.getByRole("region", { name: "Spike alert: possible pump-and-dump" });
  await expect(banner).toBeVisible();
  await expect(banner).toContainText("24 comments in the last 24 hours");
  const item = await queueItem(page, body);
  await expect(item.locator(".comment__connected")).toHaveText("Paid or connected: $MP");
  await expect(item).toContainText("Discloses: long $MP");
  await expect(item).toContainText("Bullish");
  await expect(item).toContainText("Promotion rule: the author says they are paid by or connected to $MP.");

  await page.goto("/moderation");
  await banner.getByRole("link", { name: /\$ARU/ }).click();
  await expect(page).toHaveURL(/\/tickers\/ASX\/ARU$/);
  const comments = page.getByRole("region", { name: "Latest comments mentioning $ARU" });
  await expect(comments.getByText("Same five accounts posting about $ARU everywhere. Smells like a pump.").first()).toBeVisible();
  expect(await comments.locator("li.comment").count()).toBe(20);
  await expect(page.getByRole("link", { name: "Older comments" })).toBeVisible();
});
