// Sessions through Lucia and our Kysely adapter: the cookie, sliding expiry, a new
// id at every log-in, and the guards every loader and action starts with.
import { describe, expect, it } from "vitest";
import { sql } from "kysely";
import { getLucia } from "~/composition/lucia.server";
import {
  endSession,
  getCurrentUser,
  requireAnonymous,
  requireRole,
  requireUser,
  sessionCookieUpdate,
  startSession,
  SESSION_COOKIE_NAME,
} from "~/composition/session.server";
import { hashToken } from "~/lib/tokens.server";
import { createUser, type Role } from "~/models/users.server";
import { eraseAccount } from "~/models/accounts.server";
import { useTestDatabase } from "../support/db";

const t = useTestDatabase();
const ctx = () => ({ db: t.db, clientIp: "203.0.113.7" });

async function member(role: Role = "member", email = `${role}-${Math.random().toString(36).slice(2)}@example.com`) {
  const result = await createUser(t.db, { email, displayName: `A ${role}`, password: "a long enough password", role, emailVerified: true });
  if (!result.ok) throw new Error("user not created");
  return result.userId;
}

const tokenOf = (setCookie: string) => decodeURIComponent(setCookie.split(";")[0]!.split("=")[1]!);

function request(path: string, cookie?: string, init: RequestInit = {}) {
  const headers = new Headers(init.headers);
  if (cookie) headers.set("Cookie", `${SESSION_COOKIE_NAME}=${tokenOf(cookie)}`);
  headers.set("User-Agent", "Mozilla/5.0 (X11; Linux x86_64) Firefox/130.0");
  return new Request(`http://localhost${path}`, { ...init, headers });
}

async function signIn(userId: number, from = request("/login", undefined, { method: "POST" })) {
  return startSession(t.db, from, userId);
}

async function thrown(promise: Promise<unknown>): Promise<Response> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof Response) return error;
    throw error;
  }
  throw new Error("expected a thrown Response");
}

describe("the session cookie", () => {
  it("is HttpOnly, for the whole site, 30 days; SameSite=Lax over http, and over https Secure, SameSite=None and Partitioned (for the embed's frame)", async () => {
    const id = await member();
    const plain = await signIn(id);
    expect(plain).toMatch(new RegExp(`^${SESSION_COOKIE_NAME}=[a-z0-9]{40};`));
    expect(plain).toContain("HttpOnly");
    expect(plain).toContain("SameSite=Lax");
    expect(plain).toContain("Path=/");
    expect(plain).toContain(`Max-Age=${30 * 24 * 60 * 60}`);
    expect(plain).not.toContain("Secure");
    const secure = await startSession(t.db, new Request("https://forum.example.com/login", { method: "POST" }), id);
    expect(secure).toContain("; Secure");
    expect(secure).toContain("SameSite=None");
    expect(secure).toMatch(/; Partitioned$/);
    expect(secure).toContain("HttpOnly");
  });

  it("stores only the hash of the token, with the browser's user agent", async () => {
    const id = await member();
    const token = tokenOf(await signIn(id));
    const rows = await t.db.selectFrom("sessions").selectAll().execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]!.id).toBe(hashToken(token));
    expect(rows[0]!.id).not.toBe(token);
    expect(rows[0]!.user_agent).toContain("Firefox");
    // The stored key used as a cookie does not open the session.
    const forged = new Request("http://localhost/", { headers: { Cookie: `${SESSION_COOKIE_NAME}=${rows[0]!.id}` } });
    expect(await getCurrentUser(forged, ctx())).toBeNull();
  });

  it("tells who is asking, with role and verification, never the email", async () => {
    const id = await member("editor");
    const cookie = await signIn(id);
    const user = await getCurrentUser(request("/", cookie), ctx());
    expect(user).toEqual({ id, displayName: "A editor", role: "editor", emailVerified: true, ignoredUserIds: [] });
    expect(await getCurrentUser(request("/"), ctx())).toBeNull();
  });
});

