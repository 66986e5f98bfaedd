import { sql, type Kysely } from "kysely";

// Notices about members, for the app instances' memory of who a session belongs
// to (app/composition/member-pages.server.ts): a member's page is served from what
// an instance remembers of their session (name, role, whom they ignore, the unread
// count, their follow of the thread) until any of that changes. So every change to
// it sends NOTIFY assay_members with the member ids concerned (comma-separated;
// '*' when too many for one notice, or a table is emptied), whoever makes it (the
// app, the job worker, a script, psql):
// - sessions (log-in elsewhere is harmless; log-out, expiry, a password reset end them),
// - users (name, role, confirmation, reply default, deletion),
// - member_ignores, notifications (the unread count), thread_watches.
// One notice per statement (transition tables), not per row: an article's mail
// to 100,000 followers inserts their notifications in one statement.
// Frozen in time: takes Kysely<any> and never imports application code.
const TABLES: [table: string, column: string][] = [
  ["sessions", "user_id"],
  ["users", "id"],
  ["member_ignores", "user_id"],
  ["notifications", "user_id"],
  ["thread_watches", "user_id"],
];

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create function assay_notify_members() returns trigger language plpgsql as $$
    declare ids text;
    begin
      if tg_op = 'TRUNCATE' then
        ids := '*';
      elsif tg_op = 'INSERT' then
        select string_agg(distinct to_jsonb(n) ->> tg_argv[0], ',') into ids from new_rows n;
      elsif tg_op = 'DELETE' then
        select string_agg(distinct to_jsonb(o) ->> tg_argv[0], ',') into ids from old_rows o;
      else
        select string_agg(distinct id, ',') into ids from (
          select to_jsonb(n) ->> tg_argv[0] as id from new_rows n
          union select to_jsonb(o) ->> tg_argv[0] from old_rows o
        ) changed;
      end if;
      if ids is not null and ids <> '' then
        perform pg_notify('assay_members', case when length(ids) > 7900 then '*' else ids end);
      end if;
      return null;
    end $$
  `.execute(db);
  const transitions = {
    insert: "new table as new_rows",
    update: "old table as old_rows new table as new_rows",
    delete: "old table as old_rows",
  };
  for (const [table, column] of TABLES) {
    for (const [op, referencing] of Object.entries(transitions)) {
      await sql`
        create trigger ${sql.raw(`${table}_members_${op}`)} after ${sql.raw(op)} on ${sql.table(table)}
        referencing ${sql.raw(referencing)} for each statement execute function assay_notify_members(${sql.lit(column)})
      `.execute(db);
    }
    await sql`
      create trigger ${sql.raw(`${table}_members_truncate`)} after truncate on ${sql.table(table)}
      for each statement execute function assay_notify_members(${sql.lit(column)})
    `.execute(db);
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const [table] of TABLES) {
    for (const op of ["insert", "update", "delete", "truncate"]) {
      await sql`drop trigger if exists ${sql.raw(`${table}_members_${op}`)} on ${sql.table(table)}`.execute(db);
    }
  }
  await sql`drop function if exists assay_notify_members()`.execute(db);
}
