// One load run for `npm run bench`, in its own process (so the load generator
// never shares a thread with the server, nor with the bench's bookkeeping).
// Reads a JSON spec from argv[2], runs autocannon against 127.0.0.1 only, prints
// one JSON line with the figures.
//
// For comment POSTs (spec.post), every request carries a unique body and the run
// collects the id of each accepted comment from its redirect (`#comment-ID`), so
// the bench can prove afterwards that exactly those comments are in the database.
import autocannon from "autocannon";

export interface LoadSpec {
  url: string;
  connections: number;
  /** Seconds. */
  duration: number;
  headers?: Record<string, string>;
  /** Extra per-request timeout, seconds (default 10). */
  timeout?: number;
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
  statusCounts: Record<string, number>;
  errors: number;
  timeouts: number;
  duration: number;
  /** POST runs: ids of the comments the server accepted (303 to #comment-ID). */
  acceptedIds?: number[];
  /** POST runs: how many requests were sent with a body (each unique). */
  sent?: number;
  /** POST runs: the numbers (n in "comment n:") of the requests that got any answer. */
  answered?: number[];
}

function assertLoopback(url: string) {
  const host = new URL(url).hostname;
  if (host !== "127.0.0.1" && host !== "localhost" && host !== "[::1]") {
    throw new Error(`bench-load only sends traffic to this machine (127.0.0.1), not to ${host}`);
  }
}

async function main() {
  const spec = JSON.parse(process.argv[2] ?? "{}") as LoadSpec;
  assertLoopback(spec.url);
  const acceptedIds: number[] = [];
  const answered: number[] = [];
  let sent = 0;
  const post = spec.post;
  const target = new URL(spec.url);
  const options: autocannon.Options = {
    url: spec.url,
    connections: spec.connections,
    duration: spec.duration,
    timeout: spec.timeout ?? 10,
    headers: spec.headers ?? {},
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
          const form = new URLSearchParams({
            comment: `Bench ${post.runId} comment ${n}: NdPr at ${(n % 97) + 40} looks ${n % 2 ? "cheap" : "dear"} to me.`,
            author: `Bench poster ${n % 1000}`,
            email,
            url: "",
            comment_parent: "0",
          });
          return {
            ...request,
            method: "POST",
            headers: {
              ...(spec.headers ?? {}),
              origin: post.origin,
              "content-type": "application/x-www-form-urlencoded",
            },
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
  // Every response's time, exact (autocannon's own histogram keeps whole milliseconds, of 2xx only).
  const times: number[] = [];
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(options, (error, finished) => (error ? reject(error) : resolve(finished)));
    instance.on("response", (_client: unknown, _status: number, _bytes: number, responseTime: number) => {
      times.push(responseTime);
    });
  });
  times.sort((a, b) => a - b);
  const percentile = (p: number) => (times.length ? times[Math.min(times.length - 1, Math.floor((p / 100) * times.length))]! : 0);
  const round = (n: number) => Math.round(n * 100) / 100;
  const statusCounts: Record<string, number> = {};
  for (const [code, stat] of Object.entries(result.statusCodeStats ?? {})) statusCounts[code] = (stat as { count: number }).count;
  const out: LoadResult = {
    requests: result.requests.total,
    rps: result.requests.average,
    latency: {
      p50: round(percentile(50)),
      p90: round(percentile(90)),
      p99: round(percentile(99)),
      mean: round(times.reduce((a, b) => a + b, 0) / Math.max(1, times.length)),
      max: round(times[times.length - 1] ?? 0),
    },
    bytesPerSecond: result.throughput.average,
    statusCounts,
    errors: result.errors,
    timeouts: result.timeouts,
    duration: result.duration,
    ...(post ? { acceptedIds, sent, answered } : {}),
  };
  process.stdout.write(`${JSON.stringify(out)}\n`);
}

main().catch((error) => {
  process.stderr.write(`${error instanceof Error ? error.stack ?? error.message : String(error)}\n`);
  process.exit(1);
});
