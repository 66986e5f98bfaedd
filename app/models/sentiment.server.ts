// Sentiment figures: how many approved comments said Bullish or Bearish in the
// last 7 days, beside the daily average of the 30 days before (as Stocktwits and
// Yahoo showed it). Read from partial indexes of approved comments that carry a
// sentiment (migration 0013): the cost follows those comments, never the table.
import { sql } from "kysely";
import type { DB } from "../../db/connection";

export interface SentimentFigures {
  /** Approved comments marked Bullish in the last 7 days. */
  bullish: number;
  bearish: number;
  /** Per day, over the 30 days before those 7. */
  bullishDailyAverage: number;
  bearishDailyAverage: number;
}

export interface SentimentFor {
  /** By ticker id: every asked ticker is present (zeros when nobody said anything). */
  tickers: Record<number, SentimentFigures>;
  /** The article's, when one was asked for. */
  article: SentimentFigures | null;
}

export const RECENT_DAYS = 7;
export const BASELINE_DAYS = 30;

const EMPTY: SentimentFigures = Object.freeze({ bullish: 0, bearish: 0, bullishDailyAverage: 0, bearishDailyAverage: 0 });

interface CountsRow {
  id: number;
  bullish: string;
  bearish: string;
  bullish_before: string;
  bearish_before: string;
}

function figures(row: CountsRow | undefined): SentimentFigures {
  if (!row) return { ...EMPTY };
  return {
    bullish: Number(row.bullish),
    bearish: Number(row.bearish),
    bullishDailyAverage: Number(row.bullish_before) / BASELINE_DAYS,
    bearishDailyAverage: Number(row.bearish_before) / BASELINE_DAYS,
  };
}

// One pass over the 37 days, split by window: recent is (now − 7 d, now], baseline (now − 37 d, now − 7 d].
const COUNTS = (at: Date) => sql`
  count(*) filter (where sentiment = 'bullish' and created_at > ${at}::timestamptz - make_interval(days => ${RECENT_DAYS})) as bullish,
  count(*) filter (where sentiment = 'bearish' and created_at > ${at}::timestamptz - make_interval(days => ${RECENT_DAYS})) as bearish,
  count(*) filter (where sentiment = 'bullish' and created_at <= ${at}::timestamptz - make_interval(days => ${RECENT_DAYS})) as bullish_before,
  count(*) filter (where sentiment = 'bearish' and created_at <= ${at}::timestamptz - make_interval(days => ${RECENT_DAYS})) as bearish_before
`;
const WINDOW = (at: Date) =>
  sql`created_at > ${at}::timestamptz - make_interval(days => ${RECENT_DAYS + BASELINE_DAYS}) and created_at <= ${at}::timestamptz`;

/** Sentiment figures of tickers (for their pages and trending) and/or of an article. `now` for tests. */
export async function sentimentFor(
  db: DB,
  input: { tickerIds?: number[]; articleId?: number; now?: Date },
): Promise<SentimentFor> {
  const at = input.now ?? new Date();
  const tickerIds = [...new Set((input.tickerIds ?? []).filter((id) => Number.isSafeInteger(id) && id > 0))];
  const [tickerRows, articleRows] = await Promise.all([
    tickerIds.length
      ? sql<CountsRow>`
          select ticker_id as id, ${COUNTS(at)} from comment_tickers
          where ticker_id = any(${tickerIds}::int[]) and approved and sentiment is not null and ${WINDOW(at)}
          group by ticker_id
        `.execute(db)
      : null,
    input.articleId !== undefined
      ? sql<CountsRow>`
          select article_id as id, ${COUNTS(at)} from comments
          where article_id = ${input.articleId} and sentiment is not null and status = 'approved' and hidden_at is null and ${WINDOW(at)}
          group by article_id
        `.execute(db)
      : null,
  ]);
  const byId = new Map((tickerRows?.rows ?? []).map((row) => [Number(row.id), row]));
  return {
    tickers: Object.fromEntries(tickerIds.map((id) => [id, figures(byId.get(id))])),
    article: input.articleId !== undefined ? figures(articleRows?.rows[0]) : null,
  };
}
