// The account flows against a real PostgreSQL: sign-up and verification, log-in
// and its limits, password reset, the /account changes and account deletion.
import { describe, expect, it } from "vitest";
import { sql } from "kysely";
import { createDb } from "../../db/connection";
import {
  changeDisplayName,
  changePassword,
  deleteAccount,
  LOGIN_IP_LIMIT,
  LOGIN_LIMIT,
  LOGIN_SLOWDOWN,
  loginDelayMs,
  logIn,
  requestEmailChange,
  requestPasswordReset,
  resendVerification,
  resetPassword,
  signUp,
  verifyEmail,
  checkToken,
} from "~/models/accounts.server";
import { getCurrentUser, startSession, SESSION_COOKIE_NAME } from "~/composition/session.server";
import { hashToken } from "~/lib/tokens.server";
import { passwordVerificationCount } from "~/lib/passwords.server";
import { createUser, findAccountById, getPublicProfile } from "~/models/users.server";
import { approveComment } from "~/models/moderation.server";
import { useTestDatabase } from "../support/db";
import { createArticle, createComment } from "../support/factories";

const t = useTestDatabase();
const links = { origin: "http://localhost:3000" };
const ip = "198.51.100.20";
const noSleep = { sleep: async () => {} };

async function mails(to: string) {
  return t.db.selectFrom("outbox").selectAll().where(sql`lower(to_address)`, "=", to.toLowerCase()).orderBy("id").execute();
}

async function linkToken(to: string, path: string): Promise<string> {
  const list = await mails(to);
  const text = list.at(-1)?.text_body ?? "";
  const match = text.match(new RegExp(`http://localhost:3000${path}\\?token=([A-Za-z0-9_-]+)`));
  if (!match) throw new Error(`no ${path} link in the last mail to ${to}:\n${text}`);
  return match[1]!;
}

async function account(email = `m${Math.random().toString(36).slice(2)}@example.com`, password = "first password here") {
  const result = await createUser(t.db, { email, displayName: "Member", password, emailVerified: true });
  if (!result.ok) throw new Error("not created");
  return { id: result.userId, email, password };
}

async function sessionFor(userId: number, userAgent = "test") {
  const cookie = await startSession(t.db, new Request("http://localhost/login", { method: "POST", headers: { "User-Agent": userAgent } }), userId);
  return decodeURIComponent(cookie.split(";")[0]!.split("=")[1]!);
}

const asRequest = (token: string) => new Request("http://localhost/", { headers: { Cookie: `${SESSION_COOKIE_NAME}=${token}` } });
const signedIn = async (token: string) => (await getCurrentUser(asRequest(token), { db: t.db })) !== null;

