// Rate limits counted in PostgreSQL, so every app instance behind a load balancer
// shares the same counts. A limit is a fixed window per (bucket, key): the first
// hit opens a window of `windowSeconds`; hits inside it are counted; once it has
// passed, the next hit opens a new one. Each change is one upsert statement, so
// concurrent requests (from any instance) never lose a count.
//
// Keys should not be personal data in clear: pass a keyed hash (see hashIp in
// app/models/secrets.server.ts) of an IP address or an email address.
// Every function takes `db` first: the database or a transaction (a Transaction is a Kysely).
import { sql } from "kysely";
import type { DB } from "../../db/connection";

export interface RateLimitRule {
  /** What is limited, e.g. "login-ip" or "comment-post". */
  bucket: string;
  /** Whom it is limited for, e.g. a hashed IP address or a user id. */
  key: string;
  /** How many hits a window allows. */
  limit: number;
  windowSeconds: number;
}

export interface RateLimitResult {
  /** True while `count` is within `limit`. */
  allowed: boolean;
  /** Hits counted in the current window, this one included (for peek: so far). */
  count: number;
  /** Seconds until the window ends (0 when allowed, or when no window is open). */
  retryAfterSeconds: number;
}

interface CounterRow {
  count: number;
  seconds_left: number;
}

function toResult(rule: RateLimitRule, row: CounterRow | undefined): RateLimitResult {
  const count = row?.count ?? 0;
  const allowed = count <= rule.limit;
  return { allowed, count, retryAfterSeconds: allowed || !row ? 0 : Math.max(1, Math.ceil(row.seconds_left)) };
}

function checkRule(rule: RateLimitRule) {
  if (!Number.isInteger(rule.limit) || rule.limit < 0)
    throw new Error(`Rate limit ${rule.bucket}: limit must be a whole number ≥ 0`);
  if (!Number.isInteger(rule.windowSeconds) || rule.windowSeconds < 1) {
    throw new Error(`Rate limit ${rule.bucket}: windowSeconds must be a whole number ≥ 1`);
  }
}

/** Count one hit and say whether it is allowed. One statement: safe under any concurrency. */
export async function consumeRateLimit(db: DB, rule: RateLimitRule): Promise<RateLimitResult> {
  checkRule(rule);
  const window = sql`make_interval(secs => ${rule.windowSeconds})`;
  const { rows } = await sql<CounterRow>`
    insert into rate_limits as r (bucket, key, count, window_started_at, expires_at)
    values (${rule.bucket}, ${rule.key}, 1, now(), now() + ${window})
    on conflict (bucket, key) do update set
      count = case when r.expires_at <= now() then 1 else r.count + 1 end,
      window_started_at = case when r.expires_at <= now() then now() else r.window_started_at end,
      expires_at = case when r.expires_at <= now() then now() + ${window} else r.expires_at end
    returning count, extract(epoch from (expires_at - now()))::float8 as seconds_left
  `.execute(db);
  // Now and then, clear windows that ended long ago (any instance may do it).
  if (Math.random() < 0.01) await pruneRateLimits(db);
  return toResult(rule, rows[0]);
}

/** The current count without counting a hit. */
export async function peekRateLimit(db: DB, rule: RateLimitRule): Promise<RateLimitResult> {
  checkRule(rule);
  const row = await db
    .selectFrom("rate_limits")
    .select(["count", sql<number>`extract(epoch from (expires_at - now()))::float8`.as("seconds_left")])
    .where("bucket", "=", rule.bucket)
    .where("key", "=", rule.key)
    .where("expires_at", ">", sql<Date>`now()`)
    .executeTakeFirst();
  return toResult(rule, row);
}

/** Give back one hit (e.g. a log-in attempt that succeeded). Never below zero. */
export async function refundRateLimit(db: DB, rule: Pick<RateLimitRule, "bucket" | "key">): Promise<void> {
  await db
    .updateTable("rate_limits")
    .set({ count: sql<number>`greatest(count - 1, 0)` })
    .where("bucket", "=", rule.bucket)
    .where("key", "=", rule.key)
    .where("expires_at", ">", sql<Date>`now()`)
    .execute();
}

/** Forget the counts of one key (e.g. an account's failed log-ins after a good one). */
export async function resetRateLimit(db: DB, rule: Pick<RateLimitRule, "bucket" | "key">): Promise<void> {
  await db.deleteFrom("rate_limits").where("bucket", "=", rule.bucket).where("key", "=", rule.key).execute();
}

/** Delete windows that have ended. */
export async function pruneRateLimits(db: DB): Promise<number> {
  const result = await db
    .deleteFrom("rate_limits")
    .where("expires_at", "<=", sql<Date>`now()`)
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}
