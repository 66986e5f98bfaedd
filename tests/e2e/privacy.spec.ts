// No commenter's email reaches a browser: not in any page's HTML, not in any
// Remix loader data. The test crawls every page a reader can reach from the home
// page (plus the addresses listed below), as a guest and as the poster of a held
// comment, and looks for every email the database holds.
import type { APIRequestContext } from "@playwright/test";
import { BAOGANG_SLUG, expect, sameOrigin, test, uniqueText } from "./fixtures";

/** Pages not linked from the home page that a reader may still open. */
const EXTRA_PAGES = [`/articles/${BAOGANG_SLUG}?replytocom=1`, "/no-such-page", "/moderation", "/moderation/log", "/moderation?tab=spam"];

async function allEmails(db: import("../../db/connection").DB): Promise<string[]> {
  const { sql } = await import("kysely");
  // Every column named like an email, in every table: new tables are covered too.
  const columns = await sql<{ table_name: string; column_name: string }>`
    select table_name, column_name from information_schema.columns
    where table_schema = 'public' and column_name like '%email%' and data_type = 'text'
  `.execute(db);
  const emails = new Set<string>();
  for (const { table_name, column_name } of columns.rows) {
    const rows = await sql<{ email: string }>`select distinct ${sql.ref(column_name)} as email from ${sql.table(table_name)}`.execute(db);
    for (const row of rows.rows) if (row.email?.includes("@")) emails.add(row.email.toLowerCase());
  }
  return [...emails];
}

async function crawl(request: APIRequestContext, headers: Record<string, string> = {}) {
  const seen = new Map<string, string>();
  const queue = ["/", ...EXTRA_PAGES];
  while (queue.length && seen.size < 150) {
    const path = queue.shift()!;
    if (seen.has(path)) continue;
    const response = await request.get(path, { headers });
    const html = await response.text();
    seen.set(path, html);
    for (const match of html.matchAll(/href="(\/[^"#]*)/g)) {
      const link = match[1]!.replace(/&amp;/g, "&");
      if (!link.startsWith("/build/") && !link.startsWith("/styles/") && !link.endsWith(".svg") && !seen.has(link)) queue.push(link);
    }
    // The loader data of each route on the page, as a client-side navigation fetches it.
    const routeIds = [...html.matchAll(/"(root|routes\/[^"]+)":\{/g)].map((m) => m[1]!);
    for (const routeId of new Set(routeIds)) {
      const url = `${path}${path.includes("?") ? "&" : "?"}_data=${encodeURIComponent(routeId)}`;
      const data = await request.get(url, { headers });
      seen.set(url, await data.text());
    }
  }
  return seen;
}

function leaks(pages: Map<string, string>, emails: string[]) {
  const found: string[] = [];
  for (const [path, body] of pages) {
    const text = body.toLowerCase();
    for (const email of emails) if (text.includes(email)) found.push(`${email} in ${path}`);
  }
  return found;
}

test("no email address appears in any page or loader data a guest can reach", async ({ request, db }) => {
  const emails = await allEmails(db);
  expect(emails.length).toBeGreaterThan(3);
  const pages = await crawl(request);
  expect(pages.size).toBeGreaterThan(8);
  expect([...pages.keys()]).toEqual(expect.arrayContaining(["/", `/articles/${BAOGANG_SLUG}`, "/categories/china"]));
  expect([...pages.keys()].some((p) => p.includes("_data=routes%2Farticles."))).toBe(true);
  expect(leaks(pages, emails)).toEqual([]);
});

test("the poster of a held comment does not get their own email back either", async ({ request, baseURL, db }) => {
  const email = `held-poster-${Date.now()}@example.com`;
  const body = uniqueText("Held for the privacy check");
  const posted = await request.post(`/articles/${BAOGANG_SLUG}`, {
    headers: sameOrigin(baseURL),
    form: { comment: body, author: "Private Person", email, url: "", comment_parent: "0" },
    maxRedirects: 0,
  });
  expect(posted.status()).toBe(303);
  const cookie = posted.headers()["set-cookie"]?.split(";")[0] ?? "";
  expect(cookie).toMatch(/^assay_held=/);
  const article = await request.get(`/articles/${BAOGANG_SLUG}`, { headers: { Cookie: cookie } });
  const html = await article.text();
  expect(html).toContain(body);
  const pages = await crawl(request, { Cookie: cookie });
  expect(leaks(pages, [email, ...(await allEmails(db))])).toEqual([]);
});

test("a forged or foreign held-comment cookie shows nothing held", async ({ request, baseURL }) => {
  const body = uniqueText("Someone else's held comment");
  const posted = await request.post(`/articles/${BAOGANG_SLUG}`, {
    headers: sameOrigin(baseURL),
    form: { comment: body, author: "Someone", email: `someone-${Date.now()}@example.com`, url: "", comment_parent: "0" },
    maxRedirects: 0,
  });
  const id = posted.headers().location?.match(/comment-(\d+)/)?.[1];
  expect(id).toBeTruthy();
  // An unsigned cookie naming that comment is ignored.
  const forged = `assay_held=${Buffer.from(JSON.stringify([Number(id)])).toString("base64")}`;
  const html = await (await request.get(`/articles/${BAOGANG_SLUG}`, { headers: { Cookie: forged } })).text();
  expect(html).not.toContain(body);
});
