// Following in a real browser: a guest presses Follow on a category (without
// JavaScript), logs in and comes back having followed; the category's article is
// on /following, marked new; an unread notification shows in the header, and
// opening it marks it read.
import type { Page } from "@playwright/test";
import { saveArticle } from "~/models/articles.server";
import { createUser } from "~/models/users.server";
import { expect, seriousA11yViolations, test } from "./fixtures";

const unique = () => `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;

async function logIn(page: Page, email: string, password: string) {
  await page.getByLabel("Email *").fill(email);
  await page.getByLabel("Password *").fill(password);
  await page.getByRole("button", { name: "Log in" }).click();
}

test("follow a category as a guest, log in, see its article on /following, open an unread notification", async ({ browser, db }) => {
  const id = unique();
  const email = `follower-${id}@example.com`;
  const password = "a rare earth password";
  const created = await createUser(db, { email, displayName: `Follower ${id}`, password, emailVerified: true });
  if (!created.ok) throw new Error("could not create the member");
  const category = await db
    .insertInto("categories")
    .values({ slug: `heavy-rare-earths-${id}`, name: `Heavy Rare Earths ${id}`, description: "Dysprosium, terbium and the plants that separate them." })
    .returning(["id", "slug", "name"])
    .executeTakeFirstOrThrow();
  const title = `Terbium output doubles at a Malaysian plant ${id}`;
  const article = await saveArticle(db, {
    slug: `terbium-output-doubles-${id}`,
    title,
    highlights: ["Output doubled in a quarter."],
    bodyMarkdown: "The separation plant says its terbium output doubled.",
    byline: "Assay newsroom",
    publishedAt: new Date(Date.now() - 60_000),
    categorySlugs: [category.slug],
  });

  // Without JavaScript: the follow buttons are plain forms, and so is the login.
  const plain = await browser.newContext({ javaScriptEnabled: false });
  const page = await plain.newPage();
  await page.goto(`/categories/${category.slug}`);
  await expect(page.getByText("0 followers ·")).toBeVisible();
  await page.getByRole("button", { name: "Following", exact: true }).click();
  await expect(page).toHaveURL(/\/login\?redirectTo=/);
  await expect(page.getByRole("status")).toContainText("Log in to follow this category (Following)");
  await logIn(page, email, password);
  await expect(page).toHaveURL(new RegExp(`/categories/${category.slug}`));
  await expect(page.getByRole("button", { name: "Following", exact: true })).toHaveAttribute("aria-pressed", "true");
  await expect(page.getByRole("button", { name: "Watching", exact: true })).toHaveAttribute("aria-pressed", "false");
  await expect(page.getByText("1 follower ·")).toBeVisible();
  const row = await db.selectFrom("category_follows").select("level").where("user_id", "=", created.userId).where("category_id", "=", category.id).executeTakeFirst();
  expect(row?.level).toBe("following");
  await plain.close();

  // With JavaScript, as members usually are.
  const context = await browser.newContext();
  const member = await context.newPage();
  await member.goto("/login");
  await logIn(member, email, password);
  await expect(member.getByRole("link", { name: "Following", exact: true })).toBeVisible();

  const following = await member.goto("/following");
  // A member's page: never kept by any cache.
  expect(following?.headers()["cache-control"]).toBe("private, no-store");
  await expect(member.getByRole("heading", { level: 1, name: "Following" })).toBeVisible();
  const card = member.locator("li.article-card", { hasText: title });
  await expect(card).toBeVisible();
  await expect(card.getByText("New", { exact: true })).toBeVisible();
  expect(await seriousA11yViolations(member)).toEqual([]);

  // The job announcing the article would write this row (app/jobs/); here the test does.
  await db.insertInto("notifications").values({ user_id: created.userId, kind: "article", article_id: article.id }).execute();
  await member.goto("/");
  const bell = member.getByRole("link", { name: "Notifications, 1 unread" });
  await expect(bell).toBeVisible();
  await bell.click();
  await expect(member.getByRole("heading", { level: 1, name: "Notifications" })).toBeVisible();
  const item = member.locator("li.notification--unread", { hasText: title });
  await expect(item.getByText("Unread")).toBeVisible();
  expect(await seriousA11yViolations(member)).toEqual([]);
  await item.getByRole("link", { name: `New article: “${title}”` }).click();
  await expect(member.getByRole("heading", { level: 1, name: title })).toBeVisible();
  await expect(member.getByRole("link", { name: "Notifications", exact: true })).toBeVisible();
  const read = await db.selectFrom("notifications").select("read_at").where("user_id", "=", created.userId).executeTakeFirstOrThrow();
  expect(read.read_at).not.toBeNull();
  await member.goto("/notifications");
  await expect(member.locator("li.notification--unread")).toHaveCount(0);
  await context.close();
});