describe("sign-up and email verification", () => {
  it("creates an unverified member and mails a link whose token is stored only hashed", async () => {
    const result = await signUp(t.db, { displayName: "  Ada  Lovelace ", email: "Ada@Example.com", password: "analytical engine", clientIp: ip, links });
    expect(result).toMatchObject({ ok: true });
    const user = await t.db.selectFrom("users").selectAll().executeTakeFirstOrThrow();
    expect(user).toMatchObject({ email: "Ada@Example.com", role: "member", email_verified_at: null });
    expect(user.password_hash).toMatch(/^\$argon2id\$/);
    const token = await linkToken("ada@example.com", "/verify-email");
    const stored = await t.db.selectFrom("user_tokens").selectAll().executeTakeFirstOrThrow();
    expect(stored.token_hash).toBe(hashToken(token));
    expect(JSON.stringify(stored)).not.toContain(token);
    const hours = (stored.expires_at.getTime() - Date.now()) / 3_600_000;
    expect(hours).toBeGreaterThan(23.9);
    expect(hours).toBeLessThanOrEqual(24);
  });

  it("verifies once: the same link cannot be used again", async () => {
    await signUp(t.db, { displayName: "Bea", email: "bea@example.com", password: "a very long password", clientIp: ip, links });
    const token = await linkToken("bea@example.com", "/verify-email");
    expect(await checkToken(t.db, token, "verify-email")).toBe(true);
    expect(await verifyEmail(t.db, token)).toMatchObject({ ok: true, email: "bea@example.com", changed: false });
    expect((await t.db.selectFrom("users").select("email_verified_at").executeTakeFirstOrThrow()).email_verified_at).not.toBeNull();
    expect(await checkToken(t.db, token, "verify-email")).toBe(false);
    expect(await verifyEmail(t.db, token)).toEqual({ ok: false, error: "invalid-token" });
  });

  it("refuses a verification link after 24 hours, and a reset token as a verification token", async () => {
    await signUp(t.db, { displayName: "Cy", email: "cy@example.com", password: "a very long password", clientIp: ip, links });
    const token = await linkToken("cy@example.com", "/verify-email");
    await t.db.updateTable("user_tokens").set({ expires_at: sql<Date>`now() - interval '1 second'` }).execute();
    expect(await verifyEmail(t.db, token)).toEqual({ ok: false, error: "invalid-token" });
    expect(await verifyEmail(t.db, "not-a-token")).toEqual({ ok: false, error: "invalid-token" });
    expect(await verifyEmail(t.db, "")).toEqual({ ok: false, error: "invalid-token" });
    const { id } = await t.db.selectFrom("users").select("id").executeTakeFirstOrThrow();
    await requestPasswordReset(t.db, { email: "cy@example.com", clientIp: ip, links });
    const resetToken = await linkToken("cy@example.com", "/reset-password");
    expect(await verifyEmail(t.db, resetToken)).toEqual({ ok: false, error: "invalid-token" });
    expect((await findAccountById(t.db, id))?.emailVerified).toBe(false);
  });

  it("a newer link replaces an older unused one", async () => {
    await signUp(t.db, { displayName: "Di", email: "di@example.com", password: "a very long password", clientIp: ip, links });
    const first = await linkToken("di@example.com", "/verify-email");
    const { id } = await t.db.selectFrom("users").select("id").executeTakeFirstOrThrow();
    expect(await resendVerification(t.db, { userId: id, links })).toEqual({ ok: true });
    const second = await linkToken("di@example.com", "/verify-email");
    expect(second).not.toBe(first);
    expect(await verifyEmail(t.db, first)).toEqual({ ok: false, error: "invalid-token" });
    expect(await verifyEmail(t.db, second)).toMatchObject({ ok: true });
    expect(await resendVerification(t.db, { userId: id, links })).toEqual({ ok: false, error: "already-verified" });
  });

  it("answers the same for an address that already has an account, creates nothing, and tells its owner", async () => {
    const existing = await account("taken@example.com");
    const result = await signUp(t.db, { displayName: "Impostor", email: "TAKEN@example.com", password: "another long password", clientIp: ip, links });
    expect(result).toEqual({ ok: true, userId: null });
    expect(await t.db.selectFrom("users").select("id").execute()).toHaveLength(1);
    expect((await findAccountById(t.db, existing.id))?.displayName).toBe("Member");
    const notice = await mails("taken@example.com");
    expect(notice).toHaveLength(1);
    expect(notice[0]!.subject).toMatch(/tried to sign up/);
  });
});

