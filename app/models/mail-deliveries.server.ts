// Sending what the fan-out queued (app/models/mail-fanout.server.ts). A sender
// claims a batch of due deliveries (FOR UPDATE SKIP LOCKED: concurrent senders,
// in one worker or several, never take the same row), leases them for 30 s,
// sends them one by one and records each as sent right after the SMTP server
// took it. A sender killed mid-batch leaves its rows leased: when the lease runs
// out they are due again, so the only repeats are the messages it had in flight
// (at most one per sender). A failed send waits longer each time (back-off) and
// gives up after MAX_ATTEMPTS, or at once on a permanent (5xx) refusal.
import { sql } from "kysely";
import type { DB } from "../../db/connection";
import type { DeliveryStatus, MailKind } from "../../db/schema";
import { escapeHtml, type MailMessage } from "./mail.server";
import { allowedOriginsFromEnv } from "../lib/origin.server";
import { makeMailToken, type MailLinkSubject } from "./mail-links.server";

/** How long a claimed batch is a sender's alone; it takes no new message from it after LEASE_CUTOFF_SECONDS. */
export const LEASE_SECONDS = 30;
export const LEASE_CUTOFF_SECONDS = 10;
export const MAX_ATTEMPTS = 8;

/** 1 min, 2, 4 … capped at 6 hours. */
export function retryDelaySeconds(attempts: number): number {
  return Math.min(60 * 2 ** Math.max(0, attempts - 1), 6 * 3600);
}

export interface ClaimedDelivery {
  id: number;
  recipient: string;
  userId: number | null;
  kind: MailKind;
  articleId: number | null;
  commentId: number | null;
  categoryId: number | null;
  details: Record<string, unknown>;
  attempts: number;
}

