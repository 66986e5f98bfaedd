import { sql, type Kysely } from "kysely";

// Verified labels on pages, and mail for ticker followers.
// - member_labels: giving or removing a label changes how a member's name reads on
//   every page their comments appear on (article pages, the embed, ticker pages), so
//   any change sends NOTIFY assay_page_cache '*' (the 0004 channel: every instance
//   drops its cached pages and threads). Labels change rarely, by an administrator.
//   A member's role decides "Author" too (only editors, administrators and Staff are
//   the Author of their bylined articles), so a role change does the same.
// - mail_deliveries.ticker_id: a new-article mail sent because the member watches a
//   ticker the article is tagged with (category_id is null then), so the sender can
//   check the follow still stands and the unsubscribe link can name the ticker.
// Frozen in time: takes Kysely<any> and never imports application code.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create trigger member_labels_notify after insert or update or delete or truncate on member_labels
    for each statement execute function assay_notify_everything()
  `.execute(db);
  await sql`
    create trigger users_role_notify after update of role on users
    for each statement execute function assay_notify_everything()
  `.execute(db);
  await db.schema
    .alterTable("mail_deliveries")
    .addColumn("ticker_id", "integer", (c) => c.references("tickers.id").onDelete("cascade"))
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("mail_deliveries").dropColumn("ticker_id").execute();
  await sql`drop trigger if exists users_role_notify on users`.execute(db);
  await sql`drop trigger if exists member_labels_notify on member_labels`.execute(db);
}
