// The account flows: sign-up, log-in with its limits, email verification, password
// reset and the changes made at /account. Each takes `db` first and returns a typed
// result; routes only parse forms, call these and set cookies.
//
// Nothing here tells a stranger whether an address has an account: sign-up and
// "forgot password" answer the same either way (the mail says what happened), and
// a log-in with an unknown address fails like a wrong password, after as long.
import { sql } from "kysely";
import type { DB } from "../../db/connection";
import type { TokenPurpose } from "../../db/schema";
import { sendMail } from "./mail.server";
import { hashPassword, verifyPassword } from "../lib/passwords.server";
import { hashIp } from "./secrets.server";
import { generateToken, hashToken } from "../lib/tokens.server";
import { consumeRateLimit, refundRateLimit, resetRateLimit, type RateLimitRule } from "./rate-limits.server";
import { endOtherSessions } from "./sessions.server";
import { DELETED_NAME, findAccountByEmail, findAccountById } from "./users.server";

export const TOKEN_LIFETIME_SECONDS: Record<TokenPurpose, number> = {
  "verify-email": 24 * 60 * 60,
  "reset-password": 60 * 60,
};

/**
 * Failed log-ins (OWASP ASVS 2.2: no lock-out anyone else can trigger). An
 * (account, IP address) pair is refused for 15 minutes after 10 failures; one IP
 * address after 30 across accounts (a spray). The account itself is never locked:
 * past 10 failures in 15 minutes from anywhere, each attempt on it waits longer
 * first (see loginDelayMs), so its owner can still log in from their own address
 * while a guesser spread over many addresses is slowed to a crawl.
 */
export const LOGIN_LIMIT = { limit: 10, windowSeconds: 15 * 60 } as const;
export const LOGIN_IP_LIMIT = { limit: 30, windowSeconds: 15 * 60 } as const;
export const LOGIN_SLOWDOWN = { freeFailures: 10, firstDelayMs: 1000, maxDelayMs: 10_000, windowSeconds: 15 * 60 } as const;
/** Reset mails per address, sign-ups and reset requests per IP, verification mails per account. */
export const RESET_MAILS_PER_ADDRESS = { limit: 3, windowSeconds: 60 * 60 } as const;
export const PUBLIC_FORMS_PER_IP = { limit: 20, windowSeconds: 60 * 60 } as const;
export const VERIFICATION_MAILS_PER_ACCOUNT = { limit: 5, windowSeconds: 60 * 60 } as const;

/** Where links in mail point: the site's public origin, e.g. https://forum.example.com. */
export interface LinkBase {
  origin: string;
}

/** A rate-limit key that is not the address itself: a keyed hash of it. */
async function emailKey(db: DB, email: string): Promise<string> {
  return hashIp(db, `email:${email.trim().toLowerCase()}`);
}

async function ipKey(db: DB, clientIp: string): Promise<string> {
  return hashIp(db, clientIp);
}

function link(base: LinkBase, path: string, token: string): string {
  const url = new URL(path, base.origin);
  url.searchParams.set("token", token);
  return url.toString();
}

// --- tokens --------------------------------------------------------------------

/** A new single-use link token for a user; earlier unused ones of the same purpose stop working. */
export async function issueToken(db: DB, input: { userId: number; purpose: TokenPurpose; email: string }): Promise<string> {
  const { token, tokenHash } = generateToken();
  await db.transaction().execute(async (trx) => {
    await trx
      .deleteFrom("user_tokens")
      .where("user_id", "=", input.userId)
      .where("purpose", "=", input.purpose)
      .where("used_at", "is", null)
      .execute();
    await trx
      .insertInto("user_tokens")
      .values({
        user_id: input.userId,
        purpose: input.purpose,
        token_hash: tokenHash,
        email: input.email,
        expires_at: sql<Date>`now() + make_interval(secs => ${TOKEN_LIFETIME_SECONDS[input.purpose]})`,
      })
      .execute();
  });
  return token;
}

/**
 * End every unused link of an account, whatever it was for (a reset, a pending
 * email change, a confirmation): after a password reset or change, a link mailed
 * before it (perhaps to an attacker's address) must not work any more.
 */
export async function endPendingTokens(db: DB, userId: number): Promise<void> {
  await db.deleteFrom("user_tokens").where("user_id", "=", userId).where("used_at", "is", null).execute();
}

