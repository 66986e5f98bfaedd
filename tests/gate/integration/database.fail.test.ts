import { sql } from "kysely";
import { expect, test } from "vitest";
import { useTestDatabase } from "../../support/db";

const t = useTestDatabase();

test("gate fixture: an integration test that fails on purpose", async () => {
  const { rows } = await sql<{ articles: number }>`select count(*)::int as articles from articles`.execute(t.db);
  expect(rows[0]?.articles).toBe(1);
});
