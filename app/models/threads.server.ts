// A thread, one page at a time, by keyset: however many comments an article has,
// a page costs the same few indexed queries.
//
// - The article page shows ROOTS_PER_PAGE top-level comments (oldest first), each
//   with its first REPLIES_PER_ROOT replies in time order; "Load more comments"
//   goes on after the last top-level comment shown (`?after=CURSOR`).
// - A conversation whose replies go on gets "More replies", which opens it alone
//   (`?thread=ROOT_ID`), REPLIES_PER_PAGE replies at a time (`&after=CURSOR`).
//
// Replies in time order are closed under "parent": a reply is always newer than
// the comment it answers, so the first N replies of a conversation never miss
// their parents. On a later page of one conversation, a reply whose parent was on
// an earlier page is shown under the top-level comment, saying whom it answers.
//
// Queries: top-level comments (comments_roots_idx), their replies through one
// LATERAL join (comments_replies_idx on root_id), and the viewer's own held
// comments only when the viewer has some. The counts never depend on the size
// of the thread.
import { parseInstantCursor } from "../lib/params";
import { sql } from "kysely";
import type { DB } from "../../db/connection";
import { buildThread, toPublicComment, type CommentDisclosure, type ThreadNode, type ThreadPlacement } from "./comments.server";
import type { Sentiment } from "../lib/disclosure";
import { commentLabelsSql } from "./labels.server";

export const ROOTS_PER_PAGE = 50;
export const REPLIES_PER_ROOT = 5;
export const REPLIES_PER_PAGE = 100;
const MAX_HELD = 50;

/** A position in a thread: just after this comment. Microseconds, as PostgreSQL keeps them. */
export interface ThreadCursor {
  /** ISO 8601 in UTC with microseconds, e.g. 2025-06-01T10:00:00.123456Z. */
  at: string;
  id: number;
}

export function parseThreadCursor(text: string | null | undefined): ThreadCursor | null {
  return parseInstantCursor(text);
}

export function formatThreadCursor(cursor: ThreadCursor): string {
  return `${cursor.at}~${cursor.id}`;
}

export interface ThreadRootNode extends ThreadNode {
  /** More replies exist than are shown under this top-level comment. */
  moreReplies?: boolean;
}

export interface ThreadPage {
  thread: ThreadRootNode[];
  /** Where the next page of top-level comments starts, or null on the last one. */
  nextCursor: string | null;
}

export interface ConversationPage {
  /** The top-level comment, with the replies of this page. */
  thread: ThreadRootNode[];
  rootId: number;
  /** Where the next page of replies starts, or null on the last one. */
  nextCursor: string | null;
}

interface CommentRow {
  id: number;
  parent_id: number | null;
  root_id: number | null;
  author_name: string;
  author_url: string;
  body_html: string;
  created_at: Date;
  status: string;
  user_id: number | null;
  hidden_at: Date | null;
  sentiment: Sentiment | null;
  disclosures: CommentDisclosure[] | null;
  labels: unknown;
}

// A comment's disclosures and its author's labels come with it (subqueries on
// indexed keys): no query per comment.
const PUBLIC_COLUMNS = sql.raw(
  `c.id, c.parent_id, c.root_id, c.author_name, c.author_url, c.body_html, c.created_at, c.status, c.user_id, c.hidden_at, c.sentiment,
  (select json_agg(json_build_object('symbol', t.symbol, 'exchange', t.exchange, 'position', d.position, 'connected', d.connected) order by t.symbol, t.exchange)
     from comment_disclosures d join tickers t on t.id = d.ticker_id where d.comment_id = c.id) as disclosures,
  ${commentLabelsSql("c")} as labels`,
);
// The cursor of a row, exact to the microsecond (a JS Date keeps milliseconds only).
const CURSOR_AT = sql.raw(`to_char(c.created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as cursor_at`);

function inTimeOrder(a: CommentRow, b: CommentRow): number {
  return a.created_at.getTime() - b.created_at.getTime() || a.id - b.id;
}

function cleanHeld(ids: number[] | undefined): number[] {
  return [...new Set((ids ?? []).filter((id) => Number.isSafeInteger(id) && id > 0))].slice(-MAX_HELD);
}

/** The viewer's own held comments on this article (one query, only when there are some). */
async function heldComments(db: DB, articleId: number, held: number[]): Promise<CommentRow[]> {
  if (held.length === 0) return [];
  const { rows } = await sql<CommentRow>`
    select ${PUBLIC_COLUMNS} from comments c
    where c.id = any(${held}::int[]) and c.article_id = ${articleId} and c.status = 'pending'
  `.execute(db);
  return rows;
}

