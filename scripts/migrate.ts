// `npm run db:migrate`: bring the database to the latest migration.
import { createDb, resolveDatabase } from "../db/connection";
import { migrateToLatest } from "../db/migrate";

const { url, embedded } = await resolveDatabase();
const db = createDb(url, { max: 1 });
try {
  const applied = await migrateToLatest(db);
  console.log(applied.length ? `Applied: ${applied.join(", ")}` : "Already up to date.");
} finally {
  await db.destroy();
  await embedded?.stop();
}
