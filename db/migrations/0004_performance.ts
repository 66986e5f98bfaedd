import { sql, type Kysely } from "kysely";

// Speed at scale.
// 1. `comments.root_id`: the top-level comment a reply belongs to (null on a
//    top-level comment), so a page of threads reads every reply it shows with one
//    indexed query. Set by a trigger from the parent, for any writer; parent_id never
//    changes once written, so neither does root_id.
// 2. Indexes for the keyset-paginated thread: top-level comments of an article in
//    time order, and the approved replies of a thread in time order.
// 3. Page-cache invalidation: any change that can alter what a guest sees sends
//    NOTIFY on channel `assay_page_cache` (payload: comma-separated article ids, or
//    `*` for everything), from statement-level triggers, so every writer (the app,
//    a script, psql) and every app instance agree. Delivered at commit.
// Frozen in time: takes Kysely<any> and never imports application code.

export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table comments add column root_id integer`.execute(db);
  await sql`
    with recursive tree as (
      select id, id as root from comments where parent_id is null
      union all
      select c.id, tree.root from comments c join tree on c.parent_id = tree.id
    )
    update comments c set root_id = tree.root from tree where c.id = tree.id and c.parent_id is not null
  `.execute(db);

  await sql`
    create function assay_comments_set_root_id() returns trigger language plpgsql as $$
    begin
      select coalesce(p.root_id, p.id) into new.root_id from comments p where p.id = new.parent_id;
      return new;
    end $$
  `.execute(db);
  // A writer that already knows the root (the bench seed) skips the lookup.
  await sql`
    create trigger comments_set_root_id before insert on comments
    for each row when (new.parent_id is not null and new.root_id is null)
    execute function assay_comments_set_root_id()
  `.execute(db);

  await sql`
    create index comments_roots_idx on comments (article_id, created_at, id)
    where parent_id is null and status = 'approved'
  `.execute(db);
  await sql`
    create index comments_replies_idx on comments (root_id, created_at, id)
    where root_id is not null and status = 'approved'
  `.execute(db);

  // --- NOTIFY --------------------------------------------------------------
  // Payloads are limited to 8000 bytes: past that, "everything" is the message.
  await sql`
    create function assay_notify_page_cache(ids text) returns void language plpgsql as $$
    begin
      if ids is null or ids = '' then return; end if;
      perform pg_notify('assay_page_cache', case when length(ids) > 7900 then '*' else ids end);
    end $$
  `.execute(db);

  // Comments: only changes a guest can see (an approved comment appears, changes
  // or goes). A held comment arriving tells nobody: a raid of new posters must not
  // empty the cache of the page everyone is reading.
  await sql`
    create function assay_comments_notify() returns trigger language plpgsql as $$
    declare ids text;
    begin
      if tg_op = 'INSERT' then
        select string_agg(distinct article_id::text, ',') into ids from new_rows where status = 'approved';
      elsif tg_op = 'UPDATE' then
        select string_agg(distinct n.article_id::text, ',') into ids
        from new_rows n join old_rows o on o.id = n.id
        where n.status = 'approved' or o.status = 'approved';
      else
        select string_agg(distinct article_id::text, ',') into ids from old_rows where status = 'approved';
      end if;
      perform assay_notify_page_cache(ids);
      return null;
    end $$
  `.execute(db);
  await statementTriggers(db, "comments", "assay_comments_notify");

  await sql`
    create function assay_articles_notify() returns trigger language plpgsql as $$
    declare ids text;
    begin
      if tg_op = 'DELETE' then
        select string_agg(distinct id::text, ',') into ids from old_rows;
      else
        select string_agg(distinct id::text, ',') into ids from new_rows;
      end if;
      perform assay_notify_page_cache(ids);
      return null;
    end $$
  `.execute(db);
  await statementTriggers(db, "articles", "assay_articles_notify");

  // Rare changes that show on many pages (the category menu, the moderation
  // settings that open or close comment forms, a member's name): everything.
  await sql`
    create function assay_notify_everything() returns trigger language plpgsql as $$
    begin
      perform pg_notify('assay_page_cache', '*');
      return null;
    end $$
  `.execute(db);
  for (const table of ["categories", "moderation_settings"]) {
    await sql`
      create trigger ${sql.raw(`${table}_notify`)} after insert or update or delete or truncate on ${sql.table(table)}
      for each statement execute function assay_notify_everything()
    `.execute(db);
  }
  // An article's categories: that article (and the lists).
  await sql`
    create function assay_article_categories_notify() returns trigger language plpgsql as $$
    declare ids text;
    begin
      if tg_op = 'DELETE' then
        select string_agg(distinct article_id::text, ',') into ids from old_rows;
      else
        select string_agg(distinct article_id::text, ',') into ids from new_rows;
      end if;
      perform assay_notify_page_cache(ids);
      return null;
    end $$
  `.execute(db);
  await statementTriggers(db, "article_categories", "assay_article_categories_notify");
  await sql`
    create trigger article_categories_notify_truncate after truncate on article_categories
    for each statement execute function assay_notify_everything()
  `.execute(db);
  // A new member has written nothing yet; a renamed or deleted one may show on any page.
  await sql`
    create trigger users_notify after update of display_name, deleted_at on users
    for each statement execute function assay_notify_everything()
  `.execute(db);
  for (const table of ["comments", "articles"]) {
    await sql`
      create trigger ${sql.raw(`${table}_notify_truncate`)} after truncate on ${sql.table(table)}
      for each statement execute function assay_notify_everything()
    `.execute(db);
  }
}

/** After-insert, -update and -delete triggers, each statement with its transition tables. */
async function statementTriggers(db: Kysely<any>, table: string, fn: string): Promise<void> {
  const transitions = {
    insert: "new table as new_rows",
    update: "old table as old_rows new table as new_rows",
    delete: "old table as old_rows",
  };
  for (const [op, referencing] of Object.entries(transitions)) {
    await sql`
      create trigger ${sql.raw(`${table}_notify_${op}`)} after ${sql.raw(op)} on ${sql.table(table)}
      referencing ${sql.raw(referencing)} for each statement execute function ${sql.raw(fn)}()
    `.execute(db);
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ["categories", "moderation_settings", "users"]) {
    await sql`drop trigger if exists ${sql.raw(`${table}_notify`)} on ${sql.table(table)}`.execute(db);
  }
  for (const table of ["comments", "articles", "article_categories"]) {
    await sql`drop trigger if exists ${sql.raw(`${table}_notify_truncate`)} on ${sql.table(table)}`.execute(db);
    for (const op of ["insert", "update", "delete"]) {
      await sql`drop trigger if exists ${sql.raw(`${table}_notify_${op}`)} on ${sql.table(table)}`.execute(db);
    }
  }
  await sql`drop function if exists assay_notify_everything()`.execute(db);
  await sql`drop function if exists assay_article_categories_notify()`.execute(db);
  await sql`drop function if exists assay_articles_notify()`.execute(db);
  await sql`drop function if exists assay_comments_notify()`.execute(db);
  await sql`drop function if exists assay_notify_page_cache(text)`.execute(db);
  await sql`drop index if exists comments_replies_idx`.execute(db);
  await sql`drop index if exists comments_roots_idx`.execute(db);
  await sql`drop trigger if exists comments_set_root_id on comments`.execute(db);
  await sql`drop function if exists assay_comments_set_root_id()`.execute(db);
  await sql`alter table comments drop column root_id`.execute(db);
}
