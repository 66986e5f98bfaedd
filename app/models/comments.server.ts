// Comments and threads. Every query here names its columns: the author's email is
// read only to compare it, and never leaves this module towards a page.
import { sql } from "kysely";
import type { DB } from "../../db/connection";
import { renderCommentMarkdown } from "../lib/markdown.server";
import { isRefusal, moderateNewComment, type CommentRefusalCode } from "./moderation.server";
import type { ModerationSettings } from "./moderation-settings.server";
import { queueCommentMail } from "./mail-fanout.server";
import { cashtagMentions, recordCommentTickers } from "./tickers.server";
import { recordCommentDisclosures } from "./disclosures.server";
import type { DisclosureAnswer, DisclosurePosition, Sentiment } from "../lib/disclosure";
import type { CommentLabel } from "../lib/member-labels";
import { toCommentLabels } from "./labels.server";

export const MAX_THREAD_DEPTH = 5;

/** A comment's place in its article's thread: what finding its page needs. */
export interface ThreadPlacement {
  id: number;
  articleId: number;
  parentId: number | null;
  rootId: number | null;
  status: string;
}
export const DUPLICATE_WINDOW_MINUTES = 10;

/** What a reader may see of a comment. No email, by construction. */
export interface PublicComment {
  id: number;
  parentId: number | null;
  authorName: string;
  authorUrl: string;
  bodyHtml: string;
  createdAt: string;
  /** "pending" only for the poster's own held comments. */
  status: "approved" | "pending";
  /** The member who wrote it (their profile is /users/:id); null or absent for a guest. */
  userId?: number | null;
  /**
   * Hidden by member reports, pending review: shown as a placeholder, so its
   * approved replies stay readable. Its words, name and links are left out.
   */
  hidden?: boolean;
  /** Bullish or Bearish, when its author said so. */
  sentiment?: Sentiment | null;
  /** What its author declared about the tickers it mentions (written with it, never changed). */
  disclosures?: CommentDisclosure[];
  /** Verified labels beside the author's name (Author, Staff, Company representative). */
  labels?: CommentLabel[];
}

export interface CommentDisclosure {
  symbol: string;
  exchange: string;
  position: DisclosurePosition;
  connected: boolean;
}

export interface ThreadNode extends PublicComment {
  /** 1 for a top-level comment, at most MAX_THREAD_DEPTH. */
  depth: number;
  /** Set when a reply deeper than the limit was flattened: whom it answers. */
  inReplyTo: { id: number; authorName: string } | null;
  replies: ThreadNode[];
}

/**
 * Arrange comments (in time order) as a thread. Replies nest up to `maxDepth`
 * levels; a reply to a comment at the deepest level is shown beside it, at that
 * level, marked with whom it answers. Replies whose parent is not visible are
 * left out (their parent was held or removed).
 */
export function buildThread(comments: PublicComment[], maxDepth = MAX_THREAD_DEPTH): ThreadNode[] {
  const roots: ThreadNode[] = [];
  const nodes = new Map<number, { node: ThreadNode; siblings: ThreadNode[] }>();
  for (const comment of comments) {
    const node: ThreadNode = { ...comment, depth: 1, inReplyTo: null, replies: [] };
    if (comment.parentId === null) {
      roots.push(node);
      nodes.set(comment.id, { node, siblings: roots });
      continue;
    }
    const parent = nodes.get(comment.parentId);
    if (!parent) continue;
    if (parent.node.depth < maxDepth) {
      node.depth = parent.node.depth + 1;
      parent.node.replies.push(node);
      nodes.set(comment.id, { node, siblings: parent.node.replies });
    } else {
      node.depth = maxDepth;
      node.inReplyTo = { id: parent.node.id, authorName: parent.node.authorName };
      parent.siblings.push(node);
      nodes.set(comment.id, { node, siblings: parent.siblings });
    }
  }
  return roots;
}

/** The visible comments of an article: approved ones, plus the viewer's own held ones. */
export async function getThreadComments(
  db: DB,
  articleId: number,
  options: { heldCommentIds?: number[] } = {},
): Promise<PublicComment[]> {
  const held = (options.heldCommentIds ?? []).filter((id) => Number.isInteger(id)).slice(0, 50);
  const rows = await db
    .selectFrom("comments")
    .select(["id", "parent_id", "author_name", "author_url", "body_html", "created_at", "status", "user_id", "hidden_at"])
    .where("article_id", "=", articleId)
    .where((eb) =>
      held.length
        ? eb.or([eb("status", "=", "approved"), eb.and([eb("status", "=", "pending"), eb("id", "in", held)])])
        : eb("status", "=", "approved"),
    )
    .orderBy("created_at")
    .orderBy("id")
    .execute();
  return rows.map(toPublicComment);
}

