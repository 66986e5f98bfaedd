// The investor's journey (issue 13): a reader mentions $LYC, answers the
// disclosure and chooses Bullish, sees their held comment with its disclosure;
// after a moderator approves it, a fresh reader sees the disclosure (linked to the
// ticker's page) and the sentiment bar with its numbers in words. With JavaScript
// the questions appear as the cashtag is typed; without it, after a first post.
// (Asserted on the article page: the ticker page is the tickers work's.)
import type { Page } from "@playwright/test";
import { approveComment } from "~/models/moderation.server";
import { BAOGANG_SLUG, expect, test, uniqueText } from "./fixtures";

async function submitAndGetStatus(page: Page) {
  const [response] = await Promise.all([
    page.waitForResponse((r) => r.request().method() === "POST"),
    page.getByRole("button", { name: "Post Comment" }).click(),
  ]);
  if (response.status() === 204 && response.headers()["x-remix-redirect"]) return 303;
  return response.status();
}

for (const javaScriptEnabled of [true, false]) {
  test.describe(`disclosing a position with JavaScript ${javaScriptEnabled ? "on" : "off"}`, () => {
    test.use({ javaScriptEnabled });

    test("a reader mentions $LYC, discloses, and a fresh reader sees it with the sentiment", async ({ page, browser, baseURL, db }) => {
      await page.goto(`/articles/${BAOGANG_SLUG}`);
      const body = `${uniqueText(javaScriptEnabled ? "Adding to" : "Still holding")} $LYC after this news.`;
      await page.getByLabel("Comment *").fill(body);
      await page.getByLabel("Name *").fill("Disclosing Reader");
      await page.getByLabel("Email *").fill(`disclose-${javaScriptEnabled ? "js" : "nojs"}-${Date.now()}@example.com`);
      const question = page.getByRole("group", { name: /Your position in \$LYC \(Lynas Rare Earths, ASX\)/ });
      if (javaScriptEnabled) {
        // Asked as the cashtag is typed.
        await expect(question).toBeVisible();
      } else {
        await expect(question).toHaveCount(0);
        expect(await submitAndGetStatus(page)).toBe(400);
        await expect(page.getByRole("alert")).toContainText("mentions a listed company");
        await expect(question).toBeVisible();
        await expect(page.getByLabel("Comment *")).toHaveValue(body);
        await expect(page.getByLabel("Name *")).toHaveValue("Disclosing Reader");
      }
      await question.getByLabel("Long").check();
      await page.getByRole("group", { name: "Sentiment (optional)" }).getByLabel("Bullish").check();
      expect(await submitAndGetStatus(page)).toBe(303);

      const held = page.locator(".comment--held", { hasText: body });
      await expect(held.getByText("Your comment is awaiting moderation.")).toBeVisible();
      await expect(held.locator(".comment__discloses")).toHaveText("Discloses: long $LYC");
      await expect(held.locator(".comment__sentiment")).toHaveText("Bullish");

      const row = await db.selectFrom("comments").select("id").where("body_markdown", "=", body).executeTakeFirstOrThrow();
      expect(await approveComment(db, { commentId: row.id })).toMatchObject({ ok: true, after: "approved" });

      const fresh = await browser.newContext({ baseURL, javaScriptEnabled });
      const reader = await fresh.newPage();
      await reader.goto(`/articles/${BAOGANG_SLUG}`);
      const comment = reader.locator(".comment", { hasText: body });
      await expect(comment.locator(".comment__discloses")).toHaveText("Discloses: long $LYC");
      await expect(comment.locator(".comment__discloses").getByRole("link", { name: "$LYC" })).toHaveAttribute("href", "/tickers/ASX/LYC");
      const sentiment = reader.getByRole("region", { name: "Sentiment on this article" });
      await expect(sentiment.locator("meter")).toHaveCount(1);
      await expect(sentiment.getByText(/^Last 7 days: \d+ bullish, \d+ bearish \(\d+% bullish\)\.$/)).toBeVisible();
      await expect(sentiment.getByText(/^Previous 30 days, a day on average:/)).toBeVisible();
      // The ticker's page: the linked cashtag's destination, with the comment and the ticker's sentiment.
      await reader.goto("/tickers/ASX/LYC");
      await expect(reader.getByText(body)).toBeVisible();
      const tickerSentiment = reader.getByRole("region", { name: "Sentiment on $LYC" });
      await expect(tickerSentiment.locator("meter")).toHaveCount(1);
      await expect(tickerSentiment.getByText(/^Last 7 days: [1-9]\d* bullish, \d+ bearish \(\d+% bullish\)\.$/)).toBeVisible();
      await fresh.close();
    });
  });
}
