// `npm run worker`: the job worker alone (notifications and mail: new articles,
// replies, watched threads, digests, guests' confirmation links; see README "Mail"),
// for a deployment that runs it apart from the web servers. `npm start` already
// runs one in-process. With the embedded database it joins the data folder's
// server (shared with a running `npm start`), or starts one.
import { createDb, resolveDatabase } from "../db/connection";
import { migrateToLatest } from "../db/migrate";
import { startWorker } from "../app/jobs/worker.server";
import { workerConcurrency } from "../app/models/mail-fanout.server";
import { onUnhandledRejection } from "../app/lib/database-unavailable.server";

// A library's dropped promise that failed because the database blinked must not end the worker.
process.on("unhandledRejection", onUnhandledRejection());

const { url, embedded } = await resolveDatabase();
const concurrency = workerConcurrency();
// Each running job holds at most one connection of ours at a time.
const db = createDb(url, { max: concurrency + 1, applicationName: "assay-worker" });
await migrateToLatest(db);
const worker = await startWorker({ connectionString: url, db, concurrency });
console.log(
  `[assay] worker running (${concurrency} at once; mail ${process.env.SMTP_URL ? "over SMTP_URL" : "kept in the outbox table: SMTP_URL is not set"}); Ctrl-C stops it`,
);
let stopping = false;
const stop = async (signal: string) => {
  if (stopping) return;
  stopping = true;
  console.log(`[assay] ${signal}: stopping the worker`);
  await worker.stop().catch(() => undefined);
  await db.destroy().catch(() => undefined);
  await embedded?.stop().catch(() => undefined);
  process.exit(0);
};
process.on("SIGINT", () => void stop("SIGINT"));
process.on("SIGTERM", () => void stop("SIGTERM"));
await worker.promise.catch((error: unknown) => {
  console.error(`[assay] worker stopped: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
