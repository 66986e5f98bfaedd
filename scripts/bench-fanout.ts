// `npm run bench:fanout`: one article to 100,000 watchers, delivered by the job
// worker (`npm run worker`, a child process) over SMTP to a local sink (the
// smtp-server package, started here). Half-way the worker is killed with
// SIGKILL and started again. Reports emails/s from the announcement to the last
// mail, missing recipients (target 0) and duplicates (target <= the worker's
// concurrency: only what was in flight when it died may go twice).
//
//   npm run bench:fanout                        100,000 watchers (about 5 minutes)
//   npm run bench:fanout -- --watchers 10000    a shorter run
//   options: --watchers N --concurrency N (the worker's WORKER_CONCURRENCY; 8 here) --no-kill --json FILE
// Database: DATABASE_URL's server (a database made for the run and dropped
// after), or an embedded PostgreSQL in a temporary folder.
import { spawn, type ChildProcess } from "node:child_process";
import { buildServer, SERVER_BUILD_DIR } from "./build-server";
import { chmodSync, mkdtempSync, rmSync, writeFileSync, mkdirSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { sql } from "kysely";
import { createDb } from "../db/connection";
import { createDatabaseIfMissing, dropDatabase, startEmbeddedPostgres, type EmbeddedServer } from "../db/embedded";
import { migrateToLatest } from "../db/migrate";
import { addJob } from "../app/jobs/queue.server";
import { saveArticle } from "../app/models/articles.server";
import { startSmtpSink } from "../tests/support/smtp-sink";

const ROOT = path.resolve(import.meta.dirname, "..");
const { values: args } = parseArgs({
  options: {
    watchers: { type: "string", default: "100000" },
    concurrency: { type: "string", default: "8" },
    "no-kill": { type: "boolean", default: false },
    json: { type: "string" },
  },
});
const WATCHERS = Number(args.watchers!.replace(/[_,]/g, ""));
const CONCURRENCY = Number(args.concurrency);
const started = Date.now();
const log = (m: string) => console.log(`[bench:fanout ${((Date.now() - started) / 1000).toFixed(0).padStart(3)}s] ${m}`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function main() {
  await buildServer({ quiet: true });
  const workDir = mkdtempSync(path.join(os.tmpdir(), "assay-fanout-"));
  // As root the embedded server runs as the postgres user, who must be able to enter it.
  chmodSync(workDir, 0o755);
  const name = `assay_bench_fanout_${process.pid}`;
  let embedded: EmbeddedServer | null = null;
  let admin: string;
  let url: string;
  if (process.env.DATABASE_URL) {
    admin = process.env.DATABASE_URL;
    const u = new URL(admin);
    u.pathname = `/${name}`;
    url = u.toString();
  } else {
    embedded = await startEmbeddedPostgres({ dataDir: path.join(workDir, "pgdata") });
    admin = embedded.adminUrl;
    url = embedded.urlFor(name);
  }
  await dropDatabase(admin, name);
  await createDatabaseIfMissing(admin, name);
  const sink = await startSmtpSink({ keepRaw: false });
  const db = createDb(url, { max: 2 });
  let worker: ChildProcess | null = null;
  let workerLog = "";
  const startWorkerProcess = () => {
    // The compiled worker, as `npm run worker:prod` runs it.
    const child = spawn(process.execPath, [path.join(SERVER_BUILD_DIR, "worker.js")], {
      cwd: ROOT,
      env: { ...process.env, DATABASE_URL: url, SMTP_URL: sink.url, WORKER_CONCURRENCY: String(CONCURRENCY), PUBLIC_ORIGINS: "https://forum.example.com" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    child.stdout!.on("data", (c) => (workerLog += c));
    child.stderr!.on("data", (c) => (workerLog += c));
    return child;
  };
  try {
    await migrateToLatest(db);
    log(`seeding ${WATCHERS.toLocaleString("en-US")} watchers`);
    const category = await db.insertInto("categories").values({ slug: "fan-out", name: "Fan-out", description: "" }).returning("id").executeTakeFirstOrThrow();
    await sql`
      with people as (
        insert into users (email, display_name, password_hash, email_verified_at)
        select 'watcher' || n || '@bench.example', 'Watcher ' || n, 'x', now() from generate_series(1, ${WATCHERS}::int) n
        returning id
      )
      insert into category_follows (user_id, category_id, level) select id, ${category.id}, 'watching' from people`.execute(db);
    await saveArticle(db, {
      slug: "fan-out",
      title: "One article, many watchers",
      highlights: [],
      bodyMarkdown: "Body.",
      byline: "Bench desk",
      publishedAt: new Date(Date.now() - 60_000),
      categorySlugs: ["fan-out"],
    });

    worker = startWorkerProcess();
    // Wait for the worker to be up (it migrates the job queue, then says so).
    for (let i = 0; i < 240 && !workerLog.includes("worker running"); i++) await sleep(250);
    if (!workerLog.includes("worker running")) throw new Error(`the worker did not start:\n${workerLog}`);
    const t0 = Date.now();
    // What the crontab's minute would do: announce what is due (fan-out follows).
    await addJob(db, "announce_due_articles", {});
    log("announced; waiting for the mail");

    let killedAt: number | null = null;
    let restartedAt: number | null = null;
    let lastProgress = Date.now();
    let lastCount = 0;
    const seen = new Map<string, number>();
    let counted = 0;
    const count = () => {
      for (; counted < sink.mails.length; counted++) {
        const to = sink.mails[counted]!.to[0]!;
        seen.set(to, (seen.get(to) ?? 0) + 1);
      }
      return seen.size;
    };
    for (;;) {
      await sleep(200);
      const unique = count();
      if (unique !== lastCount) {
        lastCount = unique;
        lastProgress = Date.now();
      }
      if (!args["no-kill"] && killedAt === null && unique >= WATCHERS / 2) {
        worker.kill("SIGKILL");
        killedAt = Date.now();
        log(`SIGKILL at ${unique.toLocaleString("en-US")} mails; starting the worker again`);
        await new Promise((r) => worker!.once("exit", r));
        workerLog = "";
        worker = startWorkerProcess();
        restartedAt = Date.now();
      }
      if (unique >= WATCHERS) break;
      // Stragglers wait for a dead sender's lease (60 s) and the crontab's sender: allow for both.
      if (Date.now() - lastProgress > 180_000) {
        log("no progress for 3 minutes: stopping");
        break;
      }
      if ((Date.now() - t0) % 10_000 < 200) log(`${unique.toLocaleString("en-US")} mails`);
    }
    const t1 = Date.now();
    // Late duplicates, if any, would arrive now.
    await sleep(2_000);
    count();
    const unique = seen.size;
    const received = sink.mails.length;
    const duplicates = received - unique;
    const missing = WATCHERS - unique;
    const seconds = (t1 - t0) / 1000;
    const rate = Math.round(unique / seconds);
    const { rows } = await sql<{ status: string; n: number }>`select status, count(*)::int as n from mail_deliveries group by status order by status`.execute(db);
    const result = {
      name: `Fan-out: one article to ${WATCHERS.toLocaleString("en-US")} watchers over SMTP, worker SIGKILLed half-way`,
      watchers: WATCHERS,
      concurrency: CONCURRENCY,
      seconds: Math.round(seconds * 10) / 10,
      emailsPerSecond: rate,
      missing,
      duplicates,
      killed: killedAt !== null,
      restartSeconds: killedAt && restartedAt ? (restartedAt - killedAt) / 1000 : null,
      deliveries: Object.fromEntries(rows.map((r) => [r.status, r.n])),
      target: `>= 300 emails/s, 0 missing, duplicates <= ${CONCURRENCY}`,
      met: rate >= 300 && missing === 0 && duplicates <= CONCURRENCY,
    };
    console.log(
      `\n| Fan-out (${WATCHERS.toLocaleString("en-US")} watchers, concurrency ${CONCURRENCY}${result.killed ? ", SIGKILL half-way" : ""}) | ${rate} emails/s | ${missing} missing | ${duplicates} duplicates | ${result.met ? "met" : "NOT MET"} |\n`,
    );
    console.log(JSON.stringify(result, null, 2));
    const out = args.json ?? path.join(ROOT, "bench", "fanout.json");
    mkdirSync(path.dirname(out), { recursive: true });
    writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
    log(`wrote ${path.relative(ROOT, out)}`);
    process.exitCode = result.met ? 0 : 1;
  } finally {
    if (worker && worker.exitCode === null) {
      worker.kill("SIGTERM");
      await new Promise((r) => worker!.once("exit", r));
    }
    await db.destroy().catch(() => undefined);
    await sink.stop().catch(() => undefined);
    await dropDatabase(admin, name).catch(() => undefined);
    await embedded?.stop().catch(() => undefined);
    rmSync(workDir, { recursive: true, force: true });
  }
}

await main();
