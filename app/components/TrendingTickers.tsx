import { Link } from "@remix-run/react";
import { tickerPath } from "~/lib/ticker-paths";

export interface TrendingEntry {
  symbol: string;
  exchange: string;
  companyName: string;
  /** Approved comments mentioning it in the last 24 hours. */
  comments: number;
  /** Of those, Bullish and Bearish. */
  bullish: number;
  bearish: number;
}

/** The home page's five most-discussed tickers of the last 24 hours, with their counts and sentiment. */
export function TrendingTickers({ tickers }: { tickers: TrendingEntry[] }) {
  if (tickers.length === 0) return null;
  return (
    <section aria-labelledby="trending-title" className="trending">
      <h2 id="trending-title">Trending tickers</h2>
      <p className="field-hint">Most approved comments in the last 24 hours, with how many of them say Bullish and Bearish.</p>
      <ol className="trending__list">
        {tickers.map((t) => (
          <li key={`${t.exchange}:${t.symbol}`}>
            <Link to={tickerPath(t)}>
              ${t.symbol} <span className="trending__exchange">{t.exchange}</span>
            </Link>{" "}
            {t.companyName} · {t.comments === 1 ? "1 comment" : `${t.comments.toLocaleString("en-US")} comments`}
            {/* In words, so it reads without colour and aloud. */}
            <span className="trending__sentiment">
              {" · "}
              <span className="comment__sentiment comment__sentiment--bullish">{t.bullish.toLocaleString("en-US")} bullish</span>
              {", "}
              <span className="comment__sentiment comment__sentiment--bearish">{t.bearish.toLocaleString("en-US")} bearish</span>
            </span>
          </li>
        ))}
      </ol>
    </section>
  );
}
