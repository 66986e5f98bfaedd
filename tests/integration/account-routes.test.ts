// The account routes, called as Remix calls them: a real Request and the context
// { db, clientIp }. Status codes, cookies, redirects and what goes back to the page.
import { afterEach, describe, expect, it, vi } from "vitest";
import { sql } from "kysely";
import { SESSION_COOKIE_NAME, startSession } from "~/composition/session.server";
import { LOGIN_FAILED_MESSAGE } from "~/lib/account-messages";
import { createUser } from "~/models/users.server";
import * as login from "~/routes/login";
import * as signup from "~/routes/signup";
import * as logout from "~/routes/logout";
import * as account from "~/routes/account";
import * as outbox from "~/routes/dev.outbox";
import * as forgot from "~/routes/forgot-password";
import * as reset from "~/routes/reset-password";
import * as verify from "~/routes/verify-email";
import { HONEYPOT_FIELD } from "~/components/CommentForm";
import { useTestDatabase } from "../support/db";

const t = useTestDatabase();
const context = (clientIp = "192.0.2.44") => ({ db: t.db, clientIp });

function form(path: string, fields: Record<string, string>, cookie?: string) {
  const headers: Record<string, string> = { "Content-Type": "application/x-www-form-urlencoded", "User-Agent": "vitest" };
  if (cookie) headers.Cookie = cookie;
  return new Request(`http://localhost${path}`, { method: "POST", body: new URLSearchParams(fields), headers });
}

const get = (path: string, cookie?: string) => new Request(`http://localhost${path}`, { headers: cookie ? { Cookie: cookie } : {} });

/** Call a loader or action; a thrown Response (redirect, 403, 404) is returned like a returned one. */
async function call(fn: (args: any) => Promise<Response> | Response, request: Request, params: Record<string, string> = {}, ctx = context()) {
  try {
    return await fn({ request, params, context: ctx });
  } catch (error) {
    if (error instanceof Response) return error;
    throw error;
  }
}

async function member(password = "correct horse battery", email = `m${Math.random().toString(36).slice(2)}@example.com`) {
  const result = await createUser(t.db, { email, displayName: "Route Member", password, emailVerified: true });
  if (!result.ok) throw new Error("not created");
  const setCookie = await startSession(t.db, form("/login", {}), result.userId);
  return { id: result.userId, email, password, cookie: setCookie.split(";")[0]! };
}

async function lastLink(path: string) {
  const mail = await t.db.selectFrom("outbox").select("text_body").orderBy("id", "desc").executeTakeFirstOrThrow();
  const match = mail.text_body.match(new RegExp(`${path}\\?token=([A-Za-z0-9_-]+)`));
  return match![1]!;
}

afterEach(() => {
  vi.unstubAllEnvs();
});