describe("when sessions end", () => {
  it("gets a new session id at every log-in, and the browser's previous session ends", async () => {
    const id = await member();
    const first = await signIn(id);
    const second = await signIn(id, request("/login", first, { method: "POST" }));
    expect(tokenOf(second)).not.toBe(tokenOf(first));
    expect(await getCurrentUser(request("/", first), ctx())).toBeNull();
    expect(await getCurrentUser(request("/", second), ctx())).not.toBeNull();
    // A log-in from another browser leaves the first one alone.
    const third = await signIn(id);
    expect(await getCurrentUser(request("/", second), ctx())).not.toBeNull();
    expect(await getCurrentUser(request("/", third), ctx())).not.toBeNull();
  });

  it("ends at log-out, and the cookie is cleared", async () => {
    const id = await member();
    const cookie = await signIn(id);
    const cleared = await endSession(t.db, request("/logout", cookie, { method: "POST" }));
    expect(cleared).toMatch(new RegExp(`^${SESSION_COOKIE_NAME}=;`));
    expect(cleared).toContain("Max-Age=0");
    expect(await getCurrentUser(request("/", cookie), ctx())).toBeNull();
    expect(await t.db.selectFrom("sessions").select("id").execute()).toHaveLength(0);
  });

  it("slides: a session used in its second half is extended to 30 days, and the cookie is sent again", async () => {
    const id = await member();
    const cookie = await signIn(id);
    await t.db.updateTable("sessions").set({ expires_at: sql<Date>`now() + interval '10 days'` }).execute();
    const req = request("/", cookie);
    const page = ctx(); // the root loader asks both, in one request
    expect(await getCurrentUser(req, page)).not.toBeNull();
    const { expires_at } = await t.db.selectFrom("sessions").select("expires_at").executeTakeFirstOrThrow();
    const days = (expires_at.getTime() - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(29.9);
    expect(days).toBeLessThanOrEqual(30);
    const update = await sessionCookieUpdate(req, page);
    expect(update).toContain(`Max-Age=${30 * 24 * 60 * 60}`);
    expect(tokenOf(update!)).toBe(tokenOf(cookie));
  });

  it("does not rewrite a session in its first half", async () => {
    const id = await member();
    const cookie = await signIn(id);
    await t.db.updateTable("sessions").set({ expires_at: sql<Date>`now() + interval '20 days'` }).execute();
    const req = request("/", cookie);
    expect(await getCurrentUser(req, ctx())).not.toBeNull();
    expect(await sessionCookieUpdate(req, ctx())).toBeNull();
    const { expires_at } = await t.db.selectFrom("sessions").select("expires_at").executeTakeFirstOrThrow();
    expect((expires_at.getTime() - Date.now()) / 86_400_000).toBeLessThan(20.1);
  });

  it("ends after 30 days unused: the row goes and the browser's cookie is cleared", async () => {
    const id = await member();
    const cookie = await signIn(id);
    await t.db.updateTable("sessions").set({ expires_at: sql<Date>`now() - interval '1 second'` }).execute();
    const req = request("/", cookie);
    expect(await getCurrentUser(req, ctx())).toBeNull();
    expect(await sessionCookieUpdate(req, ctx())).toContain("Max-Age=0");
    expect(await t.db.selectFrom("sessions").select("id").execute()).toHaveLength(0);
  });

  it("ends when the account is deleted", async () => {
    const id = await member();
    const cookie = await signIn(id);
    await eraseAccount(t.db, id);
    expect(await getCurrentUser(request("/", cookie), ctx())).toBeNull();
  });

  it("expired sessions are cleared at the next log-in (Lucia's deleteExpiredSessions through our adapter)", async () => {
    const a = await member();
    await signIn(a);
    await t.db.updateTable("sessions").set({ expires_at: sql<Date>`now() - interval '1 day'` }).execute();
    await signIn(await member());
    expect(await t.db.selectFrom("sessions").select("user_id").execute()).toHaveLength(1);
  });

  it("Lucia can list and end a user's sessions through the adapter", async () => {
    const id = await member();
    await signIn(id);
    await signIn(id);
    const lucia = getLucia(t.db);
    const sessions = await lucia.getUserSessions(id);
    expect(sessions).toHaveLength(2);
    await lucia.invalidateSession(sessions[0]!.id);
    expect(await lucia.getUserSessions(id)).toHaveLength(1);
    await lucia.invalidateUserSessions(id);
    expect(await lucia.getUserSessions(id)).toHaveLength(0);
  });
});

describe("guards", () => {
  it("requireUser sends a guest to /login with the way back (path and query, without Remix's _data)", async () => {
    const response = await thrown(requireUser(request("/account?tab=email&_data=routes%2Faccount"), ctx()));
    expect(response.status).toBe(303);
    expect(response.headers.get("Location")).toBe(`/login?redirectTo=${encodeURIComponent("/account?tab=email")}`);
  });

  it("requireRole ranks member < moderator < editor < admin: lower roles get 403, guests the log-in page", async () => {
    const cookies = Object.fromEntries(
      await Promise.all((["member", "moderator", "editor", "admin"] as const).map(async (role) => [role, await signIn(await member(role))])),
    ) as Record<Role, string>;
    const asRole = (role: Role, needed: Role) => requireRole(request("/moderation", cookies[role]), ctx(), needed);

    const forbidden = await thrown(asRole("member", "moderator"));
    expect(forbidden.status).toBe(403);
    expect((await thrown(asRole("moderator", "editor"))).status).toBe(403);
    expect((await thrown(asRole("editor", "admin"))).status).toBe(403);
    expect(await asRole("moderator", "moderator")).toMatchObject({ role: "moderator" });
    expect(await asRole("editor", "moderator")).toMatchObject({ role: "editor" });
    expect(await asRole("admin", "moderator")).toMatchObject({ role: "admin" });
    expect(await asRole("admin", "admin")).toMatchObject({ role: "admin" });

    const guest = await thrown(requireRole(request("/moderation?status=pending"), ctx(), "moderator"));
    expect(guest.status).toBe(303);
    expect(guest.headers.get("Location")).toBe(`/login?redirectTo=${encodeURIComponent("/moderation?status=pending")}`);
  });

  it("a role change takes effect on the next request, with no new log-in", async () => {
    const id = await member();
    const cookie = await signIn(id);
    expect((await thrown(requireRole(request("/moderation", cookie), ctx(), "moderator"))).status).toBe(403);
    await t.db.updateTable("users").set({ role: "moderator" }).where("id", "=", id).execute();
    expect(await requireRole(request("/moderation", cookie), ctx(), "moderator")).toMatchObject({ id });
  });

  it("is checked once for all the loaders of one page, never mixing two browsers, and afresh in an action", async () => {
    const id = await member();
    const other = await member("editor");
    const [cookie, otherCookie] = [await signIn(id), await signIn(other)];
    const page = ctx(); // one load context per request, shared by the page's loaders
    expect(await getCurrentUser(request("/", cookie), page)).toMatchObject({ id, role: "member" });
    await t.db.updateTable("users").set({ role: "moderator" }).where("id", "=", id).execute();
    // The root loader and the route's loader get copies of the Request: one check serves both.
    expect(await getCurrentUser(request("/?index", cookie), page)).toMatchObject({ id, role: "member" });
    // Another browser's cookie with the same context is checked on its own.
    expect(await getCurrentUser(request("/", otherCookie), page)).toMatchObject({ id: other, role: "editor" });
    // An action may change the session before the loaders run: it always checks.
    expect(await getCurrentUser(request("/", cookie, { method: "POST" }), page)).toMatchObject({ id, role: "moderator" });
    expect(await getCurrentUser(request("/", cookie), ctx())).toMatchObject({ id, role: "moderator" });
  });

  it("requireAnonymous sends a signed-in member away and lets a guest in", async () => {
    const cookie = await signIn(await member());
    const response = await thrown(requireAnonymous(request("/signup", cookie), ctx()));
    expect(response.status).toBe(303);
    await expect(requireAnonymous(request("/signup"), ctx())).resolves.toBeUndefined();
  });
});