/** Is this token usable (not used, not expired)? Does not use it up. */
export async function checkToken(db: DB, token: string, purpose: TokenPurpose): Promise<boolean> {
  if (!token) return false;
  const row = await db
    .selectFrom("user_tokens")
    .innerJoin("users", "users.id", "user_tokens.user_id")
    .select("user_tokens.id")
    .where("user_tokens.token_hash", "=", hashToken(token))
    .where("user_tokens.purpose", "=", purpose)
    .where("user_tokens.used_at", "is", null)
    .where("user_tokens.expires_at", ">", sql<Date>`now()`)
    .where("users.deleted_at", "is", null)
    .executeTakeFirst();
  return Boolean(row);
}

/** Use a token up, in one statement: of two requests racing, only one gets it. */
async function consumeToken(db: DB, token: string, purpose: TokenPurpose): Promise<{ userId: number; email: string } | null> {
  if (!token) return null;
  const row = await db
    .updateTable("user_tokens")
    .set({ used_at: sql<Date>`now()` })
    .where("token_hash", "=", hashToken(token))
    .where("purpose", "=", purpose)
    .where("used_at", "is", null)
    .where("expires_at", ">", sql<Date>`now()`)
    .returning(["user_id", "email"])
    .executeTakeFirst();
  return row ? { userId: row.user_id, email: row.email } : null;
}

// --- sign-up -------------------------------------------------------------------

export type SignUpResult = { ok: true; userId: number | null } | { ok: false; error: "rate-limited"; retryAfterSeconds: number };

/**
 * Create an account and mail a verification link. When the address already has
 * an account, nothing is created and its owner is told by mail instead; the
 * caller answers the same in both cases.
 */
export async function signUp(
  db: DB,
  input: { displayName: string; email: string; password: string; clientIp: string; links: LinkBase },
): Promise<SignUpResult> {
  const perIp = await consumeRateLimit(db, { bucket: "signup-ip", key: await ipKey(db, input.clientIp), ...PUBLIC_FORMS_PER_IP });
  if (!perIp.allowed) return { ok: false, error: "rate-limited", retryAfterSeconds: perIp.retryAfterSeconds };
  const email = input.email.trim();
  const passwordHash = await hashPassword(input.password);
  const created = await db
    .insertInto("users")
    .values({ email, display_name: input.displayName.trim(), password_hash: passwordHash, role: "member" })
    .onConflict((oc) => oc.expression(sql`lower(email)`).doNothing())
    .returning("id")
    .executeTakeFirst();
  if (!created) {
    const existing = await findAccountByEmail(db, email);
    if (existing) {
      await sendMail(db, {
        to: existing.email,
        subject: "Someone tried to sign up to Assay with your address",
        text: [
          `Hello ${existing.displayName},`,
          "",
          "Someone (perhaps you) tried to create an Assay account with this email address, which already has one.",
          `If it was you, log in here: ${new URL("/login", input.links.origin).toString()}`,
          `Forgot your password? Choose a new one here: ${new URL("/forgot-password", input.links.origin).toString()}`,
          "",
          "If it was not you, you can ignore this message: nothing was changed.",
        ].join("\n"),
      });
    }
    return { ok: true, userId: null };
  }
  await sendVerificationMail(db, { userId: created.id, email, displayName: input.displayName.trim(), links: input.links });
  return { ok: true, userId: created.id };
}

async function sendVerificationMail(db: DB, input: { userId: number; email: string; displayName: string; links: LinkBase }) {
  const token = await issueToken(db, { userId: input.userId, purpose: "verify-email", email: input.email });
  await sendMail(db, {
    to: input.email,
    subject: "Confirm your email address for Assay",
    text: [
      `Hello ${input.displayName},`,
      "",
      "Please confirm that this is your email address by opening this link (it works once, for 24 hours):",
      link(input.links, "/verify-email", token),
      "",
      "If you did not ask for this, you can ignore this message.",
    ].join("\n"),
  });
}

export type ResendVerificationResult =
  | { ok: true }
  | { ok: false; error: "already-verified" | "not-found" }
  | { ok: false; error: "rate-limited"; retryAfterSeconds: number };

/** Mail a new verification link to the account's current address. */
export async function resendVerification(db: DB, input: { userId: number; links: LinkBase }): Promise<ResendVerificationResult> {
  const account = await findAccountById(db, input.userId);
  if (!account) return { ok: false, error: "not-found" };
  if (account.emailVerified) return { ok: false, error: "already-verified" };
  const limit = await consumeRateLimit(db, {
    bucket: "verify-mail-user",
    key: String(account.id),
    ...VERIFICATION_MAILS_PER_ACCOUNT,
  });
  if (!limit.allowed) return { ok: false, error: "rate-limited", retryAfterSeconds: limit.retryAfterSeconds };
  await sendVerificationMail(db, {
    userId: account.id,
    email: account.email,
    displayName: account.displayName,
    links: input.links,
  });
  return { ok: true };
}

