// `npm start` (compiled: build/server/start.js, see scripts/build-server.ts): the
// database (embedded unless DATABASE_URL is set), migrations, the seed where it
// belongs, the job worker, then the forum on PORT (3000). WEB_CONCURRENCY=N (N > 1)
// makes this process the primary of N web processes on that one port (Node's
// cluster): it prepares the database once, runs the one job worker, forks the web
// processes, starts another when one dies, and stops them all on SIGTERM/SIGINT.
import cluster, { type Worker as ClusterWorker } from "node:cluster";
import type { Server } from "node:http";
import os from "node:os";
import { broadcastDevReady } from "@remix-run/node";
import { createDb, resolveDatabase, type DB } from "../db/connection";
import type { EmbeddedServer } from "../db/embedded";
import { migrateToLatest } from "../db/migrate";
import { demoAccountsWanted, seed, seedDemoAccounts } from "../db/seed";
import { isDatabaseUnavailable, onUnhandledRejection } from "../app/lib/database-unavailable.server";
import { startWorker } from "../app/jobs/worker.server";
import { workerConcurrency } from "../app/models/mail-fanout.server";
import { createApp, loadBuild, startCaches, type Caches } from "./server";
import { startBenchStats } from "./bench-stats-hook";

// Whether production was asked for, before NODE_ENV is settled below (the demo accounts depend on it).
const requestedNodeEnv = process.env.NODE_ENV;
const mode = process.env.NODE_ENV === "development" ? "development" : "production";
process.env.NODE_ENV = mode;

const SHUTDOWN_GRACE_MS = 10_000;
const port = Number(process.env.PORT ?? 3000);
const host = process.env.HOST ?? "0.0.0.0";
type JobWorker = Awaited<ReturnType<typeof startWorker>>;

/** WEB_CONCURRENCY: how many web processes (a whole number, at least 1; unset: 1). */
function webConcurrency(value: string | undefined): number {
  if (value === undefined || value.trim() === "") return 1;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new Error(`WEB_CONCURRENCY must be a whole number of processes, at least 1 (it is "${value}")`);
  return n;
}

const exitCodeOf = (signal: NodeJS.Signals | "error") => (signal === "error" ? 1 : 0);
const describeError = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** Stop accepting and wait for the requests in flight; after `graceMs`, cut what is left. */
function closeServer(server: Server, graceMs: number): Promise<void> {
  return new Promise((resolve) => {
    // Keep-alive connections between requests would hold close() open: end each as it goes idle.
    const idle = setInterval(() => server.closeIdleConnections(), 100);
    const cut = setTimeout(() => server.closeAllConnections(), graceMs);
    server.close(() => {
      clearInterval(idle);
      clearTimeout(cut);
      resolve();
    });
    server.closeIdleConnections();
  });
}

/**
 * Signals, the way a terminal and a supervisor send them. The first SIGTERM or SIGINT
 * runs `stop` (a graceful shutdown) and exits with what it returns. A second one exits
 * at once; but one terminal Ctrl-C reaches us twice, from the terminal and relayed by
 * npm, so a repeat within a second is the same one.
 */
function onShutdownSignals(stop: (signal: NodeJS.Signals | "error") => Promise<void>, onRepeat: () => void = () => undefined) {
  let closingSince = 0;
  const shutdown = async (signal: NodeJS.Signals | "error") => {
    if (closingSince) {
      if (Date.now() - closingSince < 1_000) return;
      console.log(`[assay] ${signal} again: exiting now`);
      onRepeat();
      process.exit(signal === "error" ? 1 : 128 + (os.constants.signals[signal] ?? 0));
    }
    closingSince = Date.now();
    console.log(`[assay] ${signal}: shutting down (finishing requests in flight, at most ${SHUTDOWN_GRACE_MS / 1000} s)`);
    await stop(signal);
    process.exit(exitCodeOf(signal));
  };
  process.on("SIGINT", () => void shutdown("SIGINT"));
  process.on("SIGTERM", () => void shutdown("SIGTERM"));
  return { shutdown, closing: () => closingSince !== 0 };
}

/**
 * Migrations (waiting for a database that is not up yet), then the demo content and
 * accounts where they belong. Done once, by the only or the primary process.
 */
