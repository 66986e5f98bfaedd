// A comment's sentiment and disclosures, as React, for the moderation queue. The
// thread writes the same markup as strings (disclosuresHtml in CommentThread.ts);
// tests/unit/comment-thread.test.ts checks that the two agree.
import type { ThreadNodeView } from "./CommentThread";
import { POSITION_WORDS, SENTIMENT_LABELS } from "~/lib/disclosure";
import { tickerPath } from "~/lib/ticker-paths";

/** "Discloses: long $LYC; no position in $MP" and, standing out, "Paid or connected: $MP". */
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
              <a href={tickerPath(d)}>${d.symbol}</a>
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
              {POSITION_WORDS[d.position]} <a href={tickerPath(d)}>${d.symbol}</a>
            </span>
          ))}
        </span>
      ) : null}
    </div>
  );
}
