import { sql, type Kysely } from "kysely";

// Embedding threads in the news site's own pages (/embed, public/embed.js).
// - embed_settings: one row, the editors' choice for a page on an allowed host
//   (EMBED_HOSTS) whose URL no article has yet: "create" its article and thread on
//   first view, or "closed" ("Comments are not open for this page"). No row: closed.
// - embed_logins: one-time tickets that carry a member's log-in from the popup
//   (the forum as the top-level site) to the frame (the forum inside the news
//   site, whose cookies the browser keeps apart): only a hash of each is stored.
// Frozen in time: takes Kysely<any> and never imports application code.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("embed_settings")
    .addColumn("id", "boolean", (c) => c.primaryKey().defaultTo(true).check(sql`id`))
    .addColumn("unknown_urls", "text", (c) => c.notNull().defaultTo("closed").check(sql`unknown_urls in ('create', 'closed')`))
    .addColumn("updated_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("updated_by", "integer", (c) => c.references("users.id").onDelete("set null"))
    .execute();

  await db.schema
    .createTable("embed_logins")
    .addColumn("token_hash", "text", (c) => c.primaryKey())
    .addColumn("user_id", "integer", (c) => c.notNull().references("users.id").onDelete("cascade"))
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("expires_at", "timestamptz", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("embed_logins_expires_idx").on("embed_logins").column("expires_at").execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("embed_logins").execute();
  await db.schema.dropTable("embed_settings").execute();
}
