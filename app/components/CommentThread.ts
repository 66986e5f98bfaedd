// The thread as HTML, rendered on the server only (app/composition/article-view.server.tsx),
// cached, and put in the page as is (ServerHtml): so it uses plain links, not
// Remix's <Link> (the page turns same-site clicks on them into client-side
// navigations). Written as strings, not React: a page of 200 comments is thousands
// of elements, and React's server render of them was the largest part of a rendered
// page's CPU; this writes the same markup for a fraction of it. Every value that
// is not the stored (sanitized) comment HTML goes through `escapeHtml`.
//
// One rendering serves every reader: where a member's comment would be collapsed
// for a reader who ignores that member, the HTML records the place (`IgnoreMark`),
// and `collapseIgnored` puts the collapse in for that reader. So ignoring someone
// does not make the thread personal (rendered again for each of that reader's pages).
import { formatDateTime } from "./DateTime";
import { withQuery } from "~/lib/thread-links";
import { tickerPath } from "~/lib/ticker-paths";
import { POSITION_WORDS, SENTIMENT_LABELS, type DisclosurePosition, type Sentiment } from "~/lib/disclosure";
import { labelText, type CommentLabel } from "~/lib/member-labels";

export interface ThreadNodeView {
  id: number;
  authorName: string;
  authorUrl: string;
  bodyHtml: string;
  createdAt: string;
  status: "approved" | "pending";
  /** A member's comment links to their profile. */
  userId?: number | null;
  depth: number;
  inReplyTo: { id: number; authorName: string } | null;
  replies: ThreadNodeView[];
  /** On a top-level comment: its conversation goes on beyond the replies shown. */
  moreReplies?: boolean;
  /** Hidden by member reports, pending review: a placeholder, with its replies under it. */
  hidden?: boolean;
  sentiment?: Sentiment | null;
  disclosures?: { symbol: string; exchange: string; position: DisclosurePosition; connected: boolean }[];
  /** Verified labels beside the name (Author by byline; Staff and Company representative from the administrators). */
  labels?: CommentLabel[];
}

const ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#x27;" };

