// Disclosure (issue 13, item 3) and sentiment (item 4): through the real comment
// form's action and the article page's loader, and the sentiment figures against
// counts worked out by hand with a fixed clock.
import { sql } from "kysely";
import { beforeEach, describe, expect, it } from "vitest";
import { action as articleAction, loader as articleLoader } from "~/routes/articles.$slug";
import { loader as mentionedLoader } from "~/routes/tickers.mentioned";
import { action as accountAction, loader as accountLoader } from "~/routes/account";
import { startSession } from "~/composition/session.server";
import { createUser } from "~/models/users.server";
import { getModerationSettings, saveModerationSettings } from "~/models/moderation-settings.server";
import { saveDisclosureDefault, getDisclosureDefaults } from "~/models/disclosures.server";
import { sentimentFor } from "~/models/sentiment.server";
import { setCommentStatus } from "~/models/moderation.server";
import { DISCLOSURE_ASKED_MESSAGE, DISCLOSURE_REQUIRED_MESSAGE } from "~/lib/disclosure";
import { useTestDatabase } from "../support/db";
import { createArticle } from "../support/factories";

const t = useTestDatabase();
let lyc: number;
let mp: number;

beforeEach(async () => {
  const rows = await t.db
    .insertInto("tickers")
    .values([
      { symbol: "LYC", exchange: "ASX", company_name: "Lynas Rare Earths", aliases: ["LYC.AX"] },
      { symbol: "MP", exchange: "NYSE", company_name: "MP Materials" },
    ])
    .returning(["id", "symbol"])
    .execute();
  lyc = rows.find((r) => r.symbol === "LYC")!.id;
  mp = rows.find((r) => r.symbol === "MP")!.id;
  // Publish at once: these tests are about what a comment carries, not the first-time hold
  // nor the promotion rules (tests/integration/promotion-defences.test.ts).
  await settings({ holdMode: "none", holdConnected: false, tickerNewAccountDays: 0 });
});

async function settings(changes: Partial<Awaited<ReturnType<typeof getModerationSettings>>>) {
  const current = await getModerationSettings(t.db);
  await saveModerationSettings(t.db, { settings: { ...current, ...changes }, moderatorId: null });
}

function post(slug: string, fields: Record<string, string>, cookie?: string) {
  const body = new URLSearchParams({ comment_parent: "0", author: "Ada Investor", email: "ada@example.com", url: "", ...fields });
  const headers: Record<string, string> = { "Content-Type": "application/x-www-form-urlencoded", Origin: "http://localhost" };
  if (cookie) headers.Cookie = cookie;
  return articleAction({ request: new Request(`http://localhost/articles/${slug}`, { method: "POST", body, headers }), params: { slug }, context: { db: t.db, clientIp: "192.0.2.7" } });
}

async function outcome(response: Response) {
  return { status: response.status, data: response.status < 300 ? null : ((await response.json()) as any) };
}

async function page(slug: string) {
  const response = await articleLoader({ request: new Request(`http://localhost/articles/${slug}`), params: { slug }, context: { db: t.db, clientIp: "" } });
  return (await response.json()) as any;
}

async function member(email: string) {
  const result = await createUser(t.db, { email, displayName: "Mia Member", password: "a long enough password", emailVerified: true });
  if (!result.ok) throw new Error("not created");
  const cookie = (await startSession(t.db, new Request("http://localhost/login", { method: "POST" }), result.userId)).split(";")[0]!;
  return { id: result.userId, cookie };
}

const comments = () => t.db.selectFrom("comments").select(["id", "sentiment"]).execute();
const disclosures = () => t.db.selectFrom("comment_disclosures").select(["ticker_id", "position", "connected"]).orderBy("ticker_id").execute();

