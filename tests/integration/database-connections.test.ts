// The pool's connections when the server cuts them: a connection checked out (in a
// transaction, say) and idle between two queries when PostgreSQL ends it must
// fail the next query, not crash the process with an unhandled 'error', and the
// pool must replace it. Waits are bounded: a busy pool or a long statement fails
// with an error that counts as "database unavailable" (a 503), not a hang.
import { sql } from "kysely";
import { afterEach, describe, expect, it } from "vitest";
import { createDb, type DB } from "../../db/connection";
import { isDatabaseUnavailable } from "~/lib/database-unavailable.server";
import { useTestDatabase } from "../support/db";
import { createArticle } from "../support/factories";

const t = useTestDatabase();
const pools: DB[] = [];
afterEach(async () => {
  for (const db of pools.splice(0)) await db.destroy();
});

function pool(options: Parameters<typeof createDb>[1]): DB {
  const db = createDb(t.url, options);
  pools.push(db);
  return db;
}

/** End one backend from another connection, and wait until its notice has reached the idle client. */
async function terminate(pid: number): Promise<void> {
  await sql`select pg_terminate_backend(${pid})`.execute(t.db);
  for (let i = 0; i < 200; i++) {
    const { rows } = await sql<{ n: number }>`select count(*)::int as n from pg_stat_activity where pid = ${pid}`.execute(t.db);
    if (rows[0]!.n === 0) break;
    await new Promise((r) => setTimeout(r, 25));
  }
  // The backend is gone; its FATAL message is in our socket: let the event loop read it while no query runs.
  await new Promise((r) => setTimeout(r, 200));
}

const backendPid = async (db: Pick<DB, "getExecutor">) =>
  (await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(db as DB)).rows[0]!.pid;

describe("a connection cut while it is checked out", () => {
  it("fails its next query (as 'database unavailable'), and the pool replaces it", async () => {
    const db = pool({ max: 1 });
    let failure: unknown;
    await db.connection().execute(async (connection) => {
      await terminate(await backendPid(connection));
      failure = await sql`select 1`.execute(connection).then(
        () => null,
        (error: unknown) => error,
      );
    });
    expect(failure).toBeInstanceOf(Error);
    expect(isDatabaseUnavailable(failure)).toBe(true);
    // The only connection of this pool was the broken one: a new one serves this.
    const { rows } = await sql<{ one: number }>`select 1 as one`.execute(db);
    expect(rows).toEqual([{ one: 1 }]);
  });

  it("in a transaction: the transaction fails, nothing of it is stored, the next one works", async () => {
    const db = pool({ max: 1 });
    const article = await createArticle(t.db, { title: "Before" });
    const attempt = db.transaction().execute(async (trx) => {
      await trx.updateTable("articles").set({ title: "Half-done" }).where("id", "=", article.id).execute();
      await terminate(await backendPid(trx));
      await trx.updateTable("articles").set({ title: "Done" }).where("id", "=", article.id).execute();
    });
    const failure = await attempt.then(
      () => null,
      (error: unknown) => error,
    );
    expect(isDatabaseUnavailable(failure)).toBe(true);
    const row = await db.selectFrom("articles").select("title").where("id", "=", article.id).executeTakeFirstOrThrow();
    expect(row.title).toBe("Before");
  });
});

describe("bounded waits", () => {
  it("a query waiting for a connection of a busy pool fails after connectionTimeoutMs", async () => {
    const db = pool({ max: 1, connectionTimeoutMs: 200 });
    let failure: unknown;
    await db.connection().execute(async () => {
      failure = await sql`select 1`.execute(db).then(
        () => null,
        (error: unknown) => error,
      );
    });
    expect(String(failure)).toMatch(/timeout exceeded when trying to connect/);
    expect(isDatabaseUnavailable(failure)).toBe(true);
  });

  it("a statement (or a lock wait) longer than statementTimeoutMs is cancelled", async () => {
    const db = pool({ max: 1, statementTimeoutMs: 100 });
    const failure = await sql`select pg_sleep(5)`.execute(db).then(
      () => null,
      (error: unknown) => error,
    );
    expect((failure as { code?: string }).code).toBe("57014");
    const { rows } = await sql<{ setting: string }>`select current_setting('statement_timeout') as setting`.execute(db);
    expect(rows[0]!.setting).toBe("100ms");
  });
});
