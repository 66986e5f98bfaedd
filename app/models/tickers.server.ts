// Tickers: the listed companies investors talk about, kept by editors at /admin/tickers.
// Cashtags in comments and articles are resolved against this list once, at write
// time: known ones become links and are recorded (comment_tickers); others stay text.
import { sql } from "kysely";
import type { DB } from "../../db/connection";
import { parseCashtags, type Cashtag } from "../lib/cashtags";
import { tickerPath } from "../lib/ticker-paths";
import { parseInstantCursor } from "../lib/params";
import type { FollowChoice } from "../lib/follow-levels";

export interface Ticker {
  id: number;
  symbol: string;
  exchange: string;
  companyName: string;
  aliases: string[];
}

const TICKER_COLUMNS = ["id", "symbol", "exchange", "company_name", "aliases"] as const;

function toTicker(row: { id: number; symbol: string; exchange: string; company_name: string; aliases: string[] }): Ticker {
  return { id: row.id, symbol: row.symbol, exchange: row.exchange, companyName: row.company_name, aliases: row.aliases };
}

/** How a cashtag is written without its `$`: "LYC", "LYC.AX", "ASX:LYC". */
function spelling(tag: Cashtag): string {
  return `${tag.exchange ? `${tag.exchange}:` : ""}${tag.symbol}${tag.suffix ? `.${tag.suffix}` : ""}`;
}

/**
 * The ticker each cashtag names, keyed by its spelling. `$ASX:LYC` names LYC on ASX;
 * `$LYC.AX` and `$LYC` name the ticker whose symbol or alias is written so. A plain
 * symbol listed on two exchanges is ambiguous and names none (write `$ASX:LYC`).
 */
export async function resolveCashtags(db: DB, tags: Cashtag[]): Promise<Map<string, Ticker>> {
  const resolved = new Map<string, Ticker>();
  if (tags.length === 0) return resolved;
  const spellings = [...new Set(tags.map(spelling))];
  const symbols = [...new Set(tags.map((t) => (t.suffix ? `${t.symbol}.${t.suffix}` : t.symbol)).concat(tags.map((t) => t.symbol)))];
  const rows = await db
    .selectFrom("tickers")
    .select(TICKER_COLUMNS)
    .where((eb) => eb.or([eb("symbol", "in", symbols), eb(sql<boolean>`aliases && ${sql.val(spellings)}::text[]`, "=", true)]))
    .orderBy("id")
    .execute();
  const tickers = rows.map(toTicker);
  for (const tag of tags) {
    const written = spelling(tag);
    let candidates: Ticker[];
    if (tag.exchange) {
      candidates = tickers.filter((t) => t.exchange === tag.exchange && t.symbol === tag.symbol);
      if (candidates.length === 0) candidates = tickers.filter((t) => t.aliases.includes(written));
    } else {
      candidates = tickers.filter((t) => t.symbol === written || t.aliases.includes(written));
    }
    if (candidates.length === 1) resolved.set(written, candidates[0]!);
  }
  return resolved;
}

export interface CashtagMentions {
  /** The known tickers mentioned, each once, in order of first mention. */
  tickers: Ticker[];
  /** The site path a cashtag links to, or null when it names no known ticker. */
  hrefFor: (tag: Cashtag) => string | null;
}

/** The known tickers a text mentions and where each of its cashtags links. */
export async function cashtagMentions(db: DB, markdown: string): Promise<CashtagMentions> {
  const tags = parseCashtags(markdown);
  const resolved = await resolveCashtags(db, tags);
  const tickers = new Map<number, Ticker>();
  for (const tag of tags) {
    const t = resolved.get(spelling(tag));
    if (t && !tickers.has(t.id)) tickers.set(t.id, t);
  }
  return {
    tickers: [...tickers.values()],
    hrefFor: (tag) => {
      const t = resolved.get(spelling(tag));
      return t ? tickerPath(t) : null;
    },
  };
}

/** The known tickers a text mentions (each once, in order of first mention). */
export async function tickersMentioned(db: DB, markdown: string): Promise<Ticker[]> {
  return (await cashtagMentions(db, markdown)).tickers;
}

/** Records the tickers a comment mentions; the trigger copies its time, article and status. */
export async function recordCommentTickers(db: DB, commentId: number, tickerIds: number[]): Promise<void> {
  const ids = [...new Set(tickerIds)];
  if (ids.length === 0) return;
  await db
    .insertInto("comment_tickers")
    .values(ids.map((ticker_id) => ({ comment_id: commentId, ticker_id })))
    .onConflict((oc) => oc.doNothing())
    .execute();
}

