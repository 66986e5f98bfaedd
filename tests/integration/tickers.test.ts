// Tickers: cashtags resolved against the editors' list, linked and recorded when a
// comment is written; the ticker page's tagged articles and keyset-paged approved
// mentions; its follow levels; trending; the editors' list.
import { describe, expect, it } from "vitest";
import { sql } from "kysely";
import { approveComment, editComment, setCommentStatus } from "~/models/moderation.server";
import {
  getTicker,
  listTickerArticles,
  listTickerComments,
  saveTicker,
  tickersMentioned,
  trendingTickers,
  trendingChangesAt,
  getTickerFollow,
  setTickerFollow,
  countTickerFollowers,
} from "~/models/tickers.server";
import { createUser } from "~/models/users.server";
import { saveArticle } from "~/models/articles.server";
import { loader as tickerLoader } from "~/routes/tickers.$exchange.$symbol";
import { loader as homeLoader } from "~/routes/_index";
import { useTestDatabase } from "../support/db";
import { createArticle, createCategory, createComment } from "../support/factories";

const t = useTestDatabase();

async function ticker(symbol: string, exchange: string, companyName: string, aliases = "") {
  const result = await saveTicker(t.db, null, { symbol, exchange, companyName, aliases });
  if (!result.ok || !("id" in result)) throw new Error(`ticker ${symbol}: ${JSON.stringify(result)}`);
  return result.id;
}

async function approvedComment(articleId: number, body: string, overrides = {}) {
  const { commentId } = await createComment(t.db, articleId, { body, ...overrides });
  await approveComment(t.db, { commentId });
  return commentId;
}

describe("tickersMentioned", () => {
  it("resolves symbols, aliases and exchange forms to known tickers, each once", async () => {
    const lyc = await ticker("LYC", "ASX", "Lynas Rare Earths", "LYC.AX");
    const mp = await ticker("mp", "nyse", "MP Materials");
    const cn = await ticker("600111", "SSE", "China Northern Rare Earth");
    const found = await tickersMentioned(t.db, "$LYC.AX and $ASX:LYC and $lyc; $MP; $600111; $USD, $5, `$MP`");
    expect(found.map((x) => x.id)).toEqual([lyc, mp, cn]);
    expect(found[1]).toMatchObject({ symbol: "MP", exchange: "NYSE", companyName: "MP Materials" });
    expect(await tickersMentioned(t.db, "$NYSE:LYC and $XYZ")).toEqual([]);
  });

  it("leaves a plain symbol listed on two exchanges unlinked, and links the exchange form", async () => {
    await ticker("ARU", "ASX", "Arafura");
    const other = await ticker("ARU", "TSX", "Another ARU");
    expect(await tickersMentioned(t.db, "$ARU")).toEqual([]);
    expect((await tickersMentioned(t.db, "$TSX:ARU")).map((x) => x.id)).toEqual([other]);
  });
});

describe("writing a comment", () => {
  it("links known cashtags once, at write time, and records its mentions", async () => {
    const lyc = await ticker("LYC", "ASX", "Lynas Rare Earths", "LYC.AX");
    const article = await createArticle(t.db);
    const { commentId, status } = await createComment(t.db, article.id, { body: "Long $LYC.AX, not $USD or $5." });
    const row = await t.db.selectFrom("comments").select(["body_html", "created_at"]).where("id", "=", commentId).executeTakeFirstOrThrow();
    expect(row.body_html).toBe('<p>Long <a class="cashtag" href="/tickers/ASX/LYC" rel="nofollow ugc noopener">$LYC.AX</a>, not $USD or $5.</p>');
    const mentions = await t.db.selectFrom("comment_tickers").selectAll().where("comment_id", "=", commentId).execute();
    expect(mentions).toEqual([{ comment_id: commentId, ticker_id: lyc, article_id: article.id, created_at: row.created_at, approved: status === "approved", sentiment: null }]);
  });

  it("follows a moderator's edit: mentions added and dropped", async () => {
    const lyc = await ticker("LYC", "ASX", "Lynas Rare Earths");
    const mp = await ticker("MP", "NYSE", "MP Materials");
    const article = await createArticle(t.db);
    const commentId = await approvedComment(article.id, "About $LYC");
    const edited = await editComment(t.db, { commentId, body: "About $MP now" });
    expect(edited.ok).toBe(true);
    const ids = (await t.db.selectFrom("comment_tickers").select("ticker_id").where("comment_id", "=", commentId).execute()).map((r) => r.ticker_id);
    expect(ids).toEqual([mp]);
    expect(ids).not.toContain(lyc);
    const html = (await t.db.selectFrom("comments").select("body_html").where("id", "=", commentId).executeTakeFirstOrThrow()).body_html;
    expect(html).toContain('href="/tickers/NYSE/MP"');
  });
});

