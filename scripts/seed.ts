// `npm run db:seed`: migrate, then add the demo categories, articles and comments (idempotent).
import { createDb, resolveDatabase } from "../db/connection";
import { migrateToLatest } from "../db/migrate";
import { demoAccountsWanted, seed, seedDemoAccounts } from "../db/seed";

const { url, embedded } = await resolveDatabase();
const db = createDb(url, { max: 1 });
try {
  await migrateToLatest(db);
  const summary = await seed(db);
  console.log(`Seeded: ${summary.categoriesAdded} categories, ${summary.articlesAdded} articles, ${summary.commentsAdded} comments.`);
  if (demoAccountsWanted({ seeding: true, requestedNodeEnv: process.env.NODE_ENV })) {
    console.log(`Demo accounts added: ${await seedDemoAccounts(db)}.`);
  }
} finally {
  await db.destroy();
  await embedded?.stop();
}
