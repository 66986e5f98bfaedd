// One load run for `npm run bench`, in a process of its own (so the load generator
// never shares a thread with the server, nor with the bench's bookkeeping): wrk, or
// this file run as a script for autocannon (a JSON spec in argv[2], one JSON line out).
// 127.0.0.1 only.
//
// The generator is wrk (Debian's /usr/bin/wrk, two threads, a Lua script for the
// figures and for POSTs) when installed, else autocannon with worker threads: one
// autocannon process tops out near 4,000 req/s here, below what the server does.
// Its own CPU time is measured (/usr/bin/time for wrk, process.cpuUsage() for
// autocannon) so the bench can tell a run the generator limited from one the server did.
//
// For comment POSTs (spec.post), every request carries a unique body and the run
// collects the id of each accepted comment from its redirect (`#comment-ID`), so
// the bench can prove afterwards that exactly those comments are in the database.
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import autocannon from "autocannon";

export const WRK = "/usr/bin/wrk";
const TIME = "/usr/bin/time";

export type Generator = "wrk" | "autocannon";

export interface LoadSpec {
  url: string;
  connections: number;
  /** Seconds. */
  duration: number;
  headers?: Record<string, string>;
  /** Extra per-request timeout, seconds (default 10). */
  timeout?: number;
  /** Default: wrk when installed. */
  generator?: Generator;
  post?: {
    /** Same-origin header value the server's origin check wants. */
    origin: string;
    /** Tells this run's bodies apart from any other's. */
    runId: string;
    /** Emails to post as, in turn (some with an approved history, some new). */
    emails: string[];
  };
}

export interface LoadResult {
  requests: number;
  rps: number;
  latency: { p50: number; p90: number; p99: number; mean: number; max: number };
  bytesPerSecond: number;
  /** Exact codes (autocannon, and wrk's POSTs); wrk's GETs only know "<400" and ">=400". */
  statusCounts: Record<string, number>;
  errors: number;
  timeouts: number;
  duration: number;
  generator: {
    name: Generator;
    /** Threads (wrk) or worker threads (autocannon) generating load. */
    threads: number;
    /** The generator's own CPU time (user + system) over the run, seconds; NaN when unknown. */
    cpuSeconds: number;
    /** cpuSeconds / (duration × threads): 1 means every generating thread was busy all the time. */
    busy: number;
  };
  /** POST runs: ids of the comments the server accepted (303 to #comment-ID). */
  acceptedIds?: number[];
  /** POST runs: how many requests were sent with a body (each unique). */
  sent?: number;
  /** POST runs (autocannon): the numbers (n in "comment n:") of the requests that got any answer. */
  answered?: number[];
}

function assertLoopback(url: string) {
  const host = new URL(url).hostname;
  if (host !== "127.0.0.1" && host !== "localhost" && host !== "[::1]") {
    throw new Error(`bench-load only sends traffic to this machine (127.0.0.1), not to ${host}`);
  }
}

const round = (n: number) => Math.round(n * 100) / 100;

function commentText(runId: string, n: number): string {
  return `Bench ${runId} comment ${n}: NdPr at ${(n % 97) + 40} looks ${n % 2 ? "cheap" : "dear"} to me.`;
}

/** A Lua string literal (the values here are ASCII: URLs, emails, ids). */
const lua = (s: string) => JSON.stringify(s);

/**
 * The Lua script wrk runs: done() prints the figures as one JSON line; for POSTs,
 * request() builds each unique form and response() keeps the accepted ids and the
 * status codes (a cost wrk pays only on POST runs).
 */
