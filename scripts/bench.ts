// `npm run bench`: how fast Assay serves, at scale, on this machine.
//
// Builds the app, starts PostgreSQL (embedded, in a temp folder; or DATABASE_URL's
// server, in databases made for the run and dropped after), seeds one database
// at scale and one small, starts the app in production mode on free ports, and
// loads it with autocannon from a separate process (scripts/bench-load.ts), on
// 127.0.0.1 only. Prints a table and writes bench/results.json, with each target's
// figure, the target and whether it was met.
//
// Every figure is the median of at least three runs. Comparisons (app vs bare
// node:http, 1M vs 1k comments) are ratios of runs made in turn in this same
// invocation, because the machine is shared and noisy.
//
//   npm run bench                   1,000,000 comments, under 10 minutes
//   npm run bench -- --quick        50,000 comments, shorter runs: about a minute
//   npm run bench -- --fanout        also the mail fan-out row (100,000 watchers; see scripts/bench-fanout.ts)
//   options: --comments N --articles N --members N --runs N --seconds N --post-seconds N --no-build
//            --fanout --fanout-watchers N
//            --following-articles N (published articles for the /following rows; default 50,000)
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { chmodSync, createWriteStream, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { gzipSync } from "node:zlib";
import { Kysely, PostgresDialect, sql } from "kysely";
import pg from "pg";
import { createDb, type DB } from "../db/connection";
import type { Database } from "../db/schema";
import { createDatabaseIfMissing, dropDatabase, freePort, startEmbeddedPostgres, type EmbeddedServer } from "../db/embedded";
import { migrateToLatest } from "../db/migrate";
import { BENCH_SLUGS, seedBench, type BenchSeedResult } from "../db/bench-seed";
import { startSession } from "../app/composition/session.server";
import { getPublishedArticle, listPublishedArticles } from "../app/models/articles.server";
import { listCategories, getCategoryBySlug } from "../app/models/categories.server";
import { getConversationPage, getThreadPage, parseThreadCursor } from "../app/models/threads.server";
import type { LoadResult, LoadSpec } from "./bench-load";
import { explainFollowingQueries, prepareFollowingBench } from "./bench-following";

const ROOT = path.resolve(import.meta.dirname, "..");
const started = Date.now();

// --- options ------------------------------------------------------------------

const { values: args } = parseArgs({
  options: {
    quick: { type: "boolean", default: false },
    comments: { type: "string" },
    articles: { type: "string" },
    members: { type: "string" },
    runs: { type: "string" },
    seconds: { type: "string" },
    "post-seconds": { type: "string" },
    "no-build": { type: "boolean", default: false },
    // The mail fan-out row (scripts/bench-fanout.ts): 100,000 watchers take minutes, so on request.
    fanout: { type: "boolean", default: false },
    "fanout-watchers": { type: "string" },
    "following-articles": { type: "string" },
  },
});
const quick = args.quick ?? false;
const num = (value: string | undefined, fallback: number) => (value === undefined ? fallback : Number(value.replace(/[_,]/g, "")));
const settings = {
  comments: num(args.comments, quick ? 50_000 : 1_000_000),
  articles: num(args.articles, quick ? 2_000 : 20_000),
  members: num(args.members, quick ? 5_000 : 100_000),
  runs: Math.max(3, num(args.runs, 3)),
  seconds: num(args.seconds, quick ? 2 : 5),
  postSeconds: num(args["post-seconds"], quick ? 4 : 15),
  /** Published articles when /following and /notifications are measured (the database is topped up). */
  followingArticles: num(args["following-articles"], 50_000),
  /** Stop measuring (and say so) past this, so the run stays bounded. */
  budgetMs: quick ? 4 * 60_000 : 9.5 * 60_000,
};
const CONNECTIONS = 16;
const POST_CONNECTIONS = 32;

const log = (message: string) => console.log(`[bench ${((Date.now() - started) / 1000).toFixed(0).padStart(3)}s] ${message}`);

// --- helpers ------------------------------------------------------------------

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};
const round = (n: number, digits = 2) => Math.round(n * 10 ** digits) / 10 ** digits;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const overBudget = () => Date.now() - started > settings.budgetMs;

function run(command: string, argv: string[], env: NodeJS.ProcessEnv = process.env): { code: number; output: string } {
  const result = spawnSync(command, argv, { cwd: ROOT, env, encoding: "utf8" });
  return { code: result.status ?? 1, output: `${result.stdout ?? ""}${result.stderr ?? ""}` };
}

interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

/** One GET, body as sent (no decompression). */
function get(url: string, headers: Record<string, string> = {}): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const request = http.get(url, { headers, agent: false }, (response) => {
      const chunks: Buffer[] = [];
      response.on("data", (c: Buffer) => chunks.push(c));
      response.on("end", () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks) }));
      response.on("error", reject);
    });
    request.on("error", reject);
    request.setTimeout(30_000, () => request.destroy(new Error(`GET ${url} timed out`)));
  });
}

/** One load run in its own process. */
async function load(spec: LoadSpec): Promise<LoadResult> {
  const child = spawn(process.execPath, ["--import", "tsx", path.join(ROOT, "scripts", "bench-load.ts"), JSON.stringify(spec)], {
    cwd: ROOT,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  let err = "";
  child.stdout.on("data", (c) => (out += c));
  child.stderr.on("data", (c) => (err += c));
  const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
  if (code !== 0) throw new Error(`load run failed (${code}): ${err.trim()}`);
  return JSON.parse(out.trim().split("\n").pop()!) as LoadResult;
}

interface Server {
  name: string;
  url: string;
  port: number;
  child: ChildProcess;
  /** Highest resident memory so far (VmHWM), in MB. */
  peakRssMb(): number;
  stop(): Promise<void>;
}

function readPeakRssMb(pid: number | undefined): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    const kb = Number(/VmHWM:\s+(\d+)\s+kB/.exec(status)?.[1] ?? NaN);
    return round(kb / 1024, 1);
  } catch {
    return NaN;
  }
}

