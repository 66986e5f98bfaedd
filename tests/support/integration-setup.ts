// Vitest global setup for the integration tests: one server, one migrated
// template database; each test file clones its own database from the template.
import type { TestProject } from "vitest/node";
import { createDb } from "../../db/connection";
import { migrateToLatest } from "../../db/migrate";
import { createDatabaseIfMissing, dropDatabase, startTestServer, uniqueDatabaseName } from "./postgres";

declare module "vitest" {
  export interface ProvidedContext {
    testDatabase: { adminUrl: string; template: string; urlTemplate: string };
  }
}

export default async function setup(project: TestProject) {
  const server = await startTestServer();
  const template = uniqueDatabaseName("assay_test_template");
  await createDatabaseIfMissing(server.adminUrl, template);
  const db = createDb(server.urlFor(template), { max: 1 });
  try {
    await migrateToLatest(db);
  } finally {
    await db.destroy();
  }
  project.provide("testDatabase", { adminUrl: server.adminUrl, template, urlTemplate: server.urlFor("__DB__") });
  console.log(`[tests] integration database: ${server.describe}`);
  return async () => {
    await dropDatabase(server.adminUrl, template);
    await server.stop();
  };
}