describe("log-in", () => {
  it("accepts the right password, whatever the case of the address", async () => {
    const a = await account("Case@Example.com", "correct horse battery");
    expect(await logIn(t.db, { email: "case@EXAMPLE.com", password: "correct horse battery", clientIp: ip })).toEqual({ ok: true, userId: a.id });
  });

  it("fails the same way for an unknown address and a wrong password, after the same argon2 work", async () => {
    await account("known@example.com", "correct horse battery");
    const verifiedBy = async (email: string) => {
      const before = passwordVerificationCount();
      const result = await logIn(t.db, { email, password: "not the password", clientIp: ip });
      return { result, verifications: passwordVerificationCount() - before };
    };
    const wrong = await verifiedBy("known@example.com");
    const unknown = await verifiedBy("nobody@example.com");
    expect(wrong.result).toEqual({ ok: false, error: "invalid-credentials" });
    expect(unknown.result).toEqual(wrong.result);
    // Both run argon2 exactly once: an unknown address is checked against a throwaway hash.
    expect(wrong.verifications).toBe(1);
    expect(unknown.verifications).toBe(1);
  });

  it("after 10 failures for an account from one IP address, refuses that pair only, with the time to wait", async () => {
    const a = await account("target@example.com", "correct horse battery");
    for (let i = 0; i < LOGIN_LIMIT.limit; i++) {
      expect(await logIn(t.db, { email: a.email, password: `guess ${i}`, clientIp: "192.0.2.66" })).toEqual({ ok: false, error: "invalid-credentials" });
    }
    const before = passwordVerificationCount();
    const blocked = await logIn(t.db, { email: a.email, password: a.password, clientIp: "192.0.2.66" });
    expect(blocked).toMatchObject({ ok: false, error: "rate-limited" });
    if (blocked.ok || blocked.error !== "rate-limited") throw new Error("unreachable");
    expect(blocked.retryAfterSeconds).toBeGreaterThan(14 * 60);
    expect(blocked.retryAfterSeconds).toBeLessThanOrEqual(15 * 60);
    // Refused without checking the password at all.
    expect(passwordVerificationCount()).toBe(before);
    // The owner, from their own address, is not locked out.
    expect(await logIn(t.db, { email: a.email, password: a.password, clientIp: "198.51.100.77" }, noSleep)).toEqual({ ok: true, userId: a.id });
    // An unknown address is limited the same way: nothing tells the two apart.
    for (let i = 0; i < LOGIN_LIMIT.limit; i++) await logIn(t.db, { email: "ghost@example.com", password: `guess ${i}`, clientIp: "192.0.2.67" });
    expect(await logIn(t.db, { email: "ghost@example.com", password: "x", clientIp: "192.0.2.67" })).toMatchObject({ error: "rate-limited" });
    // Once the window has passed, the pair may try again.
    await t.db.updateTable("rate_limits").set({ expires_at: sql<Date>`now() - interval '1 second'` }).execute();
    expect(await logIn(t.db, { email: a.email, password: a.password, clientIp: "192.0.2.66" })).toEqual({ ok: true, userId: a.id });
  });

  it("never locks an account attacked from many addresses: it slows each attempt down, and its owner still gets in", async () => {
    const a = await account("moderator@example.com", "correct horse battery");
    const waits: number[] = [];
    const recorder = { sleep: async (ms: number) => void waits.push(ms) };
    for (let i = 0; i < LOGIN_SLOWDOWN.freeFailures + 4; i++) {
      expect(await logIn(t.db, { email: a.email, password: `guess ${i}`, clientIp: `192.0.2.${i}` }, recorder)).toEqual({
        ok: false,
        error: "invalid-credentials",
      });
    }
    // The first ten cost nothing extra; then each waits twice as long as the last.
    expect(waits).toEqual([1000, 2000, 4000, 8000]);
    waits.length = 0;
    // The owner, from their own address: slowed, never refused.
    expect(await logIn(t.db, { email: a.email, password: a.password, clientIp: "203.0.113.5" }, recorder)).toEqual({ ok: true, userId: a.id });
    expect(waits).toEqual([LOGIN_SLOWDOWN.maxDelayMs]);
    // A good log-in clears the account's failures: the next attempt waits for nothing.
    waits.length = 0;
    await logIn(t.db, { email: a.email, password: "one more guess", clientIp: "192.0.2.250" }, recorder);
    expect(waits).toEqual([]);
    expect(loginDelayMs(LOGIN_SLOWDOWN.freeFailures - 1)).toBe(0);
    expect(loginDelayMs(1_000_000)).toBe(LOGIN_SLOWDOWN.maxDelayMs);
  });

  it("after 30 failures from one IP address, refuses that address for any account", async () => {
    const a = await account("victim@example.com", "correct horse battery");
    for (let i = 0; i < LOGIN_IP_LIMIT.limit; i++) await logIn(t.db, { email: `spray${i}@example.com`, password: "password1", clientIp: "203.0.113.9" });
    expect(await logIn(t.db, { email: a.email, password: a.password, clientIp: "203.0.113.9" })).toMatchObject({ error: "rate-limited" });
    expect(await logIn(t.db, { email: a.email, password: a.password, clientIp: "203.0.113.10" })).toEqual({ ok: true, userId: a.id });
  });

  it("counts only failures: good log-ins from one IP address (an office) do not add up", async () => {
    const a = await account("office@example.com", "correct horse battery");
    for (let i = 0; i < LOGIN_LIMIT.limit + 5; i++) {
      expect(await logIn(t.db, { email: a.email, password: a.password, clientIp: "203.0.113.50" })).toEqual({ ok: true, userId: a.id });
    }
    // And a good log-in clears the account's failures.
    for (let i = 0; i < LOGIN_LIMIT.limit - 1; i++) await logIn(t.db, { email: a.email, password: "wrong", clientIp: `198.18.0.${i}` });
    expect(await logIn(t.db, { email: a.email, password: a.password, clientIp: "198.18.1.1" })).toMatchObject({ ok: true });
    for (let i = 0; i < LOGIN_LIMIT.limit - 1; i++) await logIn(t.db, { email: a.email, password: "wrong", clientIp: `198.18.2.${i}` });
    expect(await logIn(t.db, { email: a.email, password: a.password, clientIp: "198.18.1.1" })).toMatchObject({ ok: true });
  });

  it("counts failures across app instances: two pools, one limit", async () => {
    const a = await account("spread@example.com", "correct horse battery");
    const one = createDb(t.url, { max: 2 });
    const two = createDb(t.url, { max: 2 });
    try {
      const attempts = Array.from({ length: LOGIN_LIMIT.limit }, (_, i) =>
        logIn(i % 2 ? one : two, { email: a.email, password: `wrong ${i}`, clientIp: "192.0.2.99" }),
      );
      expect((await Promise.all(attempts)).every((r) => !r.ok && r.error === "invalid-credentials")).toBe(true);
      expect(await logIn(one, { email: a.email, password: a.password, clientIp: "192.0.2.99" })).toMatchObject({ error: "rate-limited" });
      expect(await logIn(two, { email: a.email, password: a.password, clientIp: "192.0.2.99" })).toMatchObject({ error: "rate-limited" });
    } finally {
      await one.destroy();
      await two.destroy();
    }
  });

  it("does not store the attempted address in the rate-limit table", async () => {
    await logIn(t.db, { email: "secret.person@example.com", password: "wrong", clientIp: ip });
    const rows = await t.db.selectFrom("rate_limits").selectAll().execute();
    expect(rows.length).toBeGreaterThan(0);
    expect(JSON.stringify(rows)).not.toContain("secret.person");
    expect(JSON.stringify(rows)).not.toContain(ip);
  });
});