async function prepareDatabase(db: DB, embedded: EmbeddedServer | null, closing: () => boolean): Promise<void> {
  // A database that is not up yet (a container starting beside us, a failover in
  // progress) is waited for, not a reason to exit: try again every 2 s, say so every 10 s.
  let applied: string[] = [];
  for (let attempt = 0; ; attempt++) {
    try {
      applied = await migrateToLatest(db);
      break;
    } catch (error) {
      if (!isDatabaseUnavailable(error) || closing()) throw error;
      if (attempt % 5 === 0) console.warn(`[assay] waiting for the database (${describeError(error)})`);
      await new Promise((resolve) => setTimeout(resolve, 2_000));
    }
  }
  if (applied.length) console.log(`[assay] migrations applied: ${applied.join(", ")}`);
  // Demo content belongs in the embedded (trial and development) database; a
  // real server gets it only when asked with ASSAY_SEED=1.
  const wantSeed = process.env.ASSAY_SEED ? process.env.ASSAY_SEED === "1" : embedded !== null;
  if (wantSeed) {
    const summary = await seed(db);
    if (summary.articlesAdded) console.log(`[assay] seeded ${summary.articlesAdded} articles, ${summary.commentsAdded} comments`);
  }
  if (demoAccountsWanted({ seeding: wantSeed, requestedNodeEnv })) {
    const added = await seedDemoAccounts(db);
    if (added) console.log(`[assay] added ${added} demo accounts (see README: "Accounts"); set ASSAY_DEMO_ACCOUNTS=0 to leave them out`);
  }
}

/** The job worker, in this process, unless ASSAY_WORKER=off (then `npm run worker` runs it elsewhere). */
async function startJobWorker(url: string, db: DB): Promise<JobWorker | null> {
  if (process.env.ASSAY_WORKER === "off") return null;
  const worker = await startWorker({ connectionString: url, db });
  worker.promise.catch((error: unknown) => console.error(`[assay] the job worker stopped: ${describeError(error)}`));
  return worker;
}

/** The line tests, scripts and people wait for; then where mail goes when SMTP is not set. */
function announceServing(embedded: EmbeddedServer | null, processes: number) {
  const shape = processes > 1 ? `, ${processes} web processes` : "";
  console.log(`[assay] serving http://localhost:${port} (${mode}${shape}, database: ${embedded ? `embedded, ${embedded.dataDir}` : "DATABASE_URL"})`);
  // Without SMTP a newcomer's sign-up mail goes nowhere visible: say where it is.
  if (!process.env.SMTP_URL)
    console.log(
      `[assay] SMTP_URL is not set: mail is not sent but kept in the outbox table` +
        (process.env.ASSAY_DEV_OUTBOX === "1" || mode === "development"
          ? ` (shown at /dev/outbox)`
          : ` (to read it on a trial, start with ASSAY_DEV_OUTBOX=1 and open /dev/outbox; never on a public site)`),
    );
}

/** The HTTP server with its caches (pages and threads from memory, kept right by NOTIFY; not in development). */
async function serveHttp(url: string, db: DB, onListening: (server: Server) => void, onError: (error: Error) => void) {
  const caches: Caches | null = mode === "production" ? startCaches(url) : null;
  const build = await loadBuild();
  const app = createApp({ db, build, mode, pageCache: caches?.pageCache, articleViews: caches?.articleViews, memberTemplates: caches?.memberTemplates, memberMemo: caches?.memberMemo });
  const server = app.listen(port, host, () => {
    onListening(server);
    if (mode === "development") void broadcastDevReady(build);
  });
  server.on("error", onError);
  return { server, caches };
}

const poolSize = () => Number(process.env.DB_POOL_SIZE ?? 10);

/** WEB_CONCURRENCY=1 (the default) and development: everything in this one process. */
async function runSingle() {
  // Nothing unless `npm run bench` asks (ASSAY_BENCH_STATS_DIR).
  startBenchStats("server");
  const { url, embedded } = await resolveDatabase();
  const db = createDb(url, { max: poolSize() });
  let web: Awaited<ReturnType<typeof serveHttp>> | undefined;
  let worker: JobWorker | null = null;
  // Stop accepting, let requests in flight finish (at most SHUTDOWN_GRACE_MS), stop the
  // worker, close the LISTEN client and the pool, leave the embedded server (it stops
  // unless another Assay process uses it).
  const { shutdown, closing } = onShutdownSignals(async () => {
    if (web) await closeServer(web.server, SHUTDOWN_GRACE_MS);
    await worker?.stop().catch((error: unknown) => console.error(`[assay] could not stop the job worker: ${String(error)}`));
    await web?.caches?.listener.stop().catch(() => undefined);
    await db.destroy().catch(() => undefined);
    await embedded?.stop().catch((error: unknown) => console.error(`[assay] could not stop the embedded PostgreSQL: ${String(error)}`));
  });
  await prepareDatabase(db, embedded, closing);
  worker = await startJobWorker(url, db);
  web = await serveHttp(
    url,
    db,
    () => announceServing(embedded, 1),
    (error) => {
      console.error(`[assay] cannot listen on ${host}:${port}: ${error.message}`);
      void shutdown("error");
    },
  );
}

