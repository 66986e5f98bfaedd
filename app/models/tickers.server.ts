// Tickers: the listed companies investors talk about.
// (A minimal version for the disclosure work: the tickers work owns this module
// and its fuller version replaces this one at merge.)
import { sql } from "kysely";
import type { DB } from "../../db/connection";
import { parseCashtags } from "../lib/cashtags";

export interface Ticker {
  id: number;
  symbol: string;
  exchange: string;
  companyName: string;
}

/** The known tickers a text mentions by cashtag ($LYC, $LYC.AX, $ASX:LYC), in symbol order. */
export async function tickersMentioned(db: DB, markdown: string): Promise<Ticker[]> {
  const tags = parseCashtags(markdown).slice(0, 50);
  if (tags.length === 0) return [];
  // A tag names a ticker by its symbol (on the exchange written, if one is), or by an alias ("LYC.AX").
  const rows = await db
    .selectFrom("tickers")
    .select(["id", "symbol", "exchange", "company_name"])
    .where((eb) =>
      eb.or(
        tags.flatMap((tag) => {
          const spelled = tag.suffix ? `${tag.symbol}.${tag.suffix}` : tag.symbol;
          const bySymbol = tag.exchange
            ? eb.and([eb("symbol", "=", tag.symbol), eb("exchange", "=", tag.exchange)])
            : tag.suffix
              ? null
              : eb("symbol", "=", tag.symbol);
          const byAlias = sql<boolean>`${spelled} = any(aliases)`;
          return bySymbol ? [bySymbol, byAlias] : [byAlias];
        }),
      ),
    )
    .orderBy("symbol")
    .orderBy("exchange")
    .execute();
  return rows.map((r) => ({ id: r.id, symbol: r.symbol, exchange: r.exchange, companyName: r.company_name }));
}

/** The tickers with these ids (unknown ids left out). */
export async function getTickersByIds(db: DB, ids: number[]): Promise<Ticker[]> {
  const clean = [...new Set(ids.filter((id) => Number.isSafeInteger(id) && id > 0))].slice(0, 50);
  if (clean.length === 0) return [];
  const rows = await db
    .selectFrom("tickers")
    .select(["id", "symbol", "exchange", "company_name"])
    .where("id", "in", clean)
    .orderBy("symbol")
    .execute();
  return rows.map((r) => ({ id: r.id, symbol: r.symbol, exchange: r.exchange, companyName: r.company_name }));
}

/** Record the known tickers a comment mentions (comment_tickers; its triggers fill the rest). */
export async function recordCommentTickers(db: DB, commentId: number, tickerIds: number[]): Promise<void> {
  const ids = [...new Set(tickerIds)];
  if (ids.length === 0) return;
  await db
    .insertInto("comment_tickers")
    .values(ids.map((ticker_id) => ({ comment_id: commentId, ticker_id })))
    .onConflict((oc) => oc.doNothing())
    .execute();
}

/** Where a ticker's page is. */
export function tickerPath(ticker: { exchange: string; symbol: string }): string {
  return `/tickers/${encodeURIComponent(ticker.exchange)}/${encodeURIComponent(ticker.symbol)}`;
}
