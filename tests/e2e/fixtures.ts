// Shared fixtures: the app's base URL and a Kysely connection to the same database
// the server uses, so a test can act through the domain (e.g. approve a comment).
import { test as base, expect, type Page } from "@playwright/test";
import AxeBuilder from "@axe-core/playwright";
import { createDb, type DB } from "../../db/connection";

export const test = base.extend<{ db: DB }>({
  baseURL: async ({}, use) => {
    const url = process.env.E2E_BASE_URL;
    if (!url) throw new Error("E2E_BASE_URL is not set: run through tests/playwright.config.ts (its global setup starts the app).");
    await use(url);
  },
  db: async ({}, use) => {
    const db = createDb(process.env.E2E_DATABASE_URL ?? "", { max: 2 });
    await use(db);
    await db.destroy();
  },
});

export { expect };

/** axe-core's serious and critical violations on the current page (WCAG 2.x A/AA rules and best practices). */
export async function seriousA11yViolations(page: Page) {
  const results = await new AxeBuilder({ page }).analyze();
  return results.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => ({ id: v.id, impact: v.impact, help: v.help, targets: v.nodes.map((n) => n.target.join(" ")) }));
}

/** The origin header a same-site form POST carries, for tests that post with `request`. */
export function sameOrigin(baseURL: string | undefined) {
  return { Origin: new URL(baseURL ?? "http://localhost").origin };
}

/** A body no other test has typed, so tests can share the server and database. */
export function uniqueText(label: string) {
  return `${label} ${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
}

export const BAOGANG_SLUG = "baogang-orders-safety-and-environmental-inspections-at-key-mines";
