// What "the database is away" looks like from here, and what a request gets then:
// a 503 with Retry-After instead of a 500. PostgreSQL restarts, fails over, or
// has every connection cut; the pool reconnects on the next query, so a reader
// who tries again a few seconds later is served normally.
import { DATABASE_UNAVAILABLE_TEXT } from "./database-unavailable";

/** Seconds a client is asked to wait before trying again. */
export const DATABASE_RETRY_AFTER_SECONDS = 5;

// SQLSTATE classes and codes that mean "not now" rather than "this query is wrong":
// 08 connection exceptions, 57P01-57P05 shutdown / crash / starting up, 53300 too
// many connections, 57014 statement timeout (a statement outlived its bound).
const UNAVAILABLE_SQLSTATES = new Set(["57P01", "57P02", "57P03", "57P04", "57P05", "53300", "57014"]);
// Node's socket errors on connecting to, or talking with, a server that is gone.
const UNAVAILABLE_SYSCALL_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "EPIPE", "ETIMEDOUT", "EHOSTUNREACH", "ENETUNREACH", "EAI_AGAIN"]);
// node-postgres and pg-pool say it in words only.
const UNAVAILABLE_MESSAGES = [
  /^Connection terminated/, // "… unexpectedly", "… due to connection timeout"
  /is not queryable/, // a client that lost its connection while checked out
  /^timeout exceeded when trying to connect/, // pg-pool's connectionTimeoutMillis
  /^Query read timeout/,
];

/** True when `error` says PostgreSQL cannot be reached just now (not that a query was wrong). */
export function isDatabaseUnavailable(error: unknown, depth = 0): boolean {
  if (depth > 3 || typeof error !== "object" || error === null) return false;
  const { code, message, errors, cause } = error as { code?: unknown; message?: unknown; errors?: unknown; cause?: unknown };
  if (typeof code === "string") {
    if (code.startsWith("08") && code.length === 5) return true;
    if (UNAVAILABLE_SQLSTATES.has(code) || UNAVAILABLE_SYSCALL_CODES.has(code)) return true;
  }
  if (typeof message === "string" && UNAVAILABLE_MESSAGES.some((pattern) => pattern.test(message))) return true;
  // Connecting to "localhost" tries each address: Node reports an AggregateError of them.
  if (Array.isArray(errors) && errors.length > 0 && errors.every((e) => isDatabaseUnavailable(e, depth + 1))) return true;
  return cause !== undefined && isDatabaseUnavailable(cause, depth + 1);
}

export function retryAfterHeaders(): Record<string, string> {
  return { "Retry-After": String(DATABASE_RETRY_AFTER_SECONDS), "Cache-Control": "no-store" };
}

/** The 503 a loader or action throws in place of a database error (Remix renders the error page for documents). */
export function databaseUnavailableResponse(): Response {
  return new Response(DATABASE_UNAVAILABLE_TEXT, {
    status: 503,
    statusText: "Service Unavailable",
    headers: { ...retryAfterHeaders(), "Content-Type": "text/plain; charset=utf-8" },
  });
}

/**
 * For `process.on("unhandledRejection")`: a promise some library dropped that failed
 * only because PostgreSQL was away (graphile-worker 0.17 does not await its
 * completeJob, so a restart mid-job rejects with nobody listening) is logged, not
 * a reason to exit. Anything else is thrown again, and Node exits on it as it
 * would have without us.
 */
export function onUnhandledRejection(log: (line: string) => void = console.warn) {
  return (reason: unknown): void => {
    if (!isDatabaseUnavailable(reason)) throw reason;
    log(`[assay] the database was away for a background step (${reason instanceof Error ? reason.message : String(reason)}); carrying on`);
  };
}
