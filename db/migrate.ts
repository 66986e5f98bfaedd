import { Migrator, type MigrationProvider } from "kysely/migration";
import type { Kysely } from "kysely";
import { migrations } from "./migrations/index";

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
  return (results ?? []).filter((r) => r.status === "Success").map((r) => r.migrationName);
}
