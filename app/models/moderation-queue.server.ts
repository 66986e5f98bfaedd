// The moderation queue: what waits in each tab, oldest first, by keyset
// (created_at, id) so that a page costs the same with 100,000 items waiting.
// This module reads authors' emails: its results go to moderator pages only.
import { sql } from "kysely";
import type { DB } from "../../db/connection";
import type { CommentDisclosure } from "./comments.server";
import { bodyFingerprint } from "./moderation.server";
import { isQueueTab, QUEUE_TAB_LABELS, QUEUE_TABS, type QueueTab } from "../lib/queue-tabs";
import { reportSummaries } from "./reports.server";
import type { QueueItem } from "../lib/queue-items";

export { isQueueTab, QUEUE_TAB_LABELS, QUEUE_TABS, type QueueTab };
export type { QueueItem };

export const QUEUE_PAGE_SIZE = 25;

export interface QueueCursor {
  /** created_at to the microsecond, as Postgres wrote it (a JS Date would round it). */
  createdAt: string;
  id: number;
  /** Reported tab: whether the last item shown was reported as promotion (those come first). */
  promotion?: boolean;
}

const CURSOR_PATTERN = /^(?:([01])~)?(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z)~(\d{1,10})$/;

export function parseQueueCursor(text: string | null | undefined): QueueCursor | null {
  const match = CURSOR_PATTERN.exec(text ?? "");
  if (!match) return null;
  const id = Number(match[3]);
  if (!Number.isSafeInteger(id)) return null;
  return match[1] === undefined ? { createdAt: match[2]!, id } : { createdAt: match[2]!, id, promotion: match[1] === "1" };
}

export function formatQueueCursor(cursor: QueueCursor): string {
  return `${cursor.promotion === undefined ? "" : cursor.promotion ? "1~" : "0~"}${cursor.createdAt}~${cursor.id}`;
}

/**
 * A report of "undisclosed promotion or pump-and-dump" puts the comment first in
 * Reported: touting moves prices within hours. (A dismissed comment cannot be
 * reported again, so any such report of an open-reported comment is current.)
 */
const promotionReported = sql<boolean>`exists (select 1 from comment_reports r where r.comment_id = c.id and r.reason = 'promotion')`;

export interface QueuePage {
  tab: QueueTab;
  items: QueueItem[];
  /** The cursor of the next page (newer items), or null on the last page. */
  nextCursor: string | null;
}