/** `node --import tsx scripts/start.ts` (what `tsx scripts/start.ts` runs, without a wrapper process, so its pid is the server's). */
async function startServer(name: string, workDir: string, env: Record<string, string>): Promise<Server> {
  const port = await freePort();
  const logFile = path.join(workDir, `${name}.log`);
  const logStream = createWriteStream(logFile);
  const child = spawn(process.execPath, ["--import", "tsx", path.join(ROOT, "scripts", "start.ts")], {
    cwd: ROOT,
    env: { ...process.env, NODE_ENV: "production", HOST: "127.0.0.1", PORT: String(port), ASSAY_SEED: "0", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout!.pipe(logStream);
  child.stderr!.pipe(logStream);
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 240; i++) {
    if (child.exitCode !== null) throw new Error(`${name} exited early; see ${logFile}:\n${readFileSync(logFile, "utf8")}`);
    try {
      const response = await get(`${url}/`);
      if (response.status === 200) break;
    } catch {
      // not listening yet
    }
    await sleep(250);
  }
  let peak = 0;
  const server: Server = {
    name,
    url,
    port,
    child,
    peakRssMb() {
      const now = readPeakRssMb(child.pid);
      if (!Number.isNaN(now)) peak = Math.max(peak, now);
      return peak;
    },
    async stop() {
      if (child.exitCode !== null) return;
      server.peakRssMb();
      child.kill("SIGTERM");
      const exited = await Promise.race([new Promise((r) => child.once("exit", r)).then(() => true), sleep(10_000).then(() => false)]);
      if (!exited) child.kill("SIGKILL");
    },
  };
  return server;
}

/** A bare node:http server (scripts/bench-bare.ts) answering with exactly these bytes. */
async function startBare(workDir: string, response: RawResponse): Promise<{ url: string; child: ChildProcess; stop(): void }> {
  const port = await freePort();
  const file = path.join(workDir, "bare-response.json");
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(response.headers)) {
    if (v === undefined || ["date", "connection", "keep-alive", "content-length", "transfer-encoding"].includes(k)) continue;
    headers[k] = Array.isArray(v) ? v.join(", ") : v;
  }
  writeFileSync(file, JSON.stringify({ headers, bodyBase64: response.body.toString("base64") }));
  const child = spawn(process.execPath, ["--import", "tsx", path.join(ROOT, "scripts", "bench-bare.ts"), String(port), file], {
    cwd: ROOT,
    stdio: ["ignore", "pipe", "inherit"],
  });
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on("data", (c) => String(c).includes("ready") && resolve());
    child.once("exit", (code) => reject(new Error(`bare server exited (${code})`)));
  });
  return { url: `http://127.0.0.1:${port}/`, child, stop: () => void child.kill("SIGTERM") };
}

// --- figures ------------------------------------------------------------------

interface Figure {
  rps: number;
  p50: number;
  p99: number;
  runs: LoadResult[];
}

function summarize(runs: LoadResult[]): Figure {
  return {
    rps: round(median(runs.map((r) => r.rps)), 1),
    p50: round(median(runs.map((r) => r.latency.p50))),
    p99: round(median(runs.map((r) => r.latency.p99))),
    runs,
  };
}

function checkStatuses(name: string, result: LoadResult, allowed = ["200"]) {
  const bad = Object.entries(result.statusCounts).filter(([code]) => !allowed.includes(code));
  if (bad.length || result.errors) {
    throw new Error(`${name}: unexpected responses ${JSON.stringify(result.statusCounts)}, ${result.errors} errors`);
  }
}

const GZIP = { "accept-encoding": "gzip" };

/** The servers whose peak memory the log follows (their peaks so far, after each measurement). */
const watched: Server[] = [];
const rssNote = () => (watched.length ? `; peak RSS ${watched.map((s) => `${s.name} ${s.peakRssMb()} MB`).join(", ")}` : "");

/** Several runs of one URL, after a short warm-up. */
async function measure(name: string, url: string, options: { connections?: number; headers?: Record<string, string>; runs?: number } = {}): Promise<Figure> {
  const spec = (duration: number): LoadSpec => ({
    url,
    connections: options.connections ?? CONNECTIONS,
    duration,
    headers: { ...GZIP, ...(options.headers ?? {}) },
  });
  await load(spec(1));
  const runs: LoadResult[] = [];
  for (let i = 0; i < (options.runs ?? settings.runs); i++) {
    const result = await load(spec(settings.seconds));
    checkStatuses(name, result);
    runs.push(result);
  }
  const figure = summarize(runs);
  log(`${name}: ${figure.rps} req/s, p50 ${figure.p50} ms, p99 ${figure.p99} ms${rssNote()}`);
  return figure;
}

/** Runs of two URLs in turn (a, b, a, b, …): their ratio holds up on a noisy machine. */
async function measurePair(
  names: [string, string],
  urls: [string, string],
  options: { connections?: number; headers?: [Record<string, string>, Record<string, string>] } = {},
): Promise<[Figure, Figure]> {
  const spec = (i: 0 | 1, duration: number): LoadSpec => ({
    url: urls[i],
    connections: options.connections ?? CONNECTIONS,
    duration,
    headers: { ...GZIP, ...(options.headers?.[i] ?? {}) },
  });
  await load(spec(0, 1));
  await load(spec(1, 1));
  const runs: [LoadResult[], LoadResult[]] = [[], []];
  for (let i = 0; i < settings.runs; i++) {
    for (const side of [0, 1] as const) {
      const result = await load(spec(side, settings.seconds));
      checkStatuses(names[side], result);
      runs[side].push(result);
    }
  }
  const figures: [Figure, Figure] = [summarize(runs[0]), summarize(runs[1])];
  for (const side of [0, 1] as const) {
    log(`${names[side]}: ${figures[side].rps} req/s, p50 ${figures[side].p50} ms, p99 ${figures[side].p99} ms${rssNote()}`);
  }
  return figures;
}

/** Runs of several URLs in turn, each with its headers and the statuses it must answer. */
async function measureInTurn(loads: { name: string; url: string; headers?: Record<string, string>; statuses?: string[] }[]): Promise<Figure[]> {
  const spec = (i: number, duration: number): LoadSpec => ({
    url: loads[i]!.url,
    connections: CONNECTIONS,
    duration,
    headers: { ...GZIP, ...(loads[i]!.headers ?? {}) },
  });
  for (let i = 0; i < loads.length; i++) await load(spec(i, 1));
  const runs: LoadResult[][] = loads.map(() => []);
  for (let r = 0; r < settings.runs; r++) {
    for (let i = 0; i < loads.length; i++) {
      const result = await load(spec(i, settings.seconds));
      checkStatuses(loads[i]!.name, result, loads[i]!.statuses);
      runs[i]!.push(result);
    }
  }
  const figures = runs.map(summarize);
  loads.forEach((l, i) => log(`${l.name}: ${figures[i]!.rps} req/s, p50 ${figures[i]!.p50} ms, p99 ${figures[i]!.p99} ms${rssNote()}`));
  return figures;
}

/** The median of the run-by-run ratios a[i] / b[i]. */
function pairedRatio(a: Figure, b: Figure, pick: (r: LoadResult) => number): number {
  return round(median(a.runs.map((r, i) => pick(r) / pick(b.runs[i]!))), 3);
}

// --- database -----------------------------------------------------------------

interface Databases {
  large: string;
  small: string;
  cleanup(): Promise<void>;
  describe: string;
}

