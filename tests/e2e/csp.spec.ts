// Every kind of page under the Content-Security-Policy, in a real browser: the
// policy forbids inline script except the exact scripts Remix wrote (by hash),
// and not one violation may be reported, in the console or as a
// `securitypolicyviolation` event; the page's JavaScript must really run, and
// hydrate without an error (a mismatch makes React throw the server's page away
// and render it again, losing whatever the reader had begun to type).
import type { Page } from "@playwright/test";
import { createUser } from "~/models/users.server";
import type { Role } from "~/lib/roles";
import { BAOGANG_SLUG, expect, test } from "./fixtures";
import type { DB } from "../../db/connection";

const PASSWORD = "csp e2e password long";

async function account(db: DB, role: Role) {
  const id = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
  const email = `csp-${role}-${id}@example.com`;
  const created = await createUser(db, { email, displayName: `CSP ${role} ${id}`, password: PASSWORD, role, emailVerified: true });
  if (!created.ok) throw new Error(`could not create the ${role}`);
  return { id: created.userId, email };
}

async function logIn(page: Page, email: string) {
  await page.goto("/login");
  await page.getByLabel("Email *").fill(email);
  await page.getByLabel("Password *").fill(PASSWORD);
  await page.getByRole("button", { name: "Log in" }).click();
  await expect(page).toHaveURL(/\/$/);
}

/** Record every CSP violation the page reports, from before its first script. */
async function watchViolations(page: Page): Promise<string[]> {
  const reported: string[] = [];
  page.on("console", (message) => {
    if (/Content[- ]Security[- ]Policy|Refused to (execute|load|apply|frame|connect)/i.test(message.text())) reported.push(message.text());
  });
  // Uncaught errors in the page: a hydration mismatch is React error #418/#423/#425.
  page.on("pageerror", (error) => reported.push(`${page.url()}: ${error.message}`));
  await page.addInitScript(() => {
    document.addEventListener("securitypolicyviolation", (event) => {
      const list = ((window as unknown as { __csp?: string[] }).__csp ??= []);
      list.push(`${event.violatedDirective} blocked ${event.blockedURI || "inline"} (${event.sourceFile}:${event.lineNumber})`);
    });
  });
  return reported;
}

async function visit(page: Page, reported: string[], path: string, expectedStatus: number) {
  const response = await page.goto(path);
  expect(response, path).not.toBeNull();
  expect(response!.status(), path).toBe(expectedStatus);
  const headers = await response!.allHeaders();
  const csp = headers["content-security-policy"] ?? "";
  expect(csp, path).toContain("frame-ancestors 'self'");
  expect(csp, path).toMatch(/script-src 'self'( 'sha256-[A-Za-z0-9+/=]+')+(;|$)/);
  expect(csp, path).not.toContain("unsafe-inline");
  expect(headers["x-content-type-options"], path).toBe("nosniff");
  expect(headers["referrer-policy"], path).toBe("strict-origin-when-cross-origin");
  // Remix's inline scripts ran (they hand the page its data and start hydration)…
  await page.waitForFunction(() => typeof (window as unknown as { __remixRouteModules?: unknown }).__remixRouteModules === "object");
  await page.waitForLoadState("networkidle");
  // …and nothing was refused on the way.
  const events = await page.evaluate(() => (window as unknown as { __csp?: string[] }).__csp ?? []);
  expect([...reported, ...events], path).toEqual([]);
}

test("every kind of page runs under the CSP without a single violation, and hydrates without an error", async ({ browser, db }) => {
  const comment = await db
    .selectFrom("comments")
    .innerJoin("articles", "articles.id", "comments.article_id")
    .select("comments.id")
    .where("comments.status", "=", "approved")
    .where("articles.slug", "=", BAOGANG_SLUG)
    .executeTakeFirstOrThrow();
  const category = await db.selectFrom("categories").select("slug").executeTakeFirstOrThrow();
  const member = await account(db, "member");
  const moderator = await account(db, "moderator");
  const editor = await account(db, "editor");
  const article = await db.selectFrom("articles").select("id").where("slug", "=", BAOGANG_SLUG).executeTakeFirstOrThrow();

  const guest = await (await browser.newContext()).newPage();
  const guestReported = await watchViolations(guest);
  for (const [path, status] of [
    ["/", 200],
    [`/articles/${BAOGANG_SLUG}`, 200],
    // The same page again: from the guest cache, with the hashes it was stored with.
    [`/articles/${BAOGANG_SLUG}`, 200],
    [`/articles/${BAOGANG_SLUG}?replytocom=${comment.id}`, 200],
    [`/categories/${category.slug}`, 200],
    ["/login", 200],
    ["/signup", 200],
    ["/forgot-password", 200],
    [`/users/${member.id}`, 200],
    [`/comments/${comment.id}`, 200],
    ["/no-such-page", 404],
  ] as const) {
    await visit(guest, guestReported, path, status);
  }
  // A client-side navigation too (Remix fetches data and route modules).
  await guest.goto("/");
  await guest.getByRole("link", { name: "Log in" }).click();
  await expect(guest).toHaveURL(/\/login/);
  await guest.waitForLoadState("networkidle");
  expect([...guestReported, ...(await guest.evaluate(() => (window as unknown as { __csp?: string[] }).__csp ?? []))]).toEqual([]);

  const memberPage = await (await browser.newContext()).newPage();
  const memberReported = await watchViolations(memberPage);
  await logIn(memberPage, member.email);
  for (const path of ["/account", `/articles/${BAOGANG_SLUG}`, `/comments/${comment.id}/report`]) {
    await visit(memberPage, memberReported, path, 200);
  }

  const moderatorPage = await (await browser.newContext()).newPage();
  const moderatorReported = await watchViolations(moderatorPage);
  await logIn(moderatorPage, moderator.email);
  for (const path of ["/moderation", "/moderation?tab=spam", "/moderation/settings", "/moderation/people", "/moderation/log", "/moderation/articles"]) {
    await visit(moderatorPage, moderatorReported, path, 200);
  }

  const editorPage = await (await browser.newContext()).newPage();
  const editorReported = await watchViolations(editorPage);
  await logIn(editorPage, editor.email);
  for (const path of ["/", "/admin/articles", "/admin/articles/new", `/admin/articles/${article.id}`, `/admin/articles/${article.id}/revisions`, "/admin/categories", "/admin/embedding"]) {
    await visit(editorPage, editorReported, path, 200);
  }
});
