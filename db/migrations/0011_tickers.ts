import { sql, type Kysely } from "kysely";

// Tickers: the listed companies investors talk about, kept by editors.
// - tickers: symbol and exchange (upper case, unique together), company name,
//   aliases (other spellings a cashtag may use, e.g. LYC.AX).
// - article_tickers: articles tagged with a ticker (editor and import).
// - comment_tickers: the known tickers a comment mentions by cashtag, written with
//   the comment (rendered once at write time, like the rest of its Markdown). The
//   comment's time and whether it is approved are kept here, maintained by a
//   trigger, so a ticker's page reads its latest approved mentions from one index.
// - ticker_follows: the same follow levels as a category's.
// Frozen in time: takes Kysely<any> and never imports application code.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("tickers")
    .addColumn("id", "integer", (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn("symbol", "text", (c) => c.notNull().check(sql`symbol = upper(symbol) and length(symbol) between 1 and 12`))
    .addColumn("exchange", "text", (c) => c.notNull().check(sql`exchange = upper(exchange) and length(exchange) between 1 and 12`))
    .addColumn("company_name", "text", (c) => c.notNull())
    .addColumn("aliases", sql`text[]`, (c) => c.notNull().defaultTo(sql`'{}'::text[]`))
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("updated_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint("tickers_exchange_symbol_key", ["exchange", "symbol"])
    .execute();
  await db.schema.createIndex("tickers_symbol_idx").on("tickers").column("symbol").execute();
  await sql`create index tickers_aliases_idx on tickers using gin (aliases)`.execute(db);

  await db.schema
    .createTable("article_tickers")
    .addColumn("article_id", "integer", (c) => c.notNull().references("articles.id").onDelete("cascade"))
    .addColumn("ticker_id", "integer", (c) => c.notNull().references("tickers.id").onDelete("cascade"))
    .addPrimaryKeyConstraint("article_tickers_pkey", ["article_id", "ticker_id"])
    .execute();
  await db.schema.createIndex("article_tickers_ticker_idx").on("article_tickers").columns(["ticker_id", "article_id"]).execute();

  await db.schema
    .createTable("comment_tickers")
    .addColumn("comment_id", "integer", (c) => c.notNull().references("comments.id").onDelete("cascade"))
    .addColumn("ticker_id", "integer", (c) => c.notNull().references("tickers.id").onDelete("cascade"))
    .addColumn("article_id", "integer", (c) => c.notNull())
    // Copied from the comment (and kept so by triggers) for the ticker page's one-index read.
    .addColumn("created_at", "timestamptz", (c) => c.notNull())
    .addColumn("approved", "boolean", (c) => c.notNull().defaultTo(false))
    .addPrimaryKeyConstraint("comment_tickers_pkey", ["comment_id", "ticker_id"])
    .execute();
  await sql`
    create index comment_tickers_approved_idx on comment_tickers (ticker_id, created_at desc, comment_id desc)
    where approved
  `.execute(db);
  // A mention takes its comment's time and status when written...
  await sql`
    create function assay_comment_tickers_fill() returns trigger language plpgsql as $$
    begin
      select c.created_at, c.status = 'approved' and c.hidden_at is null, c.article_id
        into new.created_at, new.approved, new.article_id
        from comments c where c.id = new.comment_id;
      return new;
    end $$
  `.execute(db);
  await sql`
    create trigger comment_tickers_fill before insert on comment_tickers
    for each row execute function assay_comment_tickers_fill()
  `.execute(db);
  // ...and follows it when a moderator approves, holds, hides or spams the comment.
  await sql`
    create function assay_comments_sync_tickers() returns trigger language plpgsql as $$
    begin
      update comment_tickers set approved = (new.status = 'approved' and new.hidden_at is null)
        where comment_id = new.id and approved is distinct from (new.status = 'approved' and new.hidden_at is null);
      return null;
    end $$
  `.execute(db);
  await sql`
    create trigger comments_sync_tickers after update of status, hidden_at on comments
    for each row when (old.status is distinct from new.status or old.hidden_at is distinct from new.hidden_at)
    execute function assay_comments_sync_tickers()
  `.execute(db);

  await db.schema
    .createTable("ticker_follows")
    .addColumn("user_id", "integer", (c) => c.notNull().references("users.id").onDelete("cascade"))
    .addColumn("ticker_id", "integer", (c) => c.notNull().references("tickers.id").onDelete("cascade"))
    .addColumn("level", "text", (c) =>
      c.notNull().check(sql`level in ('watching', 'following', 'daily', 'weekly', 'muted')`),
    )
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("updated_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("last_digest_at", "timestamptz")
    .addPrimaryKeyConstraint("ticker_follows_pkey", ["user_id", "ticker_id"])
    .execute();
  await db.schema.createIndex("ticker_follows_ticker_level_idx").on("ticker_follows").columns(["ticker_id", "level"]).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("ticker_follows").execute();
  await sql`drop trigger if exists comments_sync_tickers on comments`.execute(db);
  await sql`drop function if exists assay_comments_sync_tickers()`.execute(db);
  await db.schema.dropTable("comment_tickers").execute();
  await sql`drop function if exists assay_comment_tickers_fill()`.execute(db);
  await db.schema.dropTable("article_tickers").execute();
  await db.schema.dropTable("tickers").execute();
}
