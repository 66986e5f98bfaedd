// The gate's fixture suites: one passing and one failing test of each Vitest
// kind, outside the normal globs. The failing ones are included only when
// GATE_INCLUDE_FAILING=1, which is how scripts/test-gate.ts "removes" them.
import path from "node:path";
import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
const withFailing = process.env.GATE_INCLUDE_FAILING === "1";
const files = (kind: string) => [`tests/gate/${kind}/*.pass.test.ts`, ...(withFailing ? [`tests/gate/${kind}/*.fail.test.ts`] : [])];

export default defineConfig({
  root,
  resolve: { alias: { "~": path.join(root, "app") } },
  test: {
    projects: [
      { extends: true, test: { name: "unit", include: files("unit"), environment: "node" } },
      {
        extends: true,
        test: {
          name: "integration",
          include: files("integration"),
          environment: "node",
          // The real integration setup: a real PostgreSQL, migrated, one database per file.
          globalSetup: ["tests/support/integration-setup.ts"],
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