describe("the disclosure asked of a comment that mentions a ticker", () => {
  it("without JavaScript, a first post that mentions $LYC comes back with its question and everything typed, and nothing is posted", async () => {
    const article = await createArticle(t.db);
    const { status, data } = await outcome(await post(article.slug, { comment: "Buying more $LYC and $USD cash", sentiment: "bullish" }));
    expect(status).toBe(400);
    expect(data.formError).toBe(DISCLOSURE_ASKED_MESSAGE);
    expect(data.values.comment).toBe("Buying more $LYC and $USD cash");
    expect(data.values.author).toBe("Ada Investor");
    expect(data.disclosure.sentiment).toBe("bullish");
    expect(data.disclosure.tickers.map((x: { symbol: string }) => x.symbol)).toEqual(["LYC"]);
    expect(await comments()).toHaveLength(0);
  });

  it("writes the answers with the comment and shows them beside it; the paid-or-connected one stands out", async () => {
    const article = await createArticle(t.db);
    const response = await post(article.slug, {
      comment: "Long $LYC, and I advise $MP.",
      [`disclosure_asked_${lyc}`]: "1",
      [`disclosure_position_${lyc}`]: "long",
      [`disclosure_asked_${mp}`]: "1",
      [`disclosure_position_${mp}`]: "none",
      [`disclosure_connected_${mp}`]: "1",
      sentiment: "bearish",
    });
    expect(response.status).toBe(303);
    expect(await disclosures()).toEqual([
      { ticker_id: lyc, position: "long", connected: false },
      { ticker_id: mp, position: "none", connected: true },
    ].sort((a, b) => a.ticker_id - b.ticker_id));
    expect((await comments())[0]!.sentiment).toBe("bearish");
    const html = (await page(article.slug)).threadHtml as string;
    expect(html).toContain('Discloses: <span>long <a href="/tickers/ASX/LYC">$LYC</a>');
    expect(html).toMatch(/<strong class="comment__connected">Paid or connected: <span><a href="\/tickers\/NYSE\/MP">\$MP<\/a>/);
    expect(html).toContain("Bearish");
    // The mentions are recorded for the ticker pages.
    const mentions = await t.db.selectFrom("comment_tickers").select(["ticker_id", "sentiment", "approved"]).orderBy("ticker_id").execute();
    expect(mentions).toHaveLength(2);
    expect(mentions.every((m) => m.sentiment === "bearish" && m.approved)).toBe(true);
  });

  it("asked, not required by default: a comment whose questions were left blank is posted without a disclosure", async () => {
    const article = await createArticle(t.db);
    const response = await post(article.slug, { comment: "What about $LYC.AX?", [`disclosure_asked_${lyc}`]: "1" });
    expect(response.status).toBe(303);
    expect(await comments()).toHaveLength(1);
    expect(await disclosures()).toEqual([]);
  });

  it("required by the editors' setting: a blank answer is refused, with the question and the words kept", async () => {
    await settings({ disclosureRequired: true });
    const article = await createArticle(t.db);
    const blank = await outcome(await post(article.slug, { comment: "What about $ASX:LYC?", [`disclosure_asked_${lyc}`]: "1" }));
    expect(blank.status).toBe(400);
    expect(blank.data.formError).toBe(DISCLOSURE_REQUIRED_MESSAGE);
    expect(blank.data.disclosure.required).toBe(true);
    expect(blank.data.values.comment).toBe("What about $ASX:LYC?");
    expect(await comments()).toHaveLength(0);
    const answered = await post(article.slug, { comment: "What about $ASX:LYC?", [`disclosure_asked_${lyc}`]: "1", [`disclosure_position_${lyc}`]: "undisclosed" });
    expect(answered.status).toBe(303);
    expect(await disclosures()).toEqual([{ ticker_id: lyc, position: "undisclosed", connected: false }]);
    // A comment without a ticker needs no answer.
    expect((await post(article.slug, { comment: "Nice article." })).status).toBe(303);
  });

  it("refuses a made-up position or sentiment with a message, not a 500", async () => {
    const article = await createArticle(t.db);
    const position = await outcome(await post(article.slug, { comment: "$LYC", [`disclosure_asked_${lyc}`]: "1", [`disclosure_position_${lyc}`]: "huge" }));
    expect(position.status).toBe(400);
    expect(position.data.formError).toMatch(/Long, Short, No position or Prefer not to say/);
    const sentiment = await outcome(await post(article.slug, { comment: "Plain words", sentiment: "moon" }));
    expect(sentiment.status).toBe(400);
    expect(sentiment.data.formError).toMatch(/Bullish, Bearish/);
    expect(await comments()).toHaveLength(0);
  });

  it("an old comment's disclosure never changes: the database refuses an update", async () => {
    const article = await createArticle(t.db);
    await post(article.slug, { comment: "$LYC", [`disclosure_asked_${lyc}`]: "1", [`disclosure_position_${lyc}`]: "long" });
    await expect(sql`update comment_disclosures set position = 'short'`.execute(t.db)).rejects.toThrow(/never changes/);
    expect(await disclosures()).toEqual([{ ticker_id: lyc, position: "long", connected: false }]);
  });

  it("a member's default answers prefill their form, and the lookup shows them to that member only", async () => {
    const m = await member("holder@example.com");
    await saveDisclosureDefault(t.db, { userId: m.id, tickerId: lyc, position: "short", connected: true });
    const article = await createArticle(t.db);
    const first = await outcome(await post(article.slug, { comment: "Thoughts on $LYC" }, m.cookie));
    expect(first.status).toBe(400);
    expect(first.data.disclosure.answers[lyc]).toEqual({ position: "short", connected: true });

    const lookup = (tag: string, cookie?: string) =>
      mentionedLoader({ request: new Request(`http://localhost/tickers/mentioned?tag=${encodeURIComponent(tag)}`, { headers: cookie ? { Cookie: cookie } : {} }), params: {}, context: { db: t.db, clientIp: "" } });
    const mine = (await (await lookup("$LYC", m.cookie)).json()) as any;
    expect(mine.tickers.map((x: { symbol: string }) => x.symbol)).toEqual(["LYC"]);
    expect(mine.defaults[lyc]).toEqual({ position: "short", connected: true });
    const guest = (await (await lookup("$LYC")).json()) as any;
    expect(guest.defaults).toEqual({});
    const unknown = (await (await lookup("$ZZZ")).json()) as any;
    expect(unknown.tickers).toEqual([]);

    await saveDisclosureDefault(t.db, { userId: m.id, tickerId: lyc, position: null, connected: false });
    expect(await getDisclosureDefaults(t.db, m.id)).toEqual([]);
  });
});

