// The server's layers (README "Architecture"): every import in app/ and db/ is read,
// resolved to the folder it lands in, and checked against what that layer may use.
// Type-only imports count: a type from the domain in a component ties it to the domain
// all the same.
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import { describe, expect, it } from "vitest";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

/** The layer a path (relative to the repository, with /) belongs to. */
export function layerOf(file: string): string {
  if (file.startsWith("db/migrations/")) return "db/migrations";
  if (file.startsWith("db/")) return "db";
  const inApp = /^app\/([^/]+)\//.exec(file);
  if (inApp) return `app/${inApp[1]}`;
  if (file.startsWith("app/")) return "app"; // root.tsx, entry.server.tsx, env.d.ts
  return "outside";
}

const APP_AND_DB = ["app", "app/routes", "app/composition", "app/models", "app/components", "app/jobs", "app/lib", "db", "db/migrations"];

/** What each layer may not import. Layers not named here may import any other. */
const FORBIDDEN: Record<string, { layers: string[]; rule: string }> = {
  "app/lib": {
    layers: APP_AND_DB.filter((l) => l !== "app/lib"),
    rule: "app/lib is leaf utilities: it imports only packages and other app/lib files",
  },
  "app/models": {
    layers: ["app", "app/routes", "app/composition", "app/components"],
    rule: "the domain takes the db and typed input: no routes, composition or components",
  },
  "app/components": {
    layers: ["app", "app/routes", "app/composition", "app/models", "app/jobs", "db", "db/migrations"],
    rule: "components are presentational: they get their data as props, typed by app/lib or themselves",
  },
  "app/composition": {
    layers: ["app", "app/routes"],
    rule: "composition serves the routes; it never imports them",
  },
  "db/migrations": {
    layers: APP_AND_DB.filter((l) => l !== "db/migrations"),
    rule: "migrations are frozen in time: they take Kysely<any> and import no application code",
  },
};

export interface Violation {
  file: string;
  specifier: string;
  target: string;
  rule: string;
}

/** Where a specifier lands, relative to the repository; null for a package. */
function resolveSpecifier(file: string, specifier: string): string | null {
  if (specifier.startsWith("~/")) return path.posix.join("app", specifier.slice(2));
  if (specifier.startsWith(".")) return path.posix.normalize(path.posix.join(path.posix.dirname(file), specifier));
  return null;
}

/** The forbidden imports of one file (`file` relative to the repository, with /). */
export function forbiddenImports(file: string, source: string): Violation[] {
  const forbidden = FORBIDDEN[layerOf(file)];
  if (!forbidden) return [];
  // TypeScript's own scan: static, type-only, re-exports, import() and require().
  const { importedFiles } = ts.preProcessFile(source, true, true);
  const out: Violation[] = [];
  for (const { fileName: specifier } of importedFiles) {
    const target = resolveSpecifier(file, specifier);
    if (target === null) continue;
    const targetLayer = layerOf(target);
    if (forbidden.layers.includes(targetLayer)) out.push({ file, specifier, target: targetLayer, rule: forbidden.rule });
  }
  return out;
}

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true })) {
    const rel = `${dir}/${entry.name}`;
    if (entry.isDirectory()) out.push(...sourceFiles(rel));
    else if (/\.(ts|tsx|js|jsx|mjs|cjs)$/.test(entry.name)) out.push(rel);
  }
  return out;
}

describe("the layers", () => {
  it("reads a forbidden edge of each kind and names the file and the import", () => {
    expect(forbiddenImports("app/lib/a.ts", 'import { b } from "~/models/b.server";')).toEqual([
      { file: "app/lib/a.ts", specifier: "~/models/b.server", target: "app/models", rule: FORBIDDEN["app/lib"]!.rule },
    ]);
    expect(forbiddenImports("app/lib/a.ts", 'import type { DB } from "../../db/connection";')[0]?.target).toBe("db");
    expect(forbiddenImports("app/lib/a.ts", 'export { x } from "../composition/x.server";')[0]?.target).toBe("app/composition");
    expect(forbiddenImports("app/models/a.server.ts", 'const m = await import("~/routes/_index");')[0]?.target).toBe("app/routes");
    expect(forbiddenImports("app/models/a.server.ts", 'import { C } from "../components/C";')[0]?.target).toBe("app/components");
    expect(forbiddenImports("app/components/C.tsx", 'import type { QueueItem } from "~/models/moderation-queue.server";')[0]?.target).toBe("app/models");
    expect(forbiddenImports("db/migrations/0099_x.ts", 'import { ROLES } from "../schema";')[0]?.target).toBe("db");
    expect(forbiddenImports("db/migrations/0099_x.ts", 'import { r } from "../../app/lib/roles";')[0]?.target).toBe("app/lib");
    // Allowed edges stay quiet: the domain on lib and db, lib on lib and packages, composition on everything below.
    expect(forbiddenImports("app/models/a.server.ts", 'import { x } from "../lib/x";\nimport type { DB } from "../../db/connection";')).toEqual([]);
    expect(forbiddenImports("app/lib/a.ts", 'import { marked } from "marked";\nimport { y } from "./y";')).toEqual([]);
    expect(forbiddenImports("app/composition/a.server.ts", 'import { m } from "~/models/m.server";\nimport { C } from "~/components/C";')).toEqual([]);
  });

  it("holds in every file of app/ and db/", () => {
    const files = [...sourceFiles("app"), ...sourceFiles("db")];
    expect(files.length).toBeGreaterThan(100);
    const violations = files.flatMap((file) => forbiddenImports(file, fs.readFileSync(path.join(ROOT, file), "utf8")));
    expect(violations.map((v) => `${v.file} imports "${v.specifier}" (${v.target}): ${v.rule}`)).toEqual([]);
  });
});
