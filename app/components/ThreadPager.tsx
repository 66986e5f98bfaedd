import { Link } from "@remix-run/react";
import { withQuery } from "~/lib/thread-links";

/** Where the reader is in a long thread (see app/models/threads.server.ts). */
export interface ThreadPagination {
  /** Cursor of the next page (of top-level comments, or of one conversation's replies). */
  nextCursor: string | null;
  /** This is a later page of top-level comments. */
  continued: boolean;
  /** One conversation is shown alone: its top-level comment's id. */
  conversationId: number | null;
}

/** "Load more comments" (and the way back): plain links, so they work without JavaScript. */
export function ThreadPager({ articlePath, pagination }: { articlePath: string; pagination: ThreadPagination }) {
  const { nextCursor, continued, conversationId } = pagination;
  if (conversationId !== null) {
    return (
      <nav aria-label="Replies" className="pager comments-pager">
        {nextCursor ? (
          <Link to={`${withQuery(articlePath)}thread=${conversationId}&after=${encodeURIComponent(nextCursor)}#comments`}>Load more replies</Link>
        ) : null}
        <Link to={`${articlePath}#comments`}>Back to all comments</Link>
      </nav>
    );
  }
  if (!nextCursor && !continued) return null;
  return (
    <nav aria-label="More comments" className="pager comments-pager">
      {nextCursor ? <Link to={`${withQuery(articlePath)}after=${encodeURIComponent(nextCursor)}#comments`}>Load more comments</Link> : null}
      {continued ? <Link to={`${articlePath}#comments`}>Back to the first comments</Link> : null}
    </nav>
  );
}