describe("the ticker page", () => {
  it("lists tagged published articles and only approved mentions, newest first, keyset-paged", async () => {
    const lyc = await ticker("LYC", "ASX", "Lynas Rare Earths");
    const tagged = await saveArticle(t.db, { slug: "lynas-results", title: "Lynas results", highlights: [], bodyMarkdown: "Results for $LYC.", byline: "Desk", publishedAt: new Date(Date.now() - 60_000), categorySlugs: [], tickerIds: [lyc] });
    await saveArticle(t.db, { slug: "lynas-draft", title: "Draft", highlights: [], bodyMarkdown: "Draft", byline: "Desk", publishedAt: null, categorySlugs: [], tickerIds: [lyc] });
    expect((await listTickerArticles(t.db, lyc)).map((a) => a.slug)).toEqual(["lynas-results"]);
    const body = (await t.db.selectFrom("articles").select("body_html").where("id", "=", tagged.id).executeTakeFirstOrThrow()).body_html;
    expect(body).toContain('<a class="cashtag" href="/tickers/ASX/LYC">$LYC</a>');

    const article = await createArticle(t.db);
    const ids: number[] = [];
    for (let i = 0; i < 5; i++) ids.push(await approvedComment(article.id, `Mention ${i} of $LYC`));
    const { commentId: pending } = await createComment(t.db, article.id, { body: "Pending $LYC" });
    await setCommentStatus(t.db, { commentId: pending, status: "pending" });
    const spammed = await approvedComment(article.id, "Spam $LYC");
    await setCommentStatus(t.db, { commentId: spammed, status: "spam" });

    const first = await listTickerComments(t.db, lyc, { limit: 2 });
    expect(first.comments.map((c) => c.id)).toEqual([ids[4], ids[3]]);
    expect(first.comments[0]).toMatchObject({ authorName: expect.any(String), articleSlug: article.slug, bodyHtml: expect.stringContaining("/tickers/ASX/LYC") });
    expect(first.comments[0]).not.toHaveProperty("authorEmail");
    const second = await listTickerComments(t.db, lyc, { limit: 2, cursor: first.nextCursor });
    expect(second.comments.map((c) => c.id)).toEqual([ids[2], ids[1]]);
    const third = await listTickerComments(t.db, lyc, { limit: 2, cursor: second.nextCursor });
    expect(third.comments.map((c) => c.id)).toEqual([ids[0]]);
    expect(third.nextCursor).toBeNull();
  });

  it("answers on its upper-case address, sends lower case there, and 404s an unknown ticker", async () => {
    await ticker("LYC", "ASX", "Lynas Rare Earths");
    const call = (path: string) =>
      tickerLoader({ request: new Request(`http://localhost${path}`), params: { exchange: path.split("/")[2], symbol: path.split("/")[3] }, context: { db: t.db } as never });
    const response = (await call("/tickers/ASX/LYC")) as Response;
    const data = await response.json();
    expect(data.ticker).toEqual({ symbol: "LYC", exchange: "ASX", companyName: "Lynas Rare Earths", aliases: [] });
    const moved = await call("/tickers/asx/lyc").catch((r: Response) => r);
    expect((moved as Response).status).toBe(301);
    expect((moved as Response).headers.get("Location")).toBe("/tickers/ASX/LYC");
    const missing = await call("/tickers/ASX/NOPE").catch((r: Response) => r);
    expect((missing as Response).status).toBe(404);
    expect(await getTicker(t.db, "ASX", "LYC\u0000")).toBeNull();
  });

  it("keeps a member's follow level, as for a category", async () => {
    const lyc = await ticker("LYC", "ASX", "Lynas Rare Earths");
    const user = await createUser(t.db, { email: "f@example.com", displayName: "F", password: "a long enough password", emailVerified: true });
    if (!user.ok) throw new Error("user");
    await setTickerFollow(t.db, { userId: user.userId, tickerId: lyc, level: "watching" });
    expect(await getTickerFollow(t.db, user.userId, lyc)).toBe("watching");
    expect(await countTickerFollowers(t.db, lyc)).toBe(1);
    await setTickerFollow(t.db, { userId: user.userId, tickerId: lyc, level: "none" });
    expect(await getTickerFollow(t.db, user.userId, lyc)).toBe("none");
  });
});

