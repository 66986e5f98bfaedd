// Shared renderings never carry one reader's parts to another. Against one
// production server (page cache and shared article views on), two members and a
// guest open the same article page in turn, as a document and as Remix data, before
// and after each has a held comment of their own; one member ignores the other.
// Each page must hold its own viewer's parts (name, account link, form, held
// comment, collapsed comments) and none of anyone else's, in the HTML, in the
// hydration data (window.__remixContext) and in ?_data.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSession } from "~/composition/session.server";
import { ignoreMember } from "~/models/ignores.server";
import { approveComment } from "~/models/moderation.server";
import { getModerationSettings, saveModerationSettings } from "~/models/moderation-settings.server";
import { createUser } from "~/models/users.server";
import { startAppServer, type AppServer } from "../support/app-server";
import { useTestDatabase } from "../support/db";
import { createArticle, createComment } from "../support/factories";

const t = useTestDatabase();
let server: AppServer;

interface Viewer {
  key: "guest" | "alice" | "bruno";
  name: string | null;
  email: string;
  userId: number | null;
  cookies: Map<string, string>;
  /** The words of this viewer's held comment, once posted. */
  held: string | null;
}

const viewers: Viewer[] = [];
let slug = "";
let brunoApprovedId = 0;

beforeAll(async () => {
  server = await startAppServer(t.url, { ASSAY_RATE_LIMITS: "off" });
}, 90_000);

afterAll(async () => {
  await server?.stop();
});

const cookieHeader = (viewer: Viewer) => [...viewer.cookies.entries()].map(([k, v]) => `${k}=${v}`).join("; ");

function keepCookies(viewer: Viewer, response: Response) {
  for (const line of response.headers.getSetCookie()) {
    const [pair] = line.split(";");
    const at = pair!.indexOf("=");
    viewer.cookies.set(pair!.slice(0, at), pair!.slice(at + 1));
  }
}

async function get(viewer: Viewer, path: string) {
  const response = await fetch(`${server.base}${path}`, { headers: viewer.cookies.size ? { Cookie: cookieHeader(viewer) } : {}, redirect: "manual" });
  keepCookies(viewer, response);
  return { status: response.status, cacheControl: response.headers.get("cache-control"), text: await response.text() };
}

function remixContext(html: string): { state: { loaderData: Record<string, any> } } {
  const start = html.indexOf("window.__remixContext = ");
  expect(start).toBeGreaterThan(0);
  const json = html.slice(start + "window.__remixContext = ".length, html.indexOf(";</script>", start));
  return JSON.parse(json);
}

/** Everything viewer `v` was sent for the article page, checked for its own parts and nobody else's. */
async function expectOnlyOwnParts(v: Viewer) {
  const others = viewers.filter((o) => o !== v);
  const doc = await get(v, `/articles/${slug}`);
  const data = await get(v, `/articles/${slug}?_data=${encodeURIComponent("routes/articles.$slug")}`);
  const rootData = await get(v, `/articles/${slug}?_data=root`);
  for (const response of [doc, data, rootData]) expect(response.status).toBe(200);
  const hydration = remixContext(doc.text).state.loaderData;
  const route = JSON.parse(data.text);
  const root = JSON.parse(rootData.text);
  const everything = [doc.text, data.text, rootData.text];

  // Nobody's email, ever.
  for (const text of everything) for (const person of viewers) expect(text).not.toContain(person.email);

  // The header and the comment form name this viewer alone.
  if (v.name) {
    expect(doc.text).toContain(`aria-label="Your account (${v.name})"`);
    expect(doc.text).toContain(`Logged in as <a data-discover="true" href="/account">${v.name}</a>`);
    expect(doc.cacheControl).toBe("private, no-store");
  } else {
    expect(doc.text).not.toContain("Your account (");
    expect(doc.text).not.toContain("Logged in as");
    expect(doc.text).toContain(">Log in</a>");
  }
  for (const o of others) {
    if (!o.name) continue;
    expect(doc.text).not.toContain(`Your account (${o.name})`);
    expect(doc.text).not.toContain(`Logged in as <a data-discover="true" href="/account">${o.name}</a>`);
  }
  for (const loaderRoot of [hydration.root, root]) {
    expect(loaderRoot.user ? { id: loaderRoot.user.id, displayName: loaderRoot.user.displayName } : null).toEqual(
      v.userId ? { id: v.userId, displayName: v.name } : null,
    );
  }
  for (const articleData of [hydration["routes/articles.$slug"], route]) {
    expect(articleData.member?.displayName ?? null).toBe(v.name);
    expect(articleData.follow === null).toBe(v.userId === null);
  }

  // Their own held comment, and nobody else's.
  const threadOfData = route.threadHtml as string;
  for (const text of [doc.text, threadOfData]) {
    if (v.held) expect(text).toContain(v.held);
    for (const o of others) if (o.held) expect(text).not.toContain(o.held);
    expect(text.includes("Your comment is awaiting moderation.")).toBe(v.held !== null);
  }
  // The hydration data carries the thread only in the page, once (not someone else's copy of it).
  expect(hydration["routes/articles.$slug"].threadHtml).toBeNull();
  for (const o of others) if (o.held) expect(JSON.stringify(hydration)).not.toContain(o.held);

  // Bruno's comment is collapsed for Alice, who ignores him, and for nobody else.
  const collapsed = new RegExp(`<li id="comment-${brunoApprovedId}" class="[^"]*comment--ignored"><details class="comment__ignored">`);
  for (const text of [doc.text, threadOfData]) {
    expect(text).toContain(`id="comment-${brunoApprovedId}"`);
    expect(collapsed.test(text)).toBe(v.key === "alice");
    if (v.key !== "alice") expect(text).not.toContain("1 comment from a member you ignore");
  }
}

