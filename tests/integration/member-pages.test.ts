// A member's article page made from its shared template (app/composition/member-pages.server.ts)
// is the page a full render makes for that member, byte for byte: two production
// servers on one database, one with templates and one without (ASSAY_MEMBER_TEMPLATES=off),
// are asked for the same pages by members of every shape (roles, a name that needs
// escaping in HTML and in JSON, unconfirmed, watching, unread notifications, ignoring
// someone) and must answer alike, plain and gzipped, with the same policy. Both count
// their statements (ASSAY_QUERY_COUNT=1), which shows which way a page went: none
// from a template with the session remembered, one with the session read, more
// from a render.
import { brotliDecompressSync, gunzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSession } from "~/composition/session.server";
import { ignoreMember } from "~/models/ignores.server";
import { approveComment } from "~/models/moderation.server";
import { createUser } from "~/models/users.server";
import type { Role } from "~/lib/roles";
import { request, startAppServer, type AppServer, type RawResponse } from "../support/app-server";
import { useTestDatabase } from "../support/db";
import { createArticle, createComment } from "../support/factories";

const t = useTestDatabase({ truncateBetweenTests: false });
let spliced: AppServer;
let full: AppServer;

// Both servers write the same canonical links; the cache lives an hour, so only NOTIFY refreshes it.
const env = { PUBLIC_ORIGINS: "http://forum.test", ASSAY_QUERY_COUNT: "1", ASSAY_CACHE_TTL: "3600", ASSAY_RATE_LIMITS: "off" };

interface Member {
  name: string;
  id: number;
  cookie: string;
}

const members: Record<string, Member> = {};
let slug = "";
let articleId = 0;
let annCommentId = 0;

async function member(key: string, name: string, options: { role?: Role; emailVerified?: boolean } = {}): Promise<Member> {
  const created = await createUser(t.db, {
    email: `${key}-member-pages@example.com`,
    displayName: name,
    password: "a long enough password",
    emailVerified: options.emailVerified ?? true,
    role: options.role,
  });
  if (!created.ok) throw new Error("user not created");
  const setCookie = await startSession(t.db, new Request("http://forum.test/login"), created.userId!);
  return (members[key] = { name, id: created.userId!, cookie: setCookie.split(";")[0]! });
}

async function unread(userId: number, count: number) {
  for (let i = 0; i < count; i++) {
    const { commentId } = await createComment(t.db, articleId, { body: `A reply for the badge, ${userId}/${i}.` });
    await t.db.insertInto("notifications").values({ user_id: userId, kind: "reply", article_id: articleId, comment_id: commentId! }).execute();
  }
}

beforeAll(async () => {
  [spliced, full] = await Promise.all([startAppServer(t.url, env), startAppServer(t.url, { ...env, ASSAY_MEMBER_TEMPLATES: "off" })]);
  ({ id: articleId, slug } = await createArticle(t.db, { title: "Heavy rare earths: who separates them" }));
  await member("ann", `Ann "A&B" <O'Neil> Zoë\u2028✓`);
  await member("ben", "Ben Unconfirmed", { emailVerified: false });
  await member("eve", "Eve Editor", { role: "editor" });
  await member("mo", "Mo Moderator", { role: "moderator" });
  const annComment = await createComment(t.db, articleId, { userId: members.ann!.id, authorName: members.ann!.name, body: "Ann's view on the separation plants." });
  annCommentId = annComment.commentId;
  await approveComment(t.db, { commentId: annCommentId });
  await approveComment(t.db, { commentId: (await createComment(t.db, articleId, { body: "A guest's reply.", parentId: annCommentId })).commentId });
  // Ben watches the thread, does not want reply mail by default, and has three unread notifications.
  await t.db.insertInto("thread_watches").values({ user_id: members.ben!.id, article_id: articleId }).execute();
  await t.db.updateTable("users").set({ notify_replies_default: false }).where("id", "=", members.ben!.id).execute();
  await unread(members.ben!.id, 3);
  // Eve ignores Ann: Ann's comment is collapsed on Eve's page (and on nobody else's).
  expect((await ignoreMember(t.db, { userId: members.eve!.id, ignoredUserId: members.ann!.id })).ok).toBe(true);
  // Mo has more than 99 unread ("99+"): rendered in full.
  await unread(members.mo!.id, 101);
}, 180_000);

afterAll(async () => {
  await Promise.all([spliced?.stop(), full?.stop()]);
});