export type VerifyEmailResult =
  | { ok: true; userId: number; email: string; changed: boolean }
  | { ok: false; error: "invalid-token" | "email-taken" };

/**
 * Follow a verification link: the address it was sent to becomes the account's
 * verified address (for an email change, that is when the new address takes effect).
 */
export async function verifyEmail(db: DB, token: string): Promise<VerifyEmailResult> {
  try {
    return await db.transaction().execute(async (trx) => {
      const used = await consumeToken(trx, token, "verify-email");
      if (!used) return { ok: false, error: "invalid-token" } as const;
      const user = await trx
        .selectFrom("users")
        .select(["id", "email"])
        .where("id", "=", used.userId)
        .where("deleted_at", "is", null)
        .forUpdate()
        .executeTakeFirst();
      if (!user?.email) return { ok: false, error: "invalid-token" } as const;
      const changed = user.email.toLowerCase() !== used.email.toLowerCase();
      if (changed) {
        const taken = await trx
          .selectFrom("users")
          .select("id")
          .where(sql`lower(email)`, "=", used.email.toLowerCase())
          .where("id", "<>", user.id)
          .executeTakeFirst();
        if (taken) return { ok: false, error: "email-taken" } as const;
        // Reset links went to the old address: they stop working.
        await trx.deleteFrom("user_tokens").where("user_id", "=", user.id).where("purpose", "=", "reset-password").execute();
        // The member's comments are signed with the address moderators see.
        await trx.updateTable("comments").set({ author_email: used.email }).where("user_id", "=", user.id).execute();
      }
      await trx
        .updateTable("users")
        .set({ email: used.email, email_verified_at: sql<Date>`now()` })
        .where("id", "=", user.id)
        .execute();
      return { ok: true, userId: user.id, email: used.email, changed } as const;
    });
  } catch (error) {
    // Two accounts verifying the same new address at once: the unique index decides.
    if ((error as { code?: string }).code === "23505") return { ok: false, error: "email-taken" };
    throw error;
  }
}

// --- log-in --------------------------------------------------------------------

export type LogInResult =
  | { ok: true; userId: number }
  | { ok: false; error: "invalid-credentials" }
  | { ok: false; error: "rate-limited"; retryAfterSeconds: number };

function loginRules(emailHash: string, ipHash: string): { pair: RateLimitRule; ip: RateLimitRule; account: RateLimitRule } {
  return {
    pair: { bucket: "login-account-ip", key: `${emailHash}:${ipHash}`, ...LOGIN_LIMIT },
    ip: { bucket: "login-ip", key: ipHash, ...LOGIN_IP_LIMIT },
    // Never refuses (the limit is out of reach): it only counts, for the slow-down.
    account: { bucket: "login-account", key: emailHash, limit: 1_000_000, windowSeconds: LOGIN_SLOWDOWN.windowSeconds },
  };
}

/** How long an attempt waits when the account already had `failures` failed log-ins in the window. */
export function loginDelayMs(failures: number): number {
  const over = failures - LOGIN_SLOWDOWN.freeFailures;
  if (over < 0) return 0;
  return Math.min(LOGIN_SLOWDOWN.maxDelayMs, LOGIN_SLOWDOWN.firstDelayMs * 2 ** Math.min(over, 16));
}

export interface LogInOptions {
  /** How the slow-down waits (tests pass a recorder instead of real time). */
  sleep?: (ms: number) => Promise<void>;
}

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Forget an account's failed log-ins, from every address (a good log-in, a password reset). */
async function clearLoginFailures(db: DB, emailHash: string): Promise<void> {
  await resetRateLimit(db, { bucket: "login-account", key: emailHash });
  await db.deleteFrom("rate_limits").where("bucket", "=", "login-account-ip").where(sql<boolean>`starts_with(key, ${`${emailHash}:`})`).execute();
}

/**
 * Check an email and password. Every attempt is counted first (in one statement
 * per limit, so parallel attempts cannot slip past); a good one gives its counts
 * back, so only failures add up. A locked (account, address) pair or address is
 * refused without checking the password; an account with many recent failures
 * is slowed down, never locked. An unknown address is counted, slowed and
 * hashed against like a known one.
 */
