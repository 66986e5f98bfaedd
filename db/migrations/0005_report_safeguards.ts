import { sql, type Kysely } from "kysely";

// Reports that a raid cannot weaponise:
// - a comment hidden by reports stays approved, with `hidden_at` set: its thread
//   keeps its place and its approved replies, and readers see a "hidden pending
//   review" placeholder instead of it (before, hiding moved it back to Pending,
//   which took its whole conversation off the page);
// - only reporters whose account is older than `reporter_min_age_hours` (and who
//   have an approved comment) count towards hiding a comment.
// Frozen in time: takes Kysely<any> and never imports application code.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("comments").addColumn("hidden_at", "timestamptz").execute();
  await sql`
    alter table comments add constraint comments_hidden_only_approved
      check (hidden_at is null or status = 'approved')
  `.execute(db);
  // Comments that reports had hidden the old way (back to Pending) are hidden the new way.
  await sql`
    update comments set status = 'approved', hidden_at = updated_at
    where status = 'pending' and report_state = 'open' and held_reason like 'Hidden after %'
  `.execute(db);

  await db.schema
    .alterTable("moderation_settings")
    .addColumn("reporter_min_age_hours", "integer", (c) => c.notNull().defaultTo(24))
    .execute();
  await sql`
    alter table moderation_settings add constraint moderation_settings_reporter_age_range
      check (reporter_min_age_hours between 0 and 8760)
  `.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("moderation_settings").dropColumn("reporter_min_age_hours").execute();
  await sql`update comments set status = 'pending' where hidden_at is not null`.execute(db);
  await db.schema.alterTable("comments").dropConstraint("comments_hidden_only_approved").execute();
  await db.schema.alterTable("comments").dropColumn("hidden_at").execute();
}