describe("/login", () => {
  it("logs in, sets the session cookie and goes back to redirectTo", async () => {
    const m = await member();
    const response = await call(login.action, form("/login", { email: m.email, password: m.password, redirectTo: "/account?tab=1" }));
    expect(response.status).toBe(303);
    expect(response.headers.get("Location")).toBe("/account?tab=1");
    expect(response.headers.get("Set-Cookie")).toMatch(new RegExp(`^${SESSION_COOKIE_NAME}=[a-z0-9]+; .*HttpOnly`));
  });

  it.each(["//evil.com", "https://evil.com/phish", "/\\evil.com", "javascript:alert(1)"])("never redirects off-site (%s)", async (target) => {
    const m = await member();
    const response = await call(login.action, form("/login", { email: m.email, password: m.password, redirectTo: target }));
    expect(response.status).toBe(303);
    expect(response.headers.get("Location")).toBe("/");
  });

  it("sends a signed-in visitor of /login straight to redirectTo, and keeps a safe one in the page", async () => {
    const m = await member();
    const response = await call(login.loader, get("/login?redirectTo=%2Faccount", m.cookie));
    expect(response.headers.get("Location")).toBe("/account");
    const page = await call(login.loader, get("/login?redirectTo=%2F%2Fevil.com"));
    expect((await page.json()).redirectTo).toBe("/");
  });

  it("gives the same 400 answer for an unknown address and a wrong password, and never echoes the password", async () => {
    const m = await member();
    const wrong = await call(login.action, form("/login", { email: m.email, password: "not it at all" }));
    const unknown = await call(login.action, form("/login", { email: "nobody@example.com", password: "not it at all" }));
    expect(wrong.status).toBe(400);
    expect(unknown.status).toBe(400);
    const [a, b] = [await wrong.json(), await unknown.json()];
    expect(a.formError).toBe(LOGIN_FAILED_MESSAGE);
    expect(b.formError).toBe(a.formError);
    expect(a.values).toEqual({ email: m.email });
    expect(JSON.stringify(a)).not.toContain("not it at all");
  });

  it("answers 429 with Retry-After and a clear message after 10 failures from one address", async () => {
    const m = await member();
    for (let i = 0; i < 10; i++) {
      const r = await call(login.action, form("/login", { email: m.email, password: `wrong ${i}` }), {}, context("192.0.2.9"));
      expect(r.status).toBe(400);
    }
    const blocked = await call(login.action, form("/login", { email: m.email, password: m.password }), {}, context("192.0.2.9"));
    expect(blocked.status).toBe(429);
    const retry = Number(blocked.headers.get("Retry-After"));
    expect(retry).toBeGreaterThan(14 * 60);
    expect(retry).toBeLessThanOrEqual(15 * 60);
    expect((await blocked.json()).formError).toMatch(/Too many failed log-in attempts.*15 minutes/);
    expect(blocked.headers.get("Set-Cookie")).toBeNull();
  });
});

describe("/signup", () => {
  it("creates the account and answers with the check-your-email page", async () => {
    const response = await call(signup.action, form("/signup", { displayName: "New Reader", email: "new.reader@example.com", password: "analytical engine" }));
    expect(response.status).toBe(303);
    expect(response.headers.get("Location")).toBe("/signup?sent=1");
    expect(response.headers.get("Set-Cookie")).toBeNull();
    expect(await t.db.selectFrom("users").select("email").execute()).toEqual([{ email: "new.reader@example.com" }]);
  });

  it("answers exactly the same when the address is taken", async () => {
    const m = await member();
    const response = await call(signup.action, form("/signup", { displayName: "Copy", email: m.email.toUpperCase(), password: "analytical engine" }));
    expect(response.status).toBe(303);
    expect(response.headers.get("Location")).toBe("/signup?sent=1");
    expect(await t.db.selectFrom("users").select("id").execute()).toHaveLength(1);
  });

  it("returns each field's message with 400 and the typed values, except the password", async () => {
    const response = await call(signup.action, form("/signup", { displayName: "", email: "a@b", password: "password123" }));
    expect(response.status).toBe(400);
    const data = await response.json();
    expect(Object.keys(data.errors).sort()).toEqual(["displayName", "email", "password"]);
    expect(data.errors.password).toMatch(/most common/);
    expect(data.values).toEqual({ displayName: "", email: "a@b" });
  });

  it("silently drops a bot that fills the honeypot", async () => {
    const response = await call(
      signup.action,
      form("/signup", { displayName: "Bot", email: "bot@example.com", password: "analytical engine", [HONEYPOT_FIELD]: "http://spam" }),
    );
    expect(response.headers.get("Location")).toBe("/signup?sent=1");
    expect(await t.db.selectFrom("users").select("id").execute()).toHaveLength(0);
    expect(await t.db.selectFrom("outbox").select("id").execute()).toHaveLength(0);
  });

  it("is for guests: a member is sent home", async () => {
    const m = await member();
    expect((await call(signup.loader, get("/signup", m.cookie))).status).toBe(303);
  });
});

