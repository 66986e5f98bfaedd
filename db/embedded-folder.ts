// What an embedded server's data folder holds besides PostgreSQL's own files:
// the connection details, the registered clients (one file per pid), and the
// lock beside it that serialises starting, joining and stopping the server.
import { chmodSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import lockfile from "proper-lockfile";

/** The files we keep for a data folder (the lock sits beside it: initdb wants an empty folder). */
export function embeddedFiles(dataDir: string) {
  return {
    lock: `${dataDir}.lock`,
    state: path.join(dataDir, "assay-server.json"),
    clients: path.join(dataDir, "assay-clients"),
    log: path.join(dataDir, "assay-postgres.log"),
    watchdogLog: path.join(dataDir, "assay-watchdog.log"),
    postmasterPid: path.join(dataDir, "postmaster.pid"),
  };
}

/** /proc/PID/stat after the command name: state first, start time (in ticks since boot) 20th. */
function procStat(pid: number): string[] | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  } catch {
    return null; // no /proc
  }
}

/** When a process started, to tell it from a later one given the same pid (null: cannot tell). */
export function startTimeOf(pid: number): string | null {
  return procStat(pid)?.[19] ?? null;
}

/**
 * Whether a process runs (a zombie does not count) and, given the start time
 * recorded for it, is still that process and not a later one with its pid.
 */
export function isAlive(pid: number | undefined, startedAt?: string | null): boolean {
  if (!pid || !Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EPERM") return false;
  }
  const stat = procStat(pid);
  if (stat && (stat[0] === "Z" || stat[0] === "X")) return false;
  if (stat && startedAt && stat[19] !== startedAt) return false;
  return true;
}

/** What PostgreSQL's own lock file says: the postmaster's pid and port. */
export function readPostmasterPid(dataDir: string): { pid: number; port: number } | null {
  let text: string;
  try {
    text = readFileSync(embeddedFiles(dataDir).postmasterPid, "utf8");
  } catch {
    return null;
  }
  const lines = text.split("\n");
  return { pid: Number(lines[0]), port: Number(lines[3]) };
}

export interface ServerState {
  port: number;
  postmasterPid: number;
  watchdogPid: number;
  watchdogStartedAt: string | null;
  url: string;
}

export function readState(dataDir: string): ServerState | null {
  try {
    return JSON.parse(readFileSync(embeddedFiles(dataDir).state, "utf8")) as ServerState;
  } catch {
    return null;
  }
}

export function writeState(dataDir: string, state: ServerState) {
  const file = embeddedFiles(dataDir).state;
  // The connection details include the password: readable by the owner only.
  writeFileSync(file, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
  chmodSync(file, 0o600);
}

export function register(dataDir: string) {
  const dir = embeddedFiles(dataDir).clients;
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  // Its start time, so that a pid reused after a reboot does not pass for a client.
  writeFileSync(path.join(dir, String(process.pid)), `${startTimeOf(process.pid) ?? ""}\n${process.argv.slice(1).join(" ")}\n`);
}

export function unregister(dataDir: string) {
  rmSync(path.join(embeddedFiles(dataDir).clients, String(process.pid)), { force: true });
}

/** The registered clients that still run; the files of dead ones are removed. */
export function liveClients(dataDir: string): number[] {
  const dir = embeddedFiles(dataDir).clients;
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const alive: number[] = [];
  for (const name of names) {
    const pid = Number(name);
    let startedAt: string | null = null;
    try {
      startedAt = readFileSync(path.join(dir, name), "utf8").split("\n")[0] || null;
    } catch {
      continue; // removed meanwhile
    }
    if (isAlive(pid, startedAt)) alive.push(pid);
    else rmSync(path.join(dir, name), { force: true });
  }
  return alive;
}

export async function withLock<T>(dataDir: string, work: () => Promise<T>): Promise<T> {
  mkdirSync(path.dirname(dataDir), { recursive: true });
  const release = await lockfile.lock(dataDir, {
    lockfilePath: embeddedFiles(dataDir).lock,
    realpath: false,
    // A holder that was killed leaves the lock; it counts as abandoned once not refreshed for 10 s.
    stale: 10_000,
    update: 2_000,
    retries: { retries: 1_200, factor: 1, minTimeout: 100, maxTimeout: 100 },
    onCompromised: (error) => console.error(`[assay] the lock on ${dataDir} was lost: ${error.message}`),
  });
  try {
    return await work();
  } finally {
    await release().catch(() => undefined);
  }
}
