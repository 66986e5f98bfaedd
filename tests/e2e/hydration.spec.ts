// Every kind of page, loaded as a full document, must hydrate without an error for a
// guest and for each role: a hydration mismatch makes React throw the server's HTML
// away and render the page again in the browser (slower, and it drops focus and input).
import type { Page } from "@playwright/test";
import { createUser } from "~/models/users.server";
import type { Role } from "~/lib/roles";
import { BAOGANG_SLUG, expect, test } from "./fixtures";

const PASSWORD = "hydration e2e password";

/** Errors the page throws or logs (React reports a hydration mismatch both ways). */
function watchErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on("pageerror", (error) => errors.push(`${page.url()}: ${error.message}`));
  page.on("console", (message) => {
    // A 403 or 404 document logs its status as a failed load; that is the page working.
    if (message.type() === "error" && !message.text().startsWith("Failed to load resource")) errors.push(`${page.url()}: ${message.text()}`);
  });
  return errors;
}

async function loadEach(page: Page, paths: string[]) {
  for (const path of paths) {
    await page.goto(path);
    await page.waitForFunction(() => typeof (window as unknown as { __remixRouteModules?: unknown }).__remixRouteModules === "object");
    await page.waitForLoadState("networkidle");
  }
}

const READER_PAGES = ["/", `/articles/${BAOGANG_SLUG}`, "/account"];

test("guest pages hydrate without errors", async ({ page }) => {
  const errors = watchErrors(page);
  await loadEach(page, ["/", `/articles/${BAOGANG_SLUG}`, "/login", "/signup"]);
  expect(errors).toEqual([]);
});

for (const [role, extra] of [
  ["member", []],
  ["moderator", ["/moderation"]],
  ["editor", ["/moderation", "/admin/articles", "/admin/articles/new", "/admin/categories"]],
] as [Role, string[]][]) {
  test(`pages hydrate without errors for a logged-in ${role}`, async ({ page, db }) => {
    const id = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
    const email = `hydration-${role}-${id}@example.com`;
    const created = await createUser(db, { email, displayName: `Hydration ${role} ${id}`, password: PASSWORD, role, emailVerified: true });
    expect(created.ok).toBe(true);
    await page.goto("/login");
    await page.getByLabel("Email *").fill(email);
    await page.getByLabel("Password *").fill(PASSWORD);
    await page.getByRole("button", { name: "Log in" }).click();
    await expect(page).toHaveURL(/\/$/);
    const errors = watchErrors(page);
    await loadEach(page, [...READER_PAGES, ...extra]);
    expect(errors).toEqual([]);
  });
}