/** One page of an article's thread: top-level comments after `after`, each with its first replies. */
export async function getThreadPage(
  db: DB,
  articleId: number,
  options: { after?: ThreadCursor | null; heldCommentIds?: number[] } = {},
): Promise<ThreadPage> {
  const after = options.after ?? null;
  const afterClause = after ? sql`and (c.created_at, c.id) > (${after.at}::timestamptz, ${after.id})` : sql``;
  const [{ rows: rootRows }, held] = await Promise.all([
    sql<CommentRow & { cursor_at: string }>`
      select ${PUBLIC_COLUMNS}, ${CURSOR_AT} from comments c
      where c.article_id = ${articleId} and c.parent_id is null and c.status = 'approved' ${afterClause}
      order by c.created_at, c.id
      limit ${ROOTS_PER_PAGE + 1}
    `.execute(db),
    heldComments(db, articleId, cleanHeld(options.heldCommentIds)),
  ]);
  const roots = rootRows.slice(0, ROOTS_PER_PAGE);
  const last = roots[roots.length - 1];
  const nextCursor = rootRows.length > ROOTS_PER_PAGE && last ? formatThreadCursor({ at: last.cursor_at, id: last.id }) : null;

  const rootIds = roots.map((r) => r.id);
  const { rows: replyRows } = rootIds.length
    ? await sql<CommentRow>`
        select r.* from unnest(${rootIds}::int[]) as root(id)
        cross join lateral (
          select ${PUBLIC_COLUMNS} from comments c
          where c.root_id = root.id and c.status = 'approved'
          order by c.created_at, c.id
          limit ${REPLIES_PER_ROOT + 1}
        ) r
      `.execute(db)
    : { rows: [] as CommentRow[] };

  const shownReplies: CommentRow[] = [];
  const moreReplies = new Set<number>();
  const perRoot = new Map<number, number>();
  for (const reply of replyRows.sort(inTimeOrder)) {
    const seen = (perRoot.get(reply.root_id!) ?? 0) + 1;
    perRoot.set(reply.root_id!, seen);
    if (seen > REPLIES_PER_ROOT) moreReplies.add(reply.root_id!);
    else shownReplies.push(reply);
  }

  // The viewer's held comments: a reply under its conversation when that is on
  // this page; a new top-level comment at the end of the first page, where the
  // poster lands after posting (it is newer than everything there).
  const onPage = new Set(rootIds);
  const heldShown = held.filter((row) => (row.parent_id === null ? after === null : onPage.has(row.root_id ?? -1)));

  const rows = [...roots, ...shownReplies, ...heldShown].sort(inTimeOrder);
  const thread: ThreadRootNode[] = buildThread(rows.map(toPublicComment));
  for (const node of thread) if (moreReplies.has(node.id)) node.moreReplies = true;
  return { thread, nextCursor };
}

/**
 * One conversation alone: a top-level comment of this article and its replies
 * after `after`, REPLIES_PER_PAGE at a time. Null when there is no such
 * approved top-level comment.
 */
export async function getConversationPage(
  db: DB,
  articleId: number,
  rootId: number,
  options: { after?: ThreadCursor | null; heldCommentIds?: number[] } = {},
): Promise<ConversationPage | null> {
  const after = options.after ?? null;
  const afterClause = after ? sql`and (c.created_at, c.id) > (${after.at}::timestamptz, ${after.id})` : sql``;
  const [{ rows: rootRows }, { rows: replyRows }, held] = await Promise.all([
    sql<CommentRow>`
      select ${PUBLIC_COLUMNS} from comments c
      where c.id = ${rootId} and c.article_id = ${articleId} and c.parent_id is null and c.status = 'approved'
    `.execute(db),
    sql<CommentRow & { cursor_at: string; parent_author_name: string | null }>`
      select ${PUBLIC_COLUMNS}, ${CURSOR_AT}, p.author_name as parent_author_name
      from comments c
      left join comments p on p.id = c.parent_id and p.status = 'approved'
      where c.root_id = ${rootId} and c.status = 'approved' ${afterClause}
      order by c.created_at, c.id
      limit ${REPLIES_PER_PAGE + 1}
    `.execute(db),
    heldComments(db, articleId, cleanHeld(options.heldCommentIds)),
  ]);
  const root = rootRows[0];
  if (!root) return null;
  const replies = replyRows.slice(0, REPLIES_PER_PAGE);
  const last = replies[replies.length - 1];
  const nextCursor = replyRows.length > REPLIES_PER_PAGE && last ? formatThreadCursor({ at: last.cursor_at, id: last.id }) : null;

  // A reply whose parent is on an earlier page hangs under the top-level comment,
  // saying whom it answers.
  const shown = new Set([root.id, ...replies.map((r) => r.id)]);
  const answered = new Map<number, { id: number; authorName: string }>();
  const rows: CommentRow[] = [root];
  for (const reply of replies) {
    if (reply.parent_id !== null && !shown.has(reply.parent_id) && reply.parent_author_name !== null) {
      answered.set(reply.id, { id: reply.parent_id, authorName: reply.parent_author_name });
      rows.push({ ...reply, parent_id: root.id });
    } else rows.push(reply);
  }
  // The viewer's held replies in this conversation, at the end of its last page.
  if (nextCursor === null) {
    for (const row of held) {
      if (row.root_id === root.id && shown.has(row.parent_id ?? -1)) rows.push(row);
    }
  }
  rows.sort(inTimeOrder);
  const thread: ThreadRootNode[] = buildThread(rows.map(toPublicComment));
  for (const node of thread[0]?.replies ?? []) {
    const to = answered.get(node.id);
    if (to && !node.inReplyTo) node.inReplyTo = to;
  }
  return { thread, rootId: root.id, nextCursor };
}