describe("a member's usual disclosures on /account", () => {
  const send = (cookie: string, fields: Record<string, string>) =>
    accountAction({
      request: new Request("http://localhost/account", {
        method: "POST",
        body: new URLSearchParams({ intent: "disclosure-default", ...fields }),
        headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: "http://localhost", Cookie: cookie },
      }),
      params: {},
      context: { db: t.db, clientIp: "" },
    });

  it("saves, lists and forgets them, refusing bad input with a message", async () => {
    const m = await member("keeper@example.com");
    const saved = await send(m.cookie, { ticker: String(mp), position: "long", connected: "1" });
    expect(saved.status).toBe(303);
    const page = (await (await accountLoader({ request: new Request("http://localhost/account", { headers: { Cookie: m.cookie } }), params: {}, context: { db: t.db, clientIp: "" } })).json()) as any;
    expect(page.disclosureDefaults).toMatchObject([{ tickerId: mp, symbol: "MP", position: "long", connected: true }]);
    expect(page.tickerChoices.map((c: { symbol: string }) => c.symbol)).toEqual(["LYC", "MP"]);

    const badPosition = await send(m.cookie, { ticker: String(mp), position: "all-in" });
    expect(badPosition.status).toBe(400);
    expect(((await badPosition.json()) as any).errors.position).toMatch(/Long, Short/);
    const noTicker = await send(m.cookie, { ticker: "", position: "long" });
    expect(noTicker.status).toBe(400);
    const gone = await send(m.cookie, { ticker: "999999", position: "long" });
    expect(gone.status).toBe(400);

    expect((await send(m.cookie, { ticker: String(mp), position: "forget" })).status).toBe(303);
    expect(await getDisclosureDefaults(t.db, m.id)).toEqual([]);
  });
});