export async function logIn(
  db: DB,
  input: { email: string; password: string; clientIp: string },
  options: LogInOptions = {},
): Promise<LogInResult> {
  const emailHash = await emailKey(db, input.email);
  const rules = loginRules(emailHash, await ipKey(db, input.clientIp));
  const [perPair, perIp, perAccount] = await Promise.all([
    consumeRateLimit(db, rules.pair),
    consumeRateLimit(db, rules.ip),
    consumeRateLimit(db, rules.account),
  ]);
  if (!perPair.allowed || !perIp.allowed) {
    return { ok: false, error: "rate-limited", retryAfterSeconds: Math.max(perPair.retryAfterSeconds, perIp.retryAfterSeconds) };
  }
  // The attempts before this one (parallel ones included: each counted first).
  const delay = loginDelayMs(perAccount.count - 1);
  if (delay > 0) await (options.sleep ?? realSleep)(delay);
  const account = await findAccountByEmail(db, input.email);
  const good = await verifyPassword(account?.passwordHash, input.password);
  if (!account || !good) return { ok: false, error: "invalid-credentials" };
  await Promise.all([clearLoginFailures(db, emailHash), refundRateLimit(db, rules.ip)]);
  return { ok: true, userId: account.id };
}

// --- password reset ------------------------------------------------------------

export type PasswordResetRequestResult = { ok: true } | { ok: false; error: "rate-limited"; retryAfterSeconds: number };

/**
 * "Forgot your password?": mail a reset link when the address has an account.
 * The answer is the same for an unknown address (only a flood from one IP
 * address is told to wait, which says nothing about any account).
 */
export async function requestPasswordReset(
  db: DB,
  input: { email: string; clientIp: string; links: LinkBase },
): Promise<PasswordResetRequestResult> {
  const perIp = await consumeRateLimit(db, { bucket: "reset-ip", key: await ipKey(db, input.clientIp), ...PUBLIC_FORMS_PER_IP });
  if (!perIp.allowed) return { ok: false, error: "rate-limited", retryAfterSeconds: perIp.retryAfterSeconds };
  const perAddress = await consumeRateLimit(db, {
    bucket: "reset-address",
    key: await emailKey(db, input.email),
    ...RESET_MAILS_PER_ADDRESS,
  });
  const account = await findAccountByEmail(db, input.email);
  if (!account || !perAddress.allowed) return { ok: true };
  const token = await issueToken(db, { userId: account.id, purpose: "reset-password", email: account.email });
  await sendMail(db, {
    to: account.email,
    subject: "Choose a new password for Assay",
    text: [
      `Hello ${account.displayName},`,
      "",
      "Someone (we hope you) asked to reset the password of your Assay account. Choose a new one here (the link works once, for one hour):",
      link(input.links, "/reset-password", token),
      "",
      "If you did not ask for this, you can ignore this message: your password stays as it is.",
    ].join("\n"),
  });
  return { ok: true };
}

export type ResetPasswordResult = { ok: true; userId: number } | { ok: false; error: "invalid-token" };

/** Set a new password through a reset link. Every session of the account ends. */
export async function resetPassword(db: DB, input: { token: string; newPassword: string }): Promise<ResetPasswordResult> {
  const passwordHash = await hashPassword(input.newPassword);
  return db.transaction().execute(async (trx) => {
    const used = await consumeToken(trx, input.token, "reset-password");
    if (!used) return { ok: false, error: "invalid-token" } as const;
    const user = await trx
      .updateTable("users")
      .set({
        password_hash: passwordHash,
        // The link reached this address, which proves it is theirs.
        email_verified_at: sql<Date>`case when lower(email) = lower(${used.email}) then coalesce(email_verified_at, now()) else email_verified_at end`,
      })
      .where("id", "=", used.userId)
      .where("deleted_at", "is", null)
      .returning("id")
      .executeTakeFirst();
    if (!user) return { ok: false, error: "invalid-token" } as const;
    await endOtherSessions(trx, user.id, null);
    await endPendingTokens(trx, user.id);
    await clearLoginFailures(trx, await emailKey(trx, used.email));
    return { ok: true, userId: user.id } as const;
  });
}

// --- /account ------------------------------------------------------------------

export async function changeDisplayName(db: DB, input: { userId: number; displayName: string }): Promise<boolean> {
  const name = input.displayName.trim();
  return db.transaction().execute(async (trx) => {
    const result = await trx
      .updateTable("users")
      .set({ display_name: name })
      .where("id", "=", input.userId)
      .where("deleted_at", "is", null)
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) === 0) return false;
    // A member's comments are signed with their current name.
    await trx.updateTable("comments").set({ author_name: name }).where("user_id", "=", input.userId).execute();
    return true;
  });
}

export type ChangePasswordResult = { ok: true; endedSessions: number } | { ok: false; error: "wrong-password" | "not-found" };

