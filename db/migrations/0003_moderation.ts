import { sql, type Kysely } from "kysely";

// Moderation: the rules moderators tune (one row of settings), comments open or
// closed per article, member reports, restrictions on members, blocked guests,
// and the append-only log of every moderation action.
// Frozen in time: takes Kysely<any> and never imports application code.
export async function up(db: Kysely<any>): Promise<void> {
  // One row: `id` is always true. The defaults below are the documented ones
  // (README, "Moderation"); the app falls back to the same values when the row is missing.
  await db.schema
    .createTable("moderation_settings")
    .addColumn("id", "boolean", (c) => c.primaryKey().defaultTo(true))
    .addColumn("hold_mode", "text", (c) => c.notNull().defaultTo("first-time"))
    .addColumn("max_links", "integer", (c) => c.notNull().defaultTo(2))
    .addColumn("held_words", sql`text[]`, (c) => c.notNull().defaultTo(sql`'{}'::text[]`))
    .addColumn("blocked_words", sql`text[]`, (c) => c.notNull().defaultTo(sql`'{}'::text[]`))
    // Null: articles never close by themselves.
    .addColumn("auto_close_days", "integer")
    .addColumn("guests_allowed", "boolean", (c) => c.notNull().defaultTo(true))
    .addColumn("guest_rate_limit", "integer", (c) => c.notNull().defaultTo(5))
    .addColumn("member_rate_limit", "integer", (c) => c.notNull().defaultTo(20))
    .addColumn("updated_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("updated_by", "integer")
    .addCheckConstraint("moderation_settings_single_row", sql`id`)
    .addCheckConstraint("moderation_settings_hold_mode_valid", sql`hold_mode in ('all', 'first-time', 'none')`)
    .addCheckConstraint("moderation_settings_max_links_range", sql`max_links between 0 and 1000`)
    .addCheckConstraint("moderation_settings_auto_close_range", sql`auto_close_days is null or auto_close_days between 1 and 36500`)
    .addCheckConstraint("moderation_settings_rate_limits_range", sql`guest_rate_limit between 1 and 10000 and member_rate_limit between 1 and 10000`)
    .execute();
  await sql`insert into moderation_settings (id) values (true)`.execute(db);

  // Per article: a moderator may close its comments (auto-close is computed from published_at).
  await db.schema
    .alterTable("articles")
    .addColumn("comments_open", "boolean", (c) => c.notNull().defaultTo(true))
    .execute();

  // Where a comment stands with member reports: null (none), 'open' (waiting in
  // Reported), 'dismissed' (kept; no further reports), 'upheld' (removed).
  await db.schema.alterTable("comments").addColumn("report_state", "text").execute();
  await sql`
    alter table comments add constraint comments_report_state_valid
      check (report_state is null or report_state in ('open', 'dismissed', 'upheld'))
  `.execute(db);
  // The Reported tab, oldest first, by keyset.
  await sql`create index comments_reported_idx on comments (created_at, id) where report_state = 'open'`.execute(db);
  // Blocking a guest by IP hash sends their pending comments to Spam.
  await sql`create index comments_pending_ip_idx on comments (ip_hash) where status = 'pending'`.execute(db);

  await db.schema
    .createTable("comment_reports")
    .addColumn("id", "integer", (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn("comment_id", "integer", (c) => c.notNull().references("comments.id").onDelete("cascade"))
    .addColumn("reporter_id", "integer", (c) => c.notNull().references("users.id").onDelete("cascade"))
    .addColumn("reason", "text", (c) => c.notNull())
    .addColumn("details", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint("comment_reports_once_per_member", ["comment_id", "reporter_id"])
    .addCheckConstraint("comment_reports_reason_valid", sql`reason in ('spam', 'abuse', 'off-topic', 'promotion', 'other')`)
    .addCheckConstraint("comment_reports_details_length", sql`length(details) <= 1000`)
    .addCheckConstraint("comment_reports_other_explained", sql`reason <> 'other' or length(btrim(details)) > 0`)
    .execute();

  // The current restriction of a member (history is in the moderation log).
  await db.schema
    .createTable("member_restrictions")
    .addColumn("user_id", "integer", (c) => c.primaryKey().references("users.id").onDelete("cascade"))
    .addColumn("kind", "text", (c) => c.notNull())
    // Null for a ban (no end); the end of a suspension.
    .addColumn("until", "timestamptz")
    .addColumn("reason", "text", (c) => c.notNull())
    .addColumn("created_by", "integer")
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addCheckConstraint("member_restrictions_kind_valid", sql`kind in ('ban', 'suspension')`)
    .addCheckConstraint("member_restrictions_until", sql`(kind = 'ban') = (until is null)`)
    .addCheckConstraint("member_restrictions_reason_present", sql`length(btrim(reason)) between 1 and 500`)
    .execute();

  // Guests blocked by email (lower case) or by the keyed hash of their IP.
  await db.schema
    .createTable("blocked_guests")
    .addColumn("id", "integer", (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn("kind", "text", (c) => c.notNull())
    .addColumn("value", "text", (c) => c.notNull())
    .addColumn("reason", "text", (c) => c.notNull())
    .addColumn("created_by", "integer")
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint("blocked_guests_kind_value_key", ["kind", "value"])
    .addCheckConstraint("blocked_guests_kind_valid", sql`kind in ('email', 'ip')`)
    .addCheckConstraint("blocked_guests_value_present", sql`length(value) > 0 and (kind <> 'email' or value = lower(value))`)
    .addCheckConstraint("blocked_guests_reason_present", sql`length(btrim(reason)) between 1 and 500`)
    .execute();

  // Every moderation action. No foreign keys: the log outlives the comments and
  // people it names, so it keeps their ids and a copy of their names.
  await db.schema
    .createTable("moderation_log")
    .addColumn("id", "bigint", (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    // Null: the system acted (a rule, the report threshold, a script).
    .addColumn("moderator_id", "integer")
    .addColumn("moderator_name", "text", (c) => c.notNull())
    .addColumn("action", "text", (c) => c.notNull())
    .addColumn("comment_id", "integer")
    .addColumn("article_id", "integer")
    .addColumn("author_user_id", "integer")
    .addColumn("author_name", "text")
    .addColumn("author_email", "text")
    .addColumn("target_user_id", "integer")
    .addColumn("status_before", "text")
    .addColumn("status_after", "text")
    .addColumn("reason", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("details", "jsonb", (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .execute();
  await db.schema.createIndex("moderation_log_moderator_idx").on("moderation_log").columns(["moderator_id", "id desc"]).execute();
  await sql`create index moderation_log_author_email_idx on moderation_log (lower(author_email), id desc) where author_email is not null`.execute(db);
  await sql`create index moderation_log_author_user_idx on moderation_log (author_user_id, id desc) where author_user_id is not null`.execute(db);
  await sql`create index moderation_log_comment_idx on moderation_log (comment_id, id desc) where comment_id is not null`.execute(db);

  // Append-only, enforced by the database: no UPDATE or DELETE of a log row, whoever asks.
  await sql`
    create function moderation_log_append_only() returns trigger language plpgsql as $$
    begin
      raise exception 'moderation_log is append-only: % is not allowed', tg_op
        using errcode = 'insufficient_privilege';
    end
    $$
  `.execute(db);
  await sql`
    create trigger moderation_log_no_update_or_delete
      before update or delete on moderation_log
      for each row execute function moderation_log_append_only()
  `.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("moderation_log").execute();
  await sql`drop function if exists moderation_log_append_only()`.execute(db);
  await db.schema.dropTable("blocked_guests").execute();
  await db.schema.dropTable("member_restrictions").execute();
  await db.schema.dropTable("comment_reports").execute();
  await sql`drop index if exists comments_pending_ip_idx`.execute(db);
  await sql`drop index if exists comments_reported_idx`.execute(db);
  await sql`alter table comments drop constraint if exists comments_report_state_valid`.execute(db);
  await db.schema.alterTable("comments").dropColumn("report_state").execute();
  await db.schema.alterTable("articles").dropColumn("comments_open").execute();
  await db.schema.dropTable("moderation_settings").execute();
}