describe("password reset", () => {
  it("answers the same for an unknown address and mails nothing", async () => {
    expect(await requestPasswordReset(t.db, { email: "nobody@example.com", clientIp: ip, links })).toEqual({ ok: true });
    expect(await t.db.selectFrom("outbox").select("id").execute()).toHaveLength(0);
  });

  it("sets a new password through a one-hour, single-use link, and ends every session", async () => {
    const a = await account("forgetful@example.com", "the old password");
    const phone = await sessionFor(a.id, "phone");
    const laptop = await sessionFor(a.id, "laptop");
    expect(await requestPasswordReset(t.db, { email: "FORGETFUL@example.com", clientIp: ip, links })).toEqual({ ok: true });
    const token = await linkToken(a.email, "/reset-password");
    const stored = await t.db.selectFrom("user_tokens").selectAll().where("purpose", "=", "reset-password").executeTakeFirstOrThrow();
    expect(stored.token_hash).toBe(hashToken(token));
    const minutes = (stored.expires_at.getTime() - Date.now()) / 60_000;
    expect(minutes).toBeGreaterThan(59.9);
    expect(minutes).toBeLessThanOrEqual(60);

    expect(await resetPassword(t.db, { token, newPassword: "the new password" })).toEqual({ ok: true, userId: a.id });
    expect(await signedIn(phone)).toBe(false);
    expect(await signedIn(laptop)).toBe(false);
    expect(await logIn(t.db, { email: a.email, password: "the old password", clientIp: ip })).toMatchObject({ ok: false });
    expect(await logIn(t.db, { email: a.email, password: "the new password", clientIp: ip })).toMatchObject({ ok: true });
    // Used once: not again.
    expect(await resetPassword(t.db, { token, newPassword: "a third password" })).toEqual({ ok: false, error: "invalid-token" });
    expect(await logIn(t.db, { email: a.email, password: "a third password", clientIp: ip })).toMatchObject({ ok: false });
  });

  it("refuses a reset link after one hour", async () => {
    const a = await account("late@example.com", "the old password");
    await requestPasswordReset(t.db, { email: a.email, clientIp: ip, links });
    const token = await linkToken(a.email, "/reset-password");
    await t.db.updateTable("user_tokens").set({ expires_at: sql<Date>`now() - interval '1 second'` }).execute();
    expect(await checkToken(t.db, token, "reset-password")).toBe(false);
    expect(await resetPassword(t.db, { token, newPassword: "the new password" })).toEqual({ ok: false, error: "invalid-token" });
    expect(await logIn(t.db, { email: a.email, password: "the old password", clientIp: ip })).toMatchObject({ ok: true });
  });

  it("lets only one of two racing requests use a link", async () => {
    const a = await account("race@example.com", "the old password");
    await requestPasswordReset(t.db, { email: a.email, clientIp: ip, links });
    const token = await linkToken(a.email, "/reset-password");
    const results = await Promise.all([
      resetPassword(t.db, { token, newPassword: "first new password" }),
      resetPassword(t.db, { token, newPassword: "second new password" }),
    ]);
    expect(results.filter((r) => r.ok)).toHaveLength(1);
  });

  it("confirms the address, since the link reached it", async () => {
    await signUp(t.db, { displayName: "Ed", email: "ed@example.com", password: "a very long password", clientIp: ip, links });
    await requestPasswordReset(t.db, { email: "ed@example.com", clientIp: ip, links });
    const token = await linkToken("ed@example.com", "/reset-password");
    const { userId } = (await resetPassword(t.db, { token, newPassword: "the new password" })) as { userId: number };
    expect((await findAccountById(t.db, userId))?.emailVerified).toBe(true);
  });

  it("mails an address at most three reset links an hour (and still answers the same)", async () => {
    const a = await account("flooded@example.com");
    for (let i = 0; i < 5; i++) expect(await requestPasswordReset(t.db, { email: a.email, clientIp: `192.0.2.${i}`, links })).toEqual({ ok: true });
    expect(await mails(a.email)).toHaveLength(3);
  });
});