const createdAtText = sql<string>`to_char(c.created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

function pageSize(limit: number | undefined): number {
  return Math.min(Math.max(limit ?? QUEUE_PAGE_SIZE, 1), 100);
}

/** The query behind one page (one row more than the page, to know whether another follows). Exported for its plan's test. */
export function queuePageQuery(db: DB, options: { tab: QueueTab; cursor?: string | null; limit?: number }) {
  const limit = pageSize(options.limit);
  const after = parseQueueCursor(options.cursor);
  let query = db
    .selectFrom("comments as c")
    .innerJoin("articles as a", "a.id", "c.article_id")
    .leftJoin("comments as p", "p.id", "c.parent_id")
    .leftJoin("users as u", "u.id", "c.user_id")
    .select([
      "c.id",
      "c.status",
      "c.report_state",
      "c.hidden_at",
      "c.created_at",
      createdAtText.as("created_at_text"),
      "c.user_id",
      "c.author_name",
      "c.author_email",
      "c.author_url",
      "c.ip_hash",
      "c.held_reason",
      "c.body_html",
      "c.body_markdown",
      "c.sentiment",
      // Its disclosures, so moderators judge promotion in context (a subquery on the primary key;
      // put in order here, not by the aggregate, so the page's plan has no sort at all).
      sql<CommentDisclosure[] | null>`(select json_agg(json_build_object('symbol', t.symbol, 'exchange', t.exchange, 'position', d.position, 'connected', d.connected))
        from comment_disclosures d join tickers t on t.id = d.ticker_id where d.comment_id = c.id)`.as("disclosures"),
      "a.id as article_id",
      "a.slug as article_slug",
      "a.title as article_title",
      "p.id as parent_id",
      "p.author_name as parent_author_name",
      "u.role as user_role",
      promotionReported.as("promotion_reported"),
    ]);
  switch (options.tab) {
    case "pending":
      // Comments hidden by reports wait in Reported, not here.
      query = query.where("c.status", "=", "pending").where(sql<boolean>`c.report_state is distinct from 'open'`);
      break;
    case "reported":
      query = query.where("c.report_state", "=", "open");
      break;
    case "spam":
    case "trash":
      query = query.where("c.status", "=", options.tab);
      break;
  }
  if (options.tab === "reported") {
    // Promotion reports first, then the rest; each oldest first.
    if (after) {
      const promotion = after.promotion ?? false;
      query = query.where(
        sql<boolean>`(${promotionReported} < ${promotion} or (${promotionReported} = ${promotion} and (c.created_at, c.id) > (${after.createdAt}::timestamptz, ${after.id})))`,
      );
    }
    return query.orderBy(promotionReported, "desc").orderBy("c.created_at").orderBy("c.id").limit(limit + 1);
  }
  if (after) query = query.where(sql<boolean>`(c.created_at, c.id) > (${after.createdAt}::timestamptz, ${after.id})`);
  return query.orderBy("c.created_at").orderBy("c.id").limit(limit + 1);
}

/** One page of a tab, oldest first. */
export async function listQueue(db: DB, options: { tab: QueueTab; cursor?: string | null; limit?: number }): Promise<QueuePage> {
  const limit = pageSize(options.limit);
  const rows = await queuePageQuery(db, options).execute();
  const page = rows.slice(0, limit);

  const ids = page.map((row) => row.id);
  const [approved, reports, restricted, blocked] = await Promise.all([
    approvedCounts(db, page),
    reportSummaries(db, ids),
    restrictedMembers(db, page.flatMap((row) => (row.user_id !== null ? [row.user_id] : []))),
    blockedGuests(db, page),
  ]);
  const last = page[page.length - 1];
  return {
    tab: options.tab,
    items: page.map((row) => ({
      id: row.id,
      status: row.status,
      reportState: row.report_state,
      hidden: row.hidden_at !== null,
      createdAt: row.created_at.toISOString(),
      article: { id: row.article_id, slug: row.article_slug, title: row.article_title },
      parent: row.parent_id !== null ? { id: row.parent_id, authorName: row.parent_author_name ?? "" } : null,
      author: {
        name: row.author_name,
        email: row.author_email,
        url: row.author_url,
        member:
          row.user_id !== null && row.user_role
            ? { userId: row.user_id, role: row.user_role, restricted: restricted.get(row.user_id) ?? null }
            : null,
        approvedBefore: approved.get(row.id) ?? 0,
        guestBlocked: blocked.has(row.id),
        hasIpHash: row.ip_hash !== "",
      },
      heldReason: row.held_reason,
      sentiment: row.sentiment,
      disclosures: (row.disclosures ?? []).sort((a, b) => a.symbol.localeCompare(b.symbol) || a.exchange.localeCompare(b.exchange)),
      bodyHtml: row.body_html,
      bodyMarkdown: row.body_markdown,
      bodyFingerprint: bodyFingerprint(row.body_markdown),
      reports: reports.get(row.id) ?? null,
    })),
    nextCursor: rows.length > limit && last ? formatQueueCursor({
            createdAt: last.created_at_text,
            id: last.id,
            ...(options.tab === "reported" ? { promotion: last.promotion_reported } : {}),
          }) : null,
  };
}

/**
 * For each comment: how many other comments of its author were approved. Each branch
 * is its own subquery so that the planner reads comments_user_idx (members) or
 * comments_approved_email_idx (guests); one CASE inside a single WHERE hid both
 * indexes and scanned every comment once per item. Exported for its plan's test.
 */
export function approvedCountsQuery(rows: { id: number; user_id: number | null; author_email: string }[]) {
  return sql<{ id: number; approved: number }>`
    select q.id, (
      case when q.user_id is not null then (
        select count(*) from comments o
        where o.user_id = q.user_id and o.status = 'approved' and o.id <> q.id
      ) else (
        select count(*) from comments o
        where lower(o.author_email) = lower(q.author_email) and o.status = 'approved' and o.id <> q.id
      ) end
    )::int as approved
    from unnest(${sql.val(rows.map((r) => r.id))}::int[], ${sql.val(rows.map((r) => r.user_id))}::int[], ${sql.val(rows.map((r) => r.author_email))}::text[])
      as q(id, user_id, author_email)
  `;
}

async function approvedCounts(
  db: DB,
  rows: { id: number; user_id: number | null; author_email: string }[],
): Promise<Map<number, number>> {
  if (rows.length === 0) return new Map();
  const result = await approvedCountsQuery(rows).execute(db);
  return new Map(result.rows.map((row) => [row.id, Number(row.approved)]));
}

async function restrictedMembers(db: DB, userIds: number[]): Promise<Map<number, "banned" | "suspended">> {
  if (userIds.length === 0) return new Map();
  const rows = await db
    .selectFrom("member_restrictions")
    .select(["user_id", "kind"])
    .where("user_id", "in", [...new Set(userIds)])
    .where((eb) => eb.or([eb("kind", "=", "ban"), eb("until", ">", sql<Date>`now()`)]))
    .execute();
  return new Map(rows.map((row) => [row.user_id, row.kind === "ban" ? "banned" : "suspended"]));
}

async function blockedGuests(db: DB, rows: { id: number; user_id: number | null; author_email: string; ip_hash: string }[]): Promise<Set<number>> {
  const guests = rows.filter((row) => row.user_id === null);
  if (guests.length === 0) return new Set();
  const emails = [...new Set(guests.map((g) => g.author_email.toLowerCase()))];
  const ips = [...new Set(guests.map((g) => g.ip_hash).filter(Boolean))];
  const blocks = await db
    .selectFrom("blocked_guests")
    .select(["kind", "value"])
    .where((eb) =>
      eb.or([
        eb.and([eb("kind", "=", "email"), eb("value", "in", emails)]),
        ...(ips.length ? [eb.and([eb("kind", "=", "ip"), eb("value", "in", ips)])] : []),
      ]),
    )
    .execute();
  const keys = new Set(blocks.map((b) => `${b.kind}:${b.value}`));
  return new Set(guests.filter((g) => keys.has(`email:${g.author_email.toLowerCase()}`) || keys.has(`ip:${g.ip_hash}`)).map((g) => g.id));
}

export type QueueCounts = Record<QueueTab, number>;

/** How many items wait in each tab: one statement, each count read from its own index. */
export async function queueCounts(db: DB): Promise<QueueCounts> {
  const { rows } = await sql<{ pending: number; pending_reported: number; reported: number; spam: number; trash: number }>`
    select
      (select count(*) from comments where status = 'pending')::int as pending,
      (select count(*) from comments where report_state = 'open' and status = 'pending')::int as pending_reported,
      (select count(*) from comments where report_state = 'open')::int as reported,
      (select count(*) from comments where status = 'spam')::int as spam,
      (select count(*) from comments where status = 'trash')::int as trash
  `.execute(db);
  const row = rows[0]!;
  return { pending: row.pending - row.pending_reported, reported: row.reported, spam: row.spam, trash: row.trash };
}
