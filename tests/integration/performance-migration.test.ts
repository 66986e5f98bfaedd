// Migration 0004 (speed at scale) goes down and up again cleanly, and up again it
// fills root_id for replies that existed before it.
import { describe, expect, it } from "vitest";
import { sql } from "kysely";
import { createMigrator } from "../../db/migrate";
import { useTestDatabase } from "../support/db";

const t = useTestDatabase();

const migrator = () => createMigrator(t.db);

describe("migration 0004_performance", () => {
  it("goes down and up again, and fills root_id for existing replies", async () => {
    const down = await migrator().migrateTo("0003_moderation");
    expect(down.error).toBeUndefined();
    const columns = await sql<{ column_name: string }>`
      select column_name from information_schema.columns where table_name = 'comments' and column_name = 'root_id'`.execute(t.db);
    expect(columns.rows).toHaveLength(0);

    // Raw SQL: the app's own article code needs the later migrations' columns.
    const article = (
      await sql<{ id: number }>`
        insert into articles (slug, title, body_markdown, body_html, published_at)
        values ('old-schema-article', 'Old schema article', 'x', '<p>x</p>', now()) returning id`.execute(t.db)
    ).rows[0]!;
    const insert = (parent: number | null) =>
      sql<{ id: number }>`
        insert into comments (article_id, parent_id, status, author_name, author_email, body_markdown, body_html)
        values (${article.id}, ${parent}, 'approved', 'A', 'a@example.com', 'x', '<p>x</p>') returning id`.execute(t.db);
    const root = (await insert(null)).rows[0]!.id;
    const child = (await insert(root)).rows[0]!.id;
    const grandchild = (await insert(child)).rows[0]!.id;

    const up = await migrator().migrateToLatest();
    expect(up.error).toBeUndefined();
    const rows = await sql<{ id: number; root_id: number | null }>`select id, root_id from comments order by id`.execute(t.db);
    expect(rows.rows).toEqual([
      { id: root, root_id: null },
      { id: child, root_id: root },
      { id: grandchild, root_id: root },
    ]);
  });
});
