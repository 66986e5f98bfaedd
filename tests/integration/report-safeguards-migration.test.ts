// Migration 0005 (report safeguards) goes down and up again cleanly, and up again
// it turns comments that reports had hidden the old way (back to Pending) into
// hidden placeholders that keep their replies on the page.
import { describe, expect, it } from "vitest";
import { sql } from "kysely";
import { createMigrator } from "../../db/migrate";
import { useTestDatabase } from "../support/db";

const t = useTestDatabase();

const migrator = () => createMigrator(t.db);

describe("migration 0005_report_safeguards", () => {
  it("goes down and up again, and keeps comments hidden by reports in their threads", async () => {
    const down = await migrator().migrateTo("0004_performance");
    expect(down.error).toBeUndefined();
    // Raw SQL: today's article code expects columns of later migrations.
    const article = (
      await sql<{ id: number }>`
        insert into articles (slug, title, body_markdown, body_html, published_at)
        values ('before-0005', 'Before 0005', 'x', '<p>x</p>', now()) returning id`.execute(t.db)
    ).rows[0]!;
    const insert = (status: string, reportState: string | null, heldReason: string | null) =>
      sql<{ id: number }>`
        insert into comments (article_id, status, author_name, author_email, body_markdown, body_html, report_state, held_reason)
        values (${article.id}, ${status}, 'A', 'a@example.com', 'x', '<p>x</p>', ${reportState}, ${heldReason}) returning id`.execute(t.db);
    const hidden = (await insert("pending", "open", "Hidden after 3 reports (spam).")).rows[0]!.id;
    // Unapproved by a moderator while reported: it stays pending.
    const unapproved = (await insert("pending", "open", "Unapproved by Mia")).rows[0]!.id;

    const up = await migrator().migrateToLatest();
    expect(up.error).toBeUndefined();
    const rows = await sql<{ id: number; status: string; hidden: boolean }>`
      select id, status, hidden_at is not null as hidden from comments order by id`.execute(t.db);
    expect(rows.rows).toEqual([
      { id: hidden, status: "approved", hidden: true },
      { id: unapproved, status: "pending", hidden: false },
    ]);
    // The documented default (the tables are emptied before each test: a new row takes it).
    const settings = await sql<{ reporter_min_age_hours: number }>`
      insert into moderation_settings (id) values (true) returning reporter_min_age_hours`.execute(t.db);
    expect(settings.rows).toEqual([{ reporter_min_age_hours: 24 }]);
    // Only an approved comment can be hidden.
    await expect(sql`update comments set hidden_at = now() where id = ${unapproved}`.execute(t.db)).rejects.toThrow(/comments_hidden_only_approved/);
  });
});