/** WEB_CONCURRENCY=N: the primary. Prepares the database, runs the job worker, keeps N web processes. */
async function runPrimary(processes: number) {
  // Nothing unless `npm run bench` asks (ASSAY_BENCH_STATS_DIR).
  startBenchStats("primary");
  const { url, embedded } = await resolveDatabase();
  // The primary's own queries: migrations, the seed, and the job worker's (one connection per running job).
  const db = createDb(url, { max: workerConcurrency() + 1 });
  let worker: JobWorker | null = null;
  const everListened = new WeakSet<ClusterWorker>();
  let announced = false;
  let failing = false;

  const children = () => Object.values(cluster.workers ?? {}).filter((w): w is ClusterWorker => w !== undefined);
  const { shutdown, closing } = onShutdownSignals(
    async () => {
      // Each web process shuts down as a single one does; a terminal's Ctrl-C reached
      // them already, and a second signal to them changes nothing.
      const exits = children().map((child) => new Promise<void>((resolve) => child.process.exitCode !== null ? resolve() : child.once("exit", () => resolve())));
      for (const child of children()) child.process.kill("SIGTERM");
      const overdue = setTimeout(() => children().forEach((child) => child.process.kill("SIGKILL")), SHUTDOWN_GRACE_MS + 5_000);
      await Promise.all(exits);
      clearTimeout(overdue);
      await worker?.stop().catch((error: unknown) => console.error(`[assay] could not stop the job worker: ${String(error)}`));
      await db.destroy().catch(() => undefined);
      await embedded?.stop().catch((error: unknown) => console.error(`[assay] could not stop the embedded PostgreSQL: ${String(error)}`));
    },
    () => children().forEach((child) => child.process.kill("SIGKILL")),
  );

  await prepareDatabase(db, embedded, closing);
  worker = await startJobWorker(url, db);
  if (closing()) return;

  // The web processes get the resolved database (never an embedded server of their own)
  // and leave migrations, the seed and the job worker to this one.
  const fork = () => cluster.fork({ DATABASE_URL: url });
  cluster.on("listening", (child) => {
    everListened.add(child);
    if (!announced && children().filter((c) => everListened.has(c)).length >= processes) {
      announced = true;
      announceServing(embedded, processes);
    }
  });
  cluster.on("exit", (child, code, signal) => {
    if (closing()) return;
    const how = signal ? `by ${signal}` : `with code ${code}`;
    // One that never served (the port is taken, the build is missing) would fail again: stop.
    if (!everListened.has(child)) {
      if (failing) return;
      failing = true;
      console.error(`[assay] a web process (pid ${child.process.pid}) exited ${how} before serving; stopping`);
      void shutdown("error");
      return;
    }
    console.error(`[assay] web process ${child.process.pid} exited ${how}; starting another`);
    fork();
  });
  for (let i = 0; i < processes; i++) fork();
}

/** One of the primary's web processes: HTTP only. */
async function runWebProcess() {
  // Nothing unless `npm run bench` asks (ASSAY_BENCH_STATS_DIR).
  startBenchStats("server");
  const url = process.env.DATABASE_URL!;
  const db = createDb(url, { max: poolSize() });
  let web: Awaited<ReturnType<typeof serveHttp>> | undefined;
  let closing = false;
  const stop = async (code: number) => {
    if (closing) return;
    closing = true;
    if (web) await closeServer(web.server, SHUTDOWN_GRACE_MS);
    await web?.caches?.listener.stop().catch(() => undefined);
    await db.destroy().catch(() => undefined);
    process.exit(code);
  };
  // From the primary (SIGTERM) or the terminal (SIGINT, to the whole group): the same graceful stop, once.
  process.on("SIGINT", () => void stop(0));
  process.on("SIGTERM", () => void stop(0));
  // The primary is gone (killed outright): nobody would stop this one.
  process.on("disconnect", () => void stop(0));
  web = await serveHttp(
    url,
    db,
    () => undefined,
    (error) => {
      console.error(`[assay] cannot listen on ${host}:${port}: ${error.message}`);
      void stop(1);
    },
  );
}

async function main() {
  // A library's dropped promise that failed because the database blinked must not end the forum.
  process.on("unhandledRejection", onUnhandledRejection());
  if (cluster.isWorker) return runWebProcess();
  const processes = webConcurrency(process.env.WEB_CONCURRENCY);
  // Development rebuilds and reloads one process; several would each need telling.
  if (processes === 1 || mode === "development") return runSingle();
  return runPrimary(processes);
}

main().catch((error) => {
  console.error(`[assay] failed to start: ${describeError(error)}`);
  process.exit(1);
});