describe("verification and reset links through the routes", () => {
  it("verifies by a POST from the page the link opens; the link then says it has been used", async () => {
    await call(signup.action, form("/signup", { displayName: "Link Reader", email: "link@example.com", password: "analytical engine" }));
    const token = await lastLink("/verify-email");
    const page = await call(verify.loader, get(`/verify-email?token=${token}`));
    expect(await page.json()).toEqual({ valid: true, token });
    // Opening the page does not use the token up (mail scanners open links).
    expect((await (await call(verify.loader, get(`/verify-email?token=${token}`))).json()).valid).toBe(true);
    const confirmed = await call(verify.action, form("/verify-email", { token }));
    expect(confirmed.headers.get("Location")).toBe("/login?notice=verified");
    expect(await (await call(verify.loader, get(`/verify-email?token=${token}`))).json()).toEqual({ valid: false, token: "" });
    expect((await call(verify.action, form("/verify-email", { token }))).status).toBe(400);
  });

  it("resets a password: same answer for any address, then the link works once", async () => {
    const m = await member("the old password");
    const known = await call(forgot.action, form("/forgot-password", { email: m.email }));
    const unknown = await call(forgot.action, form("/forgot-password", { email: "nobody@example.com" }));
    expect(known.status).toBe(303);
    expect(unknown.status).toBe(known.status);
    expect(unknown.headers.get("Location")).toBe(known.headers.get("Location"));

    const token = await lastLink("/reset-password");
    const weak = await call(reset.action, form("/reset-password", { token, password: "short" }));
    expect(weak.status).toBe(400);
    const done = await call(reset.action, form("/reset-password", { token, password: "the new password" }, m.cookie));
    expect(done.status).toBe(303);
    expect(done.headers.get("Location")).toBe("/login?notice=reset");
    expect(done.headers.get("Set-Cookie")).toContain("Max-Age=0");
    // The browser that reset, and every other, is logged out.
    expect((await call(account.loader, get("/account", m.cookie))).status).toBe(303);
    const again = await call(reset.action, form("/reset-password", { token, password: "another new password" }));
    expect(again.status).toBe(400);
    expect((await again.json()).expired).toBe(true);
  });
});

describe("/logout", () => {
  it("ends the session on POST and clears the cookie; a GET changes nothing", async () => {
    const m = await member();
    const viaGet = await call(logout.loader, get("/logout", m.cookie));
    expect(viaGet.status).toBe(303);
    expect((await call(account.loader, get("/account", m.cookie))).status).toBe(200);

    const response = await call(logout.action, form("/logout", { redirectTo: "/articles/x#respond" }, m.cookie));
    expect(response.status).toBe(303);
    expect(response.headers.get("Location")).toBe("/articles/x#respond");
    expect(response.headers.get("Set-Cookie")).toMatch(new RegExp(`^${SESSION_COOKIE_NAME}=; .*Max-Age=0`));
    expect((await call(account.loader, get("/account", m.cookie))).status).toBe(303);
  });
});

