// `npm run worker`: the job worker alone (notifications of published articles),
// for a deployment that runs it apart from the web servers. `npm start` already
// runs one in-process. With the embedded database it joins the server `npm start` runs, if any.
import { createDb, resolveDatabase } from "../db/connection";
import { migrateToLatest } from "../db/migrate";
import { startWorker } from "../app/jobs/worker.server";

const { url, embedded } = await resolveDatabase();
const db = createDb(url, { max: 3, applicationName: "assay-worker" });
await migrateToLatest(db);
const worker = await startWorker({ connectionString: url, db });
console.log("[assay] worker running; Ctrl-C stops it");
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