// --- the ticker page -----------------------------------------------------------

/** A ticker by its page address (`/tickers/ASX/LYC`); case is forgiven, nothing else. */
export async function getTicker(db: DB, exchange: string, symbol: string): Promise<Ticker | null> {
  const ex = exchange.toUpperCase();
  const sym = symbol.toUpperCase();
  if (!/^[A-Z0-9.]{1,12}$/.test(ex) || !/^[A-Z0-9.]{1,12}$/.test(sym)) return null;
  const row = await db.selectFrom("tickers").select(TICKER_COLUMNS).where("exchange", "=", ex).where("symbol", "=", sym).executeTakeFirst();
  return row ? toTicker(row) : null;
}

export interface TickerArticle {
  slug: string;
  title: string;
  publishedAt: Date;
}

/** The published articles tagged with a ticker, newest first. */
export async function listTickerArticles(db: DB, tickerId: number, limit = 10, now?: Date): Promise<TickerArticle[]> {
  const rows = await db
    .selectFrom("article_tickers as at")
    .innerJoin("articles as a", "a.id", "at.article_id")
    .select(["a.slug", "a.title", "a.published_at"])
    .where("at.ticker_id", "=", tickerId)
    .where("a.published_at", "is not", null)
    .where("a.published_at", "<=", now ?? sql<Date>`now()`)
    .orderBy("a.published_at", "desc")
    .orderBy("a.id", "desc")
    .limit(limit)
    .execute();
  return rows.map((r) => ({ slug: r.slug, title: r.title, publishedAt: r.published_at! }));
}

export interface TickerComment {
  id: number;
  authorName: string;
  /** A member's comment: their account (null for a guest). */
  userId: number | null;
  bodyHtml: string;
  createdAt: Date;
  articleSlug: string;
  articleTitle: string;
}

export interface TickerCommentPage {
  comments: TickerComment[];
  /** `before` for the next (older) page, or null on the last. */
  nextCursor: string | null;
}

export const TICKER_COMMENTS_PER_PAGE = 20;

/** Cursor `2026-12-01T10:00:00.000Z~42`: the last comment shown, newest first. */
export function parseTickerCursor(cursor: string | null): { at: Date; id: number } | null {
  const parsed = parseInstantCursor(cursor);
  return parsed ? { at: new Date(parsed.at), id: parsed.id } : null;
}

/**
 * The latest approved comments mentioning a ticker, keyset-paged on the partial
 * index (ticker_id, created_at desc, comment_id desc) where approved: no count, no offset.
 */
export async function listTickerComments(
  db: DB,
  tickerId: number,
  options: { cursor?: string | null; limit?: number; now?: Date } = {},
): Promise<TickerCommentPage> {
  const limit = options.limit ?? TICKER_COMMENTS_PER_PAGE;
  const before = parseTickerCursor(options.cursor ?? null);
  let query = db
    .selectFrom("comment_tickers as ct")
    .innerJoin("comments as c", "c.id", "ct.comment_id")
    .innerJoin("articles as a", "a.id", "ct.article_id")
    .select(["ct.comment_id", "ct.created_at", "c.author_name", "c.user_id", "c.body_html", "a.slug", "a.title"])
    .where("ct.ticker_id", "=", tickerId)
    .where("ct.approved", "=", true)
    .where("a.published_at", "<=", options.now ?? sql<Date>`now()`);
  if (before) {
    query = query.where(sql<boolean>`(ct.created_at, ct.comment_id) < (${before.at}, ${before.id})`);
  }
  const rows = await query.orderBy("ct.created_at", "desc").orderBy("ct.comment_id", "desc").limit(limit + 1).execute();
  const shown = rows.slice(0, limit);
  const last = shown[shown.length - 1];
  return {
    comments: shown.map((r) => ({
      id: r.comment_id,
      authorName: r.author_name,
      userId: r.user_id,
      bodyHtml: r.body_html,
      createdAt: r.created_at,
      articleSlug: r.slug,
      articleTitle: r.title,
    })),
    nextCursor: rows.length > limit && last ? `${last.created_at.toISOString()}~${last.comment_id}` : null,
  };
}

// --- following a ticker (the same levels as a category) ------------------------------

