import { sql, type Kysely } from "kysely";

// Accounts: users with a role, Lucia's sessions, single-use tokens for email
// verification and password reset (stored hashed), the development outbox, the
// generic rate-limit counters, and the author of a member's comment.
// Frozen in time: takes Kysely<any> and never imports application code.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("users")
    .addColumn("id", "integer", (c) => c.primaryKey().generatedAlwaysAsIdentity())
    // Null only once the account is deleted (the address is erased).
    .addColumn("email", "text")
    .addColumn("display_name", "text", (c) => c.notNull())
    // argon2id, PHC string. Null only once the account is deleted.
    .addColumn("password_hash", "text")
    .addColumn("role", "text", (c) => c.notNull().defaultTo("member"))
    .addColumn("email_verified_at", "timestamptz")
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("deleted_at", "timestamptz")
    .addCheckConstraint("users_role_valid", sql`role in ('member', 'moderator', 'editor', 'admin')`)
    .addCheckConstraint("users_display_name_length", sql`length(btrim(display_name)) between 1 and 100`)
    .addCheckConstraint("users_email_length", sql`email is null or length(email) between 3 and 254`)
    .addCheckConstraint(
      "users_live_have_credentials",
      sql`deleted_at is not null or (email is not null and password_hash is not null)`,
    )
    .execute();
  await sql`create unique index users_email_key on users (lower(email))`.execute(db);

  // Lucia's sessions. `id` is the SHA-256 (hex) of the token in the cookie, so a
  // copy of this table does not let anyone in.
  await db.schema
    .createTable("sessions")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("user_id", "integer", (c) => c.notNull().references("users.id").onDelete("cascade"))
    .addColumn("expires_at", "timestamptz", (c) => c.notNull())
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("user_agent", "text", (c) => c.notNull().defaultTo(""))
    .execute();
  await db.schema.createIndex("sessions_user_idx").on("sessions").column("user_id").execute();
  await db.schema.createIndex("sessions_expires_idx").on("sessions").column("expires_at").execute();

  // Links sent by email. Only the SHA-256 of the token is kept.
  await db.schema
    .createTable("user_tokens")
    .addColumn("id", "integer", (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn("user_id", "integer", (c) => c.notNull().references("users.id").onDelete("cascade"))
    .addColumn("purpose", "text", (c) => c.notNull())
    .addColumn("token_hash", "text", (c) => c.notNull().unique())
    // The address the link was sent to (for an email change: the new one).
    .addColumn("email", "text", (c) => c.notNull())
    .addColumn("expires_at", "timestamptz", (c) => c.notNull())
    .addColumn("used_at", "timestamptz")
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addCheckConstraint("user_tokens_purpose_valid", sql`purpose in ('verify-email', 'reset-password')`)
    .execute();
  await db.schema.createIndex("user_tokens_user_idx").on("user_tokens").columns(["user_id", "purpose"]).execute();

  // Mail kept in the database when no SMTP server is configured (shown at /dev/outbox).
  await db.schema
    .createTable("outbox")
    .addColumn("id", "integer", (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn("to_address", "text", (c) => c.notNull())
    .addColumn("subject", "text", (c) => c.notNull())
    .addColumn("text_body", "text", (c) => c.notNull())
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex("outbox_created_idx").on("outbox").columns(["created_at desc", "id desc"]).execute();

  // Fixed-window counters: one row per (bucket, key), changed by a single upsert.
  await db.schema
    .createTable("rate_limits")
    .addColumn("bucket", "text", (c) => c.notNull())
    .addColumn("key", "text", (c) => c.notNull())
    .addColumn("count", "integer", (c) => c.notNull())
    .addColumn("window_started_at", "timestamptz", (c) => c.notNull())
    .addColumn("expires_at", "timestamptz", (c) => c.notNull())
    .addPrimaryKeyConstraint("rate_limits_pkey", ["bucket", "key"])
    .addCheckConstraint("rate_limits_count_not_negative", sql`count >= 0`)
    .execute();
  await db.schema.createIndex("rate_limits_expires_idx").on("rate_limits").column("expires_at").execute();

  // A member's comment. The comment keeps its text when the account goes.
  await db.schema
    .alterTable("comments")
    .addColumn("user_id", "integer", (c) => c.references("users.id").onDelete("set null"))
    .execute();
  // "Has this member an approved comment?" and the profile page's list.
  await sql`create index comments_user_idx on comments (user_id, status, created_at desc) where user_id is not null`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index if exists comments_user_idx`.execute(db);
  await db.schema.alterTable("comments").dropColumn("user_id").execute();
  await db.schema.dropTable("rate_limits").execute();
  await db.schema.dropTable("outbox").execute();
  await db.schema.dropTable("user_tokens").execute();
  await db.schema.dropTable("sessions").execute();
  await db.schema.dropTable("users").execute();
}
