// The thread as HTML. Rendered on the server only, to a string
// (app/composition/article-view.server.tsx), cached, and put in the page as is: so it uses
// plain links, not Remix's <Link> (the page turns same-site clicks on them into
// client-side navigations; see ServerHtml).
import { createContext, useContext } from "react";
import { DateTime } from "./DateTime";
import { IgnoredCollapse } from "./IgnoredCollapse";
import { withQuery } from "~/lib/thread-links";
import { POSITION_WORDS, SENTIMENT_LABELS, type DisclosurePosition, type Sentiment } from "~/lib/disclosure";

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
}

function tickerHref(t: { exchange: string; symbol: string }) {
  return `/tickers/${encodeURIComponent(t.exchange)}/${encodeURIComponent(t.symbol)}`;
}

/** "Discloses: long $LYC; no position in $MP" and, standing out, "Paid or connected: $MP". Also in the moderation queue. */
export function Disclosures({ node }: { node: Pick<ThreadNodeView, "sentiment" | "disclosures"> }) {
  const disclosures = node.disclosures ?? [];
  if (disclosures.length === 0 && !node.sentiment) return null;
  const connected = disclosures.filter((d) => d.connected);
  return (
    <div className="comment__disclosures">
      {node.sentiment ? (
        <span className={`comment__sentiment comment__sentiment--${node.sentiment}`}>{SENTIMENT_LABELS[node.sentiment]}</span>
      ) : null}
      {connected.length ? (
        <strong className="comment__connected">
          Paid or connected:{" "}
          {connected.map((d, i) => (
            <span key={`${d.exchange}:${d.symbol}`}>
              {i ? ", " : ""}
              <a href={tickerHref(d)}>${d.symbol}</a>
            </span>
          ))}
        </strong>
      ) : null}
      {disclosures.length ? (
        <span className="comment__discloses">
          Discloses:{" "}
          {disclosures.map((d, i) => (
            <span key={`${d.exchange}:${d.symbol}`}>
              {i ? "; " : ""}
              {POSITION_WORDS[d.position]} <a href={tickerHref(d)}>${d.symbol}</a>
            </span>
          ))}
        </span>
      ) : null}
    </div>
  );
}

/** Members the viewer ignores (a personal view only: see app/composition/article-view.server.tsx). */
const IgnoredMembers = createContext<ReadonlySet<number>>(new Set());

function Author({ name, url, userId }: { name: string; url: string; userId?: number | null }) {
  if (userId) {
    return (
      <a className="comment__author" href={`/users/${userId}`}>
        {name}
      </a>
    );
  }
  if (!url) return <span className="comment__author">{name}</span>;
  return (
    <a className="comment__author" href={url} rel="nofollow ugc noopener">
      {name}
    </a>
  );
}

function Replies({ node, articlePath }: { node: ThreadNodeView; articlePath: string }) {
  return (
    <>
      {node.replies.length ? (
        <ol className="comment-list comment-list--children">
          {node.replies.map((reply) => (
            <CommentItem key={reply.id} node={reply} articlePath={articlePath} />
          ))}
        </ol>
      ) : null}
      {node.moreReplies ? (
        <p className="comment__more">
          <a href={`${withQuery(articlePath)}thread=${node.id}#comment-${node.id}`}>More replies{node.hidden ? "" : ` to ${node.authorName}`}</a>
        </p>
      ) : null}
    </>
  );
}

function CommentItem({ node, articlePath }: { node: ThreadNodeView; articlePath: string }) {
  const ignoredMembers = useContext(IgnoredMembers);
  if (node.hidden) {
    // Its place in the conversation stays, so the replies under it still read in order.
    return (
      <li id={`comment-${node.id}`} className={`comment comment--depth-${node.depth} comment--hidden`}>
        <article className="comment__body" aria-label="Hidden comment">
          <p className="comment__hidden">This comment is hidden pending review by the moderators.</p>
        </article>
        <Replies node={node} articlePath={articlePath} />
      </li>
    );
  }
  const held = node.status === "pending";
  const ignored = node.userId != null && ignoredMembers.has(node.userId);
  const body = (
      <article className="comment__body" aria-label={`Comment by ${node.authorName}`}>
        <header className="comment__meta">
          <Author name={node.authorName} url={node.authorUrl} userId={node.userId} />
          {node.inReplyTo ? (
            <span className="comment__in-reply-to">
              {" "}
              in reply to <a href={`#comment-${node.inReplyTo.id}`}>{node.inReplyTo.authorName || "a hidden comment"}</a>
            </span>
          ) : null}
          <a className="comment__permalink" href={`#comment-${node.id}`}>
            <DateTime iso={node.createdAt} withTime />
          </a>
        </header>
        {held ? <p className="comment__held">Your comment is awaiting moderation.</p> : null}
        <Disclosures node={node} />
        <div className="comment__content" dangerouslySetInnerHTML={{ __html: node.bodyHtml }} />
        {held ? null : (
          <p className="comment__actions">
            <a
              href={`${withQuery(articlePath)}replytocom=${node.id}#respond`}
              aria-label={`Reply to ${node.authorName}`}
              rel="nofollow"
            >
              Reply
            </a>{" "}
            {/* Members report a comment to the moderators; a guest is asked to log in first. */}
            <a className="comment__report" href={`/comments/${node.id}/report`} aria-label={`Report the comment by ${node.authorName}`} rel="nofollow">
              Report
            </a>
          </p>
        )}
      </article>
  );
  return (
    <li id={`comment-${node.id}`} className={`comment comment--depth-${node.depth}${held ? " comment--held" : ""}${ignored ? " comment--ignored" : ""}`}>
      {/* Its replies (from others) stay in place, outside the collapsed part. */}
      <IgnoredCollapse ignored={ignored}>{body}</IgnoredCollapse>
      <Replies node={node} articlePath={articlePath} />
    </li>
  );
}

export function CommentThread({
  thread,
  articlePath,
  ignoredUserIds = [],
}: {
  thread: ThreadNodeView[];
  articlePath: string;
  /** The viewer's ignored members: their comments are collapsed. */
  ignoredUserIds?: readonly number[];
}) {
  return (
    <IgnoredMembers.Provider value={new Set(ignoredUserIds)}>
      <ol className="comment-list">
        {thread.map((node) => (
          <CommentItem key={node.id} node={node} articlePath={articlePath} />
        ))}
      </ol>
    </IgnoredMembers.Provider>
  );
}
