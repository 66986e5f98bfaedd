// Fan-out: who hears of an event. Each event (an article announced, a comment
// approved, a guest asking for replies, a digest due) becomes, in one
// transaction, in-app notifications and mail deliveries written by
// insert-select, one statement for all recipients however many, and each once
// (ON CONFLICT DO NOTHING on the unique indexes: a retried job adds nobody
// twice). The same transaction wakes the mail senders (app/jobs/tasks/send_mail.ts).
import { sql, type RawBuilder } from "kysely";
import type { DB } from "../../db/connection";
import { addJob } from "../jobs/queue.server";

/** How many senders run at once (each one SMTP connection): WORKER_CONCURRENCY, 4 by default. */
export function workerConcurrency(env: NodeJS.ProcessEnv = process.env): number {
  const n = Number(env.WORKER_CONCURRENCY ?? 4);
  return Number.isSafeInteger(n) && n >= 1 && n <= 64 ? n : 4;
}

/** Wake every sender (one job per slot, keyed, so repeated wake-ups never pile up). */
export async function wakeMailSenders(db: DB, senders = workerConcurrency()): Promise<void> {
  for (let slot = 0; slot < senders; slot++) {
    // Priority 1 (after 0): announcements and approvals queued meanwhile go first.
    await addJob(db, "send_mail", { slot }, { jobKey: `send_mail:${slot}`, jobKeyMode: "replace", priority: 1 });
  }
}

/**
 * At a worker's start: wake the senders if mail is due. (A worker that was
 * killed leaves its jobs locked; without this its mail would wait for the
 * crontab's sender, one slot, a minute later.)
 */
export async function wakeMailSendersIfDue(db: DB, senders = workerConcurrency()): Promise<boolean> {
  const due = await db
    .selectFrom("mail_deliveries")
    .select("id")
    .where((eb) => eb.or([eb("status", "=", "pending"), eb("status", "=", "sending")]))
    .where("next_attempt_at", "<=", sql<Date>`now()`)
    .limit(1)
    .executeTakeFirst();
  if (due) await wakeMailSenders(db, senders);
  return due !== undefined;
}

/**
 * A member may be mailed: the account is live, its address confirmed, and it is
 * neither banned nor suspended. `u` is the users alias in the query.
 */
function memberMayBeMailed(u: string): RawBuilder<boolean> {
  const ref = sql.ref;
  return sql<boolean>`(${ref(`${u}.deleted_at`)} is null and ${ref(`${u}.email`)} is not null
    and ${ref(`${u}.email_verified_at`)} is not null and ${memberUnrestricted(u)})`;
}

function memberUnrestricted(u: string): RawBuilder<boolean> {
  return sql<boolean>`not exists (select 1 from member_restrictions r
    where r.user_id = ${sql.ref(`${u}.id`)} and (r.kind = 'ban' or r.until > now()))`;
}

export interface FanOutResult {
  notifications: number;
  deliveries: number;
}

/**
 * An article appeared: members watching one of its categories, or one of the
 * tickers it is tagged with, get a notification and a mail (one each, however
 * many of its categories and tickers they watch: the mail names a category when
 * they watch one, else a ticker).
 */
