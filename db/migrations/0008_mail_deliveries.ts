import { sql, type Kysely } from "kysely";

// Mail deliveries: one row per (event, recipient), written by the job that
// handles the event (an insert-select, so fan-out to 100,000 watchers is one
// statement) and sent by the "send_mail" jobs, which claim due rows with
// FOR UPDATE SKIP LOCKED, send each, and record it as sent right after. The
// unique (event_key, recipient) makes a retried or repeated event job add
// nobody twice; a worker killed between sending and recording repeats at most
// the messages it had in flight (the lease runs out and another worker resends).
// - kind: article (a new article in a watched category), reply (a reply to the
//   recipient's comment), thread (newly approved comments of a watched thread,
//   one mail per thread per member per hour at most), digest (daily / weekly),
//   guest-confirm (a guest's double opt-in link).
// - status: pending (due at next_attempt_at), sending (claimed until
//   lease_until), sent, failed (gave up after the last attempt), skipped (the
//   recipient became ineligible before it went out: banned, unsubscribed).
// Frozen in time: takes Kysely<any> and never imports application code.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("mail_deliveries")
    .addColumn("id", "bigint", (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn("event_key", "text", (c) => c.notNull())
    // The address, lower case: a member's at the time of the event, or a confirmed guest's.
    .addColumn("recipient", "text", (c) => c.notNull())
    .addColumn("user_id", "integer", (c) => c.references("users.id").onDelete("cascade"))
    .addColumn("kind", "text", (c) => c.notNull().check(sql`kind in ('article', 'reply', 'thread', 'digest', 'guest-confirm')`))
    .addColumn("article_id", "integer", (c) => c.references("articles.id").onDelete("cascade"))
    .addColumn("comment_id", "integer", (c) => c.references("comments.id").onDelete("cascade"))
    .addColumn("category_id", "integer", (c) => c.references("categories.id").onDelete("cascade"))
    .addColumn("details", "jsonb", (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn("status", "text", (c) =>
      c.notNull().defaultTo("pending").check(sql`status in ('pending', 'sending', 'sent', 'failed', 'skipped')`),
    )
    .addColumn("attempts", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("next_attempt_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("lease_until", "timestamptz")
    .addColumn("sent_at", "timestamptz")
    .addColumn("last_error", "text")
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint("mail_deliveries_once", ["event_key", "recipient"])
    .execute();
  // The senders' claim: the due pending rows, oldest first, straight from one index.
  await sql`create index mail_deliveries_due_idx on mail_deliveries (next_attempt_at, id) where status = 'pending'`.execute(db);
  // Leases that ran out (a worker died mid-batch).
  await sql`create index mail_deliveries_sending_idx on mail_deliveries (lease_until) where status = 'sending'`.execute(db);
  // A watched thread: one waiting mail per (member, thread) gathers every comment approved meanwhile...
  await sql`create unique index mail_deliveries_thread_batch on mail_deliveries (article_id, user_id) where kind = 'thread' and status = 'pending'`.execute(db);
  // ...and the last one sent decides when the next may go (an hour later).
  await sql`create index mail_deliveries_thread_last_idx on mail_deliveries (user_id, article_id, created_at desc) where kind = 'thread'`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("mail_deliveries").execute();
}