/** Change the password (the current one is required); every other session ends. */
export async function changePassword(
  db: DB,
  input: { userId: number; currentPassword: string; newPassword: string; keepSessionToken: string | null },
): Promise<ChangePasswordResult> {
  const account = await findAccountById(db, input.userId);
  if (!account) return { ok: false, error: "not-found" };
  if (!(await verifyPassword(account.passwordHash, input.currentPassword))) return { ok: false, error: "wrong-password" };
  const passwordHash = await hashPassword(input.newPassword);
  return db.transaction().execute(async (trx) => {
    await trx.updateTable("users").set({ password_hash: passwordHash }).where("id", "=", account.id).execute();
    await endPendingTokens(trx, account.id);
    const endedSessions = await endOtherSessions(trx, account.id, input.keepSessionToken);
    return { ok: true, endedSessions } as const;
  });
}

export type ChangeEmailResult = { ok: true } | { ok: false; error: "wrong-password" | "same-email" | "not-found" };

/**
 * Ask to change the address: a verification link goes to the new one, and the
 * change happens only when it is followed. The answer is the same when the new
 * address belongs to another account (its owner gets a note instead).
 */
export async function requestEmailChange(
  db: DB,
  input: { userId: number; newEmail: string; currentPassword: string; links: LinkBase },
): Promise<ChangeEmailResult> {
  const account = await findAccountById(db, input.userId);
  if (!account) return { ok: false, error: "not-found" };
  if (!(await verifyPassword(account.passwordHash, input.currentPassword))) return { ok: false, error: "wrong-password" };
  const newEmail = input.newEmail.trim();
  if (newEmail.toLowerCase() === account.email.toLowerCase()) return { ok: false, error: "same-email" };
  const owner = await findAccountByEmail(db, newEmail);
  if (owner) {
    await sendMail(db, {
      to: owner.email,
      subject: "Someone tried to use your address on Assay",
      text: [
        `Hello ${owner.displayName},`,
        "",
        "Another Assay account asked to change its email address to this one. Your account already uses it, so nothing was changed.",
        "If you have questions, reply to the site's editors.",
      ].join("\n"),
    });
    return { ok: true };
  }
  const token = await issueToken(db, { userId: account.id, purpose: "verify-email", email: newEmail });
  await sendMail(db, {
    to: newEmail,
    subject: "Confirm your new email address for Assay",
    text: [
      `Hello ${account.displayName},`,
      "",
      "Please confirm that this is your new email address by opening this link (it works once, for 24 hours):",
      link(input.links, "/verify-email", token),
      "",
      "Until then your account keeps its current address. If you did not ask for this, you can ignore this message.",
    ].join("\n"),
  });
  await sendMail(db, {
    to: account.email,
    subject: "Your Assay email address is about to change",
    text: [
      `Hello ${account.displayName},`,
      "",
      "Someone signed in to your account asked to change its email address. It changes only once the new address is confirmed.",
      `If this was not you, change your password now: ${new URL("/account", input.links.origin).toString()}`,
    ].join("\n"),
  });
  return { ok: true };
}

export type DeleteAccountResult = { ok: true } | { ok: false; error: "wrong-password" | "not-found" };

/**
 * Delete an account: its comments stay in their threads, signed "[deleted]"; the
 * name, the email address and the password are erased, and every session and
 * link ends. The row stays (with deleted_at) so ids are never reused.
 */
export async function deleteAccount(db: DB, input: { userId: number; currentPassword: string }): Promise<DeleteAccountResult> {
  const account = await findAccountById(db, input.userId);
  if (!account) return { ok: false, error: "not-found" };
  if (!(await verifyPassword(account.passwordHash, input.currentPassword))) return { ok: false, error: "wrong-password" };
  await eraseAccount(db, account.id);
  return { ok: true };
}

/** The erasure itself (also for administrators, later). */
export async function eraseAccount(db: DB, userId: number): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await trx
      .updateTable("comments")
      .set({ author_name: DELETED_NAME, author_email: "", author_url: "", user_id: null, updated_at: new Date() })
      .where("user_id", "=", userId)
      .execute();
    await trx.deleteFrom("sessions").where("user_id", "=", userId).execute();
    await trx.deleteFrom("user_tokens").where("user_id", "=", userId).execute();
    await trx
      .updateTable("users")
      .set({
        email: null,
        password_hash: null,
        display_name: DELETED_NAME,
        email_verified_at: null,
        deleted_at: sql<Date>`now()`,
      })
      .where("id", "=", userId)
      .where("deleted_at", "is", null)
      .execute();
  });
}