function wrkScript(spec: LoadSpec, target: URL): string {
  const done = `
local threads = {}
local nthreads = 0
function setup(thread)
  thread:set("tid", nthreads)
  nthreads = nthreads + 1
  threads[nthreads] = thread
end
function done(summary, latency, requests)
  local ids, statuses, sent = {}, {}, 0
  for _, t in ipairs(threads) do
    local i = t:get("ids")
    if i and i ~= "" then ids[#ids + 1] = i end
    local s = t:get("statuses")
    if s then for code, count in string.gmatch(s, "(%d+):(%d+)") do statuses[code] = (statuses[code] or 0) + tonumber(count) end end
    sent = sent + (t:get("sent") or 0)
  end
  local parts = {}
  for code, count in pairs(statuses) do parts[#parts + 1] = string.format("%q:%d", code, count) end
  io.write(string.format('WRKJSON {"requests":%d,"durationMicros":%d,"bytes":%d,"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d,' ..
    '"p50":%f,"p90":%f,"p99":%f,"mean":%f,"max":%f,"threads":%d,"sent":%d,"ids":[%s],"statuses":{%s}}\\n',
    summary.requests, summary.duration, summary.bytes, summary.errors.connect, summary.errors.read, summary.errors.write,
    summary.errors.status, summary.errors.timeout, latency:percentile(50), latency:percentile(90), latency:percentile(99),
    latency.mean, latency.max, nthreads, sent, table.concat(ids, ","), table.concat(parts, ",")))
end
`;
  const post = spec.post;
  if (!post) return done;
  return `${done}
local emails = { ${post.emails.map(lua).join(", ")} }
local runId = ${lua(post.runId)}
local path = ${lua(`${target.pathname}${target.search}`)}
local baseHeaders = { ${Object.entries({ ...(spec.headers ?? {}), origin: post.origin, "content-type": "application/x-www-form-urlencoded" })
    .map(([k, v]) => `[${lua(k)}] = ${lua(v)}`)
    .join(", ")} }
local counter = 0
sent = 0
ids = ""
statuses = ""
local codes = {}
local function encode(s)
  return (string.gsub(s, "[^%w%-%._~]", function(c) return string.format("%%%02X", string.byte(c)) end))
end
function request()
  local n = tid + nthreadsTotal * counter
  counter = counter + 1
  sent = sent + 1
  local body = "comment=" .. encode("Bench " .. runId .. " comment " .. n .. ": NdPr at " .. ((n % 97) + 40) .. " looks " .. ((n % 2 == 1) and "cheap" or "dear") .. " to me.")
    .. "&author=" .. encode("Bench poster " .. (n % 1000))
    .. "&email=" .. encode(emails[(n % #emails) + 1])
    .. "&url=&comment_parent=0"
  return wrk.format("POST", path, baseHeaders, body)
end
function response(status, headers, body)
  codes[status] = (codes[status] or 0) + 1
  if status == 303 then
    local location = headers["location"] or headers["Location"] or ""
    local id = string.match(location, "#comment%-(%d+)$")
    if id then ids = (ids == "" and id) or (ids .. "," .. id) end
  end
  local parts = {}
  for code, count in pairs(codes) do parts[#parts + 1] = code .. ":" .. count end
  statuses = table.concat(parts, ",")
end
`;
}

