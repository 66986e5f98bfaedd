// Who may do what, over HTTP through the real server (scripts/start.ts, with its
// origin check), for every route file in app/routes: each loader (as a page and
// as its own `?_data=` request, since a page's loaders run in parallel and each
// must guard itself) and each action, for a guest, an unconfirmed member, a
// member, a moderator, an editor and an administrator.
//
// The table must name every route file, and give a GET case for every loader and
// a POST case for every action: a new route fails this test until it joins.
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "../../db/embedded";
import type { Role } from "../../db/schema";
import { approveComment } from "~/models/moderation.server";
import { REPORTS_PER_MEMBER } from "~/models/reports.server";
import { createUser } from "~/models/users.server";
import { ensureFeedToken } from "~/models/feeds.server";
import { startSession } from "~/composition/session.server";
import { useTestDatabase } from "../support/db";
import { createArticle, createCategory, createComment } from "../support/factories";

const t = useTestDatabase({ truncateBetweenTests: false });
const root = path.resolve(import.meta.dirname, "..", "..");
const routesDir = path.join(root, "app", "routes");
let child: ChildProcess | undefined;
let base = "";
let output = "";

const PERSONAS = ["guest", "unconfirmed", "member", "moderator", "editor", "admin"] as const;
type Persona = (typeof PERSONAS)[number];

/**
 * The right answer: "login" (sent to /login?redirectTo=…), "away" (sent somewhere
 * else: a signed-in visitor of /signup goes home, /comments/:id goes to its page),
 * "ok" (2xx; for an action also a redirect that is not to /login: it was done),
 * or an exact status.
 */
type Answer = "login" | "away" | "ok" | 400 | 403 | 404 | 405;

/**
 * Per persona: guest, unconfirmed member, member and moderator always; editor and
 * admin only where they differ from a moderator (they may do all it may).
 */
type Expect = Record<"guest" | "unconfirmed" | "member" | "moderator", Answer> & Partial<Record<"editor" | "admin", Answer>>;

interface Fixtures {
  articleSlug: string;
  articleId: number;
  approvedCommentId: number;
  memberId: number;
  /** A category the fixture article is in. */
  categorySlug: string;
  /** A notification of the member's (someone else's for every other persona). */
  memberNotificationId: number;
  /** The secret of a member's personal feed (a member of its own: others reset theirs here). */
  feedToken: string;
  /** A fresh pending guest comment for each call (actions change what they act on). */
  pendingComment: () => Promise<number>;
  /** A fresh approved comment by the editor. */
  editorComment: () => Promise<number>;
}

interface Case {
  method: "GET" | "POST";
  /** A path, or one built from the fixtures. */
  path: string | ((f: Fixtures) => string);
  /** For POST: the form, built fresh for each persona. */
  form?: (f: Fixtures, who: Persona) => Promise<Record<string, string>> | Record<string, string>;
  /** For GET: also request this route's loader alone (`?_data=routes/<file>`). */
  data?: boolean;
  expect: Expect;
  /** The session ends here (log-out): use a session of its own. */
  ownSession?: boolean;
  note?: string;
}

const MEMBER_ONLY: Expect = { guest: "login", unconfirmed: "ok", member: "ok", moderator: "ok" };
const STAFF_ONLY: Expect = { guest: "login", unconfirmed: 403, member: 403, moderator: "ok" };
const ANYONE: Expect = { guest: "ok", unconfirmed: "ok", member: "ok", moderator: "ok" };
const GUESTS_ONLY: Expect = { guest: "ok", unconfirmed: "away", member: "away", moderator: "away" };
/** The editors' pages: editors and admins; moderators moderate but do not publish. */
const EDITORS_ONLY: Expect = { guest: "login", unconfirmed: 403, member: 403, moderator: 403, editor: "ok", admin: "ok" };

/** A new article's form as the editor page sends it; "preview" changes nothing. */
const articleForm = (intent: string, version = "0") => ({
  title: `Authorisation draft ${Math.random()}`,
  slug: "",
  byline: "Desk",
  highlights: "",
  body: "Prices **rose** again.",
  excerpt: "",
  newCategories: "",
  publishAt: "",
  timeZone: "UTC",
  commentsOpen: "on",
  version,
  intent,
});

