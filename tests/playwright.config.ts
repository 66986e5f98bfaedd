import path from "node:path";
import { fileURLToPath } from "node:url";
import { defineConfig } from "@playwright/test";
import { CHROMIUM_FLAGS, findChromium, NO_BROWSER_MESSAGE } from "./support/browser";

const here = path.dirname(fileURLToPath(import.meta.url));
const executablePath = findChromium();
if (!executablePath) throw new Error(NO_BROWSER_MESSAGE);

export default defineConfig({
  testDir: path.join(here, "e2e"),
  outputDir: path.join(here, "..", "test-results", "e2e"),
  globalSetup: path.join(here, "e2e", "global-setup.ts"),
  fullyParallel: false,
  // One worker: the tests share one server and database, and the machine has two cores.
  workers: 1,
  forbidOnly: true,
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: [["list"]],
  use: {
    browserName: "chromium",
    launchOptions: { executablePath, args: CHROMIUM_FLAGS },
    trace: "retain-on-failure",
  },
});
