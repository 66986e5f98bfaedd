// `npm test`: every test. Unit and integration tests (Vitest, on a real
// PostgreSQL), then the end-to-end tests (Playwright, real Chromium, production
// build). Stops with a clear message when a browser is missing; never skips.
import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, rmSync } from "node:fs";
import path from "node:path";
import { findChromium, NO_BROWSER_MESSAGE } from "../tests/support/browser";

function run(command: string, args: string[], env: NodeJS.ProcessEnv = process.env): number {
  console.log(`\n$ ${command} ${args.join(" ")}`);
  const result = spawnSync(command, args, { stdio: "inherit", env });
  return result.status ?? 1;
}

const only = process.argv[2]; // "unit" | "integration" | "e2e" | undefined (all)
// Stale reports must not be counted as this run's.
rmSync("test-results/vitest.json", { force: true });
rmSync("test-results/playwright.json", { force: true });
mkdirSync("test-results", { recursive: true });
let failed = false;
const tally = { passed: 0, failed: 0 };

// The integration tests start the built server too (tests/integration/server-lifecycle.test.ts).
if (only !== "unit") failed ||= run("npx", ["remix", "build"]) !== 0;

if (only !== "e2e") {
  const projects = only ? ["--project", only] : [];
  const code = run("npx", [
    "vitest", "run", "--config", "tests/vitest.config.ts", ...projects,
    "--reporter=default", "--reporter=json", "--outputFile.json=test-results/vitest.json",
  ]);
  failed ||= code !== 0;
  try {
    const report = JSON.parse(readFileSync("test-results/vitest.json", "utf8"));
    tally.passed += report.numPassedTests ?? 0;
    tally.failed += (report.numFailedTests ?? 0) + (code !== 0 && !report.numFailedTests ? 1 : 0);
  } catch {
    tally.failed += 1;
  }
}

if (!only || only === "e2e") {
  if (!findChromium()) {
    console.log("No Chromium found: trying `npx playwright install chromium`…");
    run("npx", ["playwright", "install", "chromium"]);
    if (!findChromium()) {
      console.error(`\n${NO_BROWSER_MESSAGE}`);
      process.exit(1);
    }
  }
  const code = run("npx", ["playwright", "test", "--config", "tests/playwright.config.ts", "--reporter=list,json"], {
    ...process.env,
    PLAYWRIGHT_JSON_OUTPUT_NAME: path.resolve("test-results/playwright.json"),
  });
  failed ||= code !== 0;
  try {
    const report = JSON.parse(readFileSync(path.resolve("test-results/playwright.json"), "utf8"));
    tally.passed += report.stats?.expected ?? 0;
    tally.failed += (report.stats?.unexpected ?? 0) + (report.stats?.flaky ?? 0);
    if (code !== 0 && !report.stats?.unexpected) tally.failed += 1;
  } catch {
    tally.failed += 1;
  }
}

console.log(`\nTests: ${tally.passed} passed, ${tally.failed} failed`);
process.exit(failed ? 1 : 0);