/** The fixture article's page on the news site (EMBED_HOSTS allows its host). */
const EMBED_PAGE = "https://news.authorisation.example/2026/story";

const statusForm = (intent: string, id: number, status: string) => ({ intent, comment: `${id}:${status}`, reason: "", returnTo: "/moderation" });

/** Every file in app/routes, by its name without extension: what it must do for whom. */
const TABLE: Record<string, Case[]> = {
  $: [{ method: "GET", path: "/no-such-page", data: true, expect: { guest: 404, unconfirmed: 404, member: 404, moderator: 404 } }],
  _index: [{ method: "GET", path: "/", data: true, expect: ANYONE }],
  admin: [{ method: "GET", path: "/admin/categories", data: true, expect: EDITORS_ONLY, note: "the layout's own loader" }],
  "admin._index": [
    { method: "GET", path: "/admin", data: true, expect: { guest: "login", unconfirmed: 403, member: 403, moderator: 403, editor: "away", admin: "away" } },
  ],
  "admin.articles._index": [{ method: "GET", path: "/admin/articles", data: true, expect: EDITORS_ONLY }],
  "admin.articles.new": [
    { method: "GET", path: "/admin/articles/new", data: true, expect: EDITORS_ONLY },
    { method: "POST", path: "/admin/articles/new", form: () => articleForm("save"), expect: EDITORS_ONLY },
  ],
  "admin.articles.$id._index": [
    { method: "GET", path: (f) => `/admin/articles/${f.articleId}`, data: true, expect: EDITORS_ONLY },
    // A preview of the fixture article: past the guard it renders, changing nothing.
    { method: "POST", path: (f) => `/admin/articles/${f.articleId}`, form: () => articleForm("preview", "1"), expect: EDITORS_ONLY },
  ],
  "admin.articles.$id.revisions": [
    { method: "GET", path: (f) => `/admin/articles/${f.articleId}/revisions`, data: true, expect: EDITORS_ONLY },
    // Restoring a revision that does not exist: an editor gets past the guard to a 404.
    {
      method: "POST",
      path: (f) => `/admin/articles/${f.articleId}/revisions`,
      form: () => ({ revision: "999999", version: "1" }),
      expect: { guest: "login", unconfirmed: 403, member: 403, moderator: 403, editor: 404, admin: 404 },
    },
  ],
  "admin.categories": [
    { method: "GET", path: "/admin/categories", data: true, expect: EDITORS_ONLY },
    { method: "POST", path: "/admin/categories", form: (_f, who) => ({ intent: "create", name: `Category of the ${who}`, slug: "", description: "" }), expect: EDITORS_ONLY },
  ],
  // The feeds: public, or opened by the secret in their URL (a feed reader has no session).
  "feed[.]xml": [{ method: "GET", path: "/feed.xml", expect: ANYONE }],
  "atom[.]xml": [{ method: "GET", path: "/atom.xml", expect: ANYONE }],
  "categories.$slug.feed[.]xml": [{ method: "GET", path: "/categories/no-such-category/feed.xml", expect: { guest: 404, unconfirmed: 404, member: 404, moderator: 404 } }],
  "categories.$slug.atom[.]xml": [{ method: "GET", path: "/categories/no-such-category/atom.xml", expect: { guest: 404, unconfirmed: 404, member: 404, moderator: 404 } }],
  "articles.$slug.comments[.]xml": [{ method: "GET", path: (f) => `/articles/${f.articleSlug}/comments.xml`, expect: ANYONE }],
  "feeds.$token.feed[.]xml": [
    { method: "GET", path: (f) => `/feeds/${f.feedToken}/feed.xml`, expect: ANYONE },
    // A session is no key: a wrong token is a 404 for everyone.
    { method: "GET", path: `/feeds/${"x".repeat(43)}/feed.xml`, expect: { guest: 404, unconfirmed: 404, member: 404, moderator: 404 } },
  ],
  "feeds.$token.atom[.]xml": [
    { method: "GET", path: (f) => `/feeds/${f.feedToken}/atom.xml`, expect: ANYONE },
    { method: "GET", path: `/feeds/${"x".repeat(43)}/atom.xml`, expect: { guest: 404, unconfirmed: 404, member: 404, moderator: 404 } },
  ],
  "account.feed": [{ method: "POST", path: "/account/feed", form: () => ({}), expect: MEMBER_ONLY }],
  "robots[.]txt": [{ method: "GET", path: "/robots.txt", expect: ANYONE }],
  "sitemap[.]xml": [{ method: "GET", path: "/sitemap.xml", expect: ANYONE }],
  "articles.$slug": [
    { method: "GET", path: (f) => `/articles/${f.articleSlug}`, data: true, expect: ANYONE },
    {
      method: "POST",
      path: (f) => `/articles/${f.articleSlug}`,
      form: (_f, who) => ({ comment: `A comment from the ${who} ${Math.random()}`, author: "Guest Poster", email: "poster@example.com", url: "", comment_parent: "0" }),
      // Guests may comment (the default rule); a member must confirm their address first.
      expect: { guest: "ok", unconfirmed: 403, member: "ok", moderator: "ok" },
    },
  ],
  // The thread in a news site's frame (EMBED_HOSTS names the fixture article's site): read and posted to as the article page.
  embed: [
    { method: "GET", path: `/embed?url=${encodeURIComponent(EMBED_PAGE)}`, data: true, expect: ANYONE },
    {
      method: "POST",
      path: `/embed?url=${encodeURIComponent(EMBED_PAGE)}`,
      form: (_f, who) => ({ comment: `A framed comment from the ${who} ${Math.random()}`, author: "Guest Poster", email: "poster@example.com", url: "", comment_parent: "0" }),
      expect: { guest: "ok", unconfirmed: 403, member: "ok", moderator: "ok" },
    },
  ],
  // The log-in popup's last page: a guest logs in first; any member gets a ticket.
  "embed_.login": [{ method: "GET", path: "/embed/login", data: true, expect: MEMBER_ONLY }],
  // The frame trades a ticket for a session: a made-up ticket is refused for anyone.
  "embed_.session": [
    { method: "GET", path: "/embed/session", data: true, expect: { guest: 405, unconfirmed: 405, member: 405, moderator: 405 } },
    { method: "POST", path: "/embed/session", form: () => ({ ticket: "not-a-ticket-at-all-0123456789" }), expect: { guest: 400, unconfirmed: 400, member: 400, moderator: 400 } },
  ],
  "admin.embedding": [
    { method: "GET", path: "/admin/embedding", data: true, expect: EDITORS_ONLY },
    { method: "POST", path: "/admin/embedding", form: () => ({ unknownUrls: "closed" }), expect: EDITORS_ONLY },
  ],
  "categories.$slug": [
    { method: "GET", path: "/categories/no-such-category", data: true, expect: { guest: 404, unconfirmed: 404, member: 404, moderator: 404 } },
    { method: "GET", path: (f) => `/categories/${f.categorySlug}`, data: true, expect: ANYONE },
    // A follow button: a guest is asked to log in (and the login follows); a member's level is set.
    { method: "POST", path: (f) => `/categories/${f.categorySlug}`, form: () => ({ level: "watching" }), expect: MEMBER_ONLY },
  ],
  "categories._index": [{ method: "GET", path: "/categories", data: true, expect: ANYONE }],
  "tickers.$exchange.$symbol": [
    { method: "GET", path: "/tickers/ASX/NOSUCH", data: true, expect: { guest: 404, unconfirmed: 404, member: 404, moderator: 404 } },
    { method: "GET", path: "/tickers/ASX/AUTH", data: true, expect: ANYONE },
    // A follow button, as on a category.
    { method: "POST", path: "/tickers/ASX/AUTH", form: () => ({ level: "watching" }), expect: MEMBER_ONLY },
  ],
  "tickers.$exchange.$symbol.feed[.]xml": [
    { method: "GET", path: "/tickers/ASX/AUTH/feed.xml", expect: ANYONE },
    { method: "GET", path: "/tickers/ASX/NOSUCH/feed.xml", expect: { guest: 404, unconfirmed: 404, member: 404, moderator: 404 } },
  ],
  "tickers.$exchange.$symbol.atom[.]xml": [
    { method: "GET", path: "/tickers/ASX/AUTH/atom.xml", expect: ANYONE },
    { method: "GET", path: "/tickers/ASX/NOSUCH/atom.xml", expect: { guest: 404, unconfirmed: 404, member: 404, moderator: 404 } },
  ],
  "admin.tickers": [
    { method: "GET", path: "/admin/tickers", data: true, expect: EDITORS_ONLY },
    { method: "POST", path: "/admin/tickers", form: (_f, who) => ({ intent: "create", symbol: who.slice(0, 8), exchange: "NYSE", companyName: `Company of the ${who}`, aliases: "" }), expect: EDITORS_ONLY },
  ],
  "articles.$slug.watch": [
    { method: "GET", path: (f) => `/articles/${f.articleSlug}/watch`, data: true, expect: { guest: 404, unconfirmed: 404, member: 404, moderator: 404 } },
    { method: "POST", path: (f) => `/articles/${f.articleSlug}/watch`, form: () => ({ watch: "1" }), expect: MEMBER_ONLY },
  ],
  following: [{ method: "GET", path: "/following", data: true, expect: MEMBER_ONLY }],
  notifications: [
    { method: "GET", path: "/notifications", data: true, expect: MEMBER_ONLY },
    { method: "POST", path: "/notifications", form: () => ({ intent: "read-all" }), expect: MEMBER_ONLY },
  ],
  "notifications.$id": [
    // The member's own opens (to its article); anyone else's is not found.
    { method: "GET", path: (f) => `/notifications/${f.memberNotificationId}`, data: true, expect: { guest: "login", unconfirmed: 404, member: "away", moderator: 404 } },
  ],
  "comments.$commentId._index": [
    { method: "GET", path: (f) => `/comments/${f.approvedCommentId}`, data: true, expect: { guest: "away", unconfirmed: "away", member: "away", moderator: "away" } },
  ],
  "comments.$commentId.report": [
    { method: "GET", path: (f) => `/comments/${f.approvedCommentId}/report`, data: true, expect: { guest: "login", unconfirmed: 403, member: "ok", moderator: "ok" } },
    {
      method: "POST",
      path: (f) => `/comments/${f.approvedCommentId}/report`,
      form: () => ({ reason: "spam", details: "" }),
      expect: { guest: "login", unconfirmed: 403, member: "ok", moderator: "ok" },
    },
  ],
  account: [
    { method: "GET", path: "/account", data: true, expect: MEMBER_ONLY },
    { method: "POST", path: "/account", form: (_f, who) => ({ intent: "name", displayName: `Renamed ${who}` }), expect: MEMBER_ONLY },
  ],
  "dev.outbox": [
    // Production without ASSAY_DEV_OUTBOX: there is no such page, for anyone.
    { method: "GET", path: "/dev/outbox", data: true, expect: { guest: 404, unconfirmed: 404, member: 404, moderator: 404 } },
  ],
  "forgot-password": [
    { method: "GET", path: "/forgot-password", data: true, expect: ANYONE },
    { method: "POST", path: "/forgot-password", form: () => ({ email: "nobody@example.com" }), expect: ANYONE },
  ],
  login: [
    { method: "GET", path: "/login", data: true, expect: GUESTS_ONLY },
    // A wrong password: 400 for a guest; a signed-in visitor's page then sends them on, as its GET does.
    { method: "POST", path: "/login", form: () => ({ email: "nobody@example.com", password: "not the password" }), expect: { guest: 400, unconfirmed: "away", member: "away", moderator: "away" } },
  ],
  logout: [
    { method: "GET", path: "/logout", data: true, expect: { guest: "away", unconfirmed: "away", member: "away", moderator: "away" } },
    { method: "POST", path: "/logout", form: () => ({}), ownSession: true, expect: ANYONE },
  ],
  moderation: [{ method: "GET", path: "/moderation/log", data: true, expect: STAFF_ONLY, note: "the layout's own loader" }],
  "moderation._index": [
    { method: "GET", path: "/moderation", data: true, expect: STAFF_ONLY },
    { method: "POST", path: "/moderation?index", form: async (f) => statusForm("approve", await f.pendingComment(), "pending"), expect: STAFF_ONLY },
    // A comment by an editor: a moderator may not trash or edit it; an editor or admin may.
    {
      method: "POST",
      path: "/moderation?index",
      form: async (f) => statusForm("trash", await f.editorComment(), "approved"),
      expect: { guest: "login", unconfirmed: 403, member: 403, moderator: 403, editor: "ok", admin: "ok" },
    },
    {
      method: "POST",
      path: "/moderation?index",
      form: async (f) => ({ intent: "edit", comment: `${await f.editorComment()}:approved`, body: "Rewritten by staff", fingerprint: "", reason: "", returnTo: "/moderation" }),
      expect: { guest: "login", unconfirmed: 403, member: 403, moderator: 403, editor: "ok", admin: "ok" },
    },
  ],
  "moderation.articles": [
    { method: "GET", path: "/moderation/articles", data: true, expect: STAFF_ONLY },
    { method: "POST", path: "/moderation/articles", form: (f) => ({ articleId: String(f.articleId), open: "yes" }), expect: STAFF_ONLY },
  ],
  "moderation.log": [{ method: "GET", path: "/moderation/log", data: true, expect: STAFF_ONLY }],
  "moderation.people": [
    { method: "GET", path: "/moderation/people", data: true, expect: STAFF_ONLY },
    // Lifting a restriction that is not there: a staff member gets past the guard to a 404.
    { method: "POST", path: "/moderation/people", form: (f) => ({ intent: "lift", id: String(f.memberId), reason: "" }), expect: { guest: "login", unconfirmed: 403, member: 403, moderator: 404 } },
  ],
  "moderation.settings": [
    // Moderators read the site-wide rules...
    { method: "GET", path: "/moderation/settings", data: true, expect: STAFF_ONLY },
    // ...editors and admins change them.
    {
      method: "POST",
      path: "/moderation/settings",
      form: () => ({
        holdMode: "first-time",
        maxLinks: "2",
        heldWords: "",
        blockedWords: "",
        autoCloseDays: "",
        guestsAllowed: "yes",
        guestRateLimit: "5",
        memberRateLimit: "20",
        reporterMinAgeHours: "24",
        disclosureRequired: "asked",
        tickerNewAccountDays: "3",
        promotionalPhrases: "guaranteed\n10x",
        holdConnected: "yes",
        spikeMultiplier: "5",
        spikeMinComments: "20",
      }),
      expect: { guest: "login", unconfirmed: 403, member: 403, moderator: 403, editor: "ok", admin: "ok" },
    },
  ],
  // The comment form's ticker lookup: public (guests comment too), personal only in a member's own defaults.
  "tickers.mentioned": [
    { method: "GET", path: "/tickers/mentioned?tag=%24LYC", expect: { guest: "ok", unconfirmed: "ok", member: "ok", moderator: "ok" } },
  ],
  // Mail links: signed tokens, no login; a token that is not ours is a 400 for everyone.
  "mail.confirm": [
    { method: "GET", path: "/mail/confirm?token=not-a-token", data: true, expect: { guest: 400, unconfirmed: 400, member: 400, moderator: 400 } },
    { method: "POST", path: "/mail/confirm", form: () => ({ token: "not-a-token" }), expect: { guest: 400, unconfirmed: 400, member: 400, moderator: 400 } },
  ],
  "mail.unsubscribe": [
    { method: "GET", path: "/mail/unsubscribe?token=not-a-token", data: true, expect: { guest: 400, unconfirmed: 400, member: 400, moderator: 400 } },
    { method: "POST", path: "/mail/unsubscribe", form: () => ({ token: "not-a-token", choice: "nothing" }), expect: { guest: 400, unconfirmed: 400, member: 400, moderator: 400 } },
  ],
  "mail.unsubscribe_.one-click": [
    { method: "GET", path: "/mail/unsubscribe/one-click?token=not-a-token", expect: { guest: "away", unconfirmed: "away", member: "away", moderator: "away" } },
    {
      method: "POST",
      path: "/mail/unsubscribe/one-click?token=not-a-token",
      form: () => ({ "List-Unsubscribe": "One-Click" }),
      expect: { guest: 400, unconfirmed: 400, member: 400, moderator: 400 },
    },
  ],
  "reset-password": [
    { method: "GET", path: "/reset-password?token=not-a-token", data: true, expect: ANYONE },
    { method: "POST", path: "/reset-password", form: () => ({ token: "not-a-token", password: "a long new password" }), expect: { guest: 400, unconfirmed: 400, member: 400, moderator: 400 } },
  ],
  signup: [
    { method: "GET", path: "/signup", data: true, expect: GUESTS_ONLY },
    {
      method: "POST",
      path: "/signup",
      form: (_f, who) => ({ displayName: "New Reader", email: `new-${who}-${Date.now()}@example.com`, password: "analytical engine" }),
      expect: GUESTS_ONLY,
    },
  ],
  "users.$id": [
    { method: "GET", path: (f) => `/users/${f.memberId}`, data: true, expect: ANYONE },
    // Ignoring is for members; the member cannot ignore themselves.
    { method: "POST", path: (f) => `/users/${f.memberId}`, form: () => ({ intent: "ignore" }), expect: { guest: "login", unconfirmed: "ok", member: 400, moderator: "ok" } },
    { method: "POST", path: (f) => `/users/${f.memberId}`, form: () => ({ intent: "unignore" }), expect: MEMBER_ONLY },
  ],
  "verify-email": [
    { method: "GET", path: "/verify-email?token=not-a-token", data: true, expect: ANYONE },
    { method: "POST", path: "/verify-email", form: () => ({ token: "not-a-token" }), expect: { guest: 400, unconfirmed: 400, member: 400, moderator: 400 } },
  ],
};

