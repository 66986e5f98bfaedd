import { sql, type Kysely } from "kysely";

// Frozen in time: takes Kysely<any> and never imports application code.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("categories")
    .addColumn("id", "integer", (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn("slug", "text", (c) => c.notNull().unique())
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("description", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addCheckConstraint("categories_slug_format", sql`slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$'`)
    .execute();

  await db.schema
    .createTable("articles")
    .addColumn("id", "integer", (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn("slug", "text", (c) => c.notNull().unique())
    .addColumn("title", "text", (c) => c.notNull())
    .addColumn("highlights", sql`text[]`, (c) => c.notNull().defaultTo(sql`'{}'::text[]`))
    .addColumn("body_markdown", "text", (c) => c.notNull())
    .addColumn("body_html", "text", (c) => c.notNull())
    .addColumn("excerpt", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("byline", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("published_at", "timestamptz")
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("updated_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addCheckConstraint("articles_slug_format", sql`slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$'`)
    .addCheckConstraint("articles_title_present", sql`length(btrim(title)) > 0`)
    .execute();
  // The home page: published articles, newest first, by keyset.
  await db.schema
    .createIndex("articles_published_idx")
    .on("articles")
    .columns(["published_at desc", "id desc"])
    .where(sql.ref("published_at"), "is not", null)
    .execute();

  await db.schema
    .createTable("article_categories")
    .addColumn("article_id", "integer", (c) => c.notNull().references("articles.id").onDelete("cascade"))
    .addColumn("category_id", "integer", (c) => c.notNull().references("categories.id").onDelete("cascade"))
    .addPrimaryKeyConstraint("article_categories_pkey", ["article_id", "category_id"])
    .execute();
  await db.schema.createIndex("article_categories_category_idx").on("article_categories").columns(["category_id", "article_id"]).execute();

  await db.schema
    .createTable("comments")
    .addColumn("id", "integer", (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn("article_id", "integer", (c) => c.notNull().references("articles.id").onDelete("cascade"))
    .addColumn("parent_id", "integer")
    .addColumn("status", "text", (c) => c.notNull().defaultTo("pending"))
    .addColumn("author_name", "text", (c) => c.notNull())
    .addColumn("author_email", "text", (c) => c.notNull())
    .addColumn("author_url", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("body_markdown", "text", (c) => c.notNull())
    .addColumn("body_html", "text", (c) => c.notNull())
    .addColumn("held_reason", "text")
    .addColumn("ip_hash", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("user_agent", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("updated_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addCheckConstraint("comments_status_valid", sql`status in ('pending', 'approved', 'spam', 'trash')`)
    .addCheckConstraint("comments_body_length", sql`length(body_markdown) between 1 and 10000`)
    .addCheckConstraint("comments_author_name_length", sql`length(author_name) <= 100`)
    .addCheckConstraint("comments_not_own_parent", sql`parent_id is null or parent_id <> id`)
    // A reply must belong to the same article as its parent: enforced by the
    // composite foreign key below, not only by the domain code.
    .addUniqueConstraint("comments_article_id_id_key", ["article_id", "id"])
    .execute();
  await sql`
    alter table comments
      add constraint comments_parent_same_article_fkey
      foreign key (article_id, parent_id) references comments (article_id, id) on delete cascade
  `.execute(db);

  // A thread: the approved comments of one article in time order.
  await db.schema.createIndex("comments_thread_idx").on("comments").columns(["article_id", "status", "created_at", "id"]).execute();
  await db.schema.createIndex("comments_parent_idx").on("comments").column("parent_id").where(sql.ref("parent_id"), "is not", null).execute();
  // "Has this email an approved comment already?" (the first-time-author rule).
  await sql`create index comments_approved_email_idx on comments (lower(author_email)) where status = 'approved'`.execute(db);
  // The duplicate check: same article and email, recent first.
  await sql`create index comments_duplicate_idx on comments (article_id, lower(author_email), created_at desc)`.execute(db);
  // The moderation queue, oldest first, by keyset.
  await db.schema.createIndex("comments_queue_idx").on("comments").columns(["status", "created_at", "id"]).execute();

  await db.schema
    .createTable("site_secrets")
    .addColumn("name", "text", (c) => c.primaryKey())
    .addColumn("value", "text", (c) => c.notNull())
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("site_secrets").execute();
  await db.schema.dropTable("comments").execute();
  await db.schema.dropTable("article_categories").execute();
  await db.schema.dropTable("articles").execute();
  await db.schema.dropTable("categories").execute();
}