describe("/account", () => {
  it("sends a guest to log in and back, for the page and for its actions", async () => {
    const page = await call(account.loader, get("/account"));
    expect(page.status).toBe(303);
    expect(page.headers.get("Location")).toBe("/login?redirectTo=%2Faccount");
    const post = await call(account.action, form("/account", { intent: "name", displayName: "Hacker" }));
    expect(post.status).toBe(303);
    expect(post.headers.get("Location")).toMatch(/^\/login/);
  });

  it("shows the owner their own address and sessions, marking this one", async () => {
    const m = await member();
    await startSession(t.db, form("/login", {}), m.id);
    const data = await (await call(account.loader, get("/account", m.cookie))).json();
    expect(data.account).toMatchObject({ email: m.email, displayName: "Route Member", emailVerified: true, role: "member" });
    expect(data.sessions).toHaveLength(2);
    expect(data.sessions.filter((s: { current: boolean }) => s.current)).toHaveLength(1);
  });

  it("changes the name; refuses a wrong current password with 400 beside the field", async () => {
    const m = await member();
    const named = await call(account.action, form("/account", { intent: "name", displayName: "Renamed Member" }, m.cookie));
    expect(named.headers.get("Location")).toBe("/account?notice=name");
    const wrong = await call(account.action, form("/account", { intent: "password", currentPassword: "nope", newPassword: "the new password" }, m.cookie));
    expect(wrong.status).toBe(400);
    const data = await wrong.json();
    expect(data).toMatchObject({ intent: "password", errors: { currentPassword: "That is not your current password." } });
    expect(JSON.stringify(data)).not.toContain("the new password");
  });

  it("ends another session, or this one (which logs out)", async () => {
    const m = await member();
    const other = (await startSession(t.db, form("/login", {}), m.id)).split(";")[0]!;
    const { sessions } = await (await call(account.loader, get("/account", m.cookie))).json();
    const otherKey = sessions.find((s: { current: boolean }) => !s.current).key;
    const thisKey = sessions.find((s: { current: boolean }) => s.current).key;
    await call(account.action, form("/account", { intent: "end-session", session: otherKey }, m.cookie));
    expect((await call(account.loader, get("/account", other))).status).toBe(303);
    expect((await call(account.loader, get("/account", m.cookie))).status).toBe(200);
    const self = await call(account.action, form("/account", { intent: "end-session", session: thisKey }, m.cookie));
    expect(self.headers.get("Set-Cookie")).toContain("Max-Age=0");
    expect((await call(account.loader, get("/account", m.cookie))).status).toBe(303);
  });

  it("cannot end someone else's session", async () => {
    const a = await member();
    const b = await member();
    const { sessions } = await (await call(account.loader, get("/account", b.cookie))).json();
    await call(account.action, form("/account", { intent: "end-session", session: sessions[0].key }, a.cookie));
    expect((await call(account.loader, get("/account", b.cookie))).status).toBe(200);
  });

  it("deletes the account only with the password and the box ticked", async () => {
    const m = await member();
    const unticked = await call(account.action, form("/account", { intent: "delete", currentPassword: m.password }, m.cookie));
    expect(unticked.status).toBe(400);
    expect((await unticked.json()).errors.confirm).toMatch(/tick the box/);
    const deleted = await call(account.action, form("/account", { intent: "delete", currentPassword: m.password, confirm: "on" }, m.cookie));
    expect(deleted.headers.get("Location")).toBe("/login?notice=deleted");
    const row = await t.db.selectFrom("users").select(["email", "deleted_at"]).where("id", "=", m.id).executeTakeFirstOrThrow();
    expect(row.email).toBeNull();
    expect(row.deleted_at).not.toBeNull();
  });
});

describe("/dev/outbox", () => {
  it("lists mail outside production, and does not exist in production", async () => {
    await t.db.insertInto("outbox").values({ to_address: "dev@example.com", subject: "Hello", text_body: "Body" }).execute();
    vi.stubEnv("NODE_ENV", "development");
    const data = await (await call(outbox.loader, get("/dev/outbox"))).json();
    expect(data.mails).toMatchObject([{ to: "dev@example.com", subject: "Hello" }]);
    vi.stubEnv("NODE_ENV", "production");
    vi.stubEnv("ASSAY_DEV_OUTBOX", "");
    expect((await call(outbox.loader, get("/dev/outbox"))).status).toBe(404);
  });
});

describe("sliding expiry through the root loader", () => {
  it("sends the cookie again when the session was extended", async () => {
    const { loader: rootLoader } = await import("~/root");
    const m = await member();
    await t.db.updateTable("sessions").set({ expires_at: sql<Date>`now() + interval '5 days'` }).execute();
    const response = await call(rootLoader, get("/", m.cookie));
    expect(response.headers.get("Set-Cookie")).toContain(`Max-Age=${30 * 86400}`);
    const data = await response.json();
    expect(data.user).toEqual({ id: m.id, displayName: "Route Member", role: "member" });
    expect(JSON.stringify(data)).not.toContain(m.email);
    const again = await call(rootLoader, get("/", m.cookie));
    expect(again.headers.get("Set-Cookie")).toBeNull();
  });
});