/** One wrk run (wrk is its own process already: the bench calls this directly). */
export async function runWrk(spec: LoadSpec): Promise<LoadResult> {
  const target = new URL(spec.url);
  const threads = Math.max(1, Math.min(2, spec.connections));
  const dir = mkdtempSync(path.join(os.tmpdir(), "assay-wrk-"));
  try {
    const script = path.join(dir, "load.lua");
    // Each thread numbers its requests tid, tid + threads, …: unique across the run.
    writeFileSync(script, wrkScript(spec, target).replace(/nthreadsTotal/g, String(threads)));
    const argv = ["-t", String(threads), "-c", String(spec.connections), "-d", `${spec.duration}s`, "--timeout", `${spec.timeout ?? 10}s`, "-s", script];
    for (const [k, v] of Object.entries(spec.headers ?? {})) argv.push("-H", `${k}: ${v}`);
    argv.push(spec.url);
    const timed = existsSync(TIME);
    const child = timed ? spawn(TIME, ["-f", "GENCPU %U %S", WRK, ...argv]) : spawn(WRK, argv);
    let out = "";
    let err = "";
    child.stdout.on("data", (c) => (out += c));
    child.stderr.on("data", (c) => (err += c));
    const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
    const line = out.split("\n").find((l) => l.startsWith("WRKJSON "));
    if (code !== 0 || !line) throw new Error(`wrk failed (${code}): ${err.trim()} ${out.trim()}`);
    const w = JSON.parse(line.slice("WRKJSON ".length)) as {
      requests: number; durationMicros: number; bytes: number; connect: number; read: number; write: number; status: number; timeout: number;
      p50: number; p90: number; p99: number; mean: number; max: number; threads: number; sent: number; ids: number[]; statuses: Record<string, number>;
    };
    const cpu = /GENCPU ([\d.]+) ([\d.]+)/.exec(err);
    const cpuSeconds = cpu ? Number(cpu[1]) + Number(cpu[2]) : NaN;
    const duration = w.durationMicros / 1e6;
    const ms = (micros: number) => round(micros / 1000);
    return {
      requests: w.requests,
      rps: round(w.requests / duration),
      latency: { p50: ms(w.p50), p90: ms(w.p90), p99: ms(w.p99), mean: ms(w.mean), max: ms(w.max) },
      bytesPerSecond: round(w.bytes / duration),
      statusCounts: spec.post ? w.statuses : { "<400": w.requests - w.status, ">=400": w.status },
      errors: w.connect + w.read + w.write + w.timeout,
      timeouts: w.timeout,
      duration: round(duration),
      generator: { name: "wrk", threads, cpuSeconds, busy: round(cpuSeconds / (duration * threads)) },
      ...(spec.post ? { acceptedIds: w.ids, sent: w.sent } : {}),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function runAutocannon(spec: LoadSpec): Promise<LoadResult> {
  const acceptedIds: number[] = [];
  const answered: number[] = [];
  let sent = 0;
  const post = spec.post;
  const target = new URL(spec.url);
  // GETs in two worker threads (one is slower than the server); POSTs need this
  // thread's callbacks, and at a few hundred a second one thread keeps up.
  const workers = post ? 0 : 2;
  const options: autocannon.Options = {
    url: spec.url,
    connections: spec.connections,
    duration: spec.duration,
    timeout: spec.timeout ?? 10,
    headers: spec.headers ?? {},
    ...(workers ? { workers } : {}),
  };
  if (post) {
    options.requests = [
      {
        method: "POST",
        path: `${target.pathname}${target.search}`,
        setupRequest: (request, context) => {
          const n = sent++;
          // One request at a time per connection: its context names the request in flight.
          (context as { n?: number }).n = n;
          const email = post.emails[n % post.emails.length]!;
          const form = new URLSearchParams({ comment: commentText(post.runId, n), author: `Bench poster ${n % 1000}`, email, url: "", comment_parent: "0" });
          return {
            ...request,
            method: "POST",
            headers: { ...(spec.headers ?? {}), origin: post.origin, "content-type": "application/x-www-form-urlencoded" },
            body: form.toString(),
          };
        },
        onResponse: (status, _body, context, headers) => {
          answered.push((context as { n?: number }).n ?? -1);
          if (status !== 303) return;
          const location = String((headers as Record<string, string | string[]> | undefined)?.location ?? "");
          const match = /#comment-(\d+)$/.exec(location);
          if (match) acceptedIds.push(Number(match[1]));
        },
      },
    ];
  }
  // POSTs: every response's time, exact (autocannon's own histogram keeps whole milliseconds, of 2xx only).
  const times: number[] = [];
  const cpuBefore = process.cpuUsage();
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(options, (error, finished) => (error ? reject(error) : resolve(finished)));
    if (!workers) {
      instance.on("response", (_client: unknown, _status: number, _bytes: number, responseTime: number) => {
        times.push(responseTime);
      });
    }
  });
  const cpu = process.cpuUsage(cpuBefore);
  times.sort((a, b) => a - b);
  const percentile = (p: number) => (times.length ? times[Math.min(times.length - 1, Math.floor((p / 100) * times.length))]! : 0);
  const statusCounts: Record<string, number> = {};
  for (const [code, stat] of Object.entries(result.statusCodeStats ?? {})) statusCounts[code] = (stat as { count: number }).count;
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  const threads = Math.max(1, workers);
  return {
    requests: result.requests.total,
    rps: result.requests.average,
    latency: times.length
      ? { p50: round(percentile(50)), p90: round(percentile(90)), p99: round(percentile(99)), mean: round(times.reduce((a, b) => a + b, 0) / times.length), max: round(times[times.length - 1]!) }
      : { p50: result.latency.p50, p90: result.latency.p90, p99: result.latency.p99, mean: result.latency.mean, max: result.latency.max },
    bytesPerSecond: result.throughput.average,
    statusCounts,
    errors: result.errors,
    timeouts: result.timeouts,
    duration: result.duration,
    // Worker threads plus the thread that collects their figures.
    generator: { name: "autocannon", threads, cpuSeconds, busy: round(cpuSeconds / (result.duration * (workers ? workers + 1 : 1))) },
    ...(post ? { acceptedIds, sent, answered } : {}),
  };
}

export async function runWrkChecked(spec: LoadSpec): Promise<LoadResult> {
  assertLoopback(spec.url);
  return runWrk(spec);
}

async function main() {
  const spec = JSON.parse(process.argv[2] ?? "{}") as LoadSpec;
  assertLoopback(spec.url);
  const generator = spec.generator ?? (existsSync(WRK) ? "wrk" : "autocannon");
  const out = generator === "wrk" ? await runWrk(spec) : await runAutocannon(spec);
  process.stdout.write(`${JSON.stringify(out)}\n`);
}

// Run as a script (autocannon's runs, in a process of their own); imported, it only lends runWrk.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((error) => {
    process.stderr.write(`${error instanceof Error ? error.stack ?? error.message : String(error)}\n`);
    process.exit(1);
  });
}
