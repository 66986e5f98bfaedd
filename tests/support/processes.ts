// Real Assay processes for the lifecycle tests: the server and the other
// command-line entries as production runs them, compiled (build/server/*.js, see
// scripts/build-server.ts) and spawned as one node process each, so that a signal
// or a SIGKILL reaches the program itself.
import { spawn, type ChildProcess } from "node:child_process";
import { chmodSync, existsSync, mkdtempSync, readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { freePort } from "../../db/embedded";
import { buildServer, productionNodeFlags, serverArgs, SERVER_BUILD_DIR, SERVER_ENTRIES } from "../../scripts/build-server";

export { productionNodeFlags, serverArgs };

export const ROOT = path.resolve(import.meta.dirname, "..", "..");

let serverBuild: Promise<void> | null = null;

/**
 * The production build, current: the Remix build must exist (`npx remix build`, or
 * `npm run build`; npm test does it), and build/server is compiled here from the
 * sources as they are (half a second; a file is rewritten only when it changed).
 */
export async function ensureBuild(): Promise<void> {
  if (!existsSync(path.join(ROOT, "build", "index.js"))) throw new Error("No build: run `npm run build` first (npm test does).");
  serverBuild ??= buildServer({ quiet: true });
  await serverBuild;
}

/**
 * How to run a command-line entry: its compiled file when it is one of the build's
 * (scripts/migrate.ts → build/server/migrate.js, with the production flags for the
 * server), otherwise the TypeScript itself through tsx (a test's own small program).
 */
export function commandArgs(script: string): string[] {
  const source = path.relative(ROOT, path.resolve(ROOT, script));
  const built = Object.entries(SERVER_ENTRIES).find(([, entry]) => entry === source)?.[0];
  if (built === "start") return serverArgs();
  if (built) return [path.join(SERVER_BUILD_DIR, `${built}.js`)];
  return ["--import", "tsx", script];
}

/** A temp folder the `postgres` user can enter (the server runs as it when we are root). */
export function workFolder(prefix: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  chmodSync(dir, 0o755);
  return dir;
}

/** The environment of a command on the embedded database of `dataDir`. */
export function embeddedEnv(dataDir: string, pgPort: number, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, ASSAY_DATA_DIR: dataDir, EMBEDDED_PG_PORT: String(pgPort), ...extra };
  delete env.DATABASE_URL;
  delete env.ASSAY_SEED;
  return env;
}

export interface Running {
  child: ChildProcess;
  output: () => string;
  /** Resolves once the output matches (or rejects when the process ends first). */
  waitForOutput(pattern: RegExp, what?: string, limitMs?: number): Promise<void>;
  exited: Promise<number | null>;
}

/** A command (see commandArgs; call ensureBuild first for a compiled one). */
export function run(script: string, args: string[], env: NodeJS.ProcessEnv): Running {
  const child = spawn(process.execPath, [...commandArgs(script), ...args], { cwd: ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
  let log = "";
  const waiters: (() => void)[] = [];
  const onData = (chunk: Buffer) => {
    log += chunk.toString();
    for (const waiter of waiters.splice(0)) waiter();
  };
  child.stdout!.on("data", onData);
  child.stderr!.on("data", onData);
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code, signal) => resolve(code ?? (signal ? -1 : null))));
  return {
    child,
    output: () => log,
    exited,
    waitForOutput(pattern, what = String(pattern), limitMs = 120_000) {
      return new Promise((resolve, reject) => {
        let done = false;
        const timer = setTimeout(() => {
          if (done) return;
          done = true;
          reject(new Error(`${script} did not print ${what} within ${limitMs / 1000} s:\n${log}`));
        }, limitMs);
        const check = () => {
          if (done) return;
          if (pattern.test(log)) {
            done = true;
            clearTimeout(timer);
            resolve();
          } else waiters.push(check);
        };
        void exited.then((code) => {
          if (done) return;
          done = true;
          clearTimeout(timer);
          reject(new Error(`${script} exited (${code}) before printing ${what}:\n${log}`));
        });
        check();
      });
    },
  };
}

/** A command run to its end: its exit code and everything it printed. */
export async function runToEnd(script: string, args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; output: string }> {
  if (commandArgs(script)[0] !== "--import") await ensureBuild();
  const running = run(script, args, env);
  const code = await running.exited;
  return { code, output: running.output() };
}

export interface App extends Running {
  url: string;
}

/** The production server (scripts/start.ts, compiled) on the embedded database of `dataDir`, once it serves. */
export async function startApp(dataDir: string, pgPort: number, extra: Record<string, string> = {}): Promise<App> {
  await ensureBuild();
  const port = await freePort();
  const running = run("scripts/start.ts", [], embeddedEnv(dataDir, pgPort, { PORT: String(port), HOST: "127.0.0.1", ...extra }));
  await running.waitForOutput(/\[assay\] serving http/, "its serving line");
  return { ...running, url: `http://127.0.0.1:${port}` };
}

/** Poll until `check` holds; fails with `what` after `limitMs` (a bound, not a measurement). */
export async function eventually(check: () => boolean | Promise<boolean>, what: string, limitMs = 60_000): Promise<void> {
  const until = Date.now() + limitMs;
  while (Date.now() < until) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`Still not true after ${limitMs / 1000} s: ${what}`);
}

export const ARTICLE_PATH = "/articles/baogang-orders-safety-and-environmental-inspections-at-key-mines";

/** Post a guest comment (the demo content's first article); resolves to the HTTP status. */
export async function postComment(baseUrl: string, body: string): Promise<number> {
  const response = await fetch(`${baseUrl}${ARTICLE_PATH}`, {
    method: "POST",
    redirect: "manual",
    headers: { Origin: baseUrl, "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ comment: body, author: "Lifecycle", email: "lifecycle@example.com", url: "", comment_parent: "0" }),
  });
  await response.arrayBuffer();
  return response.status;
}
