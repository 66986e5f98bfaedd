import { sql, type Kysely } from "kysely";

// Following: what members watch, and what they have been told.
// - category_follows: one level per (member, category), as Discourse's watched
//   categories: watching (mail for each new article), following (page and feed
//   only), daily / weekly digest, muted (the category leaves their home page).
// - thread_watches: members who get mail for each newly approved comment of an
//   article's thread (batched to one mail per thread per hour).
// - comments.notify_replies: the author wants to hear of replies to this comment
//   (on by default for members, a checkbox for guests; see guest_mail_addresses).
// - guest_mail_addresses: a guest's address is mailed nothing but its
//   confirmation link until it is confirmed (double opt-in).
// - notifications: what a member's /notifications lists, once per (member, event).
// - users: their choice for their own comments, their last visit of /following,
//   and the secret of their personal feed (resettable; a reset kills the old URL).
// - articles.canonical_url: the article's address on the news site it belongs
//   to (imported or embedded articles keep it), unique, so an embed finds it.
// Frozen in time: takes Kysely<any> and never imports application code.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("category_follows")
    .addColumn("user_id", "integer", (c) => c.notNull().references("users.id").onDelete("cascade"))
    .addColumn("category_id", "integer", (c) => c.notNull().references("categories.id").onDelete("cascade"))
    .addColumn("level", "text", (c) =>
      c.notNull().check(sql`level in ('watching', 'following', 'daily', 'weekly', 'muted')`),
    )
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("updated_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    // When this follow's last digest went out (daily and weekly levels).
    .addColumn("last_digest_at", "timestamptz")
    .addPrimaryKeyConstraint("category_follows_pkey", ["user_id", "category_id"])
    .execute();
  // Fan-out: "everyone watching category C" is one index range.
  await db.schema.createIndex("category_follows_category_level_idx").on("category_follows").columns(["category_id", "level"]).execute();

  await db.schema
    .createTable("thread_watches")
    .addColumn("user_id", "integer", (c) => c.notNull().references("users.id").onDelete("cascade"))
    .addColumn("article_id", "integer", (c) => c.notNull().references("articles.id").onDelete("cascade"))
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint("thread_watches_pkey", ["user_id", "article_id"])
    .execute();
  await db.schema.createIndex("thread_watches_article_idx").on("thread_watches").column("article_id").execute();

  await db.schema
    .alterTable("comments")
    .addColumn("notify_replies", "boolean", (c) => c.notNull().defaultTo(false))
    .execute();

  await db.schema
    .createTable("guest_mail_addresses")
    // Lower case; the same address across every comment a guest leaves.
    .addColumn("email", "text", (c) => c.primaryKey())
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("confirmation_sent_at", "timestamptz")
    .addColumn("confirmed_at", "timestamptz")
    // Set by an unsubscribe: nothing more is sent to this address.
    .addColumn("unsubscribed_at", "timestamptz")
    .execute();

  await db.schema
    .createTable("notifications")
    .addColumn("id", "bigint", (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn("user_id", "integer", (c) => c.notNull().references("users.id").onDelete("cascade"))
    // reply: a reply to the member's comment; article: a new article in a watched category.
    .addColumn("kind", "text", (c) => c.notNull().check(sql`kind in ('reply', 'article')`))
    .addColumn("article_id", "integer", (c) => c.notNull().references("articles.id").onDelete("cascade"))
    .addColumn("comment_id", "integer", (c) => c.references("comments.id").onDelete("cascade"))
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("read_at", "timestamptz")
    .execute();
  // Once per (member, event), so a retried job never notifies twice.
  await sql`create unique index notifications_reply_once on notifications (user_id, comment_id) where kind = 'reply'`.execute(db);
  await sql`create unique index notifications_article_once on notifications (user_id, article_id) where kind = 'article'`.execute(db);
  await db.schema.createIndex("notifications_user_idx").on("notifications").columns(["user_id", "id desc"]).execute();
  // The header's unread count is an index-only count.
  await sql`create index notifications_unread_idx on notifications (user_id) where read_at is null`.execute(db);

  await db.schema
    .alterTable("users")
    // A member's own comment makes them watch replies to it, unless they turn it off.
    .addColumn("notify_replies_default", "boolean", (c) => c.notNull().defaultTo(true))
    .addColumn("following_visited_at", "timestamptz")
    // Random, shown on /account in the personal feed's URL; null until first made.
    .addColumn("feed_token", "text", (c) => c.unique())
    .execute();

  await db.schema.alterTable("articles").addColumn("canonical_url", "text").execute();
  await sql`create unique index articles_canonical_url_key on articles (canonical_url) where canonical_url is not null`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index if exists articles_canonical_url_key`.execute(db);
  await db.schema.alterTable("articles").dropColumn("canonical_url").execute();
  await db.schema
    .alterTable("users")
    .dropColumn("feed_token")
    .dropColumn("following_visited_at")
    .dropColumn("notify_replies_default")
    .execute();
  await db.schema.dropTable("notifications").execute();
  await db.schema.dropTable("guest_mail_addresses").execute();
  await db.schema.alterTable("comments").dropColumn("notify_replies").execute();
  await db.schema.dropTable("thread_watches").execute();
  await db.schema.dropTable("category_follows").execute();
}