export async function fanOutArticle(db: DB, articleId: number): Promise<FanOutResult> {
  return db.transaction().execute(async (trx) => {
    const notified = await sql`
      insert into notifications (user_id, kind, article_id)
      select distinct f.user_id, 'article', ${articleId}::int
        from (select cf.user_id from article_categories ac
                join category_follows cf on cf.category_id = ac.category_id and cf.level = 'watching'
               where ac.article_id = ${articleId}
              union
              select tf.user_id from article_tickers at
                join ticker_follows tf on tf.ticker_id = at.ticker_id and tf.level = 'watching'
               where at.article_id = ${articleId}) f
        join users u on u.id = f.user_id
       where u.deleted_at is null and ${memberUnrestricted("u")}
      on conflict (user_id, article_id) where kind = 'article' do nothing`.execute(trx);
    const queued = await sql`
      insert into mail_deliveries (event_key, recipient, user_id, kind, article_id, category_id, ticker_id)
      select distinct on (u.id) ${`article:${articleId}`}, lower(u.email), u.id, 'article', ${articleId}::int, f.category_id, f.ticker_id
        from (select cf.user_id, cf.category_id, null::int as ticker_id from article_categories ac
                join category_follows cf on cf.category_id = ac.category_id and cf.level = 'watching'
               where ac.article_id = ${articleId}
              union all
              select tf.user_id, null::int, tf.ticker_id from article_tickers at
                join ticker_follows tf on tf.ticker_id = at.ticker_id and tf.level = 'watching'
               where at.article_id = ${articleId}) f
        join users u on u.id = f.user_id
       where ${memberMayBeMailed("u")}
       -- One mail per member: a category they watch first, else a ticker.
       order by u.id, f.category_id nulls last, f.ticker_id
      on conflict do nothing`.execute(trx);
    const deliveries = Number(queued.numAffectedRows ?? 0);
    if (deliveries) await wakeMailSenders(trx);
    return { notifications: Number(notified.numAffectedRows ?? 0), deliveries };
  });
}

/**
 * A comment became approved (at posting, or by a moderator): the parent's author
 * hears of the reply when they asked to (members: notification and mail; guests:
 * mail once their address is confirmed), and the thread's watchers get a mail,
 * at most one per thread per hour (what comes meanwhile joins the waiting mail).
 * Nothing while the comment is held, spammed or hidden, or its article is not out.
 */
export async function fanOutApprovedComment(db: DB, commentId: number): Promise<FanOutResult> {
  return db.transaction().execute(async (trx) => {
    const comment = await trx
      .selectFrom("comments as c")
      .innerJoin("articles as a", "a.id", "c.article_id")
      .leftJoin("comments as p", "p.id", "c.parent_id")
      .select([
        "c.id",
        "c.article_id",
        "c.user_id",
        "c.author_email",
        "p.id as parent_id",
        "p.user_id as parent_user_id",
        "p.author_email as parent_email",
        "p.notify_replies as parent_wants",
        "p.status as parent_status",
      ])
      .where("c.id", "=", commentId)
      .where("c.status", "=", "approved")
      .where("c.hidden_at", "is", null)
      .where("a.published_at", "<=", sql<Date>`now()`)
      .executeTakeFirst();
    if (!comment) return { notifications: 0, deliveries: 0 };
    let notifications = 0;
    let deliveries = 0;
    // The member told of this reply by a reply mail gets no thread mail for it as well.
    let repliedMember: number | null = null;
    const ownReply =
      comment.parent_user_id !== null
        ? comment.parent_user_id === comment.user_id
        : (comment.parent_email ?? "").trim().toLowerCase() === comment.author_email.trim().toLowerCase();
    if (comment.parent_id !== null && comment.parent_wants && comment.parent_status === "approved" && !ownReply) {
      if (comment.parent_user_id !== null) {
        repliedMember = comment.parent_user_id;
        const n = await sql`
          insert into notifications (user_id, kind, article_id, comment_id)
          select u.id, 'reply', ${comment.article_id}::int, ${comment.id}::int from users u
           where u.id = ${comment.parent_user_id} and u.deleted_at is null and ${memberUnrestricted("u")}
             and not exists (select 1 from member_ignores i where i.user_id = u.id and i.ignored_user_id = ${comment.user_id}::int)
          on conflict (user_id, comment_id) where kind = 'reply' do nothing`.execute(trx);
        notifications += Number(n.numAffectedRows ?? 0);
        const d = await sql`
          insert into mail_deliveries (event_key, recipient, user_id, kind, article_id, comment_id)
          select ${`reply:${comment.id}`}, lower(u.email), u.id, 'reply', ${comment.article_id}::int, ${comment.id}::int from users u
           where u.id = ${comment.parent_user_id} and ${memberMayBeMailed("u")}
             and not exists (select 1 from member_ignores i where i.user_id = u.id and i.ignored_user_id = ${comment.user_id}::int)
          on conflict do nothing`.execute(trx);
        deliveries += Number(d.numAffectedRows ?? 0);
      } else {
        // A guest: only to an address confirmed by its owner and not unsubscribed since.
        const d = await sql`
          insert into mail_deliveries (event_key, recipient, kind, article_id, comment_id)
          select ${`reply:${comment.id}`}, g.email, 'reply', ${comment.article_id}::int, ${comment.id}::int
            from guest_mail_addresses g
           where g.email = ${(comment.parent_email ?? "").trim().toLowerCase()}
             and g.confirmed_at is not null and g.unsubscribed_at is null
          on conflict do nothing`.execute(trx);
        deliveries += Number(d.numAffectedRows ?? 0);
      }
    }
    // Thread watchers: a waiting mail for this thread takes the comment in (the
    // partial unique index on pending thread mail); else a new one, due an hour
    // after the member's last one for this thread, or now.
    const t = await sql`
      insert into mail_deliveries (event_key, recipient, user_id, kind, article_id, comment_id, next_attempt_at)
      select ${`thread:${comment.id}`}, lower(u.email), u.id, 'thread', w.article_id, ${comment.id}::int,
             greatest(now(), coalesce((
               select last.next_attempt_at + interval '1 hour' from mail_deliveries last
                where last.kind = 'thread' and last.user_id = u.id and last.article_id = w.article_id
                order by last.created_at desc limit 1), now()))
        from thread_watches w
        join users u on u.id = w.user_id
       where w.article_id = ${comment.article_id}
         and u.id is distinct from ${comment.user_id}::int
         and u.id is distinct from ${repliedMember}::int
         and ${memberMayBeMailed("u")}
         -- Nothing from a member they ignore (Ignore).
         and not exists (select 1 from member_ignores i where i.user_id = u.id and i.ignored_user_id = ${comment.user_id}::int)
      on conflict do nothing`.execute(trx);
    deliveries += Number(t.numAffectedRows ?? 0);
    if (deliveries) await wakeMailSenders(trx);
    return { notifications, deliveries };
  });
}

