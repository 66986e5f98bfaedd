// The reader's journey: home → article → an empty form is refused field by field
// (400) → a filled form is held → a moderator approves it through the domain →
// a fresh visitor sees it. Once with JavaScript, once without.
import type { Browser, Page } from "@playwright/test";
import { approveComment } from "~/models/moderation.server";
import { BAOGANG_SLUG, expect, test, uniqueText } from "./fixtures";

const ARTICLE_TITLE = "Baogang Orders Urgent Safety and Environmental Inspections at Its Key Mines";

/** The status of the form POST; with JavaScript, Remix answers a redirect as 204 + X-Remix-Redirect. */
async function submitAndGetStatus(page: Page) {
  const [response] = await Promise.all([
    page.waitForResponse((r) => r.request().method() === "POST"),
    page.getByRole("button", { name: "Post Comment" }).click(),
  ]);
  if (response.status() === 204 && response.headers()["x-remix-redirect"]) return 303;
  return response.status();
}

async function visibleToFreshVisitor(browser: Browser, baseURL: string, text: string) {
  const context = await browser.newContext({ baseURL });
  const page = await context.newPage();
  await page.goto(`/articles/${BAOGANG_SLUG}`);
  const count = await page.getByText(text).count();
  await context.close();
  return count > 0;
}

