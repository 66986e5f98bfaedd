import { sql, type Kysely } from "kysely";

// Defences against promotion, verified labels, ignoring a member.
// - moderation_settings gains the promotion rules' settings: hold a ticker mention
//   from an account (or guest email) younger than N days (0: off), the promotional
//   phrases that hold a comment together with a ticker, whether a "paid or
//   connected" disclosure holds it, and the queue's spike alert (N times the 30-day
//   daily average, with at least M comments in 24 h).
// - member_labels: what administrators verified about a member (Staff, or a company
//   representative of one ticker's company, with their role). Author is automatic.
// - member_ignores: whom a member ignores (their comments collapsed for them alone).
// Frozen in time: takes Kysely<any> and never imports application code.
const DEFAULT_PHRASES = ["guaranteed", "10x", "to the moon", "next big", "price target"];

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable("moderation_settings")
    .addColumn("ticker_new_account_days", "integer", (c) => c.notNull().defaultTo(3).check(sql`ticker_new_account_days between 0 and 3650`))
    .addColumn("promotional_phrases", sql`text[]`, (c) =>
      c.notNull().defaultTo(sql`array[${sql.join(DEFAULT_PHRASES.map((p) => sql.lit(p)))}]::text[]`),
    )
    .addColumn("hold_connected", "boolean", (c) => c.notNull().defaultTo(true))
    .addColumn("spike_multiplier", "integer", (c) => c.notNull().defaultTo(5).check(sql`spike_multiplier between 1 and 1000`))
    .addColumn("spike_min_comments", "integer", (c) => c.notNull().defaultTo(20).check(sql`spike_min_comments between 1 and 1000000`))
    .execute();
  // The spike alert counts every mention (held ones too: a pump is often held) by time.
  await db.schema.createIndex("comment_tickers_time_idx").on("comment_tickers").columns(["created_at", "ticker_id"]).execute();

  await db.schema
    .createTable("member_labels")
    .addColumn("id", "integer", (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn("user_id", "integer", (c) => c.notNull().references("users.id").onDelete("cascade"))
    .addColumn("kind", "text", (c) => c.notNull().check(sql`kind in ('staff', 'company-representative')`))
    // A representative speaks for one listed company (a ticker); Staff for none.
    .addColumn("ticker_id", "integer", (c) => c.references("tickers.id").onDelete("cascade"))
    .addColumn("role", "text", (c) => c.notNull().defaultTo("").check(sql`length(role) <= 100`))
    .addColumn("granted_by", "integer", (c) => c.references("users.id").onDelete("set null"))
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addCheckConstraint("member_labels_rep_has_ticker", sql`(kind = 'company-representative') = (ticker_id is not null)`)
    .execute();
  await sql`create unique index member_labels_unique on member_labels (user_id, kind, coalesce(ticker_id, 0))`.execute(db);

  await db.schema
    .createTable("member_ignores")
    .addColumn("user_id", "integer", (c) => c.notNull().references("users.id").onDelete("cascade"))
    .addColumn("ignored_user_id", "integer", (c) => c.notNull().references("users.id").onDelete("cascade"))
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint("member_ignores_pkey", ["user_id", "ignored_user_id"])
    .addCheckConstraint("member_ignores_not_self", sql`user_id <> ignored_user_id`)
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("member_ignores").execute();
  await db.schema.dropTable("member_labels").execute();
  await db.schema.dropIndex("comment_tickers_time_idx").execute();
  await db.schema
    .alterTable("moderation_settings")
    .dropColumn("ticker_new_account_days")
    .dropColumn("promotional_phrases")
    .dropColumn("hold_connected")
    .dropColumn("spike_multiplier")
    .dropColumn("spike_min_comments")
    .execute();
}