/**
 * A comment was just posted (in the posting transaction): queue its job when it
 * may tell anyone — an approved reply (the parent's author) or an approved
 * comment on a watched thread, or a guest asking for replies (the confirmation
 * link) — and not for every comment, so posting stays as cheap as it was.
 */
export async function queueCommentMail(
  trx: DB,
  comment: {
    id: number;
    articleId: number;
    parentId: number | null;
    status: string;
    user_id: number | null;
    notify_replies: boolean;
    /** Someone watches the article's thread, when the caller read it already (the insert returns it). */
    threadWatched?: boolean;
  },
): Promise<void> {
  const guestAsks = comment.user_id === null && comment.notify_replies;
  let approvedNews = false;
  if (comment.status === "approved") {
    approvedNews =
      comment.parentId !== null ||
      comment.threadWatched === true ||
      (comment.threadWatched === undefined &&
        (await trx.selectFrom("thread_watches").select("user_id").where("article_id", "=", comment.articleId).limit(1).executeTakeFirst()) !== undefined);
  }
  if (guestAsks || approvedNews) await addJob(trx, "comment_posted", { commentId: comment.id });
}

/** How long before a guest's address may be sent its confirmation link again. */
const CONFIRMATION_RESEND_HOURS = 24;

/**
 * A guest ticked "Notify me of replies": the first mail to their address is its
 * confirmation link (double opt-in), sent at most once a day, and none to an
 * address already confirmed or that asked for no mail. Nothing for spam.
 */