/** Until `check` holds (a notice crossing PostgreSQL takes milliseconds), at most 5 s. */
async function eventually(check: () => Promise<boolean>) {
  for (let i = 0; i < 100; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error("not within 5 s");
}

function get(server: AppServer, path: string, cookie: string, encoding = "identity"): Promise<RawResponse> {
  return request(server.base, { path, headers: { Cookie: cookie, "Accept-Encoding": encoding } });
}

const PAGE_HEADERS = ["content-type", "content-security-policy", "cache-control", "vary"];

/** The page from both servers (the template's second use, after the one that made it), compared. */
async function expectSame(path: string, who: Member) {
  await get(spliced, path, who.cookie);
  const [fromTemplate, rendered] = [await get(spliced, path, who.cookie), await get(full, path, who.cookie)];
  expect(rendered.status).toBe(200);
  expect(fromTemplate.status).toBe(200);
  expect(fromTemplate.text).toBe(rendered.text);
  for (const name of PAGE_HEADERS) expect([name, fromTemplate.headers[name]]).toEqual([name, rendered.headers[name]]);
  expect(fromTemplate.headers["set-cookie"]).toBeUndefined();
  // Gzipped (a template's own way, even when brotli is also accepted; a full render may choose brotli): the same page.
  for (const encoding of ["gzip", "gzip, deflate, br"]) {
    const zipped = await get(spliced, path, who.cookie, encoding);
    const decode = zipped.headers["content-encoding"] === "br" ? brotliDecompressSync : gunzipSync;
    expect(zipped.headers["content-encoding"]).toMatch(Number(fromTemplate.headers["x-assay-queries"]) <= 1 ? /^gzip$/ : /^(gzip|br)$/);
    expect(decode(zipped.bytes).toString("utf8")).toBe(rendered.text);
  }
  return { fromTemplate, rendered };
}

describe("a member's article page from its template", () => {
  it("is the full render's page, byte for byte, for members of every shape, with no statement once the session is remembered", async () => {
    const paths = () => [`/articles/${slug}`, `/articles/${slug}?replytocom=${annCommentId}`];
    for (const key of ["ann", "ben", "eve"]) {
      for (const path of paths()) {
        const { fromTemplate, rendered } = await expectSame(path, members[key]!);
        expect([key, path, fromTemplate.headers["x-assay-queries"]]).toEqual([key, path, "0"]);
        expect(Number(rendered.headers["x-assay-queries"])).toBeGreaterThan(1);
      }
    }
    const page = async (key: string) => (await get(spliced, `/articles/${slug}`, members[key]!.cookie)).text;
    // Each page names its own member (escaped as React escapes text), and not the others.
    const ann = await page("ann");
    expect(ann).toContain(`Your account (Ann &quot;A&amp;B&quot; &lt;O&#x27;Neil&gt; Zoë\u2028✓)`);
    // In the hydration data, escaped as Remix escapes JSON.
    expect(ann).toContain(`"displayName":"Ann \\"A\\u0026B\\" \\u003cO'Neil\\u003e Zoë\\u2028✓"`);
    expect(ann).not.toContain("Ben Unconfirmed");
    const ben = await page("ben");
    expect(ben).toContain('aria-label="Notifications, 3 unread"');
    expect(ben).toContain("Stop watching this thread");
    expect(ben).toContain(`"id":${members.ben!.id},"displayName":"Ben Unconfirmed"`);
    expect(ben).not.toContain("Your account (Ann");
    const eve = await page("eve");
    expect(eve).toContain(">Publishing</a>");
    expect(eve).toMatch(new RegExp(`<li id="comment-${annCommentId}" class="[^"]*comment--ignored">`));
    expect(ann).not.toMatch(new RegExp(`<li id="comment-${annCommentId}" class="[^"]*comment--ignored">`));
    // No page holds a token of the made-up member the templates are rendered for.
    for (const text of [ann, ben, eve]) expect(text).not.toMatch(/assayviewer[0-9a-f]{24}/);
  });

  it("leaves to the full render what a template cannot show, with the same result", async () => {
    const { fromTemplate } = await expectSame(`/articles/${slug}`, members.mo!);
    expect(Number(fromTemplate.headers["x-assay-queries"])).toBeGreaterThan(1);
    expect(fromTemplate.text).toContain('aria-label="Notifications, 101 unread"');
    expect(fromTemplate.text).toContain(">99+</span>");
  });

  it("shows the member's own changes at once, and others' as soon as their notice arrives", async () => {
    const ben = members.ben!;
    const page = async () => (await get(spliced, `/articles/${slug}`, ben.cookie)).text;
    expect(await page()).toContain("Stop watching this thread");
    // Their own change, through the site: the very next page shows it.
    const unwatch = await request(spliced.base, {
      path: `/articles/${slug}/watch`,
      headers: { Cookie: ben.cookie, Origin: spliced.base, "Content-Type": "application/x-www-form-urlencoded" },
      body: "watch=0",
    });
    expect(unwatch.status).toBe(303);
    expect(await page()).toContain("Watch this thread");
    // Changes made elsewhere (another instance, the worker, psql): NOTIFY assay_members drops what was remembered.
    await t.db.updateTable("notifications").set({ read_at: new Date() }).where("user_id", "=", ben.id).execute();
    await eventually(async () => (await page()).includes('aria-label="Notifications"'));
    await t.db.insertInto("thread_watches").values({ user_id: ben.id, article_id: articleId }).execute();
    await eventually(async () => (await page()).includes("Stop watching this thread"));
    await expectSame(`/articles/${slug}`, ben);
    // A comment approved elsewhere: NOTIFY drops the article's templates, as it drops guests' pages.
    const late = await createComment(t.db, articleId, { body: "Published while the template was kept.", userId: members.eve!.id, authorName: members.eve!.name });
    await approveComment(t.db, { commentId: late.commentId });
    await eventually(async () => (await page()).includes("Published while the template was kept."));
    await expectSame(`/articles/${slug}`, ben);
  });

  it("extends a session in its second half as every page does, and ends one that is over", async () => {
    const ann = members.ann!;
    const token = ann.cookie.slice(ann.cookie.indexOf("=") + 1);
    const { hashToken } = await import("~/lib/tokens.server");
    // Ten days left of thirty: Lucia extends it, and the page sends the cookie again.
    await t.db.updateTable("sessions").set({ expires_at: new Date(Date.now() + 10 * 86_400_000) }).where("id", "=", hashToken(token)).execute();
    let extended = await get(spliced, `/articles/${slug}`, ann.cookie);
    // The first page after the notice extends it (one before it may still come from what was remembered).
    if (extended.headers["set-cookie"] === undefined) {
      await eventually(async () => (extended = await get(spliced, `/articles/${slug}`, ann.cookie)).headers["set-cookie"] !== undefined);
    }
    expect(extended.status).toBe(200);
    expect(String(extended.headers["set-cookie"])).toMatch(/^assay_session=/);
    const row = await t.db.selectFrom("sessions").select("expires_at").where("id", "=", hashToken(token)).executeTakeFirstOrThrow();
    expect(row.expires_at.getTime()).toBeGreaterThan(Date.now() + 29 * 86_400_000);
    expect(extended.text).toContain("Your account (Ann");
    // Over: the guest's page, and the cookie cleared.
    await t.db.updateTable("sessions").set({ expires_at: new Date(Date.now() - 1000) }).where("id", "=", hashToken(token)).execute();
    let over = await get(spliced, `/articles/${slug}`, ann.cookie);
    await eventually(async () => (over = await get(spliced, `/articles/${slug}`, ann.cookie)).text.includes(">Log in</a>"));
    expect(over.status).toBe(200);
    expect(over.text).not.toContain("Your account (");
    expect(over.text).toContain(">Log in</a>");
    expect(String(over.headers["set-cookie"])).toMatch(/^assay_session=;/);
  });

  it("sends the extended session's cookie when the page is then rendered in full", async () => {
    const mo = members.mo!;
    const { hashToken } = await import("~/lib/tokens.server");
    const id = hashToken(mo.cookie.slice(mo.cookie.indexOf("=") + 1));
    await t.db.updateTable("sessions").set({ expires_at: new Date(Date.now() + 10 * 86_400_000) }).where("id", "=", id).execute();
    let page = await get(spliced, `/articles/${slug}`, mo.cookie);
    if (page.headers["set-cookie"] === undefined) await eventually(async () => (page = await get(spliced, `/articles/${slug}`, mo.cookie)).headers["set-cookie"] !== undefined);
    expect(String(page.headers["set-cookie"])).toMatch(/^assay_session=[a-z0-9]+;/);
    expect(page.text).toContain(">99+</span>");
  });

  it("forgets a session logged out on another instance", async () => {
    const eve = members.eve!;
    expect((await get(spliced, `/articles/${slug}`, eve.cookie)).text).toContain("Your account (Eve Editor)");
    const logout = await request(full.base, {
      path: "/logout",
      headers: { Cookie: eve.cookie, Origin: full.base, "Content-Type": "application/x-www-form-urlencoded" },
      body: "redirectTo=%2F",
    });
    expect(logout.status).toBe(303);
    await eventually(async () => !(await get(spliced, `/articles/${slug}`, eve.cookie)).text.includes("Your account (Eve Editor)"));
    expect((await get(spliced, `/articles/${slug}`, eve.cookie)).text).toContain(">Log in</a>");
  });
});
