import { Kysely, PostgresDialect } from "kysely";
import pg from "pg";
import { migrateToLatest } from "./db/migrate";
import { readWxr } from "./app/lib/wxr.server";
import { importWordPress } from "./app/models/site-import.server";
const stats = new Map<string, { n: number; ms: number }>();
const db = new Kysely<any>({
  dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: "postgres://postgres@127.0.0.1:5432/prof2", max: 2 }) }),
  log(event) {
    if (event.level !== "query") return;
    const k = event.query.sql.replace(/\s+/g, " ").slice(0, 90);
    const s = stats.get(k) ?? { n: 0, ms: 0 };
    s.n++; s.ms += event.queryDurationMillis; stats.set(k, s);
  },
});
await migrateToLatest(db);
stats.clear();
const t0 = Date.now();
await importWordPress(db as any, readWxr(process.argv[2]!));
console.log("total", Date.now() - t0);
for (const [k, s] of [...stats].sort((a, b) => b[1].ms - a[1].ms).slice(0, 25)) console.log(s.ms.toFixed(0).padStart(6), String(s.n).padStart(6), k);
await db.destroy();
