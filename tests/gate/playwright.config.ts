// The gate's Playwright fixture: a real Chromium, one passing and one failing test
// (the failing one only with GATE_INCLUDE_FAILING=1).
import path from "node:path";
import { fileURLToPath } from "node:url";
import { defineConfig } from "@playwright/test";
import { CHROMIUM_FLAGS, findChromium, NO_BROWSER_MESSAGE } from "../support/browser";

const here = path.dirname(fileURLToPath(import.meta.url));
const executablePath = findChromium();
if (!executablePath) throw new Error(NO_BROWSER_MESSAGE);

export default defineConfig({
  testDir: path.join(here, "e2e"),
  testMatch: process.env.GATE_INCLUDE_FAILING === "1" ? /\.(pass|fail)\.spec\.ts$/ : /\.pass\.spec\.ts$/,
  outputDir: path.join(here, "..", "..", "test-results", "gate", "e2e-output"),
  workers: 1,
  forbidOnly: true,
  retries: 0,
  timeout: 30_000,
  use: { browserName: "chromium", launchOptions: { executablePath, args: CHROMIUM_FLAGS } },
});
