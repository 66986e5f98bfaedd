import { Migrator, type MigrationProvider } from "kysely/migration";
import type { Kysely } from "kysely";
import { Logger, runMigrations } from "graphile-worker";
import { poolOf } from "./connection";
import { migrations } from "./migrations/index";

/** graphile-worker's tables and functions live in this schema (app/jobs/queue.server.ts). */
export const JOB_SCHEMA = "graphile_worker";

const provider: MigrationProvider = {
  async getMigrations() {
    return migrations;
  },
};

/** Our migrator (the migration tests also walk it down and up). */
export function createMigrator(db: Kysely<any>): Migrator {
  return new Migrator({ db, provider, migrationTableName: "assay_migrations", migrationLockTableName: "assay_migrations_lock" });
}

/** Bring the database to the latest migration; throws with the failing migration's name. */
export async function migrateToLatest(db: Kysely<any>): Promise<string[]> {
  const migrator = createMigrator(db);
  const { error, results } = await migrator.migrateToLatest();
  const failed = results?.find((r) => r.status === "Error");
  if (error) {
    const name = failed ? ` (${failed.migrationName})` : "";
    throw new Error(`Migration failed${name}: ${error instanceof Error ? error.message : String(error)}`);
  }
  // The job queue's schema too (graphile-worker migrates its own, versioned), so a
  // request can queue a job in its transaction before any worker has started.
  const pgPool = poolOf(db);
  if (pgPool) await runMigrations({ pgPool, schema: JOB_SCHEMA, logger: quietLogger });
  return (results ?? []).filter((r) => r.status === "Success").map((r) => r.migrationName);
}

// graphile-worker's own migration notes are not news to whoever runs ours.
const quietLogger = new Logger(() => (level, message) => {
  if (level === "error" || level === "warning") console.warn(`[assay] job queue: ${message}`);
});