/** Text or an attribute value, escaped as React escapes it. */
export function escapeHtml(value: string | number): string {
  const text = String(value);
  return /[&<>"']/.test(text) ? text.replace(/[&<>"']/g, (c) => ESCAPES[c]!) : text;
}

function tickerLink(t: { exchange: string; symbol: string }) {
  return `<a href="${escapeHtml(tickerPath(t))}">$${escapeHtml(t.symbol)}</a>`;
}

/**
 * "Discloses: long $LYC; no position in $MP" and, standing out, "Paid or connected: $MP".
 * The moderation queue shows the same as React (./Disclosures.tsx); a unit test keeps them alike.
 */
export function disclosuresHtml(node: Pick<ThreadNodeView, "sentiment" | "disclosures">): string {
  const list = node.disclosures ?? [];
  if (list.length === 0 && !node.sentiment) return "";
  const connected = list.filter((d) => d.connected);
  let html = `<div class="comment__disclosures">`;
  if (node.sentiment) {
    html += `<span class="comment__sentiment comment__sentiment--${escapeHtml(node.sentiment)}">${escapeHtml(SENTIMENT_LABELS[node.sentiment])}</span>`;
  }
  if (connected.length) {
    html += `<strong class="comment__connected">Paid or connected: ${connected.map((d, i) => `<span>${i ? ", " : ""}${tickerLink(d)}</span>`).join("")}</strong>`;
  }
  if (list.length) {
    html += `<span class="comment__discloses">Discloses: ${list
      .map((d, i) => `<span>${i ? "; " : ""}${escapeHtml(POSITION_WORDS[d.position])} ${tickerLink(d)}</span>`)
      .join("")}</span>`;
  }
  return `${html}</div>`;
}

function author(node: ThreadNodeView): string {
  const name = escapeHtml(node.authorName);
  if (node.userId) return `<a class="comment__author" href="/users/${escapeHtml(node.userId)}">${name}</a>`;
  if (!node.authorUrl) return `<span class="comment__author">${name}</span>`;
  return `<a class="comment__author" href="${escapeHtml(node.authorUrl)}" rel="nofollow ugc noopener">${name}</a>`;
}

/** Beside the name, as words: the same markup as ./MemberLabels.tsx, which the pages rendered by React use. */
export function labelsHtml(labels: readonly CommentLabel[] | undefined): string {
  if (!labels || labels.length === 0) return "";
  const each = labels.map((label) => {
    return `<span class="member-label member-label--${escapeHtml(label.kind)}"><span class="visually-hidden">Label: </span>${escapeHtml(labelText(label))}</span>`;
  });
  return `<span class="member-labels">${each.join("")}</span>`;
}

/** Where a reader who ignores `userId` gets `text` put in (see collapseIgnored). */
export interface IgnoreMark {
  at: number;
  userId: number;
  text: string;
}

export interface ThreadHtml {
  /** The thread as every reader who ignores none of its authors sees it. */
  html: string;
  /** In order of `at`. */
  ignoreMarks: IgnoreMark[];
}

const IGNORED_CLASS = " comment--ignored";
// Collapsed, openable without script; its replies (from others) stay in place. The
// same markup as ./IgnoredCollapse.tsx, which the other pages with comments use.
const IGNORED_OPEN = `<details class="comment__ignored"><summary>1 comment from a member you ignore</summary>`;
const IGNORED_CLOSE = "</details>";

/** Accumulates the HTML as parts, with the offsets of the ignore marks. */
class Writer {
  parts: string[] = [];
  length = 0;
  marks: IgnoreMark[] = [];
  write(text: string) {
    this.parts.push(text);
    this.length += text.length;
  }
  mark(userId: number, text: string) {
    this.marks.push({ at: this.length, userId, text });
  }
}

function replies(out: Writer, node: ThreadNodeView, articlePath: string): void {
  if (node.replies.length) {
    out.write(`<ol class="comment-list comment-list--children">`);
    for (const reply of node.replies) commentItem(out, reply, articlePath);
    out.write(`</ol>`);
  }
  if (node.moreReplies) {
    const href = `${withQuery(articlePath)}thread=${node.id}#comment-${node.id}`;
    out.write(`<p class="comment__more"><a href="${escapeHtml(href)}">More replies${node.hidden ? "" : ` to ${escapeHtml(node.authorName)}`}</a></p>`);
  }
}

function commentItem(out: Writer, node: ThreadNodeView, articlePath: string): void {
  const id = escapeHtml(node.id);
  const depth = escapeHtml(node.depth);
  if (node.hidden) {
    // Its place in the conversation stays, so the replies under it still read in order.
    out.write(
      `<li id="comment-${id}" class="comment comment--depth-${depth} comment--hidden">` +
        `<article class="comment__body" aria-label="Hidden comment"><p class="comment__hidden">This comment is hidden pending review by the moderators.</p></article>`,
    );
    replies(out, node, articlePath);
    out.write(`</li>`);
    return;
  }
  const held = node.status === "pending";
  const member = node.userId ?? null;
  const name = escapeHtml(node.authorName);
  const inReplyTo = node.inReplyTo
    ? `<span class="comment__in-reply-to"> in reply to <a href="#comment-${escapeHtml(node.inReplyTo.id)}">${escapeHtml(node.inReplyTo.authorName || "a hidden comment")}</a></span>`
    : "";
  const actions = held
    ? ""
    : `<p class="comment__actions">` +
      `<a href="${escapeHtml(`${withQuery(articlePath)}replytocom=${node.id}#respond`)}" aria-label="Reply to ${name}" rel="nofollow">Reply</a> ` +
      // Members report a comment to the moderators; a guest is asked to log in first.
      `<a class="comment__report" href="/comments/${id}/report" aria-label="Report the comment by ${name}" rel="nofollow">Report</a></p>`;
  out.write(`<li id="comment-${id}" class="comment comment--depth-${depth}${held ? " comment--held" : ""}`);
  if (member !== null) out.mark(member, IGNORED_CLASS);
  out.write(`">`);
  if (member !== null) out.mark(member, IGNORED_OPEN);
  out.write(
    `<article class="comment__body" aria-label="Comment by ${name}">` +
      `<header class="comment__meta">${author(node)}${labelsHtml(node.labels)}${inReplyTo}` +
      `<a class="comment__permalink" href="#comment-${id}"><time dateTime="${escapeHtml(node.createdAt)}">${escapeHtml(formatDateTime(new Date(node.createdAt)))}</time></a></header>` +
      (held ? `<p class="comment__held">Your comment is awaiting moderation.</p>` : "") +
      disclosuresHtml(node) +
      `<div class="comment__content">${node.bodyHtml}</div>` +
      actions +
      `</article>`,
  );
  if (member !== null) out.mark(member, IGNORED_CLOSE);
  replies(out, node, articlePath);
  out.write(`</li>`);
}

/** The page of the thread as HTML, with the places where an ignored member's comment is collapsed. */
export function renderCommentThread(thread: ThreadNodeView[], options: { articlePath: string }): ThreadHtml {
  const out = new Writer();
  out.write(`<ol class="comment-list">`);
  for (const node of thread) commentItem(out, node, options.articlePath);
  out.write(`</ol>`);
  return { html: out.parts.join(""), ignoreMarks: out.marks };
}

/** The thread for a reader who ignores `ignoredUserIds`: their comments collapsed. */
export function collapseIgnored(thread: ThreadHtml, ignoredUserIds: readonly number[]): string {
  if (ignoredUserIds.length === 0) return thread.html;
  const ignored = new Set(ignoredUserIds);
  let html = "";
  let from = 0;
  for (const mark of thread.ignoreMarks) {
    if (!ignored.has(mark.userId)) continue;
    html += thread.html.slice(from, mark.at) + mark.text;
    from = mark.at;
  }
  return from === 0 ? thread.html : html + thread.html.slice(from);
}