/** Deliveries whose sender died (the lease ran out) are due again. */
export async function releaseExpiredLeases(db: DB): Promise<number> {
  const result = await db
    .updateTable("mail_deliveries")
    .set({ status: "pending", lease_until: null, next_attempt_at: sql`now()` })
    .where("status", "=", "sending")
    .where("lease_until", "<", sql<Date>`now()`)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/**
 * Claim up to `limit` due deliveries for this sender. Those whose recipient may
 * no longer be mailed (banned or suspended since, unsubscribed, the follow or
 * watch gone) are marked skipped instead and not returned.
 */
export async function claimDeliveries(db: DB, limit: number): Promise<ClaimedDelivery[]> {
  const { rows } = await sql<{
    id: number;
    recipient: string;
    user_id: number | null;
    kind: MailKind;
    article_id: number | null;
    comment_id: number | null;
    category_id: number | null;
    details: Record<string, unknown>;
    attempts: number;
    eligible: boolean;
  }>`
    with due as (
      select id from mail_deliveries
       where status = 'pending' and next_attempt_at <= now()
       order by next_attempt_at, id
       limit ${limit}
       for update skip locked
    )
    update mail_deliveries d
       set status = 'sending', lease_until = now() + make_interval(secs => ${LEASE_SECONDS}), attempts = d.attempts + 1
      from due
     where d.id = due.id
    returning d.id, d.recipient, d.user_id, d.kind, d.article_id, d.comment_id, d.category_id, d.details, d.attempts,
      case
        when d.user_id is null then
          not exists (select 1 from guest_mail_addresses g where g.email = d.recipient and g.unsubscribed_at is not null)
          and (d.kind = 'guest-confirm' or exists (select 1 from guest_mail_addresses g where g.email = d.recipient and g.confirmed_at is not null))
        else
          exists (select 1 from users u where u.id = d.user_id and u.deleted_at is null and u.email_verified_at is not null
                    and lower(u.email) = d.recipient)
          and not exists (select 1 from member_restrictions r where r.user_id = d.user_id and (r.kind = 'ban' or r.until > now()))
          and case d.kind
            when 'article' then exists (select 1 from category_follows f where f.user_id = d.user_id and f.category_id = d.category_id and f.level = 'watching')
            when 'thread' then exists (select 1 from thread_watches w where w.user_id = d.user_id and w.article_id = d.article_id)
            else true
          end
      end as eligible`.execute(db);
  const skipped = rows.filter((r) => !r.eligible).map((r) => r.id);
  if (skipped.length) await finish(db, skipped, "skipped");
  return rows
    .filter((r) => r.eligible)
    .map((r) => ({
      id: r.id,
      recipient: r.recipient,
      userId: r.user_id,
      kind: r.kind,
      articleId: r.article_id,
      commentId: r.comment_id,
      categoryId: r.category_id,
      details: r.details,
      attempts: r.attempts,
    }));
}

async function finish(db: DB, ids: number[], status: DeliveryStatus): Promise<void> {
  await db
    .updateTable("mail_deliveries")
    .set({ status, lease_until: null, ...(status === "sent" ? { sent_at: sql`now()` } : {}) })
    .where("id", "in", ids)
    .execute();
}

/** The SMTP server took it: record it at once (what a crash can repeat is only what is in flight). */
export async function markSent(db: DB, id: number): Promise<void> {
  await finish(db, [id], "sent");
}

export async function markSkipped(db: DB, id: number): Promise<void> {
  await finish(db, [id], "skipped");
}

/** When mail next falls due (a retry's time, a dead sender's lease running out); null when none waits. */
export async function nextDueAt(db: DB): Promise<Date | null> {
  const row = await sql<{ at: Date | null }>`
    select least(
      (select min(next_attempt_at) from mail_deliveries where status = 'pending'),
      (select min(lease_until) from mail_deliveries where status = 'sending')) as at`.execute(db);
  return row.rows[0]?.at ?? null;
}

/** Give back what this sender claimed and will not send now (its lease is nearly over). */
export async function releaseDeliveries(db: DB, ids: number[]): Promise<void> {
  if (!ids.length) return;
  await db
    .updateTable("mail_deliveries")
    .set({ status: "pending", lease_until: null, attempts: sql`greatest(attempts - 1, 0)` })
    .where("id", "in", ids)
    .where("status", "=", "sending")
    .execute();
}

/** A send failed: try again later, or give up. */
export async function markFailed(db: DB, delivery: ClaimedDelivery, error: string, permanent: boolean): Promise<DeliveryStatus> {
  const status: DeliveryStatus = permanent || delivery.attempts >= MAX_ATTEMPTS ? "failed" : "pending";
  await db
    .updateTable("mail_deliveries")
    .set({
      status,
      lease_until: null,
      last_error: error.slice(0, 500),
      next_attempt_at: sql`now() + make_interval(secs => ${retryDelaySeconds(delivery.attempts)})`,
    })
    .where("id", "=", delivery.id)
    .execute();
  return status;
}

// --- Rendering --------------------------------------------------------------

/**
 * Links in mail: from the canonical origin (the first PUBLIC_ORIGINS entry), as
 * every absolute link. A worker has no request to learn a loopback origin from,
 * so without PUBLIC_ORIGINS (a trial on one machine) it links to localhost:PORT.
 */
function mailUrl(path: string): string {
  const origin = allowedOriginsFromEnv()[0] ?? `http://localhost:${Number(process.env.PORT ?? 3000)}`;
  return new URL(path, origin).toString();
}

interface ArticleInfo {
  id: number;
  slug: string;
  title: string;
  excerpt: string;
}

/** What a batch's mails need, read once per batch however many recipients share it. */
export class MailRenderer {
  private articles = new Map<number, ArticleInfo | null>();
  private categories = new Map<number, string | null>();

  constructor(private readonly db: DB) {}

  private async article(id: number): Promise<ArticleInfo | null> {
    if (!this.articles.has(id)) {
      const row = await this.db
        .selectFrom("articles")
        .select(["id", "slug", "title", "excerpt"])
        .where("id", "=", id)
        .where("published_at", "<=", sql<Date>`now()`)
        .executeTakeFirst();
      this.articles.set(id, row ?? null);
    }
    return this.articles.get(id)!;
  }

  private async categoryName(id: number): Promise<string | null> {
    if (!this.categories.has(id)) {
      const row = await this.db.selectFrom("categories").select("name").where("id", "=", id).executeTakeFirst();
      this.categories.set(id, row?.name ?? null);
    }
    return this.categories.get(id)!;
  }

  private async links(subject: MailLinkSubject): Promise<{ page: string; oneClick: string }> {
    const token = await makeMailToken(this.db, subject);
    return {
      page: mailUrl(`/mail/unsubscribe?token=${token}`),
      oneClick: mailUrl(`/mail/unsubscribe/one-click?token=${token}`),
    };
  }

  /** The message for one delivery; null when what it was about is gone (unpublished, deleted). */
  async render(d: ClaimedDelivery): Promise<MailMessage | null> {
    switch (d.kind) {
      case "article":
        return this.renderArticle(d);
      case "reply":
        return this.renderReply(d);
      case "thread":
        return this.renderThread(d);
      case "digest":
        return this.renderDigest(d);
      case "guest-confirm":
        return this.renderConfirm(d);
    }
  }

  private async renderArticle(d: ClaimedDelivery): Promise<MailMessage | null> {
    if (!d.articleId || !d.categoryId || !d.userId) return null;
    const article = await this.article(d.articleId);
    const category = await this.categoryName(d.categoryId);
    if (!article || !category) return null;
    const url = mailUrl(`/articles/${article.slug}`);
    return compose(d.recipient, `New in ${category}: ${article.title}`, {
      lines: [article.title, article.excerpt, `Read it: ${url}`],
      why: `You get this mail because you watch ${category}.`,
      links: await this.links({ k: "category", u: d.userId, c: d.categoryId }),
      link: { url, text: "Read the article" },
    });
  }

  private async renderReply(d: ClaimedDelivery): Promise<MailMessage | null> {
    if (!d.commentId || !d.articleId) return null;
    const article = await this.article(d.articleId);
    const reply = await this.db
      .selectFrom("comments as c")
      .innerJoin("comments as p", "p.id", "c.parent_id")
      .select(["c.author_name", "c.body_markdown", "p.id as parent_id"])
      .where("c.id", "=", d.commentId)
      .where("c.status", "=", "approved")
      .where("c.hidden_at", "is", null)
      .where("p.notify_replies", "=", true)
      .executeTakeFirst();
    if (!article || !reply) return null;
    const url = mailUrl(`/articles/${article.slug}#comment-${d.commentId}`);
    const subject: MailLinkSubject = d.userId ? { k: "reply", u: d.userId, m: reply.parent_id } : { k: "guest", m: reply.parent_id };
    return compose(d.recipient, `${reply.author_name} replied to your comment on ${article.title}`, {
      lines: [`${reply.author_name} replied to your comment on "${article.title}":`, quote(reply.body_markdown), `Read the thread: ${url}`],
      why: "You get this mail because you asked to hear of replies to your comment.",
      links: await this.links(subject),
      link: { url, text: "Read the reply" },
    });
  }

  private async renderThread(d: ClaimedDelivery): Promise<MailMessage | null> {
    if (!d.commentId || !d.articleId || !d.userId) return null;
    const article = await this.article(d.articleId);
    if (!article) return null;
    // Every comment approved since this mail was first queued (the batch).
    const comments = await this.db
      .selectFrom("comments")
      .select(["id", "author_name", "body_markdown"])
      .where("article_id", "=", d.articleId)
      .where("id", ">=", d.commentId)
      .where("status", "=", "approved")
      .where("hidden_at", "is", null)
      .where((eb) => eb.or([eb("user_id", "is", null), eb("user_id", "!=", d.userId!)]))
      .orderBy("id")
      .limit(21)
      .execute();
    if (!comments.length) return null;
    const shown = comments.slice(0, 20);
    const url = mailUrl(`/articles/${article.slug}#comment-${shown[0]!.id}`);
    const count = comments.length > 20 ? "More than 20 new comments" : comments.length === 1 ? "A new comment" : `${comments.length} new comments`;
    return compose(d.recipient, `${count} on ${article.title}`, {
      lines: [`${count} on "${article.title}":`, ...shown.map((c) => `${c.author_name}:\n${quote(c.body_markdown)}`), `Read the thread: ${url}`],
      why: "You get this mail because you watch this thread (at most one mail an hour).",
      links: await this.links({ k: "thread", u: d.userId, a: d.articleId }),
      link: { url, text: "Read the thread" },
    });
  }

  private async renderDigest(d: ClaimedDelivery): Promise<MailMessage | null> {
    if (!d.userId) return null;
    const period = d.details.period === "weekly" ? "weekly" : "daily";
    const until = String(d.details.until ?? new Date().toISOString());
    const since = (d.details.since ?? {}) as Record<string, string>;
    const categoryIds = Object.keys(since).map(Number).filter(Number.isSafeInteger);
    if (!categoryIds.length) return null;
    const rows = await this.db
      .selectFrom("articles as a")
      .innerJoin("article_categories as ac", "ac.article_id", "a.id")
      .innerJoin("categories as c", "c.id", "ac.category_id")
      .select(["a.id", "a.slug", "a.title", "a.excerpt", "c.id as category_id", "c.name as category", "a.published_at"])
      .where("ac.category_id", "in", categoryIds)
      .where("a.published_at", "<=", new Date(until))
      .where("a.published_at", "<=", sql<Date>`now()`)
      .orderBy("c.name")
      .orderBy("a.published_at", "desc")
      .execute();
    const fresh = rows.filter((r) => r.published_at && r.published_at > new Date(since[String(r.category_id)] ?? until));
    if (!fresh.length) return null;
    const lines: string[] = [`What is new in the categories you follow by ${period} digest:`];
    let current = "";
    for (const row of fresh.slice(0, 50)) {
      if (row.category !== current) {
        current = row.category;
        lines.push(`${current}`);
      }
      lines.push(`- ${row.title}\n  ${mailUrl(`/articles/${row.slug}`)}`);
    }
    const subjectLine = `Your ${period} digest: ${fresh.length} new article${fresh.length === 1 ? "" : "s"}`;
    return compose(d.recipient, subjectLine, {
      lines,
      why: `You get this mail because you chose the ${period} digest for some categories.`,
      links: await this.links({ k: "digest", u: d.userId, p: period }),
      link: { url: mailUrl("/following"), text: "Open your Following page" },
    });
  }

  private async renderConfirm(d: ClaimedDelivery): Promise<MailMessage | null> {
    if (!d.commentId) return null;
    const token = await makeMailToken(this.db, { k: "confirm", m: d.commentId });
    const url = mailUrl(`/mail/confirm?token=${token}`);
    return compose(d.recipient, "Confirm your address to hear of replies", {
      lines: [
        "You asked to be told by mail of replies to your comment on Assay.",
        `To confirm this address, open this link and press the button: ${url}`,
        "If it was not you, ignore this mail: nothing more will be sent to this address.",
      ],
      why: "You get this mail because this address was given with a comment.",
      links: await this.links({ k: "confirm", m: d.commentId }),
      link: { url, text: "Confirm my address" },
    });
  }
}

function quote(markdown: string): string {
  const text = markdown.length > 600 ? `${markdown.slice(0, 600)}…` : markdown;
  return text
    .split("\n")
    .map((line) => `> ${line}`)
    .join("\n");
}

/** A mail with its text and HTML parts and the RFC 8058 one-click headers. */
function compose(
  to: string,
  subject: string,
  parts: { lines: string[]; why: string; links: { page: string; oneClick: string }; link: { url: string; text: string } },
): MailMessage {
  const text = [...parts.lines, "--", parts.why, `Unsubscribe or get less mail: ${parts.links.page}`].join("\n\n");
  const paragraphs = parts.lines.map((line) => `<p>${escapeHtml(line).replace(/\n/g, "<br>")}</p>`);
  const html =
    `<!doctype html><html><body>` +
    paragraphs.join("\n") +
    `\n<p><a href="${escapeHtml(parts.link.url)}">${escapeHtml(parts.link.text)}</a></p>` +
    `\n<hr><p style="font-size:small">${escapeHtml(parts.why)} ` +
    `<a href="${escapeHtml(parts.links.page)}">Unsubscribe or get less mail</a></p></body></html>`;
  return {
    to,
    subject,
    text,
    html,
    headers: {
      "List-Unsubscribe": `<${parts.links.oneClick}>`,
      "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    },
  };
}