describe("/account changes", () => {
  it("changing the password needs the current one and ends the other sessions, not this one", async () => {
    const a = await account("changer@example.com", "the old password");
    const here = await sessionFor(a.id);
    const elsewhere = await sessionFor(a.id);
    expect(await changePassword(t.db, { userId: a.id, currentPassword: "wrong one", newPassword: "the new password", keepSessionToken: here })).toEqual({
      ok: false,
      error: "wrong-password",
    });
    expect(await signedIn(elsewhere)).toBe(true);
    expect(await changePassword(t.db, { userId: a.id, currentPassword: "the old password", newPassword: "the new password", keepSessionToken: here })).toEqual({
      ok: true,
      endedSessions: 1,
    });
    expect(await signedIn(here)).toBe(true);
    expect(await signedIn(elsewhere)).toBe(false);
    expect(await logIn(t.db, { email: a.email, password: "the new password", clientIp: ip })).toMatchObject({ ok: true });
  });

  it("a changed password makes an earlier reset link useless", async () => {
    const a = await account("both@example.com", "the old password");
    await requestPasswordReset(t.db, { email: a.email, clientIp: ip, links });
    const token = await linkToken(a.email, "/reset-password");
    await changePassword(t.db, { userId: a.id, currentPassword: "the old password", newPassword: "the new password", keepSessionToken: null });
    expect(await resetPassword(t.db, { token, newPassword: "sneaky password" })).toEqual({ ok: false, error: "invalid-token" });
  });

  it("a password change ends a pending email change: a link sent to an attacker's address stops working", async () => {
    const a = await account("hijacked@example.com", "the old password");
    await requestEmailChange(t.db, { userId: a.id, newEmail: "attacker@example.com", currentPassword: "the old password", links });
    const change = await linkToken("attacker@example.com", "/verify-email");
    await changePassword(t.db, { userId: a.id, currentPassword: "the old password", newPassword: "the new password", keepSessionToken: null });
    expect(await verifyEmail(t.db, change)).toEqual({ ok: false, error: "invalid-token" });
    expect((await findAccountById(t.db, a.id))?.email).toBe("hijacked@example.com");
    expect(await t.db.selectFrom("user_tokens").select("id").where("user_id", "=", a.id).where("used_at", "is", null).execute()).toEqual([]);
  });

  it("a password reset ends every other pending link of the account: an email change and a confirmation", async () => {
    const a = await account("reset.all@example.com", "the old password");
    await requestEmailChange(t.db, { userId: a.id, newEmail: "elsewhere@example.com", currentPassword: "the old password", links });
    const change = await linkToken("elsewhere@example.com", "/verify-email");
    await requestPasswordReset(t.db, { email: a.email, clientIp: ip, links });
    const reset = await linkToken(a.email, "/reset-password");
    expect(await resetPassword(t.db, { token: reset, newPassword: "the new password" })).toEqual({ ok: true, userId: a.id });
    expect(await verifyEmail(t.db, change)).toEqual({ ok: false, error: "invalid-token" });
    expect((await findAccountById(t.db, a.id))?.email).toBe("reset.all@example.com");

    // An unconfirmed account: its confirmation link ends too (the reset link proved the address).
    await signUp(t.db, { displayName: "Fresh", email: "fresh.reset@example.com", password: "analytical engine", clientIp: ip, links });
    const confirm = await linkToken("fresh.reset@example.com", "/verify-email");
    await requestPasswordReset(t.db, { email: "fresh.reset@example.com", clientIp: ip, links });
    const freshReset = await linkToken("fresh.reset@example.com", "/reset-password");
    expect(await resetPassword(t.db, { token: freshReset, newPassword: "another new password" })).toMatchObject({ ok: true });
    expect(await checkToken(t.db, confirm, "verify-email")).toBe(false);
  });

  it("changes the email only once the new address is verified, and verifies it again", async () => {
    const a = await account("old@example.com", "my password is long");
    expect(await requestEmailChange(t.db, { userId: a.id, newEmail: "new@example.com", currentPassword: "wrong", links })).toEqual({
      ok: false,
      error: "wrong-password",
    });
    expect(await requestEmailChange(t.db, { userId: a.id, newEmail: "OLD@example.com", currentPassword: "my password is long", links })).toEqual({
      ok: false,
      error: "same-email",
    });
    expect(await requestEmailChange(t.db, { userId: a.id, newEmail: "new@example.com", currentPassword: "my password is long", links })).toEqual({ ok: true });
    expect((await findAccountById(t.db, a.id))?.email).toBe("old@example.com");
    expect((await mails("old@example.com")).at(-1)?.subject).toMatch(/about to change/);
    const token = await linkToken("new@example.com", "/verify-email");
    expect(await verifyEmail(t.db, token)).toEqual({ ok: true, userId: a.id, email: "new@example.com", changed: true });
    const after = await findAccountById(t.db, a.id);
    expect(after).toMatchObject({ email: "new@example.com", emailVerified: true });
    expect(await logIn(t.db, { email: "new@example.com", password: "my password is long", clientIp: ip })).toMatchObject({ ok: true });
    expect(await logIn(t.db, { email: "old@example.com", password: "my password is long", clientIp: ip })).toMatchObject({ ok: false });
  });

  it("does not give one account's address to another, and does not say so to the asker", async () => {
    const a = await account("first@example.com", "my password is long");
    await account("second@example.com");
    expect(await requestEmailChange(t.db, { userId: a.id, newEmail: "second@example.com", currentPassword: "my password is long", links })).toEqual({ ok: true });
    expect((await mails("second@example.com")).at(-1)?.subject).toMatch(/tried to use your address/);
    expect(await t.db.selectFrom("user_tokens").select("id").execute()).toHaveLength(0);

    // Two pending changes to one address: the first to verify wins.
    const b = await account("third@example.com", "my password is long");
    await requestEmailChange(t.db, { userId: a.id, newEmail: "shared@example.com", currentPassword: "my password is long", links });
    const tokenA = await linkToken("shared@example.com", "/verify-email");
    await requestEmailChange(t.db, { userId: b.id, newEmail: "shared@example.com", currentPassword: "my password is long", links });
    const tokenB = await linkToken("shared@example.com", "/verify-email");
    expect(await verifyEmail(t.db, tokenB)).toMatchObject({ ok: true, userId: b.id });
    expect(await verifyEmail(t.db, tokenA)).toEqual({ ok: false, error: "email-taken" });
    expect((await findAccountById(t.db, a.id))?.email).toBe("first@example.com");
  });

  it("a new display name shows on the member's comments too", async () => {
    const a = await account();
    const article = await createArticle(t.db);
    const comment = await createComment(t.db, article.id, { userId: a.id, authorName: "Member", authorEmail: a.email });
    await changeDisplayName(t.db, { userId: a.id, displayName: "Renamed" });
    const row = await t.db.selectFrom("comments").select("author_name").where("id", "=", comment.commentId).executeTakeFirstOrThrow();
    expect(row.author_name).toBe("Renamed");
  });
});