/** A comment row as readers may see it: no email, no IP hash, held shown as "pending". */
export function toPublicComment(row: {
  id: number;
  parent_id: number | null;
  author_name: string;
  author_url: string;
  body_html: string;
  created_at: Date;
  status: string;
  user_id: number | null;
  hidden_at?: Date | null;
  sentiment?: Sentiment | null;
  disclosures?: CommentDisclosure[] | null;
  labels?: unknown;
}): PublicComment {
  if (row.hidden_at) {
    return { id: row.id, parentId: row.parent_id, authorName: "", authorUrl: "", bodyHtml: "", createdAt: row.created_at.toISOString(), status: "approved", userId: null, hidden: true };
  }
  return {
    id: row.id,
    parentId: row.parent_id,
    authorName: row.author_name,
    authorUrl: row.author_url,
    bodyHtml: row.body_html,
    createdAt: row.created_at.toISOString(),
    status: row.status === "approved" ? "approved" : "pending",
    userId: row.user_id,
    ...(row.sentiment !== undefined ? { sentiment: row.sentiment } : {}),
    ...(row.disclosures ? { disclosures: row.disclosures } : {}),
    ...(Array.isArray(row.labels) ? { labels: toCommentLabels(row.labels) } : {}),
  };
}

/** The comment a reader may reply to: approved, and on this article. */
export async function getReplyTarget(
  db: DB,
  articleId: number,
  commentId: number,
): Promise<{ id: number; authorName: string } | null> {
  const row = await db
    .selectFrom("comments")
    .select(["id", "author_name"])
    .where("id", "=", commentId)
    .where("article_id", "=", articleId)
    .where("status", "=", "approved")
    .where("hidden_at", "is", null)
    .executeTakeFirst();
  return row ? { id: row.id, authorName: row.author_name } : null;
}

export interface NewCommentInput {
  articleId: number;
  parentId: number | null;
  authorName: string;
  authorEmail: string;
  authorUrl: string;
  body: string;
  ipHash: string;
  userAgent: string;
  /** The member posting (name and email are then theirs); null or absent for a guest. */
  userId?: number | null;
  /** The author wants to hear of replies (the form's "Notify me of replies"); default off. */
  notifyReplies?: boolean;
  /** The author's answers for those tickers; answers for tickers not mentioned are dropped. */
  disclosures?: DisclosureAnswer[];
  /** Bullish or Bearish, optional. */
  sentiment?: Sentiment | null;
  /** Tickers the author says they are paid by or connected to (the disclosure form); a promotion rule reads it. */
  connectedTickerIds?: readonly number[];
  /** The moderation settings, when the caller read them already (the form's handler does). */
  settings?: ModerationSettings;
}

export type PostCommentResult =
  | {
      ok: true;
      commentId: number;
      status: "approved" | "pending";
      heldReason: string | null;
      /** Where it sits in its thread (root set by the database), so its page is found without reading it back. */
      placement: ThreadPlacement;
    }
  | { ok: false; error: "duplicate"; commentId: number }
  | { ok: false; error: "parent-not-found" }
  | { ok: false; error: "article-not-found" }
  /** A moderation rule refused it (comments closed, members only, a blocked author, too fast). */
  | { ok: false; error: CommentRefusalCode; message: string; retryAfterSeconds: number | null };