async function prepareDatabases(workDir: string): Promise<Databases> {
  const names = { large: `assay_bench_${process.pid}_large`, small: `assay_bench_${process.pid}_small` };
  let admin: string;
  let urlFor: (name: string) => string;
  let embedded: EmbeddedServer | null = null;
  if (process.env.DATABASE_URL) {
    admin = process.env.DATABASE_URL;
    urlFor = (name) => {
      const u = new URL(admin);
      u.pathname = `/${name}`;
      return u.toString();
    };
  } else {
    embedded = await startEmbeddedPostgres({ dataDir: path.join(workDir, "pgdata") });
    admin = embedded.adminUrl;
    urlFor = embedded.urlFor;
  }
  for (const name of Object.values(names)) {
    await dropDatabase(admin, name);
    await createDatabaseIfMissing(admin, name);
  }
  return {
    large: urlFor(names.large),
    small: urlFor(names.small),
    describe: embedded ? `embedded PostgreSQL in ${workDir}` : `DATABASE_URL's server (${new URL(admin).host})`,
    async cleanup() {
      for (const name of Object.values(names)) await dropDatabase(admin, name).catch(() => undefined);
      await embedded?.stop().catch(() => undefined);
    },
  };
}

async function sessionCookie(db: DB, userId: number): Promise<string> {
  const setCookie = await startSession(db, new Request("http://127.0.0.1/"), userId);
  return setCookie.split(";")[0]!;
}

/** A member who has commented, and a moderator, each with a live session. */
async function benchPeople(db: DB): Promise<{ member: string; memberId: number; moderator: string }> {
  const member = await db.selectFrom("users").select("id").where("email", "=", "member0@bench.example").executeTakeFirst();
  const memberId =
    member?.id ??
    (
      await db
        .insertInto("users")
        .values({ email: "bench-member@bench.example", display_name: "Bench Member", password_hash: "x", email_verified_at: new Date() })
        .returning("id")
        .executeTakeFirstOrThrow()
    ).id;
  const moderator = await db
    .insertInto("users")
    .values({ email: "bench-moderator@bench.example", display_name: "Bench Moderator", password_hash: "x", role: "moderator", email_verified_at: new Date() })
    .returning("id")
    .executeTakeFirstOrThrow();
  return { member: await sessionCookie(db, memberId), memberId, moderator: await sessionCookie(db, moderator.id) };
}

// --- EXPLAIN ------------------------------------------------------------------

interface ExplainedQuery {
  name: string;
  sql: string;
  seqScanOnComments: boolean;
  indexes: string[];
  ms: number;
  plan: unknown;
}

function walkPlan(node: Record<string, unknown>, visit: (n: Record<string, unknown>) => void) {
  visit(node);
  for (const child of (node.Plans as Record<string, unknown>[] | undefined) ?? []) walkPlan(child, visit);
}

/** The statements the article page, home and a category page run, each EXPLAINed (ANALYZE) at full size. */
async function explainHotQueries(url: string): Promise<ExplainedQuery[]> {
  const captured: { name: string; sql: string; parameters: readonly unknown[] }[] = [];
  let current = "";
  const pool = new pg.Pool({ connectionString: url, max: 2 });
  // A dropped connection fails the next query rather than crashing the bench (idle or checked out).
  pool.on("error", () => undefined);
  pool.on("connect", (client) => client.on("error", () => undefined));
  const db = new Kysely<Database>({
    dialect: new PostgresDialect({ pool }),
    log: (event) => {
      if (event.level === "query") captured.push({ name: current, sql: event.query.sql, parameters: event.query.parameters });
    },
  });
  try {
    const step = async (name: string, fn: () => Promise<unknown>) => {
      current = name;
      await fn();
    };
    const big = await getPublishedArticle(db, BENCH_SLUGS.big);
    const hot = await getPublishedArticle(db, BENCH_SLUGS.hot);
    if (!big || !hot) throw new Error("bench articles missing");
    const biggestRoot = await db
      .selectFrom("comments")
      .select(["root_id", sql<number>`count(*)`.as("n")])
      .where("article_id", "=", big.id)
      .where("root_id", "is not", null)
      .groupBy("root_id")
      .orderBy("n", "desc")
      .limit(1)
      .executeTakeFirst();
    captured.length = 0;
    await step("article", () => getPublishedArticle(db, BENCH_SLUGS.big));
    const first = await (async () => {
      current = "thread page 1 (10k thread)";
      return getThreadPage(db, big.id);
    })();
    await step("thread page 2 (10k thread)", () => getThreadPage(db, big.id, { after: parseThreadCursor(first.nextCursor) }));
    await step("thread page, with held comments", () => getThreadPage(db, hot.id, { heldCommentIds: [1, 2, 3] }));
    if (biggestRoot?.root_id) await step("one conversation (biggest)", () => getConversationPage(db, big.id, biggestRoot.root_id!));
    await step("categories menu", () => listCategories(db));
    await step("home page", () => listPublishedArticles(db));
    const category = await getCategoryBySlug(db, "china");
    if (category) await step("category page", () => listPublishedArticles(db, { categoryId: category.id }));
  } finally {
    await db.destroy();
  }
  const client = new pg.Client({ connectionString: url });
  client.on("error", () => undefined);
  await client.connect();
  const out: ExplainedQuery[] = [];
  try {
    for (const q of captured) {
      const { rows } = await client.query(`explain (analyze, buffers, format json) ${q.sql}`, q.parameters as unknown[]);
      const plan = (rows[0]["QUERY PLAN"] as { Plan: Record<string, unknown>; "Execution Time": number }[])[0]!;
      let seq = false;
      const indexes = new Set<string>();
      walkPlan(plan.Plan, (n) => {
        if (n["Node Type"] === "Seq Scan" && n["Relation Name"] === "comments") seq = true;
        if (typeof n["Index Name"] === "string") indexes.add(n["Index Name"] as string);
      });
      out.push({ name: q.name, sql: q.sql.replace(/\s+/g, " ").trim(), seqScanOnComments: seq, indexes: [...indexes], ms: round(plan["Execution Time"], 3), plan });
    }
  } finally {
    await client.end();
  }
  return out;
}

// --- POST ---------------------------------------------------------------------

interface PostFigure {
  acceptedPerSecond: number;
  p99: number;
  runs: {
    accepted: number;
    sent: number;
    seconds: number;
    p99: number;
    statusCounts: Record<string, number>;
    inDatabase: number;
    lost: number;
    doubled: number;
    unexpected: number;
    inFlightStored: number;
  }[];
  lost: number;
  doubled: number;
  unexpected: number;
}

