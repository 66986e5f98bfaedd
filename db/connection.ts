// The connection factory. DATABASE_URL set: that server. Unset: the embedded
// PostgreSQL with its data under ./data/ (see db/embedded.ts).
import { Kysely, PostgresDialect } from "kysely";
import pg from "pg";
import type { Database } from "./schema";
import { resolveDataDir, startEmbeddedPostgres, type EmbeddedServer } from "./embedded";

// int8 (counts, sums) as a JS number: our counts stay far below 2^53.
pg.types.setTypeParser(20, (value) => Number.parseInt(value, 10));

export type DB = Kysely<Database>;

export interface PoolOptions {
  max?: number;
  applicationName?: string;
  /** Longest wait for a connection (a new one, or a free one from a busy pool), in ms; then the query fails. */
  connectionTimeoutMs?: number;
  /** Longest a statement may run or wait for a lock, in ms (0: no bound). */
  statementTimeoutMs?: number;
}

// Each Kysely instance's pool, for the job queue's own migrations (db/migrate.ts).
const pools = new WeakMap<object, pg.Pool>();

/** The pg pool under a database made by createDb (undefined for any other Kysely). */
export function poolOf(db: object): pg.Pool | undefined {
  return pools.get(db);
}

export function createDb(connectionString: string, options: PoolOptions = {}): DB {
  const pool = new pg.Pool({
    connectionString,
    max: options.max ?? 10,
    application_name: options.applicationName ?? "assay",
    // While the database is away nothing may hang: a request gets its 503 quickly
    // (see scripts/database-unavailable-http.ts) instead of queueing for ever.
    connectionTimeoutMillis: options.connectionTimeoutMs ?? 5_000,
    statement_timeout: options.statementTimeoutMs ?? 30_000,
    // A host that vanished without closing its connections (a failover) is noticed
    // by TCP keepalive probes, from 10 s of silence on, not after the OS's two hours.
    keepAlive: true,
    keepAliveInitialDelayMillis: 10_000,
  });
  // An idle connection can drop (the server restarts, a failover, shutdown): the
  // pool replaces it on the next query; without a listener it would crash the process.
  pool.on("error", (error) => {
    if ((error as { code?: string }).code !== "57P01") console.error(`[assay] idle database connection lost: ${error.message}`);
  });
  // A checked-out connection can drop too, between two queries of a transaction:
  // pg emits 'error' on the client, which pg-pool only listens for while it is idle.
  // The next query on it fails (and becomes a 503), and the pool discards it on release.
  pool.on("connect", (client) => {
    client.on("error", () => undefined);
  });
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  pools.set(db, pool);
  return db;
}

export const DEFAULT_DATA_DIR = "./data/postgres";
export const EMBEDDED_DATABASE = "assay";

export interface ResolvedDatabase {
  url: string;
  embedded: EmbeddedServer | null;
}

/**
 * Decide which PostgreSQL the app talks to: DATABASE_URL's, or the embedded server
 * of the data folder, joined if one runs (another command's, or one left over by a
 * crash), started if none does. The caller calls `embedded.stop()` when done: the
 * server stops when no other Assay process uses it.
 */
export async function resolveDatabase(env: NodeJS.ProcessEnv = process.env): Promise<ResolvedDatabase> {
  if (env.DATABASE_URL) return { url: env.DATABASE_URL, embedded: null };
  const dataDir = resolveDataDir(env.ASSAY_DATA_DIR ?? DEFAULT_DATA_DIR);
  const port = Number(env.EMBEDDED_PG_PORT ?? 54329);
  const embedded = await startEmbeddedPostgres({ dataDir, port });
  await embedded.createDatabase(EMBEDDED_DATABASE);
  return { url: embedded.urlFor(EMBEDDED_DATABASE), embedded };
}