describe("trending", () => {
  it("ranks tickers by approved comments in the last 24 hours, five at most", async () => {
    const article = await createArticle(t.db);
    const symbols = ["AAA", "BBB", "CCC", "DDD", "EEE", "FFF"];
    const ids = new Map<string, number>();
    for (const s of symbols) ids.set(s, await ticker(s, "ASX", `${s} Ltd`));
    const counts: Record<string, number> = { AAA: 1, BBB: 4, CCC: 2, DDD: 3, EEE: 5, FFF: 1 };
    for (const [s, n] of Object.entries(counts)) for (let i = 0; i < n; i++) await approvedComment(article.id, `$${s} number ${i}`);
    // Held and old comments do not count.
    const { commentId: held } = await createComment(t.db, article.id, { body: "$AAA held" });
    await setCommentStatus(t.db, { commentId: held, status: "pending" });
    for (let i = 0; i < 3; i++) {
      const old = await approvedComment(article.id, `$FFF old ${i}`);
      await t.db.updateTable("comment_tickers").set({ created_at: new Date(Date.now() - 25 * 3600_000) } as never).where("comment_id", "=", old).execute();
    }
    const trending = await trendingTickers(t.db);
    expect(trending.map((x) => [x.symbol, x.comments])).toEqual([
      ["EEE", 5],
      ["BBB", 4],
      ["DDD", 3],
      ["CCC", 2],
      ["AAA", 1],
    ]);
    const home = (await homeLoader({ request: new Request("http://localhost/"), params: {}, context: { db: t.db } as never })) as Response;
    const data = await home.json();
    expect(data.trending[0]).toEqual({ symbol: "EEE", exchange: "ASX", companyName: "EEE Ltd", comments: 5, bullish: 0, bearish: 0 });
    expect(data.trending).toHaveLength(5);
  });

  it("counts Bullish and Bearish among the same comments, and tells guests' cache when the 24 hours will change it", async () => {
    await ticker("LYC", "ASX", "Lynas");
    await ticker("MP", "NYSE", "MP Materials");
    const article = await createArticle(t.db);
    const now = Date.now();
    const hoursAgo = (h: number) => new Date(now - h * 3600_000);
    const mention = async (body: string, sentiment: "bullish" | "bearish" | null, at: Date) => {
      const id = await approvedComment(article.id, body, { sentiment });
      await t.db.updateTable("comment_tickers").set({ created_at: at } as never).where("comment_id", "=", id).execute();
    };
    await mention("$LYC one", "bullish", hoursAgo(2));
    await mention("$LYC two", "bullish", hoursAgo(20));
    await mention("$LYC three", "bearish", hoursAgo(1));
    await mention("$LYC four", null, hoursAgo(3));
    await mention("$LYC too old", "bearish", hoursAgo(25));
    await mention("$MP one", "bearish", hoursAgo(23));
    // A held comment counts for nothing.
    await createComment(t.db, article.id, { body: "$MP held", sentiment: "bullish" });

    const trending = await trendingTickers(t.db, { now: new Date(now) });
    expect(trending.map((x) => [x.symbol, x.comments, x.bullish, x.bearish])).toEqual([
      ["LYC", 4, 2, 1],
      ["MP", 1, 0, 1],
    ]);
    // $MP's comment of 23 hours ago is the first to leave the 24 hours: in one hour.
    expect(trending.map((x) => x.changesAt.getTime())).toEqual([hoursAgo(20).getTime() + 86_400_000, hoursAgo(23).getTime() + 86_400_000]);
    expect(trendingChangesAt(trending)).toEqual(new Date(hoursAgo(23).getTime() + 86_400_000));
    expect(trendingChangesAt([])).toBeNull();

    const home = (await homeLoader({ request: new Request("http://localhost/"), params: {}, context: { db: t.db } as never })) as Response;
    expect(home.headers.get("X-Assay-Cache")).toBe("list");
    const until = Date.parse(home.headers.get("X-Assay-Cache-Until")!);
    // Computed from the loader's own clock, a moment after ours: within the hour that $MP's comment has left.
    expect(until).toBeGreaterThan(now);
    expect(until).toBe(hoursAgo(23).getTime() + 86_400_000);
    const data = await home.json();
    expect(data.trending.map((x: { symbol: string; bullish: number; bearish: number }) => [x.symbol, x.bullish, x.bearish])).toEqual([
      ["LYC", 2, 1],
      ["MP", 0, 1],
    ]);
  });

  it("gives guests' cache no time limit when nothing trends", async () => {
    const home = (await homeLoader({ request: new Request("http://localhost/"), params: {}, context: { db: t.db } as never })) as Response;
    expect(home.headers.get("X-Assay-Cache")).toBe("list");
    expect(home.headers.get("X-Assay-Cache-Until")).toBeNull();
  });
});