export async function postComment(db: DB, input: NewCommentInput): Promise<PostCommentResult> {
  const email = input.authorEmail.trim();
  const body = input.body.trim();
  return db.transaction().execute(async (trx) => {
    const article = await trx
      .selectFrom("articles")
      // What the "comments open" rule needs too, so the pipeline does not read the article again.
      // Two identical posts racing each other (a double click, a retried request) must not
      // both pass the duplicate check: this statement also serialises them on article + email
      // (an advisory lock to the transaction's end), one round trip instead of two.
      .select([
        "id",
        "comments_open",
        "published_at",
        sql<unknown>`pg_advisory_xact_lock(hashtextextended(${`${input.articleId}:${email.toLowerCase()}`}, 0))`.as("duplicate_lock"),
      ])
      .where("id", "=", input.articleId)
      .where("published_at", "is not", null)
      .where("published_at", "<=", sql<Date>`now()`)
      .executeTakeFirst();
    if (!article) return { ok: false, error: "article-not-found" } as const;

    if (input.parentId !== null) {
      const parent = await trx
        .selectFrom("comments")
        .select("id")
        .where("id", "=", input.parentId)
        .where("article_id", "=", input.articleId)
        .where("status", "=", "approved")
        .executeTakeFirst();
      if (!parent) return { ok: false, error: "parent-not-found" } as const;
    }

    // The duplicate lock was taken by the article's read (above); the duplicate check
    // is the next statement, so its snapshot sees every post that held the lock before.
    const duplicate = await trx
      .selectFrom("comments")
      .select("id")
      .where("article_id", "=", input.articleId)
      .where(sql`lower(author_email)`, "=", email.toLowerCase())
      .where("body_markdown", "=", body)
      .where("created_at", ">", sql<Date>`now() - make_interval(mins => ${DUPLICATE_WINDOW_MINUTES})`)
      .executeTakeFirst();
    if (duplicate) return { ok: false, error: "duplicate", commentId: duplicate.id } as const;

    // Cashtags of known tickers become links, rendered once like the rest of the body;
    // the promotion rules read the same tickers.
    const mentions = await cashtagMentions(trx, body);
    const decision = await moderateNewComment(
      trx,
      {
      articleId: input.articleId,
      authorEmail: email,
      bodyMarkdown: body,
      userId: input.userId ?? null,
      authorName: input.authorName.trim(),
      authorUrl: input.authorUrl.trim(),
      ipHash: input.ipHash,
      connectedTickerIds: input.connectedTickerIds ?? [],
      },
      { article: { comments_open: article.comments_open, published_at: article.published_at }, tickers: mentions.tickers, ...(input.settings ? { settings: input.settings } : {}) },
    );
    if (isRefusal(decision)) {
      return { ok: false, error: decision.refused, message: decision.message, retryAfterSeconds: decision.retryAfterSeconds } as const;
    }
    const inserted = await trx
      .insertInto("comments")
      .values({
        article_id: input.articleId,
        parent_id: input.parentId,
        status: decision.status,
        held_reason: decision.reason,
        author_name: input.authorName.trim(),
        author_email: email,
        author_url: input.authorUrl.trim(),
        body_markdown: body,
        body_html: renderCommentMarkdown(body, { cashtagHref: mentions.hrefFor }),
        ip_hash: input.ipHash,
        user_agent: input.userAgent.slice(0, 500),
        user_id: input.userId ?? null,
        notify_replies: input.notifyReplies ?? false,
        sentiment: input.sentiment ?? null,
      })
      // Whether anyone watches the thread, read by the insert itself (one round trip fewer for the mail rule).
      .returning((eb) => [
        "id",
        "root_id",
        "status",
        "user_id",
        "notify_replies",
        eb.exists(eb.selectFrom("thread_watches as tw").select(sql`1`.as("one")).whereRef("tw.article_id", "=", "comments.article_id")).as("thread_watched"),
      ])
      .executeTakeFirstOrThrow();
    // The tickers its words link to are the ones recorded, and the only ones a disclosure may be about.
    const tickerIds = mentions.tickers.map((t) => t.id);
    await recordCommentTickers(trx, inserted.id, tickerIds);
    await recordCommentDisclosures(trx, inserted.id, (input.disclosures ?? []).filter((a) => tickerIds.includes(a.tickerId)));
    // Its notifications and mail (or a guest's confirmation link) come from the job worker.
    const { thread_watched: threadWatched, root_id: rootId, ...comment } = inserted;
    await queueCommentMail(trx, { ...comment, articleId: input.articleId, parentId: input.parentId, threadWatched: Boolean(threadWatched) });
    return {
      ok: true,
      commentId: inserted.id,
      status: inserted.status === "approved" ? "approved" : "pending",
      heldReason: decision.reason,
      placement: { id: inserted.id, articleId: input.articleId, parentId: input.parentId, rootId, status: inserted.status },
    } as const;
  });
}
