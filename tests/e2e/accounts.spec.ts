// Accounts in a real browser: sign up → confirm through /dev/outbox → log in →
// comment → log out; reset a forgotten password; a cross-site form POST refused.
import type { Page } from "@playwright/test";
import { approveComment } from "~/models/moderation.server";
import { createUser } from "~/models/users.server";
import { BAOGANG_SLUG, expect, seriousA11yViolations, test, uniqueText } from "./fixtures";

const unique = () => `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;

/** The newest mail to `to` on /dev/outbox: follow its link that starts with `path`. */
async function followMailLink(page: Page, to: string, path: string) {
  const response = await page.goto("/dev/outbox");
  expect(
    response?.status(),
    "/dev/outbox must be open for the end-to-end server: start it with ASSAY_DEV_OUTBOX=1 (tests/e2e/global-setup.ts)",
  ).toBe(200);
  const mail = page.locator("article.outbox-mail", { hasText: `To ${to}` }).first();
  await expect(mail).toBeVisible();
  await mail.locator(`a[href*="${path}?token="]`).click();
}

async function logIn(page: Page, email: string, password: string) {
  await page.getByLabel("Email *").fill(email);
  await page.getByLabel("Password *").fill(password);
  await page.getByRole("button", { name: "Log in" }).click();
}

test("sign up, confirm the address through the outbox, log in, comment, log out", async ({ page, browser, baseURL, db }) => {
  const id = unique();
  const email = `reader-${id}@example.com`;
  const name = `Reader ${id}`;
  const password = "a rare earth password";

  // Sign up from the header.
  await page.goto("/");
  await page.getByRole("link", { name: "Sign up" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Sign up" })).toBeVisible();
  expect(await seriousA11yViolations(page)).toEqual([]);

  // A too-short password is refused beside its field (400); what was typed comes back, the password never.
  await page.getByLabel("Display name *").fill(name);
  await page.getByLabel("Email *").fill(email);
  await page.getByLabel("Password *").fill("tiny-pw-9");
  const [refused] = await Promise.all([
    page.waitForResponse((r) => r.request().method() === "POST"),
    page.getByRole("button", { name: "Sign up" }).click(),
  ]);
  expect(refused.status()).toBe(400);
  expect(await refused.text()).not.toContain("tiny-pw-9");
  await expect(page.locator("#signup-password-error")).toHaveText("Please choose a password of at least 10 characters.");
  await expect(page.getByLabel("Password *")).toHaveAttribute("aria-invalid", "true");
  await expect(page.locator("#signup-errors")).toBeFocused();
  await expect(page.getByLabel("Display name *")).toHaveValue(name);
  await expect(page.getByLabel("Email *")).toHaveValue(email);

  await page.getByLabel("Password *").fill(password);
  await page.getByRole("button", { name: "Sign up" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Check your email" })).toBeVisible();
  await expect(page.context().cookies()).resolves.not.toContainEqual(expect.objectContaining({ name: "assay_session" }));

  // Confirm the address through the link in the outbox.
  await followMailLink(page, email, "/verify-email");
  await page.getByRole("button", { name: "Confirm my email address" }).click();
  await expect(page.getByText("your email address is confirmed")).toBeVisible();

  // A guest asking for /account is sent to log in, and comes back there afterwards.
  await page.goto("/account");
  await expect(page).toHaveURL(/\/login\?redirectTo=%2Faccount$/);
  await logIn(page, email, "not my password");
  await expect(page.getByText("The email address or the password is not right.")).toBeVisible();
  await expect(page.getByLabel("Email *")).toHaveValue(email);
  await logIn(page, email, password);
  await expect(page).toHaveURL(/\/account$/);
  await expect(page.getByRole("heading", { level: 1, name: "Your account" })).toBeVisible();
  expect(await seriousA11yViolations(page)).toEqual([]);
  const session = (await page.context().cookies()).find((c) => c.name === "assay_session");
  expect(session).toMatchObject({ httpOnly: true, sameSite: "Lax", path: "/" });

  // The reply form knows who is writing.
  await page.goto(`/articles/${BAOGANG_SLUG}`);
  const respond = page.locator("#respond");
  await expect(respond.getByText(`Logged in as ${name}.`)).toBeVisible();
  await expect(respond.getByRole("button", { name: "Log out?" })).toBeVisible();
  await expect(respond.getByLabel("Name *")).toHaveCount(0);
  await expect(respond.getByLabel("Email *")).toHaveCount(0);
  expect(await seriousA11yViolations(page)).toEqual([]);

  // The first comment is held, shown to its author only.
  const first = uniqueText("My first comment as a member");
  await page.getByLabel("Comment *").fill(first);
  await page.getByRole("button", { name: "Post Comment" }).click();
  const held = page.locator(".comment--held", { hasText: first });
  await expect(held.getByText("Your comment is awaiting moderation.")).toBeVisible();

  // Approved by a moderator (through the domain): the next one is published at once.
  const row = await db.selectFrom("comments").select(["id", "user_id"]).where("body_markdown", "=", first).executeTakeFirstOrThrow();
  expect(row.user_id).not.toBeNull();
  await approveComment(db, { commentId: row.id });
  const second = uniqueText("My second comment, published at once");
  await page.getByLabel("Comment *").fill(second);
  await page.getByRole("button", { name: "Post Comment" }).click();
  const published = page.locator("li.comment", { hasText: second });
  await expect(published).toBeVisible();
  await expect(published).not.toHaveClass(/comment--held/);

  // Everyone sees the member's comments, linked to the profile, which never shows the email.
  const guest = await browser.newContext({ baseURL });
  const guestPage = await guest.newPage();
  await guestPage.goto(`/articles/${BAOGANG_SLUG}`);
  const author = guestPage.locator("li.comment", { hasText: second }).getByRole("link", { name: name, exact: true });
  await expect(author).toHaveAttribute("href", `/users/${row.user_id}`);
  await author.click();
  await expect(guestPage.getByRole("heading", { level: 1, name })).toBeVisible();
  await expect(guestPage.getByText("2 approved comments")).toBeVisible();
  expect((await guestPage.content()).toLowerCase()).not.toContain(email);
  await guest.close();

  // Log out from the reply form: a POST, and the guest form is back.
  await page.getByRole("button", { name: "Log out?" }).click();
  await expect(page.getByLabel("Name *")).toBeVisible();
  await expect(page.getByLabel("Email *")).toBeVisible();
  await expect(page.getByRole("link", { name: "Log in" })).toBeVisible();
  expect((await page.context().cookies()).find((c) => c.name === "assay_session")).toBeUndefined();
  expect(await db.selectFrom("sessions").select("id").where("user_id", "=", row.user_id!).execute()).toEqual([]);
});

test("reset a forgotten password through the outbox", async ({ page, db }) => {
  const email = `forgetful-${unique()}@example.com`;
  const created = await createUser(db, { email, displayName: "Forgetful Reader", password: "the password I forgot", emailVerified: true });
  expect(created.ok).toBe(true);

  await page.goto("/login");
  await page.getByRole("link", { name: "Forgot your password?" }).click();
  expect(await seriousA11yViolations(page)).toEqual([]);
  // An unknown address gets the very same answer.
  const ask = async (address: string) => {
    await page.getByLabel("Email *").fill(address);
    const [response] = await Promise.all([
      page.waitForResponse((r) => r.request().method() === "POST"),
      page.getByRole("button", { name: "Send me a link" }).click(),
    ]);
    await page.waitForLoadState("networkidle");
    const answer = page.getByRole("status");
    await expect(answer).toContainText("If an account uses that address");
    return { status: response.status(), text: await answer.textContent() };
  };
  const unknownAnswer = await ask(`nobody-${unique()}@example.com`);
  const knownAnswer = await ask(email);
  expect(knownAnswer).toEqual(unknownAnswer);

  await followMailLink(page, email, "/reset-password");
  await expect(page.getByRole("heading", { level: 1, name: "Choose a new password" })).toBeVisible();
  const resetUrl = page.url();
  await page.getByLabel("New password *").fill("1234567890");
  await page.getByRole("button", { name: "Save the new password" }).click();
  await expect(page.locator("#reset-password-error")).toContainText("most common");
  await page.getByLabel("New password *").fill("a brand new password");
  await page.getByRole("button", { name: "Save the new password" }).click();
  await expect(page).toHaveURL(/\/login\?notice=reset$/);
  await expect(page.getByText("Your password has been changed")).toBeVisible();

  // The link worked once.
  await page.goto(resetUrl);
  await expect(page.getByText("This link has expired or has already been used.")).toBeVisible();

  // The old password no longer works; the new one does.
  await page.goto("/login");
  await logIn(page, email, "the password I forgot");
  await expect(page.getByText("The email address or the password is not right.")).toBeVisible();
  await logIn(page, email, "a brand new password");
  await expect(page).toHaveURL(/\/$/);
  await expect(page.getByRole("link", { name: /Your account/ })).toBeVisible();
});

test("a form POST from another site is refused (403) and changes nothing", async ({ page, baseURL, db, request }) => {
  const email = `target-${unique()}@example.com`;
  const created = await createUser(db, { email, displayName: "Careful Reader", password: "a careful password", emailVerified: true });
  if (!created.ok) throw new Error("user not created");
  await page.goto("/login");
  await logIn(page, email, "a careful password");
  await expect(page.getByRole("link", { name: /Your account/ })).toBeVisible();

  // A page on another site with a form aimed at ours, submitted by the signed-in browser.
  const target = new URL("/account", baseURL).toString();
  await page.route("http://attacker.invalid/**", (route) =>
    route.fulfill({
      contentType: "text/html",
      body: `<!doctype html><html lang="en"><title>Win a prize</title><form method="post" action="${target}">
        <input type="hidden" name="intent" value="name"><input type="hidden" name="displayName" value="Hacked">
        <button>Claim</button></form></html>`,
    }),
  );
  await page.goto("http://attacker.invalid/prize");
  const [response] = await Promise.all([
    page.waitForResponse((r) => r.url() === target && r.request().method() === "POST"),
    page.getByRole("button", { name: "Claim" }).click(),
  ]);
  expect(response.status()).toBe(403);
  await expect(page.getByRole("heading", { name: "Forbidden" })).toBeVisible();
  const user = await db.selectFrom("users").select("display_name").where("id", "=", created.userId).executeTakeFirstOrThrow();
  expect(user.display_name).toBe("Careful Reader");

  // The same for log-in and sign-up forms posted from elsewhere, or with no origin at all.
  for (const path of ["/login", "/signup", "/logout"]) {
    const foreign = await request.post(path, { headers: { Origin: "https://evil.example" }, form: { email, password: "x" }, maxRedirects: 0 });
    expect(foreign.status(), path).toBe(403);
  }
});