export async function setTickerFollow(db: DB, input: { userId: number; tickerId: number; level: FollowChoice }): Promise<void> {
  if (input.level === "none") {
    await db.deleteFrom("ticker_follows").where("user_id", "=", input.userId).where("ticker_id", "=", input.tickerId).execute();
    return;
  }
  const level = input.level;
  await db
    .insertInto("ticker_follows")
    .values({ user_id: input.userId, ticker_id: input.tickerId, level })
    .onConflict((oc) =>
      oc.columns(["user_id", "ticker_id"]).doUpdateSet({ level, updated_at: sql`case when ticker_follows.level = ${level} then ticker_follows.updated_at else now() end` }),
    )
    .execute();
}

export async function getTickerFollow(db: DB, userId: number, tickerId: number): Promise<FollowChoice> {
  const row = await db.selectFrom("ticker_follows").select("level").where("user_id", "=", userId).where("ticker_id", "=", tickerId).executeTakeFirst();
  return row?.level ?? "none";
}

export async function countTickerFollowers(db: DB, tickerId: number): Promise<number> {
  const row = await db.selectFrom("ticker_follows").select((eb) => eb.fn.countAll<string>().as("n")).where("ticker_id", "=", tickerId).executeTakeFirstOrThrow();
  return Number(row.n);
}

// --- trending ------------------------------------------------------------------

export interface TrendingTicker extends Ticker {
  /** Approved comments mentioning it in the last 24 hours. */
  comments: number;
  /** Of those, how many say Bullish and how many Bearish. */
  bullish: number;
  bearish: number;
  /** When its oldest counted comment leaves the 24 hours: its figures change then, with no write. */
  changesAt: Date;
}

const TRENDING_WINDOW_MS = 24 * 60 * 60 * 1000;

/**
 * The five tickers with the most approved comments in the last 24 hours (ties: by
 * symbol), with those comments' Bullish and Bearish counts: one index range per
 * ticker (comment_tickers_approved_idx), the sentiment read from the same rows.
 */
export async function trendingTickers(db: DB, options: { now?: Date; limit?: number } = {}): Promise<TrendingTicker[]> {
  const now = options.now ?? new Date();
  const since = new Date(now.getTime() - TRENDING_WINDOW_MS);
  const rows = await db
    .selectFrom("tickers as t")
    .innerJoinLateral(
      (eb) =>
        eb
          .selectFrom("comment_tickers as ct")
          .select((e) => [
            e.fn.countAll<string>().as("n"),
            sql<string>`count(*) filter (where ct.sentiment = 'bullish')`.as("bullish"),
            sql<string>`count(*) filter (where ct.sentiment = 'bearish')`.as("bearish"),
            e.fn.min("ct.created_at").as("oldest"),
          ])
          .whereRef("ct.ticker_id", "=", "t.id")
          .where("ct.approved", "=", true)
          .where("ct.created_at", ">", since)
          .where("ct.created_at", "<=", now)
          .as("m"),
      (join) => join.onTrue(),
    )
    .select(["t.id", "t.symbol", "t.exchange", "t.company_name", "t.aliases", "m.n", "m.bullish", "m.bearish", "m.oldest"])
    .where(sql<boolean>`m.n > 0`)
    .orderBy("m.n", "desc")
    .orderBy("t.symbol")
    .limit(options.limit ?? 5)
    .execute();
  return rows.map((r) => ({
    ...toTicker(r),
    comments: Number(r.n),
    bullish: Number(r.bullish),
    bearish: Number(r.bearish),
    changesAt: new Date(new Date(r.oldest as Date).getTime() + TRENDING_WINDOW_MS),
  }));
}

/**
 * The next moment the trending list can change without any write: when the first of
 * its counted comments grows older than 24 hours. (A ticker outside the five can only
 * lose comments as time passes, so it cannot climb in.) Null when nothing trends.
 */
export function trendingChangesAt(trending: readonly TrendingTicker[]): Date | null {
  if (trending.length === 0) return null;
  return new Date(Math.min(...trending.map((t) => t.changesAt.getTime())));
}

// --- the editors' list ------------------------------------------------------------

export interface AdminTicker extends Ticker {
  articles: number;
  mentions: number;
}

export async function listTickersForAdmin(db: DB): Promise<AdminTicker[]> {
  const rows = await db
    .selectFrom("tickers as t")
    .select(["t.id", "t.symbol", "t.exchange", "t.company_name", "t.aliases"])
    .select((eb) => [
      eb.selectFrom("article_tickers as at").select((e) => e.fn.countAll<string>().as("n")).whereRef("at.ticker_id", "=", "t.id").as("articles"),
      eb.selectFrom("comment_tickers as ct").select((e) => e.fn.countAll<string>().as("n")).whereRef("ct.ticker_id", "=", "t.id").as("mentions"),
    ])
    .orderBy("t.symbol")
    .orderBy("t.exchange")
    .execute();
  return rows.map((r) => ({ ...toTicker(r), articles: Number(r.articles ?? 0), mentions: Number(r.mentions ?? 0) }));
}