for (const javaScriptEnabled of [true, false]) {
  test.describe(`posting a comment with JavaScript ${javaScriptEnabled ? "on" : "off"}`, () => {
    test.use({ javaScriptEnabled });

    test("from the home page to an approved comment", async ({ page, browser, baseURL, db }) => {
      await page.goto("/");
      await page.getByRole("link", { name: ARTICLE_TITLE }).click();
      await expect(page.getByRole("heading", { level: 1, name: ARTICLE_TITLE })).toBeVisible();
      await expect(page.getByRole("heading", { name: "Leave a Reply" })).toBeVisible();
      await expect(page.getByText("Your email address will not be published. Required fields are marked *")).toBeVisible();
      if (javaScriptEnabled) await page.evaluate(() => ((window as unknown as { noReload: boolean }).noReload = true));

      // Empty form: each required field gets its own message, status 400.
      expect(await submitAndGetStatus(page)).toBe(400);
      await expect(page.locator("#comment-error")).toHaveText("Please type your comment.");
      await expect(page.locator("#author-error")).toHaveText("Please enter your name.");
      await expect(page.locator("#email-error")).toHaveText("Please enter your email address.");
      await expect(page.getByLabel("Comment *")).toHaveAttribute("aria-invalid", "true");

      // A malformed email and website: the other values typed come back.
      const body = uniqueText(javaScriptEnabled ? "Inspections matter" : "No-JS reader says");
      await page.getByLabel("Comment *").fill(body);
      await page.getByLabel("Name *").fill("Journey Reader");
      await page.getByLabel("Email *").fill("journey-reader-at-example.com");
      await page.getByLabel("Website").fill("ftp://files.example.com");
      expect(await submitAndGetStatus(page)).toBe(400);
      await expect(page.locator("#email-error")).toHaveText("Please enter a valid email address, like name@example.com.");
      await expect(page.locator("#url-error")).toContainText("http:// or https://");
      await expect(page.getByLabel("Comment *")).toHaveValue(body);
      await expect(page.getByLabel("Name *")).toHaveValue("Journey Reader");
      await expect(page.getByLabel("Email *")).toHaveValue("journey-reader-at-example.com");
      await expect(page.getByLabel("Website")).toHaveValue("ftp://files.example.com");
      await expect(page.locator("#comment-error")).toHaveCount(0);

      // A good form: held for moderation, shown to its poster in place.
      const email = `${javaScriptEnabled ? "js" : "nojs"}-${Date.now()}@example.com`;
      await page.getByLabel("Email *").fill(email);
      await page.getByLabel("Website").fill("https://reader.example.com");
      expect(await submitAndGetStatus(page)).toBe(303);
      const held = page.locator(".comment--held", { hasText: body });
      await expect(held).toBeVisible();
      await expect(held.getByText("Your comment is awaiting moderation.")).toBeVisible();
      expect(page.url()).toMatch(/#comment-\d+$/);
      await expect(page.getByLabel("Comment *")).toHaveValue("");
      if (javaScriptEnabled) {
        // Posted without a full page load.
        expect(await page.evaluate(() => (window as unknown as { noReload?: boolean }).noReload)).toBe(true);
      }

      // Nobody else sees it yet.
      expect(await visibleToFreshVisitor(browser, baseURL!, body)).toBe(false);

      // A moderator approves it (through the domain), and now everyone sees it.
      const row = await db.selectFrom("comments").select("id").where("body_markdown", "=", body).executeTakeFirstOrThrow();
      const change = await approveComment(db, { commentId: row.id });
      expect(change).toMatchObject({ ok: true, before: "pending", after: "approved" });
      expect(await visibleToFreshVisitor(browser, baseURL!, body)).toBe(true);
    });

    test("replying to a comment, and cancelling the reply", async ({ page }) => {
      await page.goto(`/articles/${BAOGANG_SLUG}`);
      await page.getByRole("link", { name: "Reply to Tomás Alvarez" }).first().click();
      await expect(page.getByRole("heading", { name: /^Reply to Tomás Alvarez/ })).toBeVisible();
      expect(page.url()).toContain("replytocom=");
      await page.getByRole("link", { name: "Cancel reply" }).click();
      await expect(page.getByRole("heading", { name: "Leave a Reply" })).toBeVisible();
      expect(page.url()).not.toContain("replytocom=");
    });
  });
}

test("a reply lands under its parent, and the same comment twice is refused as a duplicate", async ({ page, db }) => {
  const email = `replier-${Date.now()}@example.com`;
  // An approved comment from this email lets the next ones publish at once.
  await db
    .insertInto("comments")
    .values({
      article_id: (await db.selectFrom("articles").select("id").where("slug", "=", BAOGANG_SLUG).executeTakeFirstOrThrow()).id,
      status: "approved",
      author_name: "Replier",
      author_email: email,
      body_markdown: uniqueText("earlier"),
      body_html: "<p>earlier</p>",
    })
    .execute();
  await page.goto(`/articles/${BAOGANG_SLUG}`);
  await page.getByRole("link", { name: "Reply to Margaret Chen" }).first().click();
  await expect(page.getByRole("heading", { name: /^Reply to Margaret Chen/ })).toBeVisible();
  const body = uniqueText("A reply to Margaret");
  await page.getByLabel("Comment *").fill(body);
  await page.getByLabel("Name *").fill("Replier");
  await page.getByLabel("Email *").fill(email);
  await page.getByRole("button", { name: "Post Comment" }).click();
  await expect(page.locator("article.comment__body", { hasText: body })).toBeVisible();
  await expect(page.locator("li.comment--held > article", { hasText: body })).toHaveCount(0);
  // Nested inside Margaret Chen's first comment's replies.
  const parent = page.locator("li.comment", { has: page.locator(".comment__author", { hasText: "Margaret Chen" }) }).first();
  await expect(parent.locator("ol.comment-list--children").getByText(body)).toBeVisible();

  // The same words again, within ten minutes.
  await page.getByLabel("Comment *").fill(body);
  await page.getByLabel("Name *").fill("Replier");
  await page.getByLabel("Email *").fill(email);
  const [response] = await Promise.all([
    page.waitForResponse((r) => r.request().method() === "POST"),
    page.getByRole("button", { name: "Post Comment" }).click(),
  ]);
  expect(response.status()).toBe(409);
  await expect(page.getByText("Duplicate comment detected; it looks as though you've already said that!")).toBeVisible();
  await expect(page.getByLabel("Comment *")).toHaveValue(body);
  const stored = await db.selectFrom("comments").select("id").where("body_markdown", "=", body).execute();
  expect(stored).toHaveLength(1);
});

test("the form is usable with the keyboard alone", async ({ page, db }) => {
  await page.goto(`/articles/${BAOGANG_SLUG}`);
  // Reach the comment field by tabbing, as a keyboard user would.
  await page.locator("#reply-title").evaluate((el) => el.scrollIntoView());
  let reached = false;
  for (let i = 0; i < 80 && !reached; i++) {
    await page.keyboard.press("Tab");
    reached = await page.evaluate(() => document.activeElement?.id === "comment");
  }
  expect(reached).toBe(true);
  const body = uniqueText("Typed with the keyboard");
  await page.keyboard.type(body);
  const order: string[] = [];
  for (const text of ["Key Board", `keyboard-${Date.now()}@example.com`, ""]) {
    await page.keyboard.press("Tab");
    order.push(await page.evaluate(() => document.activeElement?.id ?? ""));
    if (text) await page.keyboard.type(text);
  }
  expect(order).toEqual(["author", "email", "url"]);
  // Sentiment (one stop for the radio group, on "Neither"), "Notify me of replies" (off for a guest), then the button.
  await page.keyboard.press("Tab");
  expect(await page.evaluate(() => document.activeElement?.id)).toBe("sentiment-neither");
  await page.keyboard.press("Tab");
  expect(await page.evaluate(() => document.activeElement?.id)).toBe("notify_replies");
  await page.keyboard.press("Tab");
  expect(await page.evaluate(() => document.activeElement?.textContent)).toBe("Post Comment");
  await page.keyboard.press("Enter");
  await expect(page.locator(".comment--held", { hasText: body })).toBeVisible();
  expect(await db.selectFrom("comments").select("status").where("body_markdown", "=", body).executeTakeFirst()).toEqual({ status: "pending" });
});

test("an empty submission moves keyboard focus to the list of problems", async ({ page }) => {
  await page.goto(`/articles/${BAOGANG_SLUG}`);
  await page.getByLabel("Comment *").focus();
  await page.keyboard.press("Tab");
  await page.keyboard.press("Tab");
  await page.keyboard.press("Tab");
  await page.keyboard.press("Tab");
  await page.keyboard.press("Enter");
  await expect(page.locator(".form-errors")).toBeFocused();
  await page.locator(".form-errors").getByRole("link", { name: /Name:/ }).click();
  await expect(page.getByLabel("Name *")).toBeFocused();
});