/** Where a comment is read: its article and the page of the thread that shows it. */
export interface CommentLocation {
  articleSlug: string;
  /** The page's query string ("" for the first page of the thread, else "?after=…" or "?thread=…"). */
  search: string;
  /** The whole address, with the comment's anchor. */
  href: string;
  /** Held for moderation: only its poster may be sent there. */
  held: boolean;
}

/**
 * The page of the thread that shows a comment, however long the thread: the first
 * page when it is there, else the page that begins with it (or with its reply). Used
 * after posting and by /comments/:id, so that a link to a comment never lands on a
 * page without it. Approved comments, and the poster's own held ones (which show
 * beside their conversation, or at the end of the first page); null for others.
 * At most three indexed queries.
 */
export async function commentLocation(db: DB, commentId: number): Promise<CommentLocation | null> {
  const comment = await db
    .selectFrom("comments as c")
    .innerJoin("articles as a", "a.id", "c.article_id")
    .select(["c.id", "c.article_id", "c.parent_id", "c.root_id", "c.status", "a.slug"])
    .where("c.id", "=", commentId)
    .where("a.published_at", "<=", sql<Date>`now()`)
    .executeTakeFirst();
  if (!comment || (comment.status !== "approved" && comment.status !== "pending")) return null;
  const search = await threadPageSearch(db, {
    id: comment.id,
    articleId: comment.article_id,
    parentId: comment.parent_id,
    rootId: comment.root_id,
    status: comment.status,
  });
  return {
    articleSlug: comment.slug,
    search,
    href: `/articles/${comment.slug}${search}#comment-${comment.id}`,
    held: comment.status !== "approved",
  };
}

/**
 * The query string of the thread's page that shows an approved or held comment
 * ("" for the first page). The poster's redirect calls it with the row it just
 * wrote, so it costs one indexed query for a new top-level comment, none when held.
 */
export async function threadPageSearch(db: DB, comment: ThreadPlacement): Promise<string> {
  // A held top-level comment is shown to its poster at the end of the first page.
  if (comment.parentId === null && comment.status !== "approved") return "";

  const rootId = comment.rootId ?? comment.id;
  const rootAfter = await cursorBefore(
    db,
    sql`c.article_id = ${comment.articleId} and c.parent_id is null and c.status = 'approved'`,
    rootId,
    ROOTS_PER_PAGE,
  );
  const rootSearch = rootAfter ? `?after=${encodeURIComponent(rootAfter)}` : "";
  // Top-level comments, and held replies (shown under their conversation wherever it is).
  if (comment.parentId === null || comment.status !== "approved") return rootSearch;
  // A reply among the first few of its conversation shows with it; a later one, on
  // the conversation's own pages.
  const replyAfter = await cursorBefore(db, sql`c.root_id = ${rootId} and c.status = 'approved'`, comment.id, REPLIES_PER_ROOT);
  if (!replyAfter) return rootSearch;
  const conversationAfter = await cursorBefore(db, sql`c.root_id = ${rootId} and c.status = 'approved'`, comment.id, REPLIES_PER_PAGE);
  return `?thread=${rootId}${conversationAfter ? `&after=${encodeURIComponent(conversationAfter)}` : ""}`;
}

/**
 * Among the comments matching `where`, in thread order: the cursor of the one just
 * before comment `id` when at least `before` come before it, else null (it is within
 * the first `before`). Reads at most `before` rows backwards from it, by index.
 */
async function cursorBefore(db: DB, where: ReturnType<typeof sql>, id: number, before: number): Promise<string | null> {
  const { rows } = await sql<{ id: number; cursor_at: string }>`
    select c.id, ${CURSOR_AT} from comments c
    where ${where}
      and (c.created_at, c.id) < (select created_at, id from comments where id = ${id})
    order by c.created_at desc, c.id desc
    limit ${before}
  `.execute(db);
  const previous = rows[0];
  return rows.length >= before && previous ? formatThreadCursor({ at: previous.cursor_at, id: previous.id }) : null;
}
