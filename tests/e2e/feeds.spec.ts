// A member finds their personal feed's address on /account, gives it a new one
// with JavaScript off (a plain POST form), and the old address stops working.
// The address wraps on a phone, and the feed parses with a real parser.
import type { Page } from "@playwright/test";
import Parser from "rss-parser";
import { createUser } from "~/models/users.server";
import { expect, test } from "./fixtures";

async function logIn(page: Page, email: string, password: string) {
  await page.goto("/login?redirectTo=%2Faccount");
  await page.getByLabel("Email *").fill(email);
  await page.getByLabel("Password *").fill(password);
  await page.getByRole("button", { name: "Log in" }).click();
  await expect(page).toHaveURL(/\/account$/);
}

const feedAddress = (page: Page) => page.locator(".feed-addresses dd code").first().innerText();

test("a member's personal feed: its address on /account, a new one without JavaScript, the old one gone", async ({ browser, baseURL, db }) => {
  const email = `feed-reader-${Date.now().toString(36)}@example.com`;
  const created = await createUser(db, { email, displayName: "Feed Reader", password: "a feed reader password", emailVerified: true });
  if (!created.ok) throw new Error("user");
  const china = await db.selectFrom("categories").select("id").where("slug", "=", "china").executeTakeFirstOrThrow();
  await db.insertInto("category_follows").values({ user_id: created.userId, category_id: china.id, level: "following" }).execute();

  const context = await browser.newContext({ baseURL, javaScriptEnabled: false, viewport: { width: 360, height: 740 } });
  const page = await context.newPage();
  await logIn(page, email, "a feed reader password");
  await expect(page.getByRole("heading", { name: "Your personal feed" })).toBeVisible();
  const first = await feedAddress(page);
  expect(first).toMatch(/\/feeds\/[A-Za-z0-9_-]{43}\/feed\.xml$/);
  // A long address wraps on a phone rather than making the page scroll sideways.
  expect(await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)).toBeLessThanOrEqual(0);

  const feedPath = new URL(first).pathname;
  const feed = await page.request.get(feedPath, { headers: { Cookie: "" } });
  expect(feed.status()).toBe(200);
  const parsed = await new Parser().parseString(await feed.text());
  expect(parsed.items.length).toBeGreaterThan(0);

  await page.getByRole("button", { name: "Give my feed a new address" }).click();
  await expect(page).toHaveURL(/\/account\?notice=feed-reset$/);
  await expect(page.getByText("Your personal feed has a new address.")).toBeVisible();
  const second = await feedAddress(page);
  expect(second).not.toBe(first);
  expect((await page.request.get(feedPath)).status()).toBe(404);
  expect((await page.request.get(new URL(second).pathname)).status()).toBe(200);
  await context.close();
});

test("the home page advertises the site's feeds, and a feed reader finds them", async ({ page }) => {
  await page.goto("/");
  const rss = page.locator('head link[rel="alternate"][type="application/rss+xml"]');
  await expect(rss).toHaveAttribute("href", "/feed.xml");
  await expect(page.locator('head link[rel="alternate"][type="application/atom+xml"]')).toHaveAttribute("href", "/atom.xml");
  const response = await page.request.get("/feed.xml");
  expect(response.headers()["content-type"]).toBe("application/rss+xml; charset=utf-8");
  const parsed = await new Parser().parseString(await response.text());
  expect(parsed.items.length).toBeGreaterThan(0);
});
