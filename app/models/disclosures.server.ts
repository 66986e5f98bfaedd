// Disclosures: the position a commenter declares in each ticker their comment
// mentions, written once with the comment and never changed (migration 0013's
// trigger refuses updates). Members may keep default answers per ticker; those
// prefill their form and are shown to nobody else.
import type { DB } from "../../db/connection";
import type { DisclosureAnswer, DisclosurePosition } from "../lib/disclosure";

/** Write a new comment's disclosures (inside its transaction). */
export async function recordCommentDisclosures(db: DB, commentId: number, answers: DisclosureAnswer[]): Promise<void> {
  const unique = new Map(answers.map((a) => [a.tickerId, a]));
  if (unique.size === 0) return;
  await db
    .insertInto("comment_disclosures")
    .values([...unique.values()].map((a) => ({ comment_id: commentId, ticker_id: a.tickerId, position: a.position, connected: a.connected })))
    .execute();
}

export interface DisclosureDefault {
  tickerId: number;
  symbol: string;
  exchange: string;
  companyName: string;
  position: DisclosurePosition;
  connected: boolean;
}

/** A member's default answers, by ticker symbol. Only for that member's own pages. */
export async function getDisclosureDefaults(db: DB, userId: number, tickerIds?: number[]): Promise<DisclosureDefault[]> {
  if (tickerIds && tickerIds.length === 0) return [];
  let query = db
    .selectFrom("disclosure_defaults as d")
    .innerJoin("tickers as t", "t.id", "d.ticker_id")
    .select(["d.ticker_id", "t.symbol", "t.exchange", "t.company_name", "d.position", "d.connected"])
    .where("d.user_id", "=", userId);
  if (tickerIds) query = query.where("d.ticker_id", "in", tickerIds);
  const rows = await query.orderBy("t.symbol").orderBy("t.exchange").execute();
  return rows.map((r) => ({
    tickerId: r.ticker_id,
    symbol: r.symbol,
    exchange: r.exchange,
    companyName: r.company_name,
    position: r.position,
    connected: r.connected,
  }));
}

/** Keep (or, with position null, forget) a member's default answer for one ticker. */
export async function saveDisclosureDefault(
  db: DB,
  input: { userId: number; tickerId: number; position: DisclosurePosition | null; connected: boolean },
): Promise<{ ok: true } | { ok: false; error: "ticker-not-found" }> {
  if (input.position === null) {
    await db.deleteFrom("disclosure_defaults").where("user_id", "=", input.userId).where("ticker_id", "=", input.tickerId).execute();
    return { ok: true };
  }
  const ticker = await db.selectFrom("tickers").select("id").where("id", "=", input.tickerId).executeTakeFirst();
  if (!ticker) return { ok: false, error: "ticker-not-found" };
  await db
    .insertInto("disclosure_defaults")
    .values({ user_id: input.userId, ticker_id: input.tickerId, position: input.position, connected: input.connected })
    .onConflict((oc) =>
      oc.columns(["user_id", "ticker_id"]).doUpdateSet({ position: input.position!, connected: input.connected, updated_at: new Date() }),
    )
    .execute();
  return { ok: true };
}

/** Every known ticker, for choosing one to keep a default answer for. */
export async function listTickerChoices(db: DB): Promise<{ id: number; symbol: string; exchange: string; companyName: string }[]> {
  const rows = await db.selectFrom("tickers").select(["id", "symbol", "exchange", "company_name"]).orderBy("symbol").orderBy("exchange").limit(1000).execute();
  return rows.map((r) => ({ id: r.id, symbol: r.symbol, exchange: r.exchange, companyName: r.company_name }));
}
