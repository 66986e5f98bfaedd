// Ctrl-C in a terminal reaches every process of `npm start`'s group at once: npm, the
// shell npm runs the script in and the app. The shell must not die of it before the
// app has shut down (npm would then exit 130 whatever the app did), so the start
// script hands the shell's place to node with `exec`.
import { spawn } from "node:child_process";
import { existsSync, readFileSync, rmSync } from "node:fs";
import path from "node:path";
import { afterAll, expect, it } from "vitest";
import { freePort } from "../../db/embedded";
import { embeddedEnv, ensureBuild, ROOT, workFolder } from "../support/processes";

const dir = workFolder("assay-ctrl-c-");
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// WEB_CONCURRENCY=2: the Ctrl-C reaches the primary and both web processes at once.
it.each(["1", "2"])("the start script's server, run as npm runs it (WEB_CONCURRENCY=%s), exits 0 on a Ctrl-C to its whole process group", async (processes) => {
  await ensureBuild();
  const scripts = JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8")).scripts as Record<string, string>;
  const script = scripts.start!;
  // The build step is left out here (it would rewrite the build other test files serve);
  // what follows it is start:prod, the command a deployment runs.
  const BUILD = "npm run build && ";
  expect(script.startsWith(BUILD)).toBe(true);
  expect(script.slice(BUILD.length)).toBe(scripts["start:prod"]);
  const dataDir = path.join(dir, `data-${processes}`);
  const env = embeddedEnv(dataDir, await freePort(), {
    PORT: String(await freePort()),
    HOST: "127.0.0.1",
    WEB_CONCURRENCY: processes,
    PATH: `${path.join(ROOT, "node_modules", ".bin")}${path.delimiter}${process.env.PATH ?? ""}`,
  });
  // As npm runs a script (`sh -c`), in a process group of its own, as a terminal's job is.
  const child = spawn("sh", ["-c", script.slice(BUILD.length)], { cwd: ROOT, env, detached: true, stdio: ["ignore", "pipe", "pipe"] });
  let log = "";
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once("exit", (code, signal) => resolve({ code, signal })),
  );
  const serving = new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      log += chunk.toString();
      if (/serving http:/.test(log)) resolve();
    };
    child.stdout!.on("data", onData);
    child.stderr!.on("data", onData);
    void exited.then(() => reject(new Error(`the server exited before serving:\n${log}`)));
  });
  await serving;
  process.kill(-child.pid!, "SIGINT");
  expect(await exited, log).toEqual({ code: 0, signal: null });
  expect(log).toMatch(/SIGINT: shutting down/);
  expect(existsSync(path.join(dataDir, "postmaster.pid"))).toBe(false);
}, 180_000);
