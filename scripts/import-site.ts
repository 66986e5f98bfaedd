// The shared body of `npm run import:wordpress` and `npm run import:disqus`:
// arguments, the database, the summary, and exit codes (0 done, 1 the file or the
// import failed, 2 wrong usage). A malformed file is named with its line and
// column, without a stack trace.
import { access } from "node:fs/promises";
import { parseArgs } from "node:util";
import { createDb, resolveDatabase, type DB } from "../db/connection";
import { migrateToLatest } from "../db/migrate";
import { formatImportSummary } from "../app/composition/import-summary";
import { ExportFileError } from "../app/lib/xml-stream.server";
import { ImportError, type ImportSummary } from "../app/models/site-import.server";

export interface ImportCommand {
  name: string;
  usage: string;
  /** Extra boolean flags, with their help line. */
  flags?: Record<string, string>;
  run(db: DB, file: string, options: { dryRun: boolean; flags: Record<string, boolean> }): Promise<ImportSummary>;
}

export async function runImportCommand(command: ImportCommand): Promise<never> {
  const flagOptions = Object.fromEntries(Object.keys(command.flags ?? {}).map((f) => [f, { type: "boolean" as const, default: false }]));
  let parsed;
  try {
    parsed = parseArgs({ options: { "dry-run": { type: "boolean", default: false }, help: { type: "boolean", short: "h" }, ...flagOptions }, allowPositionals: true });
  } catch (error) {
    console.error(`${(error as Error).message}\n${command.usage}`);
    process.exit(2);
  }
  const { values, positionals } = parsed;
  const help = [command.usage, "  --dry-run    read the whole file and say what would change; write nothing", ...Object.entries(command.flags ?? {}).map(([f, h]) => `  --${f}    ${h}`)].join("\n");
  if (values.help || positionals.length !== 1) {
    console.log(help);
    process.exit(values.help ? 0 : 2);
  }
  const file = positionals[0]!;
  try {
    await access(file);
  } catch (error) {
    console.error(`${file}: cannot read it (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
    process.exit(1);
  }
  const dryRun = Boolean(values["dry-run"]);
  const flags = Object.fromEntries(Object.keys(command.flags ?? {}).map((f) => [f, Boolean((values as Record<string, unknown>)[f])]));

  const { url, embedded } = await resolveDatabase();
  const db = createDb(url, { max: 2, applicationName: `assay-${command.name}`, statementTimeoutMs: 0 });
  let code = 0;
  try {
    await migrateToLatest(db);
    const started = Date.now();
    const summary = await command.run(db, file, { dryRun, flags });
    console.log(formatImportSummary(summary, file));
    // maxRSS is in kilobytes: the most memory the import held at once.
    const usage = process.resourceUsage();
    const cpu = (usage.userCPUTime + usage.systemCPUTime) / 1e6;
    console.log(`  took ${((Date.now() - started) / 1000).toFixed(1)} s (CPU ${cpu.toFixed(1)} s); peak memory ${Math.round(usage.maxRSS / 1024)} MB`);
  } catch (error) {
    code = 1;
    if (error instanceof ExportFileError) {
      console.error(`${file}:${error.line}:${error.column}: ${error.reason}`);
      console.error(
        dryRun
          ? "Nothing was written (dry run)."
          : "Nothing from this point on was imported; fix the file and run the import again (what is already in is updated in place, never duplicated).",
      );
    } else if (error instanceof ImportError) console.error(`${file}: ${error.message}`);
    else console.error(`${file}: the import failed: ${error instanceof Error ? error.message : String(error)}`);
  } finally {
    await db.destroy();
    await embedded?.stop();
  }
  // Explicitly: the pool's sockets may outlive the work.
  process.exit(code);
}
