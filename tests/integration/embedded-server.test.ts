// The embedded PostgreSQL after a crash and beside a running server (issue 16),
// and coming back when it dies under the app: real processes, a real server.
import { execFileSync, spawn } from "node:child_process";
import { existsSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import net from "node:net";
import path from "node:path";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { freePort, isAlive, readPostmasterPid, readState } from "../../db/embedded";
import { embeddedEnv, eventually, postComment, runToEnd, startApp, workFolder, type App } from "../support/processes";

const work = workFolder("assay-embedded-");
const serverGone = (dataDir: string) => () => !isAlive(readPostmasterPid(dataDir)?.pid);
const started: App[] = [];
afterAll(async () => {
  for (const app of started) if (app.child.exitCode === null) app.child.kill("SIGKILL");
  // Leave no server behind: wait for the watchdogs (they stop a server whose clients are gone).
  for (const dir of ["shared", "stale", "two"]) {
    const dataDir = path.join(work, dir);
    const gone = serverGone(dataDir);
    await eventually(gone, `the server of ${dataDir} stopped`, 15_000).catch(() => {
      // A failed test may have left an orphan (its watchdog killed): stop it here.
      const pid = readPostmasterPid(dataDir)?.pid;
      if (pid && isAlive(pid)) process.kill(pid, "SIGINT");
    });
    await eventually(gone, `the server of ${dataDir} stopped`).catch(() => undefined);
  }
  rmSync(work, { recursive: true, force: true });
});

async function start(dataDir: string, pgPort: number): Promise<App> {
  const app = await startApp(dataDir, pgPort);
  started.push(app);
  return app;
}

async function commentBodies(pgPort: number): Promise<string[]> {
  const client = new pg.Client({ connectionString: `postgres://assay:assay@127.0.0.1:${pgPort}/assay` });
  await client.connect();
  try {
    const { rows } = await client.query<{ body: string }>("select body_markdown as body from comments");
    return rows.map((r) => r.body);
  } finally {
    await client.end();
  }
}

describe("the embedded PostgreSQL of a data folder", () => {
  const dataDir = path.join(work, "shared");

  it("stops by itself when the app is SIGKILLed, keeps committed comments, takes over an orphaned server, and comes back when it dies", async () => {
    const pgPort = await freePort();

    // 1. The app, killed outright: its watchdog stops the server within seconds, nothing committed is lost.
    const first = await start(dataDir, pgPort);
    const kept = `Committed before SIGKILL ${Date.now()}`;
    expect(await postComment(first.url, kept)).toBe(303);
    first.child.kill("SIGKILL");
    await first.exited;
    await eventually(serverGone(dataDir), "the watchdog stopped the server after its app was killed");

    const second = await start(dataDir, pgPort);
    expect(second.output()).not.toMatch(/took over/);
    expect(await commentBodies(pgPort)).toContain(kept);

    // 2. App and watchdog both killed (as an older Assay left it): the server runs on, orphaned,
    // and the next start takes it over, saying so in one line.
    const orphan = readPostmasterPid(dataDir)!;
    const watchdog = readState(dataDir)!.watchdogPid;
    second.child.kill("SIGKILL");
    process.kill(watchdog, "SIGKILL");
    await second.exited;
    expect(isAlive(orphan.pid)).toBe(true);
    const third = await start(dataDir, pgPort);
    expect(third.output().match(/took over the embedded PostgreSQL left running/g)).toHaveLength(1);
    expect(readPostmasterPid(dataDir)!.pid).toBe(orphan.pid);
    expect((await fetch(third.url)).status).toBe(200);

    // 3. The server dies under the running app: the app says so and starts it again.
    process.kill(orphan.pid, "SIGKILL");
    await third.waitForOutput(/has stopped; starting it again[\s\S]*running again/, "the restart lines");
    expect(third.child.exitCode).toBe(null);
    const restarted = readPostmasterPid(dataDir)!;
    expect(restarted.pid).not.toBe(orphan.pid);
    await eventually(async () => (await fetch(third.url).catch(() => null))?.status === 200, "the app answers again");
    const after = `Committed after the restart ${Date.now()}`;
    expect(await postComment(third.url, after)).toBe(303);
    expect(await commentBodies(pgPort)).toEqual(expect.arrayContaining([kept, after]));

    // 4. user:create beside the running app uses its server and leaves it running.
    const passwordFile = path.join(work, "password.txt");
    writeFileSync(passwordFile, "a long enough password 1\n");
    const created = await runToEnd(
      "scripts/create-user.ts",
      ["--email", "admin@example.com", "--name", "Admin", "--role", "admin", "--password-file", passwordFile],
      // Even asked for another port, it finds the folder's server where it runs.
      embeddedEnv(dataDir, await freePort()),
    );
    expect(created.code, created.output).toBe(0);
    expect(created.output).toMatch(/using the embedded PostgreSQL already running/);
    expect(created.output).toMatch(/Created admin #\d+/);
    expect(readPostmasterPid(dataDir)!.pid).toBe(restarted.pid);
    expect((await fetch(third.url)).status).toBe(200);

    // The connection details are kept in the folder, for its owner only.
    const stateFile = path.join(dataDir, "assay-server.json");
    expect(JSON.parse(readFileSync(stateFile, "utf8"))).toMatchObject({ port: pgPort, postmasterPid: restarted.pid });
    expect(statSync(stateFile).mode & 0o077).toBe(0);

    third.child.kill("SIGTERM");
    expect(await third.exited).toBe(0);
    expect(existsSync(path.join(dataDir, "postmaster.pid"))).toBe(false);
  }, 300_000);

  it("starts after a power cut left a stale postmaster.pid, whether its pid is dead or now another program's", async () => {
    const dataDir = path.join(work, "stale");
    const pgPort = await freePort();
    const migrate = () => runToEnd("scripts/migrate.ts", [], embeddedEnv(dataDir, pgPort));
    const first = await migrate();
    expect(first.code, first.output).toBe(0);

    // PostgreSQL's own lock file as a server killed by a power cut leaves it, naming a pid now used by another program.
    // Run by the server's own user (as root, `postgres`), as after a reboot: PostgreSQL itself would refuse that pid file.
    const asServerUser = process.getuid?.() === 0 ? { uid: Number(execFileSync("id", ["-u", "postgres"])), gid: Number(execFileSync("id", ["-g", "postgres"])) } : {};
    const other = spawn("sleep", ["600"], { stdio: "ignore", ...asServerUser });
    try {
      writeFileSync(path.join(dataDir, "postmaster.pid"), `${other.pid}\n${dataDir}\n${Math.floor(Date.now() / 1000)}\n${pgPort}\n`);
      const reused = await migrate();
      expect(reused.code, reused.output).toBe(0);
      expect(reused.output).toMatch(/removed a stale postmaster.pid/);
      expect(reused.output).toMatch(/Already up to date/);
    } finally {
      other.kill("SIGKILL");
    }

    // And one naming a pid that no longer runs.
    const deadPid = 2 ** 22 + 1; // above the largest pid_max Linux allows
    writeFileSync(path.join(dataDir, "postmaster.pid"), `${deadPid}\n${dataDir}\n0\n${pgPort}\n`);
    const dead = await migrate();
    expect(dead.code, dead.output).toBe(0);
    expect(dead.output).toMatch(/Already up to date/);
    expect(existsSync(path.join(dataDir, "postmaster.pid"))).toBe(false);
  }, 180_000);

  it("says what holds the port when a foreign process does, and how to choose another", async () => {
    const holder = net.createServer();
    await new Promise<void>((resolve) => holder.listen(0, "127.0.0.1", resolve));
    const port = (holder.address() as net.AddressInfo).port;
    try {
      const result = await runToEnd("scripts/migrate.ts", [], embeddedEnv(path.join(work, "foreign"), port));
      expect(result.code).not.toBe(0);
      expect(result.output).toContain(`Port ${port} is held by process ${process.pid}`);
      expect(result.output).toContain("EMBEDDED_PG_PORT");
    } finally {
      holder.close();
    }
  }, 120_000);

  it("lets two commands run at once on one folder: one server starts, both use it, the last one out stops it", async () => {
    const dataDir = path.join(work, "two");
    const env = embeddedEnv(dataDir, await freePort());
    const [migrate, seed] = await Promise.all([runToEnd("scripts/migrate.ts", [], env), runToEnd("scripts/seed.ts", [], env)]);
    expect(migrate.code, migrate.output).toBe(0);
    expect(seed.code, seed.output).toBe(0);
    expect(`${migrate.output}${seed.output}`.match(/started the embedded PostgreSQL/g)).toHaveLength(1);
    expect(seed.output).toMatch(/Seeded: \d+ categories/);
    expect(existsSync(path.join(dataDir, "postmaster.pid"))).toBe(false);
  }, 180_000);
});
