// `npm start` end to end, on the embedded database: it migrates, seeds, serves,
// stops cleanly on SIGTERM and SIGINT, and keeps its data across restarts.
import { spawn, type ChildProcess } from "node:child_process";
import { chmodSync, existsSync, mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { freePort } from "../../db/embedded";

const root = path.resolve(import.meta.dirname, "..", "..");
const workDir = mkdtempSync(path.join(os.tmpdir(), "assay-lifecycle-"));
chmodSync(workDir, 0o755);
const dataDir = path.join(workDir, "data");

afterAll(() => rmSync(workDir, { recursive: true, force: true }));

async function start(): Promise<{ child: ChildProcess; url: string; output: () => string }> {
  if (!existsSync(path.join(root, "build", "index.js"))) throw new Error("No build: run `npx remix build` first (npm test does).");
  const [port, pgPort] = [await freePort(), await freePort()];
  const env: NodeJS.ProcessEnv = { ...process.env, PORT: String(port), HOST: "127.0.0.1", ASSAY_DATA_DIR: dataDir, EMBEDDED_PG_PORT: String(pgPort) };
  delete env.DATABASE_URL;
  delete env.ASSAY_SEED;
  let log = "";
  const child = spawn(path.join(root, "node_modules", ".bin", "tsx"), ["scripts/start.ts"], { cwd: root, env, stdio: ["ignore", "pipe", "pipe"] });
  child.stdout!.on("data", (c) => (log += c));
  child.stderr!.on("data", (c) => (log += c));
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 240; i++) {
    if (child.exitCode !== null) throw new Error(`start exited early (${child.exitCode}):\n${log}`);
    try {
      if ((await fetch(url)).ok) return { child, url, output: () => log };
    } catch {
      // not yet listening
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  child.kill("SIGKILL");
  throw new Error(`start did not serve within 60 s:\n${log}`);
}

function exitOf(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve(child.exitCode);
    child.once("exit", (code) => resolve(code));
  });
}

describe("npm start on the embedded database", () => {
  it("serves the seeded forum, stops cleanly, and keeps its data across restarts", async () => {
    const first = await start();
    const home = await (await fetch(first.url)).text();
    expect(home).toContain("Baogang Orders Urgent Safety and Environmental Inspections at Its Key Mines");
    expect(first.output()).toMatch(/migrations applied: 0001/);

    const body = `Kept across restarts ${Date.now()}`;
    const posted = await fetch(`${first.url}/articles/baogang-orders-safety-and-environmental-inspections-at-key-mines`, {
      method: "POST",
      redirect: "manual",
      headers: { Origin: first.url, "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ comment: body, author: "Restart", email: "restart@example.com", url: "", comment_parent: "0" }),
    });
    expect(posted.status).toBe(303);
    const cookie = posted.headers.get("set-cookie")!.split(";")[0]!;

    first.child.kill("SIGTERM");
    expect(await exitOf(first.child)).toBe(0);
    // The PostgreSQL server stopped with it: no postmaster.pid is left behind.
    expect(existsSync(path.join(dataDir, "postmaster.pid"))).toBe(false);

    const second = await start();
    const page = await (await fetch(`${second.url}/articles/baogang-orders-safety-and-environmental-inspections-at-key-mines`, { headers: { Cookie: cookie } })).text();
    expect(page).toContain(body);
    expect(second.output()).not.toMatch(/migrations applied/);
    expect(second.output()).not.toMatch(/seeded/);
    second.child.kill("SIGINT");
    expect(await exitOf(second.child)).toBe(0);
    expect(existsSync(path.join(dataDir, "postmaster.pid"))).toBe(false);
  }, 180_000);
});
