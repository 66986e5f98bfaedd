// Tickers: the listed companies investors talk about (migration 0011).
// (A minimal version for the promotion rules; the tickers work owns this file.)
import { sql, type Selectable } from "kysely";
import type { DB } from "../../db/connection";
import type { Executor } from "./moderation.server";
import type { TickersTable } from "../../db/schema";
import { parseCashtags } from "../lib/cashtags";

export type Ticker = Selectable<TickersTable>;

/** The known tickers a text mentions by cashtag ($MP, $LYC.AX, $ASX:LYC), by symbol, exchange or alias. */
export async function tickersMentioned(db: DB | Executor, markdown: string): Promise<Ticker[]> {
  const tags = parseCashtags(markdown);
  if (tags.length === 0) return [];
  const spellings = new Set<string>();
  for (const tag of tags) {
    spellings.add(tag.symbol);
    if (tag.suffix) spellings.add(`${tag.symbol}.${tag.suffix}`);
  }
  const candidates = await db
    .selectFrom("tickers")
    .selectAll()
    .where((eb) => eb.or([eb("symbol", "in", [...spellings]), eb(sql<string[]>`upper(aliases::text)::text[]`, "&&", sql<string[]>`${[...spellings]}::text[]`)]))
    .orderBy("id")
    .execute();
  return candidates.filter((ticker) =>
    tags.some((tag) => {
      const aliases = ticker.aliases.map((a) => a.toUpperCase());
      if (tag.exchange) return tag.exchange === ticker.exchange && tag.symbol === ticker.symbol;
      if (tag.suffix) return aliases.includes(`${tag.symbol}.${tag.suffix}`);
      return tag.symbol === ticker.symbol || aliases.includes(tag.symbol);
    }),
  );
}