export async function requestGuestConfirmation(db: DB, commentId: number): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const comment = await trx
      .selectFrom("comments")
      .select(["id", "author_email"])
      .where("id", "=", commentId)
      .where("user_id", "is", null)
      .where("notify_replies", "=", true)
      .where("status", "in", ["approved", "pending"])
      .executeTakeFirst();
    const email = comment?.author_email.trim().toLowerCase();
    if (!comment || !email) return false;
    await trx.insertInto("guest_mail_addresses").values({ email }).onConflict((oc) => oc.column("email").doNothing()).execute();
    const claimed = await trx
      .updateTable("guest_mail_addresses")
      .set({ confirmation_sent_at: new Date() })
      .where("email", "=", email)
      .where("confirmed_at", "is", null)
      .where("unsubscribed_at", "is", null)
      .where((eb) =>
        eb.or([
          eb("confirmation_sent_at", "is", null),
          eb("confirmation_sent_at", "<", sql<Date>`now() - make_interval(hours => ${CONFIRMATION_RESEND_HOURS})`),
        ]),
      )
      .returning("email")
      .executeTakeFirst();
    if (!claimed) return false;
    await trx
      .insertInto("mail_deliveries")
      .values({ event_key: `guest-confirm:${comment.id}`, recipient: email, kind: "guest-confirm", comment_id: comment.id })
      .onConflict((oc) => oc.doNothing())
      .execute();
    await wakeMailSenders(trx);
    return true;
  });
}

/**
 * Digests: one mail per member listing what is new in their daily (or weekly)
 * categories and tickers since their last digest, only for those with something
 * new. Each follow's last_digest_at moves in the same statement, so a second run
 * finds nothing; a member following both a category and a ticker of one article
 * gets one digest, listing it once.
 */
export async function fanOutDigests(db: DB, period: "daily" | "weekly", now = new Date()): Promise<number> {
  const minGap = period === "daily" ? "20 hours" : "6 days 20 hours";
  const stamp = now.toISOString().slice(0, 13);
  return db.transaction().execute(async (trx) => {
    const result = await sql`
      with due_categories as (
        select f.user_id, f.category_id, coalesce(f.last_digest_at, f.created_at) as since
          from category_follows f
          join users u on u.id = f.user_id
         where f.level = ${period}
           and coalesce(f.last_digest_at, f.created_at) < ${now}::timestamptz - ${minGap}::interval
           and ${memberMayBeMailed("u")}
           and exists (
             select 1 from article_categories ac join articles a on a.id = ac.article_id
              where ac.category_id = f.category_id
                and a.published_at > coalesce(f.last_digest_at, f.created_at) and a.published_at <= ${now}::timestamptz)
         for update of f skip locked
      ), due_tickers as (
        select f.user_id, f.ticker_id, coalesce(f.last_digest_at, f.created_at) as since
          from ticker_follows f
          join users u on u.id = f.user_id
         where f.level = ${period}
           and coalesce(f.last_digest_at, f.created_at) < ${now}::timestamptz - ${minGap}::interval
           and ${memberMayBeMailed("u")}
           and exists (
             select 1 from article_tickers at join articles a on a.id = at.article_id
              where at.ticker_id = f.ticker_id
                and a.published_at > coalesce(f.last_digest_at, f.created_at) and a.published_at <= ${now}::timestamptz)
         for update of f skip locked
      ), marked_categories as (
        update category_follows f set last_digest_at = ${now}::timestamptz
          from due_categories due where f.user_id = due.user_id and f.category_id = due.category_id
      ), marked_tickers as (
        update ticker_follows f set last_digest_at = ${now}::timestamptz
          from due_tickers due where f.user_id = due.user_id and f.ticker_id = due.ticker_id
      ), due as (
        select user_id, 'c' as kind, category_id as id, since from due_categories
        union all
        select user_id, 't', ticker_id, since from due_tickers
      )
      insert into mail_deliveries (event_key, recipient, user_id, kind, details)
      select ${`digest:${period}:${stamp}`}, lower(u.email), u.id, 'digest',
             jsonb_build_object('period', ${period}::text, 'until', ${now}::timestamptz,
                                'since', coalesce(jsonb_object_agg(due.id::text, due.since) filter (where due.kind = 'c'), '{}'::jsonb),
                                'tickers', coalesce(jsonb_object_agg(due.id::text, due.since) filter (where due.kind = 't'), '{}'::jsonb))
        from due join users u on u.id = due.user_id
       group by u.id, u.email
      on conflict do nothing`.execute(trx);
    const n = Number(result.numAffectedRows ?? 0);
    if (n) await wakeMailSenders(trx);
    return n;
  });
}
