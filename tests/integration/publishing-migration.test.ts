// Migration 0006 (publishing) goes down and up again cleanly, and up again it
// counts articles already public as published and already announced (nobody is
// told about the past), while a draft stays a draft.
import { describe, expect, it } from "vitest";
import { sql } from "kysely";
import { createMigrator } from "../../db/migrate";
import { useTestDatabase } from "../support/db";

const t = useTestDatabase();

const migrator = () => createMigrator(t.db);

describe("migration 0006_publishing", () => {
  it("goes down and up again, and marks existing public articles as published and announced", async () => {
    const down = await migrator().migrateTo("0004_performance");
    expect(down.error).toBeUndefined();
    const tables = await sql<{ n: number }>`select count(*)::int as n from information_schema.tables where table_name = 'article_revisions'`.execute(t.db);
    expect(tables.rows[0]!.n).toBe(0);
    await sql`
      insert into articles (slug, title, body_markdown, body_html, published_at) values
        ('was-public', 'Was public', 'x', '<p>x</p>', now() - interval '1 day'),
        ('was-draft', 'Was draft', 'x', '<p>x</p>', null)`.execute(t.db);

    const up = await migrator().migrateToLatest();
    expect(up.error).toBeUndefined();
    const rows = await sql<{ slug: string; public: boolean; announced: boolean; version: number }>`
      select slug, first_published_at is not null as public, announced_at is not null as announced, version
      from articles order by slug`.execute(t.db);
    expect(rows.rows).toEqual([
      { slug: "was-draft", public: false, announced: false, version: 1 },
      { slug: "was-public", public: true, announced: true, version: 1 },
    ]);
  });
});
