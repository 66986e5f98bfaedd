import { sql, type Kysely } from "kysely";

// Disclosure and sentiment (issue 13, items 3 and 4).
// - comment_disclosures: the position a commenter declared in each ticker their
//   comment mentions (long, short, none, undisclosed) and whether they are paid by
//   or connected to the company. Written once with the comment and never changed
//   (a trigger refuses updates): a later change of position is a new comment.
// - disclosure_defaults: a member's usual answers per ticker, to prefill the form.
//   Private to the member.
// - comments.sentiment: Bullish or Bearish, optional, one per comment.
// - comment_tickers.sentiment: copied from the comment when the mention is written,
//   so a ticker's sentiment figures read from one partial index, never a scan.
// - moderation_settings.disclosure_required: editors make the answer required.
// Frozen in time: takes Kysely<any> and never imports application code.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable("comments")
    .addColumn("sentiment", "text", (c) => c.check(sql`sentiment in ('bullish', 'bearish')`))
    .execute();
  await sql`
    create index comments_article_sentiment_idx on comments (article_id, created_at)
    include (sentiment) where sentiment is not null and status = 'approved' and hidden_at is null
  `.execute(db);

  await db.schema.alterTable("comment_tickers").addColumn("sentiment", "text").execute();
  // Runs after 0011's fill trigger (triggers fire in name order: "comment_tickers_fill" < "comment_tickers_sentiment").
  await sql`
    create function assay_comment_tickers_sentiment() returns trigger language plpgsql as $$
    begin
      select c.sentiment into new.sentiment from comments c where c.id = new.comment_id;
      return new;
    end $$
  `.execute(db);
  await sql`
    create trigger comment_tickers_sentiment before insert on comment_tickers
    for each row execute function assay_comment_tickers_sentiment()
  `.execute(db);
  await sql`
    create index comment_tickers_sentiment_idx on comment_tickers (ticker_id, created_at)
    include (sentiment) where approved and sentiment is not null
  `.execute(db);

  await db.schema
    .createTable("comment_disclosures")
    .addColumn("comment_id", "integer", (c) => c.notNull().references("comments.id").onDelete("cascade"))
    .addColumn("ticker_id", "integer", (c) => c.notNull().references("tickers.id").onDelete("cascade"))
    .addColumn("position", "text", (c) => c.notNull().check(sql`position in ('long', 'short', 'none', 'undisclosed')`))
    .addColumn("connected", "boolean", (c) => c.notNull().defaultTo(false))
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint("comment_disclosures_pkey", ["comment_id", "ticker_id"])
    .execute();
  await db.schema.createIndex("comment_disclosures_ticker_idx").on("comment_disclosures").columns(["ticker_id", "comment_id"]).execute();
  await sql`
    create function assay_comment_disclosures_frozen() returns trigger language plpgsql as $$
    begin
      raise exception 'a comment''s disclosure never changes';
    end $$
  `.execute(db);
  await sql`
    create trigger comment_disclosures_frozen before update on comment_disclosures
    for each row execute function assay_comment_disclosures_frozen()
  `.execute(db);

  await db.schema
    .createTable("disclosure_defaults")
    .addColumn("user_id", "integer", (c) => c.notNull().references("users.id").onDelete("cascade"))
    .addColumn("ticker_id", "integer", (c) => c.notNull().references("tickers.id").onDelete("cascade"))
    .addColumn("position", "text", (c) => c.notNull().check(sql`position in ('long', 'short', 'none', 'undisclosed')`))
    .addColumn("connected", "boolean", (c) => c.notNull().defaultTo(false))
    .addColumn("updated_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint("disclosure_defaults_pkey", ["user_id", "ticker_id"])
    .execute();

  await db.schema
    .alterTable("moderation_settings")
    .addColumn("disclosure_required", "boolean", (c) => c.notNull().defaultTo(false))
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("moderation_settings").dropColumn("disclosure_required").execute();
  await db.schema.dropTable("disclosure_defaults").execute();
  await db.schema.dropTable("comment_disclosures").execute();
  await sql`drop function if exists assay_comment_disclosures_frozen()`.execute(db);
  await sql`drop trigger if exists comment_tickers_sentiment on comment_tickers`.execute(db);
  await sql`drop function if exists assay_comment_tickers_sentiment()`.execute(db);
  await sql`drop index if exists comment_tickers_sentiment_idx`.execute(db);
  await db.schema.alterTable("comment_tickers").dropColumn("sentiment").execute();
  await sql`drop index if exists comments_article_sentiment_idx`.execute(db);
  await db.schema.alterTable("comments").dropColumn("sentiment").execute();
}
