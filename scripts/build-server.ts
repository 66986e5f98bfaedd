// `npm run build` (after `remix build`): the server entry, the job worker and the
// command-line scripts compiled by esbuild into build/server/*.js, so production
// runs `node build/server/start.js` and needs neither tsx nor TypeScript. The app's
// own code is bundled in; packages stay imports from node_modules, and the build
// fails when one of them is not a production dependency (it would be missing from
// an `npm ci --omit=dev` image).
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { builtinModules } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
import * as esbuild from "esbuild";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
export const SERVER_BUILD_DIR = path.join(ROOT, "build", "server");

/** build/server/<name>.js ← source. Names that code finds beside itself are kept as they are. */
export const SERVER_ENTRIES: Record<string, string> = {
  start: "scripts/start.ts",
  worker: "scripts/worker.ts",
  migrate: "scripts/migrate.ts",
  seed: "scripts/seed.ts",
  "create-user": "scripts/create-user.ts",
  "import-articles": "scripts/import-articles.ts",
  "import-wordpress": "scripts/import-wordpress.ts",
  "import-disqus": "scripts/import-disqus.ts",
  "embed-demo": "scripts/embed-demo.ts",
  // Started as processes or threads by the code above, found beside it (db/embedded.ts,
  // app/lib/import-convert.server.ts).
  "embedded-watchdog": "db/embedded-watchdog.ts",
  "import-convert-worker.server": "app/lib/import-convert-worker.server.ts",
};

const packageName = (specifier: string) =>
  specifier.startsWith("@") ? specifier.split("/").slice(0, 2).join("/") : specifier.split("/")[0]!;

/** Packages imported by these built files (bare specifiers, not node's own modules). */
function importedPackages(metafile: esbuild.Metafile): Set<string> {
  const builtins = new Set(builtinModules);
  const names = new Set<string>();
  for (const output of Object.values(metafile.outputs))
    for (const { path: specifier, external } of output.imports) {
      if (!external || specifier.startsWith("node:") || specifier.startsWith(".") || specifier.startsWith("/") || specifier.startsWith("file:")) continue;
      const name = packageName(specifier);
      if (!builtins.has(name)) names.add(name);
    }
  return names;
}

/** What the built server imports that an `npm ci --omit=dev` install would not have. */
export function missingProductionDependencies(imported: Iterable<string>): string[] {
  const pkg = JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8")) as { dependencies?: Record<string, string> };
  return [...imported].filter((name) => !(name in (pkg.dependencies ?? {}))).sort();
}

/** The packages the Remix server build (build/index.js) imports, read by esbuild without writing. */
async function remixBuildPackages(): Promise<Set<string>> {
  const result = await esbuild.build({
    entryPoints: [path.join(ROOT, "build", "index.js")],
    bundle: true,
    write: false,
    platform: "node",
    format: "esm",
    packages: "external",
    metafile: true,
    logLevel: "silent",
  });
  return importedPackages(result.metafile);
}

/**
 * Compile SERVER_ENTRIES into build/server. A file is written only when it changed,
 * through a rename, so a server already running from build/server (or one it is
 * about to fork) never reads half a file; files of an older build are removed.
 */
/**
 * The node flags of the production start command (package.json's "start:prod",
 * e.g. the V8 heap sizes), so a test's server is the one production runs.
 */
export function productionNodeFlags(): string[] {
  const script: string = JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8")).scripts["start:prod"];
  const flags = /^exec node\s+(.*?)\s*build\/server\/start\.js$/.exec(script);
  if (!flags) throw new Error(`package.json's start:prod is not \`exec node [flags] build/server/start.js\`: ${script}`);
  return flags[1]!.split(/\s+/).filter(Boolean);
}

/** `node [flags] build/server/start.js`: the production server's arguments to process.execPath (after ensureBuild). */
export function serverArgs(): string[] {
  return [...productionNodeFlags(), path.join(SERVER_BUILD_DIR, "start.js")];
}

export async function buildServer(options: { quiet?: boolean } = {}): Promise<void> {
  const result = await esbuild.build({
    absWorkingDir: ROOT,
    entryPoints: Object.entries(SERVER_ENTRIES).map(([out, source]) => ({ in: source, out })),
    outdir: SERVER_BUILD_DIR,
    bundle: true,
    splitting: true,
    format: "esm",
    platform: "node",
    target: "node20",
    packages: "external",
    // `~/…` resolves through tsconfig.json's paths, as it does for tsc and Remix.
    tsconfig: path.join(ROOT, "tsconfig.json"),
    write: false,
    metafile: true,
    logLevel: "warning",
    // Who threw, by name, in a production stack trace.
    keepNames: true,
  });
  const missing = missingProductionDependencies(importedPackages(result.metafile));
  if (missing.length)
    throw new Error(`build/server imports ${missing.join(", ")}, not in package.json's "dependencies": an \`npm ci --omit=dev\` image would lack it`);

  mkdirSync(SERVER_BUILD_DIR, { recursive: true });
  const wanted = new Set<string>();
  let written = 0;
  for (const file of result.outputFiles) {
    wanted.add(path.basename(file.path));
    let current: Buffer | null = null;
    try {
      current = readFileSync(file.path);
    } catch {
      // not built before
    }
    if (current?.equals(file.contents)) continue;
    const temporary = `${file.path}.${process.pid}.tmp`;
    writeFileSync(temporary, file.contents);
    renameSync(temporary, file.path);
    written++;
  }
  for (const name of readdirSync(SERVER_BUILD_DIR))
    if (!wanted.has(name) && !name.endsWith(".tmp")) rmSync(path.join(SERVER_BUILD_DIR, name), { force: true });
  if (!options.quiet) console.log(`[build] build/server: ${Object.keys(SERVER_ENTRIES).length} entries, ${written} of ${result.outputFiles.length} files changed`);
}

/** The Remix build's packages must be production dependencies too (checked after `remix build`). */
export async function checkRemixBuild(): Promise<void> {
  const missing = missingProductionDependencies(await remixBuildPackages());
  if (missing.length)
    throw new Error(`build/index.js imports ${missing.join(", ")}, not in package.json's "dependencies": an \`npm ci --omit=dev\` image would lack it`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const quiet = process.argv.includes("--quiet");
  try {
    await buildServer({ quiet });
    if (process.argv.includes("--check-remix")) await checkRemixBuild();
  } catch (error) {
    console.error(`[build] ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  }
}
