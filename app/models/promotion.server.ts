// Spike alert: a ticker suddenly talked about far more than usual is what a
// pump-and-dump looks like from the moderation queue. Counted from the mentions
// table (every comment, held or published: a pump is often held), by time index.
import { sql } from "kysely";
import type { DB } from "../../db/connection";
import type { ModerationSettings } from "./moderation-settings.server";

export interface TickerSpike {
  tickerId: number;
  symbol: string;
  exchange: string;
  companyName: string;
  /** Comments mentioning it in the last 24 hours. */
  lastDay: number;
  /** Its daily average over the 30 days before those 24 hours. */
  dailyAverage: number;
}

/**
 * Tickers whose comments in the 24 hours before `now` exceed `spikeMultiplier`
 * times their daily average of the previous 30 days, with at least
 * `spikeMinComments` of them; the biggest first.
 */
export async function tickerSpikes(
  db: DB,
  settings: Pick<ModerationSettings, "spikeMultiplier" | "spikeMinComments">,
  now: Date = new Date(),
): Promise<TickerSpike[]> {
  const dayStart = sql<Date>`${now}::timestamptz - interval '24 hours'`;
  const rows = await db
    .with("counts", (qb) =>
      qb
        .selectFrom("comment_tickers")
        .select([
          "ticker_id",
          sql<string>`count(*) filter (where created_at > ${dayStart})`.as("last_day"),
          sql<string>`count(*) filter (where created_at <= ${dayStart})`.as("before"),
        ])
        .where("created_at", ">", sql<Date>`${now}::timestamptz - interval '31 days'`)
        .where("created_at", "<=", sql<Date>`${now}::timestamptz`)
        .groupBy("ticker_id"),
    )
    .selectFrom("counts")
    .innerJoin("tickers as t", "t.id", "counts.ticker_id")
    .select(["t.id", "t.symbol", "t.exchange", "t.company_name", "counts.last_day", "counts.before"])
    .where(sql<boolean>`counts.last_day >= ${settings.spikeMinComments}`)
    .where(sql<boolean>`counts.last_day * 30 > ${settings.spikeMultiplier} * counts.before`)
    .orderBy(sql`counts.last_day`, "desc")
    .orderBy("t.id")
    .limit(20)
    .execute();
  return rows.map((row) => ({
    tickerId: row.id,
    symbol: row.symbol,
    exchange: row.exchange,
    companyName: row.company_name,
    lastDay: Number(row.last_day),
    dailyAverage: Math.round((Number(row.before) / 30) * 10) / 10,
  }));
}
