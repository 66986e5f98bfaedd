// `npm run bench:seed -- --comments 1000000`: fill a database at scale (see
// db/bench-seed.ts). The database is DATABASE_URL's, or the embedded one under
// ./data (as `npm start` uses it). Migrates first.
//
//   --comments N   comments (default 1,000,000)
//   --articles N   articles (default 20,000)
//   --members N    members (default 100,000)
//   --workers N    parallel connections (default 2)
import { parseArgs } from "node:util";
import { createDb, resolveDatabase } from "../db/connection";
import { migrateToLatest } from "../db/migrate";
import { seedBench } from "../db/bench-seed";

const { values } = parseArgs({
  options: {
    comments: { type: "string", default: "1000000" },
    articles: { type: "string", default: "20000" },
    members: { type: "string", default: "100000" },
    workers: { type: "string", default: "2" },
  },
});

const count = (name: keyof typeof values) => {
  const n = Number(String(values[name]).replace(/[_,]/g, ""));
  if (!Number.isInteger(n) || n < 0) throw new Error(`--${name} must be a whole number, not ${values[name]}`);
  return n;
};

async function main() {
  const { url, embedded } = await resolveDatabase();
  try {
    const db = createDb(url, { max: 1 });
    await migrateToLatest(db);
    await db.destroy();
    const result = await seedBench(url, {
      comments: count("comments"),
      articles: count("articles"),
      members: count("members"),
      workers: count("workers"),
      log: (m) => console.log(`[bench:seed] ${m}`),
    });
    console.log(
      `[bench:seed] done: ${result.articles.toLocaleString("en-US")} articles, ${result.comments.toLocaleString("en-US")} comments ` +
        `(${result.pending.toLocaleString("en-US")} pending), ${result.members.toLocaleString("en-US")} members in ${(result.timings.total / 1000).toFixed(1)} s ` +
        `(comments alone ${(result.timings.comments / 1000).toFixed(1)} s)`,
    );
  } finally {
    await embedded?.stop();
  }
}

main().catch((error) => {
  console.error(`[bench:seed] failed: ${error instanceof Error ? error.stack ?? error.message : String(error)}`);
  process.exit(1);
});
