// `npm start` end to end, on the embedded database: it migrates, seeds, serves,
// stops cleanly on SIGTERM and SIGINT, and keeps its data across restarts.
import { spawn, type ChildProcess } from "node:child_process";
import { chmodSync, existsSync, mkdtempSync, rmSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { freePort, isAlive, readPostmasterPid } from "../../db/embedded";
import { ARTICLE_PATH, ensureBuild, eventually, serverArgs, startApp } from "../support/processes";

const root = path.resolve(import.meta.dirname, "..", "..");
const workDir = mkdtempSync(path.join(os.tmpdir(), "assay-lifecycle-"));
chmodSync(workDir, 0o755);
const dataDir = path.join(workDir, "data");

afterAll(() => rmSync(workDir, { recursive: true, force: true }));

async function start(): Promise<{ child: ChildProcess; url: string; output: () => string }> {
  await ensureBuild();
  const [port, pgPort] = [await freePort(), await freePort()];
  const env: NodeJS.ProcessEnv = { ...process.env, PORT: String(port), HOST: "127.0.0.1", ASSAY_DATA_DIR: dataDir, EMBEDDED_PG_PORT: String(pgPort) };
  delete env.DATABASE_URL;
  delete env.ASSAY_SEED;
  let log = "";
  const child = spawn(process.execPath, serverArgs(), { cwd: root, env, stdio: ["ignore", "pipe", "pipe"] });
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

/** A comment POST whose body arrives in two parts: in flight from its headers until `finish()`. */
function slowPost(baseUrl: string, body: string) {
  const { host, port } = new URL(baseUrl);
  const socket = net.connect({ host: "127.0.0.1", port: Number(port) });
  let received = "";
  socket.on("data", (chunk) => (received += chunk));
  const closed = new Promise<string>((resolve) => socket.once("close", () => resolve(received)));
  socket.on("error", () => undefined);
  const split = Math.floor(body.length / 2);
  const connected = new Promise<void>((resolve) => socket.once("connect", resolve)).then(() => {
    socket.write(
      `POST ${ARTICLE_PATH} HTTP/1.1\r\nHost: ${host}\r\nOrigin: ${baseUrl}\r\nConnection: close\r\n` +
        `Content-Type: application/x-www-form-urlencoded\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body.slice(0, split)}`,
    );
  });
  return { connected, finish: () => socket.write(body.slice(split)), response: closed };
}

const commentForm = (text: string) =>
  new URLSearchParams({ comment: text, author: "Shutdown", email: "shutdown@example.com", url: "", comment_parent: "0" }).toString();

describe("shutting down on a signal", () => {
  it("stops accepting, finishes the request in flight, stops the database and exits 0", async () => {
    const dir = path.join(workDir, "graceful");
    const app = await startApp(dir, await freePort());
    const inFlight = slowPost(app.url, commentForm(`Finished during shutdown ${Date.now()}`));
    await inFlight.connected;
    app.child.kill("SIGTERM");
    await app.waitForOutput(/SIGTERM: shutting down/);
    // No longer accepting...
    expect(await fetch(app.url).then(() => "answered", () => "refused")).toBe("refused");
    // ...but the request already in flight is answered in full.
    inFlight.finish();
    expect(await inFlight.response).toMatch(/^HTTP\/1\.1 303 /);
    expect(await app.exited).toBe(0);
    expect(existsSync(path.join(dir, "postmaster.pid"))).toBe(false);
  }, 180_000);

  it("exits at once on a second signal", async () => {
    const dir = path.join(workDir, "impatient");
    const app = await startApp(dir, await freePort());
    const inFlight = slowPost(app.url, commentForm(`Never finished ${Date.now()}`));
    await inFlight.connected;
    app.child.kill("SIGTERM");
    await app.waitForOutput(/SIGTERM: shutting down/);
    // Past the second in which a repeat counts as the same signal relayed twice (npm, tsx).
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    app.child.kill("SIGTERM");
    // 128 + SIGTERM: it did not wait for the request still in flight.
    expect(await app.exited).toBe(143);
    expect(app.output()).toMatch(/SIGTERM again: exiting now/);
    expect(await inFlight.response).toBe("");
    // Its server, left without a client, is stopped by the watchdog.
    await eventually(() => !isAlive(readPostmasterPid(dir)?.pid), "the watchdog stopped the server");
  }, 180_000);
});
