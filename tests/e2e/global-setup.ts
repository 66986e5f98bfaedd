// Starts what the end-to-end tests run against: a real PostgreSQL (embedded in a
// temp folder, or DATABASE_URL's server), a fresh migrated and seeded database,
// and the production build served by build/server/start.js on a free port.
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { createDb } from "../../db/connection";
import { freePort } from "../../db/embedded";
import { migrateToLatest } from "../../db/migrate";
import { seed } from "../../db/seed";
import { createDatabaseIfMissing, dropDatabase, startTestServer, uniqueDatabaseName } from "../support/postgres";
import { ensureBuild, serverArgs } from "../support/processes";

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), "..", "..");

async function waitForServer(url: string, child: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`The app server exited (code ${child.exitCode}):\n${output()}`);
    try {
      const response = await fetch(url);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`The app server did not answer at ${url} within 60 s:\n${output()}`);
}

export default async function globalSetup() {
  await ensureBuild();
  const server = await startTestServer();
  const name = uniqueDatabaseName("assay_e2e");
  await createDatabaseIfMissing(server.adminUrl, name);
  const databaseUrl = server.urlFor(name);
  const db = createDb(databaseUrl, { max: 1 });
  try {
    await migrateToLatest(db);
    await seed(db);
  } finally {
    await db.destroy();
  }

  const port = await freePort();
  // Two news sites for tests/e2e/embed.spec.ts, on other localhost ports (other origins):
  // the first is allowed to embed threads (EMBED_HOSTS), the second is not.
  const embedSitePort = await freePort();
  const otherSitePort = await freePort();
  let log = "";
  const child = spawn(process.execPath, serverArgs(), {
    cwd: root,
    // Every test posts from 127.0.0.1: the comment rate limit (5 per IP per 10 minutes) is off here
    // and covered by tests/integration/moderation-rules.test.ts instead.
    env: { ...process.env, DATABASE_URL: databaseUrl, PORT: String(port), HOST: "127.0.0.1", NODE_ENV: "production", ASSAY_SEED: "0", ASSAY_RATE_LIMITS: "off", ASSAY_DEV_OUTBOX: "1", EMBED_HOSTS: `localhost:${embedSitePort}` },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout?.on("data", (chunk) => (log += chunk));
  child.stderr?.on("data", (chunk) => (log += chunk));
  const baseUrl = `http://localhost:${port}`;
  try {
    await waitForServer(baseUrl, child, () => log);
  } catch (error) {
    child.kill("SIGKILL");
    await dropDatabase(server.adminUrl, name).catch(() => undefined);
    await server.stop();
    throw error;
  }
  process.env.E2E_BASE_URL = baseUrl;
  process.env.E2E_DATABASE_URL = databaseUrl;
  process.env.E2E_EMBED_SITE_PORT = String(embedSitePort);
  process.env.E2E_OTHER_SITE_PORT = String(otherSitePort);
  console.log(`[e2e] app on ${baseUrl}, database ${name} on ${server.describe}`);

  return async () => {
    child.kill("SIGTERM");
    await new Promise((resolve) => {
      if (child.exitCode !== null) return resolve(undefined);
      const timer = setTimeout(() => {
        child.kill("SIGKILL");
        resolve(undefined);
      }, 5_000);
      child.once("exit", () => {
        clearTimeout(timer);
        resolve(undefined);
      });
    });
    if (process.env.E2E_SERVER_LOG === "1") console.log(log);
    await dropDatabase(server.adminUrl, name);
    await server.stop();
  };
}
