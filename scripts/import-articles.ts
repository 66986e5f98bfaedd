// `npm run article:import -- [--dry-run] FILE…`: import articles from Markdown files
// with YAML front matter or from the plain-text layout (see app/lib/article-import.ts).
// A file with a mistake is named with its line and imports nothing; the others still do.
import { readFile } from "node:fs/promises";
import { parseArgs } from "node:util";
import { createDb, resolveDatabase } from "../db/connection";
import { migrateToLatest } from "../db/migrate";
import { parseArticleFile } from "../app/lib/article-import";
import { importArticle } from "../app/models/article-import.server";

const USAGE = "Usage: npm run article:import -- [--dry-run] FILE…";

const { values, positionals } = parseArgs({ options: { "dry-run": { type: "boolean", default: false }, help: { type: "boolean", short: "h" } }, allowPositionals: true });
if (values.help || positionals.length === 0) {
  console.log(USAGE);
  process.exit(values.help ? 0 : 2);
}
const dryRun = values["dry-run"] ?? false;

const { url, embedded } = await resolveDatabase();
const db = createDb(url, { max: 2, applicationName: "assay-import" });
let failures = 0;
try {
  await migrateToLatest(db);
  for (const file of positionals) {
    const name = file;
    let text: string;
    try {
      text = await readFile(file, "utf8");
    } catch (error) {
      failures += 1;
      console.error(`${name}: cannot read it (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
      continue;
    }
    const parsed = parseArticleFile(text);
    if (!parsed.ok) {
      failures += 1;
      console.error(`${name}:${parsed.line}: ${parsed.message}; nothing imported from this file`);
      continue;
    }
    const outcome = await importArticle(db, parsed.article, { dryRun });
    if (!outcome.ok) {
      failures += 1;
      console.error(`${name}: ${outcome.message}; nothing imported from this file`);
      continue;
    }
    const what = outcome.action === "created" ? "create" : "update";
    const changes = outcome.action === "updated" ? ` (${outcome.changed.length ? `changed: ${outcome.changed.join(", ")}` : "no changes; a new revision"})` : "";
    console.log(dryRun ? `${name}: would ${what} /articles/${outcome.slug}${changes}` : `${name}: ${outcome.action} /articles/${outcome.slug}${changes}`);
  }
} finally {
  await db.destroy();
  await embedded?.stop();
}
if (failures) console.error(`${failures} of ${positionals.length} files not imported.`);
// Explicitly: the pool's sockets may outlive the work, and the exit code must say whether all files imported.
process.exit(failures ? 1 : 0);
