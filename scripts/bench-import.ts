// `npm run bench:import`: how fast, and in how little memory, a WordPress site
// moves in. Writes a WXR file of 1,000 posts and 100,000 comments (nested replies,
// every status, HTML and plain text, pingbacks), starts PostgreSQL (embedded in a
// temp folder, or a database made on DATABASE_URL's server and dropped after),
// and runs `npm run import:wordpress` on it as a child process, twice (the second
// run finds everything in place), measuring each run's time and peak resident
// memory (VmHWM, read from /proc while it runs, and the child's own maxRSS).
// Prints a table and the targets as `npm run bench` does; writes bench/import-results.json.
//
//   options: --posts N --comments N --keep (keep the generated file and print its path)
import { spawn } from "node:child_process";
import { buildServer, SERVER_BUILD_DIR } from "./build-server";
import { createWriteStream, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { once } from "node:events";
import pg from "pg";
import { createDatabaseIfMissing, dropDatabase, startEmbeddedPostgres, type EmbeddedServer } from "../db/embedded";

const ROOT = path.resolve(import.meta.dirname, "..");
const started = Date.now();
const log = (message: string) => console.log(`[bench:import ${((Date.now() - started) / 1000).toFixed(0).padStart(3)}s] ${message}`);

const { values: args } = parseArgs({ options: { posts: { type: "string" }, comments: { type: "string" }, keep: { type: "boolean", default: false } } });
const num = (value: string | undefined, fallback: number) => (value === undefined ? fallback : Number(value.replace(/[_,]/g, "")));
const POSTS = num(args.posts, 1_000);
const COMMENTS = num(args.comments, 100_000);
const TARGET_SECONDS = 60;
const TARGET_RSS_MB = 300;

// --- the export -------------------------------------------------------------------

function mulberry32(seed: number): () => number {
  let a = seed;
  return () => {
    a |= 0;
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const WORDS = "copper lithium quota smelter guidance margin dividend tailings royalty offtake spot futures contango backwardation capex ore grade".split(" ");

function sentence(random: () => number, n: number): string {
  const words = Array.from({ length: n }, () => WORDS[Math.floor(random() * WORDS.length)]!);
  words[0] = words[0]!.charAt(0).toUpperCase() + words[0]!.slice(1);
  return `${words.join(" ")}.`;
}

const cdata = (text: string) => `<![CDATA[${text.replace(/]]>/g, "]]]]><![CDATA[>")}]]>`;
const wpDate = (ms: number) => new Date(ms).toISOString().slice(0, 19).replace("T", " ");

/** Streams the file to disk (it is some 60 MB), so the generator holds little too. */
async function writeExport(file: string): Promise<{ bytes: number; comments: number; pingbacks: number }> {
  const random = mulberry32(20260601);
  const out = createWriteStream(file);
  const write = async (text: string) => {
    if (!out.write(text)) await once(out, "drain");
  };
  await write(`<?xml version="1.0" encoding="UTF-8" ?>
<rss version="2.0" xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:wfw="http://wellformedweb.org/CommentAPI/" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">
<channel>
<title>Bench Desk</title><link>https://bench.example.com</link><wp:wxr_version>1.2</wp:wxr_version>
<wp:base_site_url>https://bench.example.com</wp:base_site_url><wp:base_blog_url>https://bench.example.com</wp:base_blog_url>
<wp:author><wp:author_login>desk</wp:author_login><wp:author_display_name>${cdata("Bench Desk")}</wp:author_display_name></wp:author>
`);
  const categories = ["markets", "mining", "energy", "metals", "policy"];
  for (const [i, c] of categories.entries()) {
    await write(`<wp:category><wp:category_nicename>${c}</wp:category_nicename><wp:category_parent>${i === 1 ? "markets" : ""}</wp:category_parent><wp:cat_name>${cdata(c[0]!.toUpperCase() + c.slice(1))}</wp:cat_name><wp:category_description>${cdata(`All about ${c}.`)}</wp:category_description></wp:category>\n`);
  }
  let commentId = 1;
  let comments = 0;
  let pingbacks = 0;
  const base = Date.UTC(2020, 0, 1);
  for (let p = 0; p < POSTS; p++) {
    // Uneven threads, as on a real site: most short, a few long; the total is exact.
    const size = p === POSTS - 1 ? COMMENTS - comments : Math.min(COMMENTS - comments, Math.round((COMMENTS / POSTS) * (0.2 + 1.6 * random())));
    const postMs = base + p * 3_600_000 * 20;
    const status = p % 50 === 49 ? "draft" : p % 100 === 98 ? "future" : "publish";
    const cats = [categories[p % 5]!, categories[(p + 2) % 5]!];
    const body = Array.from({ length: 6 }, (_, i) => (i === 2 ? `<h2>${sentence(random, 4)}</h2>` : i === 4 ? `<ul><li>${sentence(random, 5)}</li><li>${sentence(random, 5)}</li></ul>` : `<p>${sentence(random, 30)} <a href="https://bench.example.com/${p}">More</a> &amp; <strong>${sentence(random, 3)}</strong></p>`)).join("\n");
    let item = `<item><title>${cdata(`Post ${p}: ${sentence(random, 6)}`)}</title><link>https://bench.example.com/${2020 + Math.floor(p / 365)}/post-${p}/</link>
<dc:creator>desk</dc:creator><guid isPermaLink="false">https://bench.example.com/?p=${p + 1}</guid>
<content:encoded>${cdata(body)}</content:encoded><excerpt:encoded>${cdata("")}</excerpt:encoded>
<wp:post_id>${p + 1}</wp:post_id><wp:post_date>${wpDate(postMs)}</wp:post_date><wp:post_date_gmt>${wpDate(status === "future" ? Date.UTC(2031, 0, 1) + p : postMs)}</wp:post_date_gmt>
<wp:comment_status>open</wp:comment_status><wp:post_name>post-${p}</wp:post_name><wp:status>${status}</wp:status><wp:post_type>post</wp:post_type>
${cats.map((c) => `<category domain="category" nicename="${c}">${cdata(c)}</category>`).join("")}
`;
    const ids: number[] = [];
    for (let c = 0; c < size; c++) {
      const id = commentId++;
      const r = random();
      const parent = ids.length && random() < 0.4 ? ids[Math.floor(random() * ids.length)]! : 0;
      const approved = r < 0.9 ? "1" : r < 0.95 ? "0" : r < 0.98 ? "spam" : "trash";
      const type = random() < 0.01 ? "pingback" : "comment";
      if (type === "pingback") pingbacks++;
      const text =
        random() < 0.3
          ? `${sentence(random, 12)} <a href="https://example.org/${id}">source</a> &amp; <em>${sentence(random, 3)}</em>\n\n${sentence(random, 20)}`
          : `${sentence(random, 15 + Math.floor(random() * 30))}\n\n${sentence(random, 10)}`;
      item += `<wp:comment><wp:comment_id>${id}</wp:comment_id><wp:comment_author>${cdata(`Reader ${id % 5000}`)}</wp:comment_author><wp:comment_author_email>${cdata(`reader${id % 5000}@example.com`)}</wp:comment_author_email><wp:comment_author_url>${id % 7 === 0 ? `https://reader${id}.example.com/` : ""}</wp:comment_author_url><wp:comment_author_IP>${cdata(`198.51.${(id >> 8) & 255}.${id & 255}`)}</wp:comment_author_IP><wp:comment_date>${wpDate(postMs + c * 60_000)}</wp:comment_date><wp:comment_date_gmt>${wpDate(postMs + c * 60_000)}</wp:comment_date_gmt><wp:comment_content>${cdata(text)}</wp:comment_content><wp:comment_approved>${approved}</wp:comment_approved><wp:comment_type>${type}</wp:comment_type><wp:comment_parent>${parent}</wp:comment_parent><wp:comment_user_id>0</wp:comment_user_id></wp:comment>\n`;
      if (type === "comment") ids.push(id);
      comments++;
    }
    await write(`${item}</item>\n`);
  }
  await write("</channel>\n</rss>\n");
  out.end();
  await once(out, "finish");
  return { bytes: statSync(file).size, comments, pingbacks };
}

// --- running the import ---------------------------------------------------------------

interface RunFigure {
  seconds: number;
  /** The importer's own CPU time (user + system), as it printed it. */
  cpuSeconds: number;
  peakRssMb: number;
  /** The machine's 1-minute load average when the run ended: the machine is shared. */
  load: number;
  output: string;
}

function readHwmMb(pid: number): number {
  try {
    const kb = Number(/VmHWM:\s+(\d+)\s+kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? NaN);
    return kb / 1024;
  } catch {
    return NaN;
  }
}

/** `node build/server/import-wordpress.js FILE` (what `npm run import:wordpress` runs): no wrapper process, so its pid is the importer's. */
async function runImport(file: string, databaseUrl: string): Promise<RunFigure> {
  const t0 = Date.now();
  const child = spawn(process.execPath, [path.join(SERVER_BUILD_DIR, "import-wordpress.js"), file], {
    cwd: ROOT,
    env: { ...process.env, DATABASE_URL: databaseUrl },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.on("data", (c) => (output += c));
  child.stderr.on("data", (c) => (output += c));
  let peak = 0;
  const timer = setInterval(() => {
    const mb = readHwmMb(child.pid!);
    if (Number.isFinite(mb)) peak = Math.max(peak, mb);
  }, 50);
  const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
  clearInterval(timer);
  const seconds = (Date.now() - t0) / 1000;
  if (code !== 0) throw new Error(`the import failed (exit ${code}):\n${output}`);
  // The importer's own figure (getrusage maxRSS) catches a peak between two looks.
  const own = Number(/peak memory (\d+) MB/.exec(output)?.[1] ?? NaN);
  if (Number.isFinite(own)) peak = Math.max(peak, own);
  const cpuSeconds = Number(/\(CPU ([\d.]+) s\)/.exec(output)?.[1] ?? NaN);
  return { seconds: Math.round(seconds * 10) / 10, cpuSeconds, peakRssMb: Math.round(peak), load: Math.round(os.loadavg()[0]! * 10) / 10, output };
}

async function main() {
  await buildServer({ quiet: true });
  const workDir = mkdtempSync(path.join(os.tmpdir(), "assay-bench-import-"));
  const name = `assay_bench_import_${process.pid}`;
  let embedded: EmbeddedServer | null = null;
  let admin: string;
  let url: string;
  try {
    const file = path.join(workDir, "export.xml");
    log(`writing a WXR of ${POSTS.toLocaleString("en-US")} posts and ${COMMENTS.toLocaleString("en-US")} comments`);
    const generated = await writeExport(file);
    log(`${file}: ${(generated.bytes / 2 ** 20).toFixed(1)} MB`);
    if (process.env.DATABASE_URL) {
      admin = process.env.DATABASE_URL;
      const u = new URL(admin);
      u.pathname = `/${name}`;
      url = u.toString();
    } else {
      embedded = await startEmbeddedPostgres({ dataDir: path.join(workDir, "pgdata"), log: () => undefined });
      admin = embedded.adminUrl;
      url = embedded.urlFor(name);
    }
    await dropDatabase(admin, name);
    await createDatabaseIfMissing(admin, name);

    log("first import");
    const first = await runImport(file, url);
    log(`  ${first.seconds} s (importer CPU ${first.cpuSeconds} s, load average ${first.load}), peak RSS ${first.peakRssMb} MB`);
    log("the same file again (everything in place)");
    const second = await runImport(file, url);
    log(`  ${second.seconds} s (importer CPU ${second.cpuSeconds} s, load average ${second.load}), peak RSS ${second.peakRssMb} MB`);

    // The figures count only if the import did its work.
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    const counted = (await client.query<{ comments: string; articles: string }>("select (select count(*) from comments) as comments, (select count(*) from articles) as articles")).rows[0]!;
    await client.end();
    const expectedComments = generated.comments - generated.pingbacks;
    if (Number(counted.comments) !== expectedComments || Number(counted.articles) !== POSTS) {
      throw new Error(`the import stored ${counted.articles} articles and ${counted.comments} comments; expected ${POSTS} and ${expectedComments}`);
    }

    const rows = [
      ["What", "seconds", "importer CPU s", "peak RSS MB", "note"],
      [`WordPress import, ${POSTS.toLocaleString("en-US")} posts, ${COMMENTS.toLocaleString("en-US")} comments`, `${first.seconds}`, `${first.cpuSeconds}`, `${first.peakRssMb}`, `${(generated.bytes / 2 ** 20).toFixed(0)} MB file, ${Math.round(expectedComments / first.seconds).toLocaleString("en-US")} comments/s, load average ${first.load}`],
      ["Same file again (updates in place, nothing changed)", `${second.seconds}`, `${second.cpuSeconds}`, `${second.peakRssMb}`, `load average ${second.load}`],
    ];
    const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
    const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(" | ")} |`;
    const table = [line(rows[0]!), `|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`, ...rows.slice(1).map(line)].join("\n");
    const targets = {
      importSeconds: { name: `WordPress import of ${POSTS.toLocaleString("en-US")} posts and ${COMMENTS.toLocaleString("en-US")} comments`, figure: first.seconds, unit: "s", target: `< ${TARGET_SECONDS}`, met: first.seconds < TARGET_SECONDS },
      importRss: { name: "Peak RSS of the import process", figure: Math.max(first.peakRssMb, second.peakRssMb), unit: "MB", target: `< ${TARGET_RSS_MB}`, met: Math.max(first.peakRssMb, second.peakRssMb) < TARGET_RSS_MB },
    };
    const targetLines = Object.values(targets).map((t) => `- ${t.met ? "met    " : "NOT MET"}  ${t.name}: ${t.figure} ${t.unit} (target ${t.target})`);
    console.log(`\n${table}\n\nTargets:\n${targetLines.join("\n")}\n\nThe first run's summary:\n${first.output.trim()}\n`);
    mkdirSync(path.join(ROOT, "bench"), { recursive: true });
    writeFileSync(
      path.join(ROOT, "bench", "import-results.json"),
      `${JSON.stringify({ ranAt: new Date().toISOString(), command: "npm run bench:import", posts: POSTS, comments: COMMENTS, machine: { cpus: os.cpus().length, node: process.version, loadAverage: os.loadavg() }, targets, table }, null, 2)}\n`,
    );
    log("wrote bench/import-results.json");
    if (args.keep) log(`kept ${file}`);
  } finally {
    if (admin! && !embedded) await dropDatabase(admin, name).catch(() => undefined);
    await embedded?.stop().catch(() => undefined);
    if (!args.keep) rmSync(workDir, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(`[bench:import] failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