describe("deleting an account", () => {
  it("needs the password; erases name, email and password; keeps the comments as [deleted]; ends sessions", async () => {
    const a = await account("leaving@example.com", "my password is long");
    const session = await sessionFor(a.id);
    const article = await createArticle(t.db);
    const comment = await createComment(t.db, article.id, { userId: a.id, authorName: "Leaving Person", authorEmail: a.email, authorUrl: "https://leaving.example.com" });
    await approveComment(t.db, { commentId: comment.commentId });
    await requestPasswordReset(t.db, { email: a.email, clientIp: ip, links });

    expect(await deleteAccount(t.db, { userId: a.id, currentPassword: "wrong" })).toEqual({ ok: false, error: "wrong-password" });
    expect(await signedIn(session)).toBe(true);
    expect(await deleteAccount(t.db, { userId: a.id, currentPassword: "my password is long" })).toEqual({ ok: true });

    const user = await t.db.selectFrom("users").selectAll().where("id", "=", a.id).executeTakeFirstOrThrow();
    expect(user).toMatchObject({ email: null, password_hash: null, display_name: "[deleted]", email_verified_at: null });
    expect(user.deleted_at).not.toBeNull();
    const row = await t.db.selectFrom("comments").selectAll().where("id", "=", comment.commentId).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ author_name: "[deleted]", author_email: "", author_url: "", user_id: null, status: "approved" });
    expect(row.body_markdown).toBeTruthy();
    expect(JSON.stringify(await t.db.selectFrom("comments").selectAll().execute())).not.toContain("leaving");
    expect(await signedIn(session)).toBe(false);
    expect(await t.db.selectFrom("user_tokens").select("id").execute()).toHaveLength(0);
    expect(await logIn(t.db, { email: a.email, password: "my password is long", clientIp: ip })).toMatchObject({ ok: false });
    expect(await getPublicProfile(t.db, a.id)).toBeNull();
    // The address is free for a new account.
    expect((await createUser(t.db, { email: a.email, displayName: "New", password: "another long one" })).ok).toBe(true);
  });
});