describe("the editors' list", () => {
  it("refuses bad fields and duplicates with a message per field", async () => {
    await ticker("LYC", "ASX", "Lynas Rare Earths");
    expect(await saveTicker(t.db, null, { symbol: "", exchange: "A", companyName: "", aliases: "not valid!" })).toEqual({
      ok: false,
      errors: {
        symbol: expect.stringContaining("symbol"),
        exchange: expect.stringContaining("2 to 10 letters"),
        companyName: expect.stringContaining("name"),
        aliases: expect.stringContaining(`"VALID!"`),
      },
    });
    expect(await saveTicker(t.db, null, { symbol: "lyc", exchange: "asx", companyName: "Again", aliases: "" })).toEqual({
      ok: false,
      errors: { symbol: "LYC on ASX is already in the list." },
    });
    expect(await saveTicker(t.db, 999_999, { symbol: "NEW", exchange: "ASX", companyName: "New", aliases: "" })).toEqual({ ok: false, error: "not-found" });
  });
});

/** Until a session on this test's database waits for a lock (the other editor's uncommitted row). */
async function untilWaitingOnALock() {
  for (let i = 0; i < 500; i++) {
    const waiting = await sql<{ n: string }>`
      select count(*) as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'
    `.execute(t.db);
    if (Number(waiting.rows[0]!.n) > 0) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error("the second save never waited on the first");
}

describe("two editors adding the same ticker at once", () => {
  it("gives the second the same 'already in the list' message, not a 500, when both pass the check", async () => {
    // The first editor's insert is written but not yet committed: the second editor's
    // check sees nothing, so their insert waits on the unique index, then collides.
    let second: ReturnType<typeof saveTicker> | undefined;
    await t.db.transaction().execute(async (trx) => {
      await trx.insertInto("tickers").values({ symbol: "LYC", exchange: "ASX", company_name: "Lynas Rare Earths", aliases: [] }).execute();
      second = saveTicker(t.db, null, { symbol: "lyc", exchange: "asx", companyName: "Lynas again", aliases: "" });
      await untilWaitingOnALock();
    });
    expect(await second).toEqual({ ok: false, errors: { symbol: "LYC on ASX is already in the list." } });
    const rows = await t.db.selectFrom("tickers").select("company_name").execute();
    expect(rows).toEqual([{ company_name: "Lynas Rare Earths" }]);
  });

  it("gives the same message when a rename collides past the check", async () => {
    await ticker("MP", "NYSE", "MP Materials");
    const other = await ticker("ILU", "ASX", "Iluka Resources");
    let rename: ReturnType<typeof saveTicker> | undefined;
    await t.db.transaction().execute(async (trx) => {
      await trx.insertInto("tickers").values({ symbol: "ARU", exchange: "ASX", company_name: "Arafura", aliases: [] }).execute();
      rename = saveTicker(t.db, other, { symbol: "ARU", exchange: "ASX", companyName: "Iluka renamed", aliases: "" });
      await untilWaitingOnALock();
    });
    expect(await rename).toEqual({ ok: false, errors: { symbol: "ARU on ASX is already in the list." } });
    expect(await getTicker(t.db, "ASX", "ILU")).toMatchObject({ companyName: "Iluka Resources" });
  });
});

describe("the demo seed", () => {
  it("lists the rare-earth tickers, links their cashtags, tags articles and makes them trend", async () => {
    const { seed } = await import("../../db/seed");
    await seed(t.db);
    await seed(t.db); // idempotent
    const lyc = await getTicker(t.db, "ASX", "LYC");
    expect(lyc).toMatchObject({ companyName: "Lynas Rare Earths", aliases: ["LYC.AX"] });
    expect(await getTicker(t.db, "SSE", "600111")).toMatchObject({ companyName: "China Northern Rare Earth" });
    expect(await getTicker(t.db, "NYSE", "MP")).toMatchObject({ companyName: "MP Materials" });
    const page = await listTickerComments(t.db, lyc!.id);
    expect(page.comments.length).toBeGreaterThanOrEqual(3);
    expect(page.comments.some((c) => c.bodyHtml.includes('<a class="cashtag" href="/tickers/ASX/LYC"'))).toBe(true);
    expect((await listTickerArticles(t.db, lyc!.id)).length).toBeGreaterThan(0);
    expect((await trendingTickers(t.db)).map((x) => x.symbol)).toContain("LYC");
  });
});

describe("tagging articles", () => {
  it("tags from the editor's form, and leaves the tags when the form did not offer them", async () => {
    const { handleArticleForm } = await import("~/composition/article-editor.server");
    const { SYSTEM_ACTOR } = await import("~/models/moderation-log.server");
    const lyc = await ticker("LYC", "ASX", "Lynas Rare Earths");
    const mp = await ticker("MP", "NYSE", "MP Materials");
    const form = (fields: Record<string, string | string[]>) => {
      const f = new FormData();
      for (const [k, v] of Object.entries(fields)) for (const one of Array.isArray(v) ? v : [v]) f.append(k, one);
      return f;
    };
    const base = { title: "Tagged in the editor", slug: "", byline: "Desk", highlights: "", body: "About $MP.", excerpt: "", newCategories: "", publishAt: "", timeZone: "UTC", commentsOpen: "on", version: "0", intent: "save" };
    const saved = await handleArticleForm(t.db, form({ ...base, tickersOffered: "1", tickerIds: [String(lyc), String(mp), "99999"] }), null, SYSTEM_ACTOR);
    expect(saved.status).toBe(303);
    const id = Number(/\/admin\/articles\/(\d+)/.exec(saved.headers.get("Location")!)![1]);
    const tags = async () => (await t.db.selectFrom("article_tickers").select("ticker_id").where("article_id", "=", id).orderBy("ticker_id").execute()).map((r) => r.ticker_id);
    expect(await tags()).toEqual([lyc, mp]);
    const body = (await t.db.selectFrom("articles").select("body_html").where("id", "=", id).executeTakeFirstOrThrow()).body_html;
    expect(body).toContain('href="/tickers/NYSE/MP"');
    await handleArticleForm(t.db, form({ ...base, version: "1", tickersOffered: "1", tickerIds: [String(mp)] }), id, SYSTEM_ACTOR);
    expect(await tags()).toEqual([mp]);
    await handleArticleForm(t.db, form({ ...base, version: "2", body: "Changed." }), id, SYSTEM_ACTOR);
    expect(await tags()).toEqual([mp]);
  });

  it("tags from an imported file's front matter, and names an unknown ticker", async () => {
    const { parseArticleFile } = await import("~/lib/article-import");
    const { importArticle } = await import("~/models/article-import.server");
    const lyc = await ticker("LYC", "ASX", "Lynas Rare Earths", "LYC.AX");
    const mp = await ticker("MP", "NYSE", "MP Materials");
    const parsed = parseArticleFile("---\ntitle: Imported with tickers\ntickers: [ASX:LYC, $MP]\n---\nBody about $LYC.AX.\n");
    if (!parsed.ok) throw new Error(parsed.message);
    expect(parsed.article.tickers).toEqual(["ASX:LYC", "MP"]);
    const outcome = await importArticle(t.db, parsed.article);
    if (!outcome.ok) throw new Error(outcome.message);
    const tags = (await t.db.selectFrom("article_tickers").select("ticker_id").where("article_id", "=", outcome.id!).orderBy("ticker_id").execute()).map((r) => r.ticker_id);
    expect(tags).toEqual([lyc, mp]);

    const bad = parseArticleFile("---\ntitle: Unknown ticker\ntickers: ASX:NOPE\n---\nBody.\n");
    if (!bad.ok) throw new Error(bad.message);
    expect(await importArticle(t.db, bad.article)).toEqual({ ok: false, message: expect.stringContaining('"ASX:NOPE" is not a known ticker') });
    const notList = parseArticleFile("---\ntitle: Odd\ntickers: {a: 1}\n---\nBody.\n");
    expect(notList).toMatchObject({ ok: false, line: 3, message: expect.stringContaining("tickers must be a list") });
  });
});

describe("ticker feeds", () => {
  it("carry the tagged articles, and the personal feed adds those of followed tickers", async () => {
    const { listFeedArticles, listPersonalFeedArticles } = await import("~/models/feeds.server");
    const lyc = await ticker("LYC", "ASX", "Lynas Rare Earths");
    const tagged = await saveArticle(t.db, { slug: "tagged-lyc", title: "Tagged", highlights: [], bodyMarkdown: "x", byline: "Desk", publishedAt: new Date(Date.now() - 60_000), categorySlugs: [], tickerIds: [lyc] });
    await createArticle(t.db, { slug: "untagged" });
    expect((await listFeedArticles(t.db, { tickerId: lyc })).map((a) => a.id)).toEqual([tagged.id]);
    const user = await createUser(t.db, { email: "feed@example.com", displayName: "Feed", password: "a long enough password", emailVerified: true });
    if (!user.ok) throw new Error("user");
    expect(await listPersonalFeedArticles(t.db, user.userId)).toEqual([]);
    await setTickerFollow(t.db, { userId: user.userId, tickerId: lyc, level: "following" });
    expect((await listPersonalFeedArticles(t.db, user.userId)).map((a) => a.id)).toEqual([tagged.id]);
  });
});

describe("the personal feed and /following", () => {
  it("follow one rule: watched and followed categories and tickers, less what is in a muted category or of a muted ticker", async () => {
    const { listPersonalFeedArticles } = await import("~/models/feeds.server");
    const { getFollowingPage, setCategoryFollow } = await import("~/models/follows.server");
    const mp = await ticker("MP", "NYSE", "MP Materials");
    const lyc = await ticker("LYC", "ASX", "Lynas Rare Earths");
    const china = await createCategory(t.db, "china-rule", "China");
    const published = new Date(Date.now() - 60_000);
    const article = (slug: string, categorySlugs: string[], tickerIds: number[]) =>
      saveArticle(t.db, { slug, title: slug, highlights: [], bodyMarkdown: "x", byline: "Desk", publishedAt: published, categorySlugs, tickerIds });
    const plain = await article("china-plain", [china.slug], []);
    const ofMutedTicker = await article("china-mp", [china.slug], [mp]);
    const ofFollowedTicker = await article("lyc-only", [], [lyc]);
    await createArticle(t.db, { slug: "elsewhere" });
    const user = await createUser(t.db, { email: "rule@example.com", displayName: "Rule", password: "a long enough password", emailVerified: true });
    if (!user.ok) throw new Error("user");
    await setCategoryFollow(t.db, { userId: user.userId, categoryId: china.id, level: "following" });
    await setTickerFollow(t.db, { userId: user.userId, tickerId: lyc, level: "watching" });
    await setTickerFollow(t.db, { userId: user.userId, tickerId: mp, level: "muted" });

    const feed = (await listPersonalFeedArticles(t.db, user.userId)).map((a) => a.id).sort();
    const following = (await getFollowingPage(t.db, { userId: user.userId })).articles.map((a) => a.id).sort();
    expect(feed).toEqual([plain.id, ofFollowedTicker.id].sort());
    expect(feed).not.toContain(ofMutedTicker.id);
    expect(following).toEqual(feed);
  });
});

describe("following a ticker", () => {
  it("brings its tagged articles to /following and notifies its watchers", async () => {
    const { getFollowingPage } = await import("~/models/follows.server");
    const { fanOutArticle } = await import("~/models/mail-fanout.server");
    const lyc = await ticker("LYC", "ASX", "Lynas Rare Earths");
    const user = await createUser(t.db, { email: "watcher@example.com", displayName: "Watcher", password: "a long enough password", emailVerified: true });
    if (!user.ok) throw new Error("user");
    await setTickerFollow(t.db, { userId: user.userId, tickerId: lyc, level: "watching" });
    const tagged = await saveArticle(t.db, { slug: "watched-lyc", title: "Watched", highlights: [], bodyMarkdown: "x", byline: "Desk", publishedAt: new Date(Date.now() - 60_000), categorySlugs: [], tickerIds: [lyc] });
    await createArticle(t.db, { slug: "not-watched" });
    const page = await getFollowingPage(t.db, { userId: user.userId });
    expect(page.articles.map((a) => a.id)).toEqual([tagged.id]);
    expect(page.tickers).toEqual([{ symbol: "LYC", exchange: "ASX", companyName: "Lynas Rare Earths", level: "watching" }]);
    const fanned = await fanOutArticle(t.db, tagged.id);
    expect(fanned.notifications).toBe(1);
    const notes = await t.db.selectFrom("notifications").select(["user_id", "article_id"]).where("user_id", "=", user.userId).execute();
    expect(notes).toEqual([{ user_id: user.userId, article_id: tagged.id }]);
  });
});