function routeFiles(): string[] {
  return readdirSync(routesDir)
    .filter((name) => /\.(tsx?|jsx?)$/.test(name))
    .map((name) => name.replace(/\.(tsx?|jsx?)$/, ""))
    .sort();
}

function exportsOf(file: string): { loader: boolean; action: boolean } {
  const name = readdirSync(routesDir).find((n) => n.replace(/\.(tsx?|jsx?)$/, "") === file)!;
  const source = readFileSync(path.join(routesDir, name), "utf8");
  const has = (fn: string) => new RegExp(`export\\s+(async\\s+)?function\\s+${fn}\\b|export\\s+const\\s+${fn}\\b|export\\s*\\{[^}]*\\b${fn}\\b`).test(source);
  return { loader: has("loader"), action: has("action") };
}

describe("the table", () => {
  it("names every route file in app/routes, and nothing else", () => {
    expect(Object.keys(TABLE).sort()).toEqual(routeFiles());
  });

  it("has a GET case for every loader and a POST case for every action", () => {
    for (const file of routeFiles()) {
      const { loader, action } = exportsOf(file);
      const cases = TABLE[file] ?? [];
      if (loader) expect(cases.some((c) => c.method === "GET"), `${file}: its loader needs a GET case`).toBe(true);
      if (action) expect(cases.some((c) => c.method === "POST"), `${file}: its action needs a POST case`).toBe(true);
    }
  });
});

