import { sql, type Kysely } from "kysely";

// Publishing: editors' state on articles (first publication, unpublishing, a
// version for optimistic concurrency, a given or derived excerpt, when followers
// were told), every save kept as a revision, and old slugs that answer 301.
// An article is visible to readers exactly when published_at is set and not in
// the future, as before; draft, scheduled and unpublished follow from the columns.
// Frozen in time: takes Kysely<any> and never imports application code.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable("articles")
    // Set when the article is first published (or scheduled); null: a draft. Its slug is stable from then on.
    .addColumn("first_published_at", "timestamptz")
    // While unpublished: the published_at it had, so publishing again restores it.
    .addColumn("withdrawn_published_at", "timestamptz")
    .addColumn("version", "integer", (c) => c.notNull().defaultTo(1))
    .addColumn("excerpt_is_custom", "boolean", (c) => c.notNull().defaultTo(false))
    // When the job queue told followers it appeared (once per article).
    .addColumn("announced_at", "timestamptz")
    .addColumn("updated_by", "integer", (c) => c.references("users.id").onDelete("set null"))
    .execute();
  // Articles already public count as published and as announced (nobody to tell about the past).
  await sql`update articles set first_published_at = published_at, announced_at = published_at where published_at is not null`.execute(db);
  // The notification job looks for articles that are due and not yet announced.
  await sql`create index articles_unannounced_idx on articles (published_at) where announced_at is null and published_at is not null`.execute(db);
  // The editors' list: newest change first, by keyset.
  await db.schema.createIndex("articles_updated_idx").on("articles").columns(["updated_at desc", "id desc"]).execute();

  await db.schema
    .createTable("article_revisions")
    .addColumn("id", "integer", (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn("article_id", "integer", (c) => c.notNull().references("articles.id").onDelete("cascade"))
    .addColumn("version", "integer", (c) => c.notNull())
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("author_id", "integer", (c) => c.references("users.id").onDelete("set null"))
    .addColumn("author_name", "text", (c) => c.notNull())
    // What happened: save, publish, unpublish, restore, import.
    .addColumn("kind", "text", (c) => c.notNull().defaultTo("save"))
    .addColumn("restored_from", "integer")
    .addColumn("title", "text", (c) => c.notNull())
    .addColumn("slug", "text", (c) => c.notNull())
    .addColumn("byline", "text", (c) => c.notNull())
    .addColumn("highlights", sql`text[]`, (c) => c.notNull())
    .addColumn("body_markdown", "text", (c) => c.notNull())
    .addColumn("excerpt", "text", (c) => c.notNull())
    .addColumn("excerpt_is_custom", "boolean", (c) => c.notNull())
    .addColumn("category_slugs", sql`text[]`, (c) => c.notNull())
    .addColumn("published_at", "timestamptz")
    .addColumn("comments_open", "boolean", (c) => c.notNull())
    .addUniqueConstraint("article_revisions_article_version_key", ["article_id", "version"])
    .execute();

  // Old addresses: each answers 301 to the article or category that now has it.
  await db.schema
    .createTable("article_slug_redirects")
    .addColumn("slug", "text", (c) => c.primaryKey())
    .addColumn("article_id", "integer", (c) => c.notNull().references("articles.id").onDelete("cascade"))
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex("article_slug_redirects_article_idx").on("article_slug_redirects").column("article_id").execute();
  await db.schema
    .createTable("category_slug_redirects")
    .addColumn("slug", "text", (c) => c.primaryKey())
    .addColumn("category_id", "integer", (c) => c.notNull().references("categories.id").onDelete("cascade"))
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex("category_slug_redirects_category_idx").on("category_slug_redirects").column("category_id").execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("category_slug_redirects").execute();
  await db.schema.dropTable("article_slug_redirects").execute();
  await db.schema.dropTable("article_revisions").execute();
  await sql`drop index if exists articles_updated_idx`.execute(db);
  await sql`drop index if exists articles_unannounced_idx`.execute(db);
  await db.schema
    .alterTable("articles")
    .dropColumn("updated_by")
    .dropColumn("announced_at")
    .dropColumn("excerpt_is_custom")
    .dropColumn("version")
    .dropColumn("withdrawn_published_at")
    .dropColumn("first_published_at")
    .execute();
}
