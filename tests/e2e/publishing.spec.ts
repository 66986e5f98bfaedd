// Publishing in a real browser: an editor writes an article with two categories,
// previews it, publishes it; a reader then finds it on the home page with an
// empty thread and the "Leave a Reply" form. A moderator gets 403 at /admin/articles.
import type { Page } from "@playwright/test";
import { createUser } from "~/models/users.server";
import type { Role } from "~/lib/roles";
import { expect, seriousA11yViolations, test, uniqueText } from "./fixtures";
import type { DB } from "../../db/connection";

const PASSWORD = "publishing e2e password";

async function account(db: DB, role: Role) {
  const id = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
  const email = `${role}-${id}@example.com`;
  const created = await createUser(db, { email, displayName: `${role} ${id}`, password: PASSWORD, role, emailVerified: true });
  if (!created.ok) throw new Error(`could not create the ${role}`);
  return { email };
}

async function logIn(page: Page, email: string, next: string) {
  await page.goto(`/login?redirectTo=${encodeURIComponent(next)}`);
  await page.getByLabel("Email *").fill(email);
  await page.getByLabel("Password *").fill(PASSWORD);
  await page.getByRole("button", { name: "Log in" }).click();
  await expect(page).toHaveURL(new RegExp(`${next}$`));
}

test("an editor writes, previews and publishes an article with two categories; a reader finds it with an empty thread", async ({ page, db, browser, baseURL }) => {
  const editor = await account(db, "editor");
  await logIn(page, editor.email, "/admin/articles");
  await page.getByRole("link", { name: "New article" }).first().click();
  await expect(page.getByRole("heading", { name: "New article" })).toBeVisible();

  const title = uniqueText("Magnet makers brace for new quotas");
  await page.getByLabel("Title *").fill(title);
  // The slug follows the title as it is typed.
  await expect(page.getByLabel("Slug")).toHaveValue(/^magnet-makers-brace-for-new-quotas/);
  await page.getByLabel("Highlights").fill("Quotas tighten\nPrices move first");
  await page.getByLabel("Body *").fill("Magnet makers are **bracing** for tighter quotas.\n\n- one\n- two");
  await page.getByLabel("China", { exact: true }).check();
  await page.getByLabel("Supply Chain", { exact: true }).check();
  // The editor's own time zone is named beside the time.
  await expect(page.getByTestId("time-zone")).not.toHaveText("");

  await page.getByRole("button", { name: "Preview" }).click();
  const preview = page.locator(".editor-preview");
  await expect(preview.getByRole("heading", { name: title })).toBeVisible();
  await expect(preview.locator("strong", { hasText: "bracing" })).toBeVisible();
  await expect(preview.locator(".article__body li")).toHaveCount(2);
  // Nothing typed was lost by previewing.
  await expect(page.getByLabel("Title *")).toHaveValue(title);
  await expect(page.getByLabel("China", { exact: true })).toBeChecked();

  await page.getByRole("button", { name: "Publish" }).click();
  await expect(page.getByText("Published: readers can see it now.")).toBeVisible();
  expect(await seriousA11yViolations(page)).toEqual([]);

  const reader = await browser.newContext({ baseURL });
  const readerPage = await reader.newPage();
  await readerPage.goto("/");
  const link = readerPage.getByRole("link", { name: title });
  await expect(link).toBeVisible();
  await link.click();
  await expect(readerPage.getByRole("heading", { level: 1, name: title })).toBeVisible();
  await expect(readerPage.getByRole("heading", { name: `No comments yet on “${title}”` })).toBeVisible();
  await expect(readerPage.locator("#comment-thread li")).toHaveCount(0);
  await expect(readerPage.getByRole("heading", { name: "Leave a Reply" })).toBeVisible();
  await expect(readerPage.getByLabel("Comment *")).toBeVisible();
  const categoryLinks = readerPage.locator(".article").getByRole("link", { name: /^(China|Supply Chain)$/ });
  await expect(categoryLinks).toHaveCount(2);
  await reader.close();
});

test("a moderator gets 403 at /admin/articles", async ({ page, db }) => {
  const moderator = await account(db, "moderator");
  await logIn(page, moderator.email, "/");
  const response = await page.goto("/admin/articles");
  expect(response?.status()).toBe(403);
  await expect(page.getByRole("heading", { name: /403/ })).toBeVisible();
});

test("an editor compares and restores a revision, and manages categories", async ({ page, db }) => {
  const editor = await account(db, "editor");
  // The demo seed's draft has two revisions.
  const draft = await db.selectFrom("articles").select("id").where("slug", "=", "draft-heavy-rare-earth-separation-outside-china").executeTakeFirstOrThrow();
  await logIn(page, editor.email, `/admin/articles/${draft.id}/revisions`);
  await page.getByRole("link", { name: "Compare with current" }).first().click();
  await expect(page.getByRole("heading", { name: /^Version 1 .* compared with the current text$/ })).toBeVisible();
  await expect(page.locator(".revision-diff ins").first()).toBeVisible();
  expect(await seriousA11yViolations(page)).toEqual([]);
  await page.getByRole("button", { name: "Restore version 1" }).click();
  await expect(page.getByText("Revision restored (as a new revision).")).toBeVisible();
  await expect(page.getByLabel("Body *")).toHaveValue("Notes for this piece. Compare the announced capacities with offtake agreements.");

  await page.goto("/admin/categories");
  const name = uniqueText("Recycling");
  await page.getByLabel("Name *").first().fill(name);
  await page.getByRole("button", { name: "Create category" }).click();
  await expect(page.getByText("Category created.")).toBeVisible();
  await expect(page.getByRole("heading", { name: new RegExp(`^${name} \\(0 articles\\)$`) })).toBeVisible();
  expect(await seriousA11yViolations(page)).toEqual([]);
  await page.getByRole("button", { name: `Delete ${name}` }).click();
  await expect(page.getByText("Category deleted.")).toBeVisible();
});
