// Ignoring a member in a real browser: a member ignores a tout from his page, and
// from then on his comments are collapsed for that member alone, openable, on every
// page that shows comments: his page (which says so and keeps Stop ignoring), the
// ticker page's mentions, the conversation his comment's permalink opens, and an
// earlier notification of his reply. A guest sees the same comments as before.
import type { Page } from "@playwright/test";
import { postComment } from "~/models/comments.server";
import { approveComment } from "~/models/moderation.server";
import { createUser } from "~/models/users.server";
import { BAOGANG_SLUG, expect, test, uniqueText } from "./fixtures";

const PASSWORD = "a rare earth password";

async function logIn(page: Page, email: string) {
  await page.goto("/login");
  await page.getByLabel("Email *").fill(email);
  await page.getByLabel("Password *").fill(PASSWORD);
  await page.getByRole("button", { name: "Log in" }).click();
  await expect(page).toHaveURL(/\/$/);
}

/** The collapsed comment holding `text`: closed at first, its words shown once opened. */
async function expectCollapsed(page: Page, text: string) {
  const collapsed = page.locator("details.comment__ignored").filter({ hasText: text });
  await expect(collapsed).toHaveCount(1);
  await expect(collapsed.locator("summary")).toHaveText("1 comment from a member you ignore");
  await expect(collapsed.getByText(text)).toBeHidden();
  await collapsed.locator("summary").click();
  await expect(collapsed.getByText(text)).toBeVisible();
}

test("a member ignores a tout: his comments collapse for them on his page, the ticker page, his permalink and their notifications", async ({ page, browser, db }) => {
  const id = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
  const reader = await createUser(db, { email: `ignorer-${id}@example.com`, displayName: `Ignorer ${id}`, password: PASSWORD, emailVerified: true });
  const tout = await createUser(db, { email: `tout-${id}@example.com`, displayName: `Tout ${id}`, password: PASSWORD, emailVerified: true });
  if (!reader.ok || !tout.ok) throw new Error("could not create the members");
  const article = await db.selectFrom("articles").select("id").where("slug", "=", BAOGANG_SLUG).executeTakeFirstOrThrow();
  const post = async (userId: number, name: string, body: string, parentId: number | null) => {
    const result = await postComment(db, { articleId: article.id, parentId, authorName: name, authorEmail: `${name}@example.com`, authorUrl: "", body, ipHash: `e2e-${id}`, userAgent: "playwright", userId });
    if (!result.ok) throw new Error(`refused: ${result.error}`);
    await approveComment(db, { commentId: result.commentId });
    return result.commentId;
  };
  const question = uniqueText("Is Iluka's refinery on schedule?");
  const mine = await post(reader.userId, `Ignorer ${id}`, question, null);
  const touting = uniqueText("$ILU is the next big thing, load up");
  const reply = await post(tout.userId, `Tout ${id}`, touting, mine);
  // The reply's notification, as the job writes it, from before they ignored him.
  await db.insertInto("notifications").values({ user_id: reader.userId, kind: "reply", article_id: article.id, comment_id: reply }).execute();

  await logIn(page, `ignorer-${id}@example.com`);
  await page.goto(`/users/${tout.userId}`);
  await expect(page.getByText(touting)).toBeVisible();
  await page.getByRole("button", { name: "Ignore this member" }).click();
  await expect(page.getByText("You ignore this member")).toBeVisible();
  await expect(page.getByRole("button", { name: "Stop ignoring" })).toBeVisible();
  await expectCollapsed(page, touting);

  await page.goto("/tickers/ASX/ILU");
  await expectCollapsed(page, touting);

  await page.goto(`/comments/${reply}`);
  await expect(page).toHaveURL(new RegExp(`/articles/${BAOGANG_SLUG}`));
  await expect(page.getByText(question)).toBeVisible();
  await expectCollapsed(page, touting);

  await page.goto("/notifications");
  const notice = page.locator("details.comment__ignored").filter({ hasText: `Tout ${id} replied to you` });
  await expect(notice.locator("summary")).toHaveText("1 comment from a member you ignore");
  await expect(notice.getByRole("link", { name: new RegExp(`Tout ${id} replied to you`) })).toBeHidden();
  await notice.locator("summary").click();
  await expect(notice.getByRole("link", { name: new RegExp(`Tout ${id} replied to you`) })).toBeVisible();

  // A guest's pages (the shared, cached ones) are as they were.
  const guest = await browser.newContext();
  const guestPage = await guest.newPage();
  for (const path of ["/tickers/ASX/ILU", `/users/${tout.userId}`]) {
    await guestPage.goto(path);
    await expect(guestPage.getByText(touting)).toBeVisible();
    await expect(guestPage.getByText("member you ignore")).toHaveCount(0);
  }
  await guest.close();

  // Stop ignoring, from his page: the comment is open again.
  await page.goto(`/users/${tout.userId}`);
  await page.getByRole("button", { name: "Stop ignoring" }).click();
  await expect(page.getByRole("button", { name: "Ignore this member" })).toBeVisible();
  await page.goto("/tickers/ASX/ILU");
  await expect(page.getByText(touting)).toBeVisible();
  await expect(page.locator("details.comment__ignored")).toHaveCount(0);
});