async function measurePosts(server: Server, db: DB): Promise<PostFigure> {
  const article = await db.selectFrom("articles").select("id").where("slug", "=", BENCH_SLUGS.post).executeTakeFirstOrThrow();
  // Half the posts from guests with an approved comment (published at once: the
  // NOTIFY path), half from new guests (held for moderation).
  const known = await db
    .selectFrom("comments")
    .select(sql<string>`lower(author_email)`.as("email"))
    .where("status", "=", "approved")
    .where("user_id", "is", null)
    .groupBy(sql`lower(author_email)`)
    .limit(POST_CONNECTIONS)
    .execute();
  // Warm-up (not counted, like every other measurement's).
  await load({
    url: `${server.url}/articles/${BENCH_SLUGS.post}`,
    connections: POST_CONNECTIONS,
    duration: 2,
    post: { origin: server.url, runId: `warmup${Date.now().toString(36)}`, emails: known.map((k) => k.email).concat("warmup@bench.example") },
  });
  const runs: PostFigure["runs"] = [];
  for (let i = 0; i < settings.runs; i++) {
    const runId = `r${Date.now().toString(36)}${i}`;
    const emails = Array.from({ length: 64 }, (_, n) => (n % 2 === 0 && known.length ? known[n % known.length]!.email : `new-${runId}-${n}@bench.example`));
    const result = await load({
      url: `${server.url}/articles/${BENCH_SLUGS.post}`,
      connections: POST_CONNECTIONS,
      duration: settings.postSeconds,
      post: { origin: server.url, runId, emails },
    });
    // Let requests cut off at the end of the run finish on the server before counting.
    await sleep(2000);
    const rows = await db
      .selectFrom("comments")
      .select(["id", "body_markdown"])
      .where("article_id", "=", article.id)
      .where("body_markdown", "like", `Bench ${runId} comment %`)
      .execute();
    const accepted = new Set(result.acceptedIds ?? []);
    const inDb = new Map<number, number>();
    const bodies = new Map<string, number>();
    for (const row of rows) {
      inDb.set(row.id, (inDb.get(row.id) ?? 0) + 1);
      bodies.set(row.body_markdown, (bodies.get(row.body_markdown) ?? 0) + 1);
    }
    const answered = new Set(result.answered ?? []);
    const lost = [...accepted].filter((id) => !inDb.has(id)).length;
    const doubled = [...bodies.values()].filter((n) => n > 1).length + ((result.acceptedIds?.length ?? 0) - accepted.size);
    // Rows no accepted request explains: only those whose request was cut off in flight are allowed.
    let unexpected = 0;
    let inFlightStored = 0;
    for (const row of rows) {
      if (accepted.has(row.id)) continue;
      const n = Number(/ comment (\d+):/.exec(row.body_markdown)?.[1] ?? NaN);
      if (!answered.has(n)) inFlightStored++;
      else unexpected++;
    }
    const seconds = result.duration;
    runs.push({
      accepted: accepted.size,
      sent: result.sent ?? 0,
      seconds,
      p99: result.latency.p99,
      statusCounts: result.statusCounts,
      inDatabase: rows.length,
      lost,
      doubled,
      unexpected,
      inFlightStored,
    });
    log(
      `POST run ${i + 1}: ${accepted.size} accepted in ${seconds} s (${round(accepted.size / seconds, 1)}/s), p99 ${result.latency.p99} ms, ` +
        `statuses ${JSON.stringify(result.statusCounts)}; in the database ${rows.length}: lost ${lost}, doubled ${doubled}, unexplained ${unexpected}, cut off in flight but stored ${inFlightStored}`,
    );
  }
  return {
    acceptedPerSecond: round(median(runs.map((r) => r.accepted / r.seconds)), 1),
    p99: round(median(runs.map((r) => r.p99))),
    runs,
    lost: runs.reduce((a, r) => a + r.lost, 0),
    doubled: runs.reduce((a, r) => a + r.doubled, 0),
    unexpected: runs.reduce((a, r) => a + r.unexpected, 0),
  };
}

// --- the run ------------------------------------------------------------------

interface Target {
  name: string;
  figure: number | string | null;
  unit: string;
  target: string;
  met: boolean;
  note?: string;
}

