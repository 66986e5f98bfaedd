// Which Chromium the end-to-end tests drive: CHROMIUM_PATH, then Debian's
// /usr/bin/chromium, then Playwright's own download. Never skipped: with none,
// the run stops and says how to get one.
import { existsSync } from "node:fs";
import { chromium } from "@playwright/test";

export const CHROMIUM_FLAGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

export function findChromium(): string | null {
  const fromEnv = process.env.CHROMIUM_PATH;
  if (fromEnv) return existsSync(fromEnv) ? fromEnv : null;
  if (existsSync("/usr/bin/chromium")) return "/usr/bin/chromium";
  try {
    const own = chromium.executablePath();
    if (own && existsSync(own)) return own;
  } catch {
    // Playwright has no browser of its own installed.
  }
  return null;
}

export const NO_BROWSER_MESSAGE = [
  "No Chromium found for the end-to-end tests, and `npx playwright install chromium` could not fetch one.",
  "Get one either way, then run the tests again:",
  "  - Debian/Ubuntu: sudo apt-get install -y chromium   (the tests find /usr/bin/chromium, or set CHROMIUM_PATH=/path/to/chromium)",
  "  - any machine with internet: npx playwright install chromium",
].join("\n");
