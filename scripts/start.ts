// `npm start`: the database (embedded unless DATABASE_URL is set), migrations,
// the seed where it belongs, then the forum on PORT (3000).
import type { Server } from "node:http";
import os from "node:os";
import { broadcastDevReady } from "@remix-run/node";
import { createDb, resolveDatabase } from "../db/connection";
import { migrateToLatest } from "../db/migrate";
import { demoAccountsWanted, seed, seedDemoAccounts } from "../db/seed";
import { isDatabaseUnavailable } from "../app/lib/database-unavailable.server";
import { startWorker } from "../app/jobs/worker.server";
import { createApp, loadBuild, startCaches } from "./server";
import { startBenchStats } from "./bench-stats-hook";

// Whether production was asked for, before NODE_ENV is settled below (the demo accounts depend on it).
const requestedNodeEnv = process.env.NODE_ENV;
const mode = process.env.NODE_ENV === "development" ? "development" : "production";
process.env.NODE_ENV = mode;

const SHUTDOWN_GRACE_MS = 10_000;

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

async function main() {
  // Nothing unless `npm run bench` asks (ASSAY_BENCH_STATS_DIR).
  startBenchStats("server");
  const { url, embedded } = await resolveDatabase();
  const db = createDb(url, { max: Number(process.env.DB_POOL_SIZE ?? 10) });
  // Pages and threads from memory, kept right by PostgreSQL's NOTIFY (not in development: the build changes).
  const caches = mode === "production" ? startCaches(url) : null;
  let server: Server | undefined;
  // The job worker (graphile-worker) runs in this process unless ASSAY_WORKER=off
  // (then `npm run worker` runs it elsewhere): started after migrations, stopped first.
  let worker: Awaited<ReturnType<typeof startWorker>> | null = null;
  let closingSince = 0;
  // SIGTERM or SIGINT: stop accepting, let requests in flight finish (at most
  // SHUTDOWN_GRACE_MS), close the LISTEN client and the pool, leave the embedded
  // server (it stops unless another Assay process uses it), exit 0. A second
  // signal exits at once; but one terminal Ctrl-C reaches us twice, from the
  // terminal and relayed by npm or tsx, so a repeat within a second is the same one.
  const shutdown = async (signal: NodeJS.Signals | "error") => {
    if (closingSince) {
      if (Date.now() - closingSince < 1_000) return;
      console.log(`[assay] ${signal} again: exiting now`);
      process.exit(signal === "error" ? 1 : 128 + (os.constants.signals[signal] ?? 0));
    }
    closingSince = Date.now();
    console.log(`[assay] ${signal}: shutting down (finishing requests in flight, at most ${SHUTDOWN_GRACE_MS / 1000} s)`);
    if (server) await closeServer(server, SHUTDOWN_GRACE_MS);
    await worker?.stop().catch((error: unknown) => console.error(`[assay] could not stop the job worker: ${String(error)}`));
    await caches?.listener.stop().catch(() => undefined);
    await db.destroy().catch(() => undefined);
    await embedded?.stop().catch((error: unknown) => console.error(`[assay] could not stop the embedded PostgreSQL: ${String(error)}`));
    process.exit(signal === "error" ? 1 : 0);
  };
  process.on("SIGINT", () => void shutdown("SIGINT"));
  process.on("SIGTERM", () => void shutdown("SIGTERM"));

  // A database that is not up yet (a container starting beside us, a failover in
  // progress) is waited for, not a reason to exit: try again every 2 s, say so every 10 s.
  let applied: string[] = [];
  for (let attempt = 0; ; attempt++) {
    try {
      applied = await migrateToLatest(db);
      break;
    } catch (error) {
      if (!isDatabaseUnavailable(error) || closingSince) throw error;
      if (attempt % 5 === 0) console.warn(`[assay] waiting for the database (${error instanceof Error ? error.message : String(error)})`);
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

  if (process.env.ASSAY_WORKER !== "off") {
    worker = await startWorker({ connectionString: url, db });
    worker.promise.catch((error: unknown) => console.error(`[assay] the job worker stopped: ${error instanceof Error ? error.message : String(error)}`));
  }

  const build = await loadBuild();
  const app = createApp({ db, build, mode, pageCache: caches?.pageCache, articleViews: caches?.articleViews });
  const port = Number(process.env.PORT ?? 3000);
  const host = process.env.HOST ?? "0.0.0.0";
  server = app.listen(port, host, () => {
    console.log(`[assay] serving http://localhost:${port} (${mode}, database: ${embedded ? `embedded, ${embedded.dataDir}` : "DATABASE_URL"})`);
    // Without SMTP a newcomer's sign-up mail goes nowhere visible: say where it is.
    if (!process.env.SMTP_URL)
      console.log(
        `[assay] SMTP_URL is not set: mail is not sent but kept in the outbox table` +
          (process.env.ASSAY_DEV_OUTBOX === "1" || mode === "development"
            ? ` (shown at /dev/outbox)`
            : ` (to read it on a trial, start with ASSAY_DEV_OUTBOX=1 and open /dev/outbox; never on a public site)`),
      );
    if (mode === "development") void broadcastDevReady(build);
  });
  server.on("error", (error) => {
    console.error(`[assay] cannot listen on ${host}:${port}: ${error.message}`);
    void shutdown("error");
  });
}

main().catch((error) => {
  console.error(`[assay] failed to start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
