// Each integration test file gets its own database, cloned from the migrated
// template, and every test starts from empty tables. Files never share state.
import { afterAll, beforeAll, beforeEach, inject } from "vitest";
import { sql } from "kysely";
import { createDb, type DB } from "../../db/connection";
import { createDatabaseIfMissing, dropDatabase, uniqueDatabaseName } from "./postgres";

export interface TestDatabase {
  readonly db: DB;
  readonly url: string;
}

export async function truncateAll(db: DB): Promise<void> {
  const { rows } = await sql<{ tablename: string }>`
    select tablename from pg_tables
    where schemaname = 'public' and tablename not like 'assay_migrations%'
  `.execute(db);
  if (rows.length === 0) return;
  const tables = rows.map((r) => `"${r.tablename}"`).join(", ");
  // An app server under test may still be at work on these tables (its job worker, a
  // request's last write), taking locks in another order: PostgreSQL then breaks the
  // deadlock by failing one side. If that is us, the other side has finished: again.
  for (let attempt = 1; ; attempt++) {
    try {
      await sql.raw(`truncate ${tables} restart identity cascade`).execute(db);
      return;
    } catch (error) {
      if ((error as { code?: string }).code !== "40P01" || attempt >= 5) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50 * attempt));
    }
  }
}

export function useTestDatabase(options: { truncateBetweenTests?: boolean } = {}): TestDatabase {
  const { adminUrl, template, urlTemplate } = inject("testDatabase");
  const name = uniqueDatabaseName("assay_test");
  const url = urlTemplate.replace("__DB__", name);
  let db: DB | undefined;
  beforeAll(async () => {
    await createDatabaseIfMissing(adminUrl, name, template);
    db = createDb(url, { max: 5 });
  });
  if (options.truncateBetweenTests ?? true) {
    beforeEach(async () => {
      await truncateAll(db!);
    });
  }
  afterAll(async () => {
    await db?.destroy();
    await dropDatabase(adminUrl, name);
  });
  return {
    get db() {
      if (!db) throw new Error("The test database is not ready yet: use it inside a test or hook.");
      return db;
    },
    url,
  };
}
