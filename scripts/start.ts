// `npm start`: the database (embedded unless DATABASE_URL is set), migrations,
// the seed where it belongs, then the forum on PORT (3000).
import type { Server } from "node:http";
import { broadcastDevReady } from "@remix-run/node";
import { createDb, resolveDatabase } from "../db/connection";
import { migrateToLatest } from "../db/migrate";
import { demoAccountsWanted, seed, seedDemoAccounts } from "../db/seed";
import { createApp, loadBuild, startCaches } from "./server";
import { startWorker } from "../app/jobs/worker.server";

// Whether production was asked for, before NODE_ENV is settled below (the demo accounts depend on it).
const requestedNodeEnv = process.env.NODE_ENV;
const mode = process.env.NODE_ENV === "development" ? "development" : "production";
process.env.NODE_ENV = mode;

async function main() {
  const { url, embedded } = await resolveDatabase();
  const db = createDb(url, { max: Number(process.env.DB_POOL_SIZE ?? 10) });
  // Pages and threads from memory, kept right by PostgreSQL's NOTIFY (not in development: the build changes).
  const caches = mode === "production" ? startCaches(url) : null;
  let server: Server | undefined;
  // --- job worker (publishing notifications): started after migrations, stopped first ---
  let worker: Awaited<ReturnType<typeof startWorker>> | null = null;
  const stopWorker = async () => {
    await worker?.stop().catch((error: unknown) => console.error(`[assay] worker stop: ${String(error)}`));
  };
  // --- end job worker ---
  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    console.log(`[assay] ${signal}: shutting down`);
    server?.close();
    await stopWorker();
    await caches?.listener.stop().catch(() => undefined);
    await db.destroy().catch(() => undefined);
    await embedded?.stop().catch(() => undefined);
    process.exit(0);
  };
  process.on("SIGINT", () => void shutdown("SIGINT"));
  process.on("SIGTERM", () => void shutdown("SIGTERM"));

  const applied = await migrateToLatest(db);
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

  // --- job worker: ASSAY_WORKER=off when `npm run worker` runs it elsewhere ---
  if (process.env.ASSAY_WORKER !== "off") {
    worker = await startWorker({ connectionString: url, db });
    worker.promise.catch((error: unknown) => console.error(`[assay] worker stopped: ${error instanceof Error ? error.message : String(error)}`));
  }
  // --- end job worker ---

  const build = await loadBuild();
  const app = createApp({ db, build, mode, pageCache: caches?.pageCache, articleViews: caches?.articleViews });
  const port = Number(process.env.PORT ?? 3000);
  const host = process.env.HOST ?? "0.0.0.0";
  server = app.listen(port, host, () => {
    console.log(`[assay] serving http://localhost:${port} (${mode}, database: ${embedded ? `embedded, ${embedded.dataDir}` : "DATABASE_URL"})`);
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