async function member(key: "alice" | "bruno", name: string): Promise<Viewer> {
  const email = `${key}-viewer-pages@example.com`;
  const created = await createUser(t.db, { email, displayName: name, password: "a long enough password", emailVerified: true });
  if (!created.ok) throw new Error("user not created");
  const setCookie = await startSession(t.db, new Request(`${server.base}/login`), created.userId!);
  const [pair] = setCookie.split(";");
  const cookies = new Map([[pair!.slice(0, pair!.indexOf("=")), pair!.slice(pair!.indexOf("=") + 1)]]);
  return { key, name, email, userId: created.userId!, cookies, held: null };
}

async function postHeld(v: Viewer, words: string) {
  const fields: Record<string, string> = { comment: words, url: "", comment_parent: "0" };
  if (!v.userId) Object.assign(fields, { author: "Gina Guest", email: v.email });
  const response = await fetch(`${server.base}/articles/${slug}`, {
    method: "POST",
    redirect: "manual",
    headers: { Origin: server.base, "Content-Type": "application/x-www-form-urlencoded", ...(v.cookies.size ? { Cookie: cookieHeader(v) } : {}) },
    body: new URLSearchParams(fields),
  });
  expect(response.status).toBe(303);
  keepCookies(v, response);
  const row = await t.db.selectFrom("comments").select(["status", "user_id"]).where("body_markdown", "=", words).executeTakeFirstOrThrow();
  expect(row).toEqual({ status: "pending", user_id: v.userId });
  v.held = words;
}

describe("one article page, three readers in turn", () => {
  it("gives each only their own header, form, held comment and ignores, in the page, its hydration data and ?_data", async () => {
    const alice = await member("alice", "Alice Alder-Viewer");
    const bruno = await member("bruno", "Bruno Birch-Viewer");
    const guest: Viewer = { key: "guest", name: null, email: "gina-viewer-pages@example.com", userId: null, cookies: new Map(), held: null };
    viewers.push(guest, alice, bruno);
    const article = await createArticle(t.db, { title: "Read by three" });
    slug = article.slug;
    const approved = await createComment(t.db, article.id, { authorName: bruno.name!, authorEmail: bruno.email, userId: bruno.userId, body: "Bruno's approved words, seen by all." });
    await approveComment(t.db, { commentId: approved.commentId });
    brunoApprovedId = approved.commentId;
    await ignoreMember(t.db, { userId: alice.userId!, ignoredUserId: bruno.userId! });

    // Twice round, so each reader follows another's rendering (and the guest's cached page).
    for (let round = 0; round < 2; round++) for (const v of viewers) await expectOnlyOwnParts(v);

    // Every new comment is held; each reader posts one, and the rounds go again.
    await saveModerationSettings(t.db, { settings: { ...(await getModerationSettings(t.db)), holdMode: "all" }, moderatorId: null });
    await postHeld(guest, "Gina's held words, hers alone 7d1c");
    await postHeld(alice, "Alice's held words, hers alone 3b9e");
    await postHeld(bruno, "Bruno's held words, his alone 5a2f");
    for (let round = 0; round < 2; round++) for (const v of viewers) await expectOnlyOwnParts(v);
    // And in the other order.
    for (const v of [...viewers].reverse()) await expectOnlyOwnParts(v);
  }, 120_000);
});
