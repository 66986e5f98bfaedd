import { sql, type Kysely } from "kysely";

// Imports from WordPress and Disqus (npm run import:wordpress / import:disqus).
// - import_keys: what each record of an export became here, keyed by where it
//   came from (source, the site or forum, the kind, its id there), so importing
//   the same file again updates in place and never duplicates. One of
//   article_id / comment_id / category_id is set, by kind; deleting the target
//   deletes its key (a later import then creates it anew).
// - permalink_redirects: an imported post's old address (its path on the old
//   site, normalised: percent-decoded, no trailing slash), answering 301 to the
//   article on Assay's host.
// Frozen in time: takes Kysely<any> and never imports application code.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("import_keys")
    .addColumn("source", "text", (c) => c.notNull().check(sql`source in ('wordpress', 'disqus')`))
    // The WordPress site (its base blog URL) or the Disqus forum (its short name).
    .addColumn("site", "text", (c) => c.notNull())
    .addColumn("kind", "text", (c) => c.notNull().check(sql`kind in ('article', 'comment', 'category')`))
    .addColumn("external_id", "text", (c) => c.notNull())
    .addColumn("article_id", "integer", (c) => c.references("articles.id").onDelete("cascade"))
    .addColumn("comment_id", "integer", (c) => c.references("comments.id").onDelete("cascade"))
    .addColumn("category_id", "integer", (c) => c.references("categories.id").onDelete("cascade"))
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint("import_keys_pkey", ["source", "site", "kind", "external_id"])
    .addCheckConstraint(
      "import_keys_one_target",
      sql`(kind = 'article' and article_id is not null and comment_id is null and category_id is null)
       or (kind = 'comment' and comment_id is not null and article_id is null and category_id is null)
       or (kind = 'category' and category_id is not null and article_id is null and comment_id is null)`,
    )
    .execute();
  // The cascades look keys up by target.
  await sql`create index import_keys_article_idx on import_keys (article_id) where article_id is not null`.execute(db);
  await sql`create index import_keys_comment_idx on import_keys (comment_id) where comment_id is not null`.execute(db);
  await sql`create index import_keys_category_idx on import_keys (category_id) where category_id is not null`.execute(db);

  await db.schema
    .createTable("permalink_redirects")
    .addColumn("path", "text", (c) => c.primaryKey().check(sql`path like '/_%' and path not like '%/'`))
    .addColumn("article_id", "integer", (c) => c.notNull().references("articles.id").onDelete("cascade"))
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex("permalink_redirects_article_idx").on("permalink_redirects").column("article_id").execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("permalink_redirects").execute();
  await db.schema.dropTable("import_keys").execute();
}
