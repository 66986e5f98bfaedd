import { Link } from "@remix-run/react";
import { DateTime } from "./DateTime";

export interface ThreadNodeView {
  id: number;
  authorName: string;
  authorUrl: string;
  bodyHtml: string;
  createdAt: string;
  status: "approved" | "pending";
  depth: number;
  inReplyTo: { id: number; authorName: string } | null;
  replies: ThreadNodeView[];
}

function Author({ name, url }: { name: string; url: string }) {
  if (!url) return <span className="comment__author">{name}</span>;
  return (
    <a className="comment__author" href={url} rel="nofollow ugc noopener">
      {name}
    </a>
  );
}

function CommentItem({ node, articlePath }: { node: ThreadNodeView; articlePath: string }) {
  const held = node.status === "pending";
  return (
    <li id={`comment-${node.id}`} className={`comment comment--depth-${node.depth}${held ? " comment--held" : ""}`}>
      <article className="comment__body" aria-label={`Comment by ${node.authorName}`}>
        <header className="comment__meta">
          <Author name={node.authorName} url={node.authorUrl} />
          {node.inReplyTo ? (
            <span className="comment__in-reply-to">
              {" "}
              in reply to <a href={`#comment-${node.inReplyTo.id}`}>{node.inReplyTo.authorName}</a>
            </span>
          ) : null}
          <a className="comment__permalink" href={`#comment-${node.id}`}>
            <DateTime iso={node.createdAt} withTime />
          </a>
        </header>
        {held ? <p className="comment__held">Your comment is awaiting moderation.</p> : null}
        <div className="comment__content" dangerouslySetInnerHTML={{ __html: node.bodyHtml }} />
        {held ? null : (
          <p className="comment__actions">
            <Link
              to={`${articlePath}?replytocom=${node.id}#respond`}
              preventScrollReset={false}
              aria-label={`Reply to ${node.authorName}`}
              rel="nofollow"
            >
              Reply
            </Link>
          </p>
        )}
      </article>
      {node.replies.length ? (
        <ol className="comment-list comment-list--children">
          {node.replies.map((reply) => (
            <CommentItem key={reply.id} node={reply} articlePath={articlePath} />
          ))}
        </ol>
      ) : null}
    </li>
  );
}

export function CommentThread({ thread, articlePath }: { thread: ThreadNodeView[]; articlePath: string }) {
  return (
    <ol className="comment-list">
      {thread.map((node) => (
        <CommentItem key={node.id} node={node} articlePath={articlePath} />
      ))}
    </ol>
  );
}
