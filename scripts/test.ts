// `npm test`: every suite (unit, integration on a real PostgreSQL, end-to-end in
// a real Chromium against the production build); `npm test -- unit e2e` (or
// `npm run test:unit`, …) some of them. Exits non-zero when any test fails, is
// skipped, flakes, or a suite did not run: see tests/support/runner.ts.
import { spawnSync } from "node:child_process";
import { findChromium, NO_BROWSER_MESSAGE } from "../tests/support/browser";
import { parseSuites, runSuites } from "../tests/support/runner";

function ensureBrowser(): string | null {
  if (findChromium()) return null;
  console.log("No Chromium found: trying `npx playwright install chromium`…");
  spawnSync("npx", ["playwright", "install", "chromium"], { stdio: "inherit" });
  return findChromium() ? null : NO_BROWSER_MESSAGE;
}

let suites;
try {
  suites = parseSuites(process.argv.slice(2));
} catch (error) {
  console.error((error as Error).message);
  process.exit(2);
}
// The overrides exist for the gate's fixture suites (scripts/test-gate.ts).
const env = process.env;
const result = runSuites({
  suites,
  vitestConfig: env.ASSAY_TEST_VITEST_CONFIG ?? "tests/vitest.config.ts",
  playwrightConfig: env.ASSAY_TEST_PLAYWRIGHT_CONFIG ?? "tests/playwright.config.ts",
  reportDir: env.ASSAY_TEST_REPORT_DIR ?? "test-results",
  build: env.ASSAY_TEST_BUILD !== "0",
  ensureBrowser,
});
process.exit(result.ok ? 0 : 1);