// --- the server and the people ---------------------------------------------------

const PASSWORD = "authorisation test password";
const cookies = new Map<Persona, string>();
const userIds = new Map<Persona, number>();
let fixtures: Fixtures;

async function logInOverHttp(email: string): Promise<string> {
  const response = await fetch(`${base}/login`, {
    method: "POST",
    redirect: "manual",
    headers: { Origin: base, "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ email, password: PASSWORD, redirectTo: "/" }),
  });
  if (response.status !== 303) throw new Error(`log-in of ${email} answered ${response.status}:\n${await response.text()}`);
  return response.headers.get("set-cookie")!.split(";")[0]!;
}

beforeAll(async () => {
  if (!existsSync(path.join(root, "build", "index.js"))) throw new Error("No build: run `npx remix build` first (npm test does).");
  const port = await freePort();
  const env: NodeJS.ProcessEnv = { ...process.env, DATABASE_URL: t.url, PORT: String(port), HOST: "127.0.0.1", NODE_ENV: "production", ASSAY_SEED: "0", EMBED_HOSTS: new URL(EMBED_PAGE).host };
  delete env.ASSAY_DEV_OUTBOX;
  delete env.ASSAY_RATE_LIMITS;
  child = spawn(process.execPath, ["--import", "tsx", "scripts/start.ts"], { cwd: root, env, stdio: ["ignore", "pipe", "pipe"] });
  child.stdout!.on("data", (c) => (output += c));
  child.stderr!.on("data", (c) => (output += c));
  base = `http://127.0.0.1:${port}`;
  let up = false;
  for (let i = 0; i < 240 && !up; i++) {
    if (child.exitCode !== null) throw new Error(`server exited:\n${output}`);
    try {
      up = (await fetch(`${base}/`)).status < 500;
    } catch {
      // not listening yet
    }
    if (!up) await new Promise((r) => setTimeout(r, 250));
  }
  if (!up) throw new Error(`server did not start:\n${output}`);

  for (const who of PERSONAS) {
    if (who === "guest") continue;
    const role: Role = who === "unconfirmed" ? "member" : who;
    const email = `${who}@authorisation.example`;
    const created = await createUser(t.db, { email, displayName: `The ${who}`, password: PASSWORD, role, emailVerified: who !== "unconfirmed" });
    if (!created.ok) throw new Error(`could not create the ${who}`);
    userIds.set(who, created.userId);
    cookies.set(who, await logInOverHttp(email));
  }
  const category = await createCategory(t.db, "authorisation-desk", "Authorisation desk");
  await t.db.insertInto("tickers").values({ symbol: "AUTH", exchange: "ASX", company_name: "Authorisation Mining" }).execute();
  const article = await createArticle(t.db, { title: "Authorisation article", categorySlugs: [category.slug] });
  const notification = await t.db
    .insertInto("notifications")
    .values({ user_id: userIds.get("member")!, kind: "article", article_id: article.id })
    .returning("id")
    .executeTakeFirstOrThrow();
  await t.db.updateTable("articles").set({ canonical_url: EMBED_PAGE }).where("id", "=", article.id).execute();
  const approved = await createComment(t.db, article.id, { body: "A published guest comment" });
  await approveComment(t.db, { commentId: approved.commentId });
  const editorId = userIds.get("editor")!;
  const reader = await createUser(t.db, { email: "feed-reader@authorisation.example", displayName: "Feed Reader", password: PASSWORD, emailVerified: true });
  if (!reader.ok) throw new Error("could not create the feed reader");
  const feedToken = await ensureFeedToken(t.db, reader.userId);
  fixtures = {
    articleSlug: article.slug,
    articleId: article.id,
    approvedCommentId: approved.commentId,
    memberId: userIds.get("member")!,
    categorySlug: category.slug,
    memberNotificationId: notification.id,
    feedToken,
    pendingComment: async () => (await createComment(t.db, article.id, { body: `Pending ${Math.random()}`, authorEmail: `g${Math.random()}@example.com` })).commentId,
    editorComment: async () => {
      const { commentId } = await createComment(t.db, article.id, { body: `By the editor ${Math.random()}`, userId: editorId, authorEmail: "editor@authorisation.example" });
      await approveComment(t.db, { commentId });
      return commentId;
    },
  };
}, 120_000);

afterAll(async () => {
  if (!child || child.exitCode !== null) return;
  child.kill("SIGTERM");
  await new Promise((r) => child!.once("exit", r));
});

// --- the requests ------------------------------------------------------------------

interface Got {
  kind: "login" | "redirect" | "ok" | number;
  detail: string;
}

/** What a response amounts to. A `?_data=` redirect is a 204 with X-Remix-Redirect. */
function answerOf(response: Response): Got {
  const location = response.headers.get("x-remix-redirect") ?? (response.status >= 300 && response.status < 400 ? response.headers.get("location") : null);
  const detail = `${response.status}${location ? ` → ${location}` : ""}`;
  if (location !== null) {
    const to = new URL(location, base);
    return { kind: to.pathname === "/login" && to.searchParams.has("redirectTo") ? "login" : "redirect", detail };
  }
  if (response.status >= 200 && response.status < 300) return { kind: "ok", detail };
  return { kind: response.status, detail };
}

function matches(expected: Answer, got: Got, method: string): boolean {
  if (expected === "login") return got.kind === "login";
  if (expected === "away") return got.kind === "redirect";
  // After an action, a redirect (not to /login) is its success: POST, redirect, GET.
  if (expected === "ok") return got.kind === "ok" || (got.kind === "redirect" && method === "POST");
  return got.kind === expected;
}

function expectedFor(c: Case, who: Persona): Answer {
  if (who === "editor" || who === "admin") return c.expect[who] ?? c.expect.moderator;
  return c.expect[who];
}

async function send(c: Case, who: Persona, routeFile: string, asData: boolean): Promise<Response> {
  const pathname = typeof c.path === "function" ? c.path(fixtures) : c.path;
  let cookie = cookies.get(who);
  if (c.ownSession && who !== "guest") {
    const setCookie = await startSession(t.db, new Request(`${base}/login`, { method: "POST" }), userIds.get(who)!);
    cookie = setCookie.split(";")[0]!;
  }
  const headers: Record<string, string> = cookie ? { Cookie: cookie } : {};
  if (c.method === "GET") {
    const url = new URL(pathname, base);
    if (asData) url.searchParams.set("_data", `routes/${routeFile}`);
    return fetch(url, { headers, redirect: "manual" });
  }
  const form = await c.form!(fixtures, who);
  return fetch(`${base}${pathname}`, {
    method: "POST",
    redirect: "manual",
    headers: { ...headers, Origin: base, "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams(form),
  });
}

const rows = Object.entries(TABLE).flatMap(([file, cases]) =>
  cases.flatMap((c, index) => {
    const shapes: { asData: boolean; label: string }[] =
      c.method === "GET" ? [{ asData: false, label: "page" }, ...(c.data ? [{ asData: true, label: "_data" }] : [])] : [{ asData: false, label: "action" }];
    return shapes.map((shape) => ({ file, c, index, ...shape }));
  }),
);

describe.each(rows)("$file #$index ($label)", ({ file, c, asData }) => {
  it.each(PERSONAS.map((who) => [who]))("%s gets the right answer", async (who) => {
    const response = await send(c, who as Persona, file, asData);
    const got = answerOf(response);
    await response.arrayBuffer();
    const expected = expectedFor(c, who as Persona);
    expect(matches(expected, got, c.method), `${c.method} ${typeof c.path === "function" ? c.path(fixtures) : c.path}${asData ? " (_data)" : ""} as ${who}: expected ${expected}, got ${got.detail}`).toBe(true);
  });
});

describe("the origin check", () => {
  it("refuses a staff POST from another site, before any action runs", async () => {
    const id = await fixtures.pendingComment();
    const response = await fetch(`${base}/moderation?index`, {
      method: "POST",
      redirect: "manual",
      headers: { Cookie: cookies.get("admin")!, Origin: "http://evil.example", "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams(statusForm("approve", id, "pending")),
    });
    expect(response.status).toBe(403);
    const row = await t.db.selectFrom("comments").select("status").where("id", "=", id).executeTakeFirstOrThrow();
    expect(row.status).toBe("pending");
  });
});

describe("what each role sees and may send", () => {
  it("shows a moderator the site-wide rules read-only, and an editor the form", async () => {
    const asModerator = await (await fetch(`${base}/moderation/settings`, { headers: { Cookie: cookies.get("moderator")! } })).text();
    expect(asModerator).toContain("only editors and administrators can change them");
    expect(asModerator).toMatch(/<fieldset disabled=""/);
    expect(asModerator).not.toContain("Save rules");
    const asEditor = await (await fetch(`${base}/moderation/settings`, { headers: { Cookie: cookies.get("editor")! } })).text();
    expect(asEditor).toContain("Save rules");
    expect(asEditor).not.toContain("only editors and administrators can change them");
  });

  it("answers a member's report flood with 429 and Retry-After", async () => {
    const email = "reporter@authorisation.example";
    const created = await createUser(t.db, { email, displayName: "Busy Reporter", password: PASSWORD, emailVerified: true });
    if (!created.ok) throw new Error("not created");
    const cookie = await logInOverHttp(email);
    const statuses: number[] = [];
    let last: Response | undefined;
    for (let i = 0; i <= REPORTS_PER_MEMBER.limit; i++) {
      const { commentId } = await createComment(t.db, fixtures.articleId, { body: `Reportable ${i} ${Math.random()}` });
      await approveComment(t.db, { commentId });
      last = await fetch(`${base}/comments/${commentId}/report`, {
        method: "POST",
        redirect: "manual",
        headers: { Cookie: cookie, Origin: base, "Content-Type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ reason: "spam", details: "" }),
      });
      statuses.push(last.status);
      if (i < REPORTS_PER_MEMBER.limit) await last.arrayBuffer();
    }
    expect(statuses.slice(0, REPORTS_PER_MEMBER.limit).every((s) => s === 303)).toBe(true);
    expect(statuses.at(-1)).toBe(429);
    expect(Number(last!.headers.get("retry-after"))).toBeGreaterThan(59 * 60);
    expect(await last!.text()).toContain("You have sent many reports in a short time.");
  });
});
