// Verified labels in a real browser: an administrator gives a member "Company
// representative" at /admin/labels (a missing role is named beside its field, with
// what was typed kept), and a fresh reader then sees the label in full beside that
// member's $LYC comment on the article page and on the ticker page.
import { createUser } from "~/models/users.server";
import { cashtagMentions, recordCommentTickers } from "~/models/tickers.server";
import { renderCommentMarkdown } from "~/lib/markdown.server";
import { BAOGANG_SLUG, expect, test, uniqueText } from "./fixtures";

const PASSWORD = "labels e2e password";

test("an administrator gives a member a company representative's label, and a fresh reader sees it", async ({ page, browser, baseURL, db }) => {
  const id = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
  const admin = await createUser(db, { email: `admin-${id}@example.com`, displayName: `Admin ${id}`, password: PASSWORD, role: "admin", emailVerified: true });
  const repName = `Rep ${id}`;
  const rep = await createUser(db, { email: `rep-${id}@example.com`, displayName: repName, password: PASSWORD, emailVerified: true });
  if (!admin.ok || !rep.ok) throw new Error("accounts");
  // The member's approved comment mentioning $LYC, written as the form writes one.
  const body = `${uniqueText("Our quarterly")}: $LYC output is on plan.`;
  const article = await db.selectFrom("articles").select("id").where("slug", "=", BAOGANG_SLUG).executeTakeFirstOrThrow();
  const mentions = await cashtagMentions(db, body);
  const comment = await db
    .insertInto("comments")
    .values({
      article_id: article.id,
      user_id: rep.userId!,
      status: "approved",
      author_name: repName,
      author_email: `rep-${id}@example.com`,
      body_markdown: body,
      body_html: renderCommentMarkdown(body, { cashtagHref: mentions.hrefFor }),
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  await recordCommentTickers(db, comment.id, mentions.tickers.map((t) => t.id));
  const full = "Company representative — Lynas Rare Earths, Investor Relations";

  // A reader's page before (it may be cached for guests).
  const fresh = await browser.newContext({ baseURL });
  const reader = await fresh.newPage();
  await reader.goto(`/articles/${BAOGANG_SLUG}`);
  const readersComment = reader.locator(".comment", { hasText: body });
  await expect(readersComment.locator(".comment__author")).toHaveText(repName);
  await expect(readersComment.locator(".member-label")).toHaveCount(0);

  await page.goto(`/login?redirectTo=${encodeURIComponent("/admin/labels")}`);
  await page.getByLabel("Email *").fill(`admin-${id}@example.com`);
  await page.getByLabel("Password *").fill(PASSWORD);
  await page.getByRole("button", { name: "Log in" }).click();
  await expect(page).toHaveURL(/\/admin\/labels$/);
  await expect(page.getByRole("navigation", { name: "Publishing" }).getByRole("link", { name: "Labels" })).toBeVisible();

  await page.getByLabel("Member").fill(repName);
  await page.getByRole("group", { name: "Label" }).getByLabel("Company representative").check();
  await page.getByLabel("Company (for a representative)").selectOption({ label: "Lynas Rare Earths ($LYC, ASX)" });
  await page.getByRole("button", { name: "Give the label" }).click();
  // No role: said beside the field, the rest kept.
  await expect(page.getByLabel("Role (for a representative)")).toHaveAccessibleDescription(/Investor Relations/);
  await expect(page.locator(".field-error")).toContainText("Say what the representative does for the company");
  await expect(page.getByLabel("Member")).toHaveValue(repName);
  await page.getByLabel("Role (for a representative)").fill("Investor Relations");
  await page.getByLabel("Company (for a representative)").selectOption({ label: "Lynas Rare Earths ($LYC, ASX)" });
  await page.getByRole("button", { name: "Give the label" }).click();
  await expect(page.getByRole("status")).toContainText("Label given");
  await expect(page.locator(".label-admin-list li", { hasText: repName })).toContainText(full);

  // The fresh reader (a guest) sees it once the page's cached copy was dropped.
  await expect(async () => {
    await reader.reload();
    await expect(readersComment.locator(".member-label")).toHaveText(`Label: ${full}`, { timeout: 500 });
  }).toPass({ timeout: 10_000 });
  await reader.goto("/tickers/ASX/LYC");
  await expect(reader.locator(".ticker-comments li", { hasText: body }).locator(".member-label")).toHaveText(`Label: ${full}`);
  await fresh.close();
});