/** Every ticker, for the article editor's tag list. */
export async function listTickers(db: DB): Promise<Ticker[]> {
  return (await db.selectFrom("tickers").select(TICKER_COLUMNS).orderBy("symbol").orderBy("exchange").execute()).map(toTicker);
}

export interface TickerInput {
  symbol: string;
  exchange: string;
  companyName: string;
  /** Other spellings, separated by commas or spaces: "LYC.AX, ASX:LYC". */
  aliases: string;
}

export type TickerFieldErrors = Partial<Record<"symbol" | "exchange" | "companyName" | "aliases", string>>;
export type TickerResult = { ok: true; id: number } | { ok: false; errors: TickerFieldErrors } | { ok: false; error: "not-found" };

/** A spelling a cashtag can carry: exactly one cashtag, the whole text. */
function writableAsCashtag(spelling: string): boolean {
  const tags = parseCashtags(`$${spelling}`);
  return tags.length === 1 && tags[0]!.text.toUpperCase() === `$${spelling}`;
}

function checkTicker(input: TickerInput): { errors: TickerFieldErrors; values: { symbol: string; exchange: string; company_name: string; aliases: string[] } } {
  const errors: TickerFieldErrors = {};
  const symbol = input.symbol.trim().replace(/^\$/, "").toUpperCase();
  const exchange = input.exchange.trim().toUpperCase();
  const companyName = input.companyName.trim();
  const aliases = [...new Set(input.aliases.split(/[\s,]+/).map((a) => a.trim().replace(/^\$/, "").toUpperCase()).filter(Boolean))];
  if (!symbol) errors.symbol = "Give the ticker's symbol, for example LYC.";
  else if (!/^[A-Z0-9]{1,10}$/.test(symbol) || !writableAsCashtag(symbol)) {
    errors.symbol = "A symbol is letters and digits (up to 10) that a cashtag can carry: LYC, MP, 600111.";
  }
  if (!exchange) errors.exchange = "Give the exchange, for example ASX.";
  else if (!/^[A-Z]{2,10}$/.test(exchange)) errors.exchange = "An exchange is 2 to 10 letters: ASX, NYSE, SSE.";
  if (!companyName) errors.companyName = "Give the company's name.";
  else if (companyName.length > 120) errors.companyName = "The company name is too long: 120 characters at most.";
  const bad = aliases.find((a) => a.length > 12 || !writableAsCashtag(a));
  if (bad) errors.aliases = `"${bad}" is not a spelling a cashtag can carry (like LYC.AX or ASX:LYC).`;
  else if (aliases.length > 10) errors.aliases = "Ten aliases at most.";
  return { errors, values: { symbol, exchange, company_name: companyName, aliases } };
}

/** Create (id null) or change a ticker. Mentions already written keep their links. */
export async function saveTicker(db: DB, id: number | null, input: TickerInput): Promise<TickerResult> {
  const { errors, values } = checkTicker(input);
  if (Object.keys(errors).length) return { ok: false, errors };
  const taken = await db
    .selectFrom("tickers")
    .select("id")
    .where("exchange", "=", values.exchange)
    .where("symbol", "=", values.symbol)
    .$if(id !== null, (q) => q.where("id", "<>", id!))
    .executeTakeFirst();
  const duplicate: TickerResult = { ok: false, errors: { symbol: `${values.symbol} on ${values.exchange} is already in the list.` } };
  if (taken) return duplicate;
  try {
    if (id === null) {
      const row = await db.insertInto("tickers").values(values).returning("id").executeTakeFirstOrThrow();
      return { ok: true, id: row.id };
    }
    const row = await db.updateTable("tickers").set({ ...values, updated_at: new Date() }).where("id", "=", id).returning("id").executeTakeFirst();
    return row ? { ok: true, id: row.id } : { ok: false, error: "not-found" };
  } catch (error) {
    // Two editors saving the same ticker at once both pass the check above; the
    // unique constraint stops the second, who gets the same message, not a 500.
    if (isUniqueViolation(error, "tickers_exchange_symbol_key")) return duplicate;
    throw error;
  }
}

function isUniqueViolation(error: unknown, constraint: string): boolean {
  const e = error as { code?: string; constraint?: string } | null;
  return e?.code === "23505" && e.constraint === constraint;
}

export async function deleteTicker(db: DB, id: number): Promise<boolean> {
  const result = await db.deleteFrom("tickers").where("id", "=", id).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}