describe("sentiment figures", () => {
  const NOW = new Date("2026-06-30T12:00:00Z");
  const daysAgo = (d: number) => new Date(NOW.getTime() - d * 86_400_000);
  let n = 0;

  async function said(articleId: number, sentiment: "bullish" | "bearish" | null, at: Date, opts: { status?: "approved" | "pending"; hidden?: boolean; tickers?: number[] } = {}) {
    const { id } = await t.db
      .insertInto("comments")
      .values({
        article_id: articleId,
        status: opts.status ?? "approved",
        author_name: "R",
        author_email: `r${++n}@example.com`,
        body_markdown: "x",
        body_html: "<p>x</p>",
        created_at: at,
        sentiment,
        hidden_at: opts.hidden ? at : null,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    if (opts.tickers?.length) await t.db.insertInto("comment_tickers").values(opts.tickers.map((ticker_id) => ({ comment_id: id, ticker_id }))).execute();
    return id;
  }

  it("count the last 7 days and average the 30 before, from approved comments only, as worked out by hand", async () => {
    const article = await createArticle(t.db);
    const other = await createArticle(t.db);
    const L = { tickers: [lyc] };
    // Last 7 days, approved: 3 bullish (one on another article, same ticker), 1 bearish.
    await said(article.id, "bullish", daysAgo(0.5), L);
    await said(article.id, "bullish", daysAgo(6.9), L);
    await said(other.id, "bullish", daysAgo(2), L);
    await said(article.id, "bearish", daysAgo(3), L);
    // The 30 days before: 6 bullish and 3 bearish → 0.2 and 0.1 a day.
    for (const d of [8, 10, 15, 20, 30, 36.9]) await said(article.id, "bullish", daysAgo(d), L);
    for (const d of [7.5, 12, 36]) await said(article.id, "bearish", daysAgo(d), L);
    // Left out: older than 37 days, not yet happened, held, hidden, spammed later, no sentiment.
    await said(article.id, "bullish", daysAgo(37.5), L);
    await said(article.id, "bullish", new Date(NOW.getTime() + 60_000), L);
    await said(article.id, "bullish", daysAgo(1), { ...L, status: "pending" });
    await said(article.id, "bearish", daysAgo(1), { ...L, hidden: true });
    const spammed = await said(article.id, "bearish", daysAgo(1), L);
    await setCommentStatus(t.db, { commentId: spammed, status: "spam" });
    await said(article.id, null, daysAgo(1), L);
    // A bullish comment on $MP only.
    await said(other.id, "bullish", daysAgo(1), { tickers: [mp] });

    const figures = await sentimentFor(t.db, { tickerIds: [lyc, mp, 999_999], articleId: article.id, now: NOW });
    expect(figures.tickers[lyc]).toEqual({ bullish: 3, bearish: 1, bullishDailyAverage: 6 / 30, bearishDailyAverage: 3 / 30 });
    expect(figures.tickers[mp]).toEqual({ bullish: 1, bearish: 0, bullishDailyAverage: 0, bearishDailyAverage: 0 });
    expect(figures.tickers[999_999]).toEqual({ bullish: 0, bearish: 0, bullishDailyAverage: 0, bearishDailyAverage: 0 });
    // The article: the same minus the one on the other article.
    expect(figures.article).toEqual({ bullish: 2, bearish: 1, bullishDailyAverage: 6 / 30, bearishDailyAverage: 3 / 30 });
  });

  it("the article page shows them as a bar with its numbers in words", async () => {
    const article = await createArticle(t.db);
    const ago = (d: number) => new Date(Date.now() - d * 86_400_000);
    await said(article.id, "bullish", ago(1));
    await said(article.id, "bullish", ago(2));
    await said(article.id, "bearish", ago(3));
    const data = await page(article.slug);
    expect(data.sentiment).toMatchObject({ bullish: 2, bearish: 1 });
    const { renderToStaticMarkup } = await import("react-dom/server");
    const { SentimentBar } = await import("~/components/SentimentBar");
    const html = renderToStaticMarkup(SentimentBar({ figures: data.sentiment, subject: "this article" }));
    expect(html).toContain("Last 7 days: 2 bullish, 1 bearish (67% bullish).");
    expect(html).toMatch(/<meter[^>]*value="67"/);
  });

  it("are read from their partial indexes, not by scanning", async () => {
    // Enough comments that the planner's choice means something: most without a sentiment, on many articles.
    const article = await createArticle(t.db);
    await sql`
      insert into comments (article_id, status, author_name, author_email, body_markdown, body_html, created_at, sentiment)
      select ${article.id}, case when i % 5 = 0 then 'pending' else 'approved' end, 'R', 'r' || i || '@example.com', 'x', '<p>x</p>',
             now() - (i % 60) * interval '1 day', case when i % 20 = 0 then 'bullish' when i % 33 = 0 then 'bearish' end
      from generate_series(1, 20000) as i`.execute(t.db);
    await sql`insert into comment_tickers (comment_id, ticker_id) select id, case when id % 2 = 0 then ${lyc}::int else ${mp}::int end from comments`.execute(t.db);
    await sql`analyze comments`.execute(t.db);
    await sql`analyze comment_tickers`.execute(t.db);
    const plan = async (query: ReturnType<typeof sql>) => (await sql<{ "QUERY PLAN": string }>`explain ${query}`.execute(t.db)).rows.map((r) => r["QUERY PLAN"]).join("\n");
    const ticker = await plan(sql`select count(*) filter (where sentiment = 'bullish') from comment_tickers
      where ticker_id = any(${[lyc]}::int[]) and approved and sentiment is not null and created_at > now() - interval '37 days' and created_at <= now()`);
    expect(ticker).toContain("comment_tickers_sentiment_idx");
    expect(ticker).not.toContain("Seq Scan");
    const onArticle = await plan(sql`select count(*) filter (where sentiment = 'bullish') from comments
      where article_id = ${article.id} and sentiment is not null and status = 'approved' and hidden_at is null and created_at > now() - interval '37 days' and created_at <= now()`);
    expect(onArticle).toContain("comments_article_sentiment_idx");
    expect(onArticle).not.toContain("Seq Scan");
    // And the figures agree with the rows: sentiment comments are i % 20 = 0 (bullish) or i % 33 = 0 (bearish), approved unless i % 5 = 0.
    const figures = await sentimentFor(t.db, { articleId: article.id });
    expect(figures.article!.bullish).toBe(0); // every i % 20 = 0 is also i % 5 = 0: held, so never counted
    expect(figures.article!.bearish).toBeGreaterThan(0);
  });
});