async function main() {
  log(`${quick ? "quick" : "full"} run: ${settings.comments.toLocaleString("en-US")} comments, ${settings.articles.toLocaleString("en-US")} articles, ${settings.members.toLocaleString("en-US")} members; ${settings.runs} runs of ${settings.seconds} s each`);
  if (!args["no-build"]) {
    log("building (npx remix build)");
    const build = run("npx", ["remix", "build"], { ...process.env, NODE_ENV: "production" });
    if (build.code !== 0) throw new Error(`remix build failed:\n${build.output}`);
  }
  if (!existsSync(path.join(ROOT, "build", "index.js"))) throw new Error("No build/index.js: run without --no-build.");

  const workDir = mkdtempSync(path.join(os.tmpdir(), "assay-bench-"));
  chmodSync(workDir, 0o755);
  const servers: Server[] = [];
  const stops: (() => unknown)[] = [];
  let databases: Databases | undefined;
  const measurements: Record<string, unknown> = {};
  const targets: Record<string, Target> = {};
  const table: [string, string, string, string, string, string][] = [];
  const row = (what: string, rps: string, p50: string, p99: string, bytes: string, note = "") => table.push([what, rps, p50, p99, bytes, note]);
  const skipped: string[] = [];

  // `on`, not `once`: one Ctrl-C arrives twice (from the terminal and relayed by npm or
  // tsx), and the default action of the second would kill us before the cleanup.
  let stopping = false;
  const onSignal = async () => {
    if (stopping) return;
    stopping = true;
    for (const s of servers) await s.stop();
    for (const stop of stops) stop();
    await databases?.cleanup();
    process.exit(130);
  };
  process.on("SIGINT", () => void onSignal());
  process.on("SIGTERM", () => void onSignal());

  try {
    databases = await prepareDatabases(workDir);
    log(`database: ${databases.describe}`);
    for (const url of [databases.large, databases.small]) {
      const db = createDb(url, { max: 1 });
      await migrateToLatest(db);
      await db.destroy();
    }
    log("seeding the large database");
    const seedLarge: BenchSeedResult = await seedBench(databases.large, {
      comments: settings.comments,
      articles: settings.articles,
      members: settings.members,
      log: (m) => log(`  seed: ${m}`),
    });
    const seedSmall = await seedBench(databases.small, { comments: 1_000, articles: 20, members: 100, bigThread: 0 });
    measurements.seed = { large: seedLarge, small: seedSmall };
    log(`seeded: ${seedLarge.comments.toLocaleString("en-US")} comments in ${(seedLarge.timings.comments / 1000).toFixed(1)} s; small database ${seedSmall.comments} comments`);

    const largeDb = createDb(databases.large, { max: 2 });
    stops.push(() => void largeDb.destroy());
    const people = await benchPeople(largeDb);

    // A: production settings. B: the small database, no caches. C: the large one, no caches, counting queries.
    const a = await startServer("app", workDir, { DATABASE_URL: databases.large });
    servers.push(a);
    const b = await startServer("app-small-nocache", workDir, { DATABASE_URL: databases.small, ASSAY_PAGE_CACHE: "off", ASSAY_VIEW_CACHE: "off" });
    servers.push(b);
    const c = await startServer("app-large-nocache", workDir, {
      DATABASE_URL: databases.large,
      ASSAY_PAGE_CACHE: "off",
      ASSAY_VIEW_CACHE: "off",
      ASSAY_QUERY_COUNT: "1",
    });
    servers.push(c);
    log(`servers: ${servers.map((s) => `${s.name} ${s.url}`).join(", ")}`);
    watched.push(a);

    const hotPath = `/articles/${BENCH_SLUGS.hot}`;
    const bigPath = `/articles/${BENCH_SLUGS.big}`;
    const member = { cookie: people.member };

    // 1. The article page with 200 comments: guest (cached) against bare node:http, same bytes.
    const guestResponse = await get(`${a.url}${hotPath}`, GZIP);
    const again = await get(`${a.url}${hotPath}`, GZIP);
    const plainSize = (await get(`${a.url}${hotPath}`)).body.length;
    if (again.status !== 200 || !String(again.headers["content-encoding"]).includes("gzip")) throw new Error("article page not served gzipped");
    const bare = await startBare(workDir, again);
    stops.push(bare.stop);
    const [guest, bareFigure] = await measurePair(["guest article page (200 comments)", "bare node:http, same bytes"], [`${a.url}${hotPath}`, bare.url]);
    bare.stop();
    const guestRatio = pairedRatio(guest, bareFigure, (r) => r.rps);
    measurements.guestArticle = { ...guest, bytesGzip: again.body.length, bytesPlain: plainSize, bare: bareFigure, ratio: guestRatio, cacheHeaders: { etag: guestResponse.headers.etag, cacheControl: guestResponse.headers["cache-control"] } };
    row("Article page, 200 comments, guest", `${guest.rps}`, `${guest.p50}`, `${guest.p99}`, `${again.body.length} gz / ${plainSize}`);
    row("Same bytes from bare node:http", `${bareFigure.rps}`, `${bareFigure.p50}`, `${bareFigure.p99}`, `${again.body.length}`, `guest/bare = ${guestRatio}`);
    targets.guestVsBare = { name: "Guest article page vs bare node:http (req/s)", figure: guestRatio, unit: "ratio", target: ">= 0.5", met: guestRatio >= 0.5 };
    targets.guestP99 = { name: "Guest article page p99 at 16 connections", figure: guest.p99, unit: "ms", target: "< 50", met: guest.p99 < 50 };

    // 2. The same page for a logged-in member (personal: never from the page cache).
    const memberPage = await get(`${a.url}${hotPath}`, { ...GZIP, ...member });
    const loggedIn = memberPage.body.length > 0 && memberPage.status === 200;
    if (!loggedIn) throw new Error(`member page: status ${memberPage.status}`);
    const memberFigure = await measure("member article page (200 comments)", `${a.url}${hotPath}`, { headers: member });
    measurements.memberArticle = { ...memberFigure, bytesGzip: memberPage.body.length, cacheControl: memberPage.headers["cache-control"] };
    row("Article page, 200 comments, member", `${memberFigure.rps}`, `${memberFigure.p50}`, `${memberFigure.p99}`, `${memberPage.body.length} gz`);
    targets.memberRps = { name: "Member article page", figure: memberFigure.rps, unit: "req/s", target: ">= 300", met: memberFigure.rps >= 300 };

    // 3. The 10,000-comment thread, first page: rendered every time (C), and as guests get it (A).
    const bigRendered = await measure("10k-comment thread, first page, rendered (no cache)", `${c.url}${bigPath}`, { connections: 1 });
    const bigCached = await measure("10k-comment thread, first page, guest", `${a.url}${bigPath}`);
    const bigPage = await get(`${a.url}${bigPath}`, GZIP);
    measurements.bigThread = { size: seedLarge.bigThreadSize, rendered: bigRendered, guest: bigCached, bytesGzip: bigPage.body.length };
    row(`Thread of ${seedLarge.bigThreadSize.toLocaleString("en-US")}, first page, rendered (1 conn.)`, `${bigRendered.rps}`, `${bigRendered.p50}`, `${bigRendered.p99}`, `${bigPage.body.length} gz`);
    row(`Thread of ${seedLarge.bigThreadSize.toLocaleString("en-US")}, first page, guest`, `${bigCached.rps}`, `${bigCached.p50}`, `${bigCached.p99}`, "");
    targets.bigThreadP50 = {
      name: `Thread of ${seedLarge.bigThreadSize.toLocaleString("en-US")} comments, first page p50 (rendered, no cache)`,
      figure: bigRendered.p50,
      unit: "ms",
      target: "< 30",
      met: bigRendered.p50 < 30,
    };

    // 4. The same article page with 1,000 comments in the database and with the full seed (no caches, 1 connection).
    const [small, large] = await measurePair(
      ["article page, 1k comments in DB (no cache)", `article page, ${seedLarge.comments.toLocaleString("en-US")} comments in DB (no cache)`],
      [`${b.url}${hotPath}`, `${c.url}${hotPath}`],
      { connections: 1 },
    );
    const scaleRatio = pairedRatio(large, small, (r) => r.latency.p50);
    measurements.scale = { small, large, ratio: scaleRatio };
    row("Article page, 1k comments in DB (rendered)", `${small.rps}`, `${small.p50}`, `${small.p99}`, "");
    row(`Article page, ${(seedLarge.comments / 1e6).toFixed(seedLarge.comments >= 1e6 ? 0 : 2)}M comments in DB (rendered)`, `${large.rps}`, `${large.p50}`, `${large.p99}`, "", `p50 ratio = ${scaleRatio}`);
    targets.scaleRatio = { name: `Article page p50, ${seedLarge.comments.toLocaleString("en-US")} vs 1,000 comments in the DB`, figure: scaleRatio, unit: "ratio", target: "<= 1.25", met: scaleRatio <= 1.25 };

    // 5. Home, a category, the moderation queue.
    const home = await measure("GET / (guest)", `${a.url}/`);
    const homeRendered = await measure("GET / (rendered, no cache)", `${c.url}/`, { connections: 1 });
    row("Home page, guest", `${home.rps}`, `${home.p50}`, `${home.p99}`, `${(await get(`${a.url}/`, GZIP)).body.length} gz`);
    row("Home page, rendered (1 conn.)", `${homeRendered.rps}`, `${homeRendered.p50}`, `${homeRendered.p99}`, "");
    const category = await measure("GET /categories/china (guest)", `${a.url}/categories/china`);
    const categoryRendered = await measure("GET /categories/china (rendered, no cache)", `${c.url}/categories/china`, { connections: 1 });
    row("Category page, guest", `${category.rps}`, `${category.p50}`, `${category.p99}`, "");
    row("Category page, rendered (1 conn.)", `${categoryRendered.rps}`, `${categoryRendered.p50}`, `${categoryRendered.p99}`, "");
    measurements.home = { guest: home, rendered: homeRendered };
    measurements.category = { guest: category, rendered: categoryRendered };

    // 5b. The feeds as guests' readers poll them: the site's and a category's (from memory,
    // as guest pages are), and the 304 a reader with the current copy gets. Ratios to the
    // guest article page, measured in turn with them.
    const feedProbe = await get(`${a.url}/feed.xml`, GZIP);
    const categoryFeedProbe = await get(`${a.url}/categories/china/feed.xml`, GZIP);
    const feedEtag = String((await get(`${a.url}/feed.xml`, GZIP)).headers.etag ?? "");
    if (feedProbe.status !== 200 || categoryFeedProbe.status !== 200 || !feedEtag) {
      throw new Error(`feeds: /feed.xml answered ${feedProbe.status}, the category feed ${categoryFeedProbe.status}, ETag "${feedEtag}"`);
    }
    const [feedArticle, siteFeed, categoryFeedFigure, feed304] = await measureInTurn([
      { name: "guest article page (with the feeds)", url: `${a.url}${hotPath}` },
      { name: "GET /feed.xml (guest)", url: `${a.url}/feed.xml` },
      { name: "GET /categories/china/feed.xml (guest)", url: `${a.url}/categories/china/feed.xml` },
      { name: "GET /feed.xml, If-None-Match (304)", url: `${a.url}/feed.xml`, headers: { "if-none-match": feedEtag }, statuses: ["304"] },
    ]) as [Figure, Figure, Figure, Figure];
    const feedRatio = pairedRatio(siteFeed, feedArticle, (r) => r.rps);
    const categoryFeedRatio = pairedRatio(categoryFeedFigure, feedArticle, (r) => r.rps);
    const feed304Ratio = pairedRatio(feed304, feedArticle, (r) => r.rps);
    measurements.feeds = {
      article: feedArticle,
      site: { ...siteFeed, bytesGzip: feedProbe.body.length, ratio: feedRatio },
      category: { ...categoryFeedFigure, bytesGzip: categoryFeedProbe.body.length, ratio: categoryFeedRatio },
      notModified: { ...feed304, ratio: feed304Ratio },
    };
    row("Feed /feed.xml, guest", `${siteFeed.rps}`, `${siteFeed.p50}`, `${siteFeed.p99}`, `${feedProbe.body.length} gz`, `feed/article = ${feedRatio}`);
    row("Category feed, guest", `${categoryFeedFigure.rps}`, `${categoryFeedFigure.p50}`, `${categoryFeedFigure.p99}`, `${categoryFeedProbe.body.length} gz`, `feed/article = ${categoryFeedRatio}`);
    row("Feed 304 (If-None-Match)", `${feed304.rps}`, `${feed304.p50}`, `${feed304.p99}`, "0", `304/article = ${feed304Ratio} (article ${feedArticle.rps} req/s)`);
    targets.siteFeed = { name: "/feed.xml as a guest vs the guest article page (req/s)", figure: feedRatio, unit: "ratio", target: ">= 0.5", met: feedRatio >= 0.5 };
    targets.categoryFeed = { name: "A category feed as a guest vs the guest article page (req/s)", figure: categoryFeedRatio, unit: "ratio", target: ">= 0.5", met: categoryFeedRatio >= 0.5 };
    targets.feed304 = { name: "A feed's 304 vs the guest article page (req/s)", figure: feed304Ratio, unit: "ratio", target: ">= 1", met: feed304Ratio >= 1 };
    const pending = await largeDb.selectFrom("comments").select(sql<number>`count(*)`.as("n")).where("status", "=", "pending").executeTakeFirstOrThrow();
    const probeStart = performance.now();
    const queueProbe = await get(`${a.url}/moderation`, { ...GZIP, cookie: people.moderator });
    const probeMs = round(performance.now() - probeStart, 1);
    const queueLabel = `Moderation queue, ${pending.n.toLocaleString("en-US")} pending`;
    if (queueProbe.status === 404) {
      measurements.moderationQueue = { status: "not built", httpStatus: queueProbe.status };
      row("Moderation queue", "not built", "", "", "", "GET /moderation answered 404");
    } else if (queueProbe.status !== 200) {
      measurements.moderationQueue = { status: "error", httpStatus: queueProbe.status };
      row(queueLabel, "error", "", "", "", `GET /moderation answered ${queueProbe.status}`);
    } else if (probeMs > 2000) {
      // Too slow to load with many connections in a bounded run: one request says enough.
      measurements.moderationQueue = { pending: pending.n, singleRequestMs: probeMs, bytesGzip: queueProbe.body.length };
      row(queueLabel, "", `${probeMs}`, "", `${queueProbe.body.length} gz`, "one request: too slow to load-test");
      log(`moderation queue: one request took ${probeMs} ms; not load-tested`);
    } else {
      const queue = await measure(`moderation queue (${pending.n.toLocaleString("en-US")} pending)`, `${a.url}/moderation`, { headers: { cookie: people.moderator }, connections: 4 });
      measurements.moderationQueue = { ...queue, pending: pending.n, bytesGzip: queueProbe.body.length };
      row(`${queueLabel} (4 conn.)`, `${queue.rps}`, `${queue.p50}`, `${queue.p99}`, `${queueProbe.body.length} gz`);
    }

    // 6. Queries per article page, whatever the thread's size (C counts them: X-Assay-Queries).
    const empty = await largeDb
      .selectFrom("articles as a")
      .select("a.slug")
      .where(({ not, exists, selectFrom }) => not(exists(selectFrom("comments as c").select("c.id").whereRef("c.article_id", "=", "a.id"))))
      .limit(1)
      .executeTakeFirst();
    const firstBig = await getThreadPage(largeDb, (await getPublishedArticle(largeDb, BENCH_SLUGS.big))!.id);
    const queryPages: [string, string][] = [
      ...(empty ? ([["no comments", `/articles/${empty.slug}`]] as [string, string][]) : []),
      ["200 comments", hotPath],
      [`${seedLarge.bigThreadSize.toLocaleString("en-US")} comments, page 1`, bigPath],
      ...(firstBig.nextCursor ? ([[`${seedLarge.bigThreadSize.toLocaleString("en-US")} comments, page 2`, `${bigPath}?after=${encodeURIComponent(firstBig.nextCursor)}`]] as [string, string][]) : []),
    ];
    const queryCounts: Record<string, { guest: number; member: number }> = {};
    for (const [label, pagePath] of queryPages) {
      const asGuest = await get(`${c.url}${pagePath}`);
      const asMember = await get(`${c.url}${pagePath}`, member);
      queryCounts[label] = { guest: Number(asGuest.headers["x-assay-queries"]), member: Number(asMember.headers["x-assay-queries"]) };
    }
    // The property: a thread's size never adds statements (an empty thread may skip the replies query).
    const nonEmpty = Object.entries(queryCounts).filter(([label]) => label !== "no comments").map(([, q]) => q);
    const guestCounts = new Set(nonEmpty.map((q) => q.guest));
    const memberCounts = new Set(nonEmpty.map((q) => q.member));
    const maxQueries = Math.max(...Object.values(queryCounts).flatMap((q) => [q.guest, q.member]));
    const emptyOk = !queryCounts["no comments"] || (queryCounts["no comments"].guest <= Math.min(...guestCounts) && queryCounts["no comments"].member <= Math.min(...memberCounts));
    measurements.queriesPerPage = queryCounts;
    log(`queries per article page: ${JSON.stringify(queryCounts)}`);
    targets.queriesPerPage = {
      name: "SQL statements per article page (any thread size; guest, member)",
      figure: `${[...guestCounts].join("/")} guest, ${[...memberCounts].join("/")} member`,
      unit: "statements",
      target: "the same for 200 and 10,000 comments and any page, and small (<= 12)",
      met: guestCounts.size === 1 && memberCounts.size === 1 && emptyOk && maxQueries <= 12 && Number.isFinite(maxQueries),
      note: queryCounts["no comments"] ? `no comments: ${queryCounts["no comments"].guest} guest, ${queryCounts["no comments"].member} member` : undefined,
    };
    row("SQL statements per article page", `${targets.queriesPerPage.figure}`, "", "", "", "any thread size");

    // 7. EXPLAIN of the hot queries at full size.
    const explained = await explainHotQueries(databases.large);
    measurements.explain = explained;
    for (const q of explained) log(`EXPLAIN ${q.name}: ${q.ms} ms, ${q.seqScanOnComments ? "SEQ SCAN ON comments" : "no seq scan on comments"}; indexes ${q.indexes.join(", ") || "(none)"}`);
    const seqScans = explained.filter((q) => q.seqScanOnComments).map((q) => q.name);
    targets.explain = {
      name: `EXPLAIN of the hot queries at ${seedLarge.comments.toLocaleString("en-US")} comments`,
      figure: seqScans.length ? `seq scan in: ${seqScans.join(", ")}` : `${explained.length} statements, no seq scan on comments`,
      unit: "",
      target: "indexes, no Seq Scan on comments",
      met: seqScans.length === 0,
    };

    // 8. JavaScript a reader of an article page downloads (gzip), and the page without JavaScript.
    const html = (await get(`${a.url}${bigPath}`)).body.toString("utf8");
    const scripts = new Set<string>();
    for (const m of html.matchAll(/<script[^>]*\bsrc="([^"]+)"/g)) scripts.add(m[1]!);
    for (const m of html.matchAll(/<link[^>]*rel="modulepreload"[^>]*href="([^"]+)"/g)) scripts.add(m[1]!);
    for (const m of html.matchAll(/import\s*(?:\*\s*as\s*\w+\s*from\s*)?"([^"]+\.js)"/g)) scripts.add(m[1]!);
    let jsGzip = 0;
    const jsFiles: Record<string, number> = {};
    for (const src of scripts) {
      const response = await get(new URL(src, a.url).toString(), GZIP);
      const bytes = String(response.headers["content-encoding"]).includes("gzip") ? response.body.length : gzipSync(response.body).length;
      jsFiles[src] = bytes;
      jsGzip += bytes;
    }
    const inlineScripts = [...html.matchAll(/<script(?![^>]*\bsrc=)[^>]*>([\s\S]*?)<\/script>/g)].map((m) => m[1]!).join("");
    const noJs = {
      postForm: /<form[^>]*method="post"[^>]*action="\/articles\//i.test(html),
      loadMoreLink: /<a[^>]*href="\/articles\/[^"]*\?after=[^"]+"[^>]*>Load more comments<\/a>/.test(html),
      moreRepliesLink: /<a[^>]*href="\/articles\/[^"]*\?thread=\d+[^"]*"[^>]*>More replies/.test(html),
    };
    measurements.javascript = { files: jsFiles, totalGzip: jsGzip, inlineScriptBytesGzip: gzipSync(inlineScripts).length, withoutJavaScript: noJs };
    row("JavaScript for an article reader", "", "", "", `${round(jsGzip / 1024, 1)} KB gz`, `${scripts.size} files`);
    targets.javascript = { name: "JavaScript shipped to an article reader (gzip)", figure: round(jsGzip / 1024, 1), unit: "KB", target: "< 100", met: jsGzip < 100 * 1024 };
    targets.noJavaScript = {
      name: "Article page usable without JavaScript (plain POST form, plain pagination links)",
      figure: Object.values(noJs).every(Boolean) ? "yes" : JSON.stringify(noJs),
      unit: "",
      target: "form and links work without JS (also tested in tests/e2e/performance.spec.ts)",
      met: Object.values(noJs).every(Boolean),
    };

    // 10. /following and /notifications for a member with 20 followed categories, at 50,000 articles
    // (the large database topped up now, after the other reads). Never cached: rendered every time.
    if (overBudget()) {
      skipped.push("/following and /notifications (time budget)");
    } else {
      const setup = await prepareFollowingBench(largeDb, { userId: people.memberId, articles: settings.followingArticles, log: (m) => log(`  ${m}`) });
      log(`following: ${setup.articles.toLocaleString("en-US")} articles, ${setup.followed} followed categories, ${setup.unread} unread notifications (set up in ${(setup.ms / 1000).toFixed(1)} s)`);
      const followingPage = await get(`${a.url}/following`, { ...GZIP, ...member });
      const notificationsPage = await get(`${a.url}/notifications`, { ...GZIP, ...member });
      for (const [name, page] of [["/following", followingPage], ["/notifications", notificationsPage]] as const) {
        if (page.status !== 200) throw new Error(`${name} as the member: status ${page.status}`);
        if (page.headers["cache-control"] !== "private, no-store") throw new Error(`${name} as the member: Cache-Control ${page.headers["cache-control"]}`);
      }
      const followingFigure = await measure("GET /following (member, 20 categories, 1 conn.)", `${a.url}/following`, { headers: member, connections: 1 });
      const notificationsFigure = await measure("GET /notifications (member, 1 conn.)", `${a.url}/notifications`, { headers: member, connections: 1 });
      const followingExplain = await explainFollowingQueries(databases.large, people.memberId);
      for (const q of followingExplain) log(`EXPLAIN ${q.name}: ${q.ms} ms, ${q.seqScans.length ? `SEQ SCAN ON ${q.seqScans.join(", ")}` : "no seq scan"}; indexes ${q.indexes.join(", ") || "(none)"}`);
      measurements.following = { setup, following: followingFigure, notifications: notificationsFigure, bytesGzip: { following: followingPage.body.length, notifications: notificationsPage.body.length }, explain: followingExplain };
      const at = `${setup.articles.toLocaleString("en-US")} articles`;
      row(`/following, member, 20 categories, ${at} (1 conn.)`, `${followingFigure.rps}`, `${followingFigure.p50}`, `${followingFigure.p99}`, `${followingPage.body.length} gz`);
      row(`/notifications, member, ${setup.unread} unread (1 conn.)`, `${notificationsFigure.rps}`, `${notificationsFigure.p50}`, `${notificationsFigure.p99}`, `${notificationsPage.body.length} gz`);
      targets.followingP50 = { name: `/following p50, member with 20 followed categories, ${at}`, figure: followingFigure.p50, unit: "ms", target: "< 20", met: followingFigure.p50 < 20 && setup.articles >= 50_000, note: setup.articles < 50_000 ? "fewer than 50,000 articles" : undefined };
      targets.notificationsP50 = { name: `/notifications p50, same member, ${at}`, figure: notificationsFigure.p50, unit: "ms", target: "< 20", met: notificationsFigure.p50 < 20 && setup.articles >= 50_000 };
      // /categories finds the few unpublished articles by one pass over articles (no index says "draft"); reported, not judged.
      const scans = followingExplain.filter((q) => q.seqScans.length && q.name !== "categories index").map((q) => q.name);
      targets.followingExplain = {
        name: "EXPLAIN of /following, /notifications, the unread count and a member's home page (and /categories, reported)",
        figure: scans.length ? `seq scan in: ${scans.join(", ")}` : `${followingExplain.length} statements, no seq scan on articles, article_categories, comments or notifications`,
        unit: "",
        target: "indexes, no Seq Scan on the big tables",
        met: scans.length === 0,
      };
    }

    const readRss = a.peakRssMb();
    for (const s of [b, c]) await s.stop();
    servers.splice(servers.indexOf(b), 1);
    servers.splice(servers.indexOf(c), 1);
    await a.stop();
    servers.splice(servers.indexOf(a), 1);

    // 9. Comment POSTs, rate limits off for this measurement only (ASSAY_RATE_LIMITS=off).
    let postFigure: PostFigure | null = null;
    let writeRss = NaN;
    if (overBudget()) {
      skipped.push("comment POST (time budget)");
    } else {
      const d = await startServer("app-posts", workDir, { DATABASE_URL: databases.large, ASSAY_RATE_LIMITS: "off" });
      servers.push(d);
      postFigure = await measurePosts(d, largeDb);
      writeRss = d.peakRssMb();
      await d.stop();
      servers.splice(servers.indexOf(d), 1);
      measurements.posts = postFigure;
      row(
        `Comment POST, ${POST_CONNECTIONS} connections, ${settings.postSeconds} s`,
        `${postFigure.acceptedPerSecond} accepted/s`,
        "",
        `${postFigure.p99}`,
        "",
        `lost ${postFigure.lost}, doubled ${postFigure.doubled}, unexplained ${postFigure.unexpected}`,
      );
    }
    targets.posts = postFigure
      ? {
          name: `Comment POST (${POST_CONNECTIONS} connections), nothing lost or doubled`,
          figure: postFigure.acceptedPerSecond,
          unit: "accepted/s",
          target: ">= 300, lost = doubled = 0",
          met: postFigure.acceptedPerSecond >= 300 && postFigure.lost === 0 && postFigure.doubled === 0 && postFigure.unexpected === 0,
          note: `lost ${postFigure.lost}, doubled ${postFigure.doubled}, unexplained ${postFigure.unexpected}`,
        }
      : { name: "Comment POST", figure: null, unit: "accepted/s", target: ">= 300", met: false, note: "skipped: time budget" };

    const peak = Math.max(readRss, Number.isNaN(writeRss) ? 0 : writeRss);
    measurements.rss = { readsMb: readRss, writesMb: writeRss };
    row("Peak RSS of the server", "", "", "", `${peak} MB`, `reads ${readRss} MB, writes ${Number.isNaN(writeRss) ? "n/a" : `${writeRss} MB`}`);
    targets.rss = { name: "Peak RSS of the server process", figure: peak, unit: "MB", target: "< 250", met: peak < 250 };
  } finally {
    for (const s of servers) await s.stop();
    for (const stop of stops) await stop();
    await databases?.cleanup();
    rmSync(workDir, { recursive: true, force: true });
  }

  // --- mail fan-out (--fanout): its own database, worker and SMTP sink ---------------
  if (args.fanout) {
    const watchers = args["fanout-watchers"] ?? (quick ? "10000" : "100000");
    log(`fan-out: one article to ${watchers} watchers (scripts/bench-fanout.ts)`);
    const out = path.join(os.tmpdir(), `assay-fanout-${process.pid}.json`);
    spawnSync(process.execPath, ["--import", "tsx", "scripts/bench-fanout.ts", "--watchers", watchers, "--json", out], { cwd: ROOT, stdio: "inherit" });
    if (existsSync(out)) {
      const f = JSON.parse(readFileSync(out, "utf8")) as { name: string; emailsPerSecond: number; missing: number; duplicates: number; concurrency: number; target: string; met: boolean };
      rmSync(out, { force: true });
      measurements.fanout = f;
      row(f.name, `${f.emailsPerSecond} mails/s`, "", "", "", `${f.missing} missing, ${f.duplicates} duplicates, concurrency ${f.concurrency}`);
      targets.fanout = { name: f.name, figure: f.emailsPerSecond, unit: "emails/s", target: f.target, met: f.met, note: `${f.missing} missing, ${f.duplicates} duplicates` };
    } else {
      targets.fanout = { name: "Mail fan-out", figure: null, unit: "emails/s", target: ">= 300", met: false, note: "the fan-out bench did not finish" };
    }
  }

  // --- report -------------------------------------------------------------------
  const header = ["What", "req/s", "p50 ms", "p99 ms", "bytes", "note"];
  const widths = header.map((h, i) => Math.max(h.length, ...table.map((r) => r[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(" | ")} |`;
  const markdown = [line(header), `|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`, ...table.map(line)].join("\n");
  const targetLines = Object.values(targets).map(
    (t) => `- ${t.met ? "met    " : "NOT MET"}  ${t.name}: ${t.figure}${t.unit && typeof t.figure === "number" ? ` ${t.unit}` : ""} (target ${t.target})${t.note ? `; ${t.note}` : ""}`,
  );
  console.log(`\n${markdown}\n\nTargets:\n${targetLines.join("\n")}${skipped.length ? `\n\nSkipped: ${skipped.join(", ")}` : ""}\n`);
  mkdirSync(path.join(ROOT, "bench"), { recursive: true });
  const results = {
    ranAt: new Date().toISOString(),
    command: `npm run bench${quick ? " -- --quick" : ""}`,
    settings,
    machine: { cpus: os.cpus().length, memoryGb: round(os.totalmem() / 2 ** 30, 1), node: process.version, loadAverage: os.loadavg() },
    durationSeconds: round((Date.now() - started) / 1000, 1),
    targets,
    table: markdown,
    skipped,
    measurements,
  };
  writeFileSync(path.join(ROOT, "bench", "results.json"), `${JSON.stringify(results, (_k, v) => (typeof v === "number" && !Number.isFinite(v) ? null : v), 2)}\n`);
  log(`wrote bench/results.json (${Object.values(targets).filter((t) => t.met).length} of ${Object.keys(targets).length} targets met)`);
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(`[bench] failed: ${error instanceof Error ? error.stack ?? error.message : String(error)}`);
    process.exit(1);
  },
);
