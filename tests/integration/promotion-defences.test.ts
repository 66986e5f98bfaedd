// Defences against promotion: three steps of the moderation pipeline (a ticker
// mention from a young account, promotional phrases with a ticker, a "paid or
// connected" disclosure), each naming itself on the held comment and each tuned
// at /moderation/settings. Clocks are controlled by writing the accounts' and
// comments' times.
import { beforeEach, describe, expect, it } from "vitest";
import { sql } from "kysely";
import { postComment } from "~/models/comments.server";
import { approveComment, HOLD_REASONS } from "~/models/moderation.server";
import { listQueue, type QueuePage } from "~/models/moderation-queue.server";
import { REPORT_REASON_LABELS, reportComment } from "~/models/reports.server";
import { getModerationSettings, saveModerationSettings, type ModerationSettings } from "~/models/moderation-settings.server";
import { tickersMentioned } from "~/models/tickers.server";
import { settingsMessages, settingsSchema } from "~/lib/moderation-forms";
import { parseForm } from "~/lib/validation";
import { startSession } from "~/composition/session.server";
import { tickerSpikes } from "~/models/promotion.server";
import { loader as queueLoader } from "~/routes/moderation._index";
import { useTestDatabase } from "../support/db";
import { commentInput, createArticle } from "../support/factories";
import { createPerson } from "../support/people";

const t = useTestDatabase();
const DAY = 86_400_000;

async function settings(changes: Partial<ModerationSettings>) {
  const current = await getModerationSettings(t.db);
  await saveModerationSettings(t.db, { settings: { ...current, ...changes }, moderatorId: null });
}

async function tickers() {
  const rows = await t.db
    .insertInto("tickers")
    .values([
      { symbol: "MP", exchange: "NYSE", company_name: "MP Materials", aliases: [] },
      { symbol: "LYC", exchange: "ASX", company_name: "Lynas Rare Earths", aliases: ["LYC.AX"] },
    ])
    .returning(["id", "symbol"])
    .execute();
  return { mp: rows[0]!.id, lyc: rows[1]!.id };
}

/** A member whose account is `days` old. */
async function memberAged(days: number) {
  const person = await createPerson(t.db);
  await t.db.updateTable("users").set({ created_at: new Date(Date.now() - days * DAY) }).where("id", "=", person.id).execute();
  return person;
}

async function post(articleId: number, body: string, who: { id: number; email: string } | { guest: string }, extra = {}) {
  const author = "guest" in who ? { authorEmail: who.guest, userId: null } : { authorEmail: who.email, userId: who.id };
  return postComment(t.db, commentInput(articleId, { body, ...author, ...extra }));
}

let articleId = 0;
let ids = { mp: 0, lyc: 0 };
beforeEach(async () => {
  articleId = (await createArticle(t.db)).id;
  ids = await tickers();
  // Only the promotion rules under test decide (no first-time hold).
  await settings({ holdMode: "none" });
});

describe("tickersMentioned", () => {
  it("resolves cashtags by symbol, alias and exchange form, and ignores unknown ones", async () => {
    const found = async (text: string) => (await tickersMentioned(t.db, text)).map((row) => row.symbol).sort();
    expect(await found("Buying $MP today")).toEqual(["MP"]);
    expect(await found("$LYC.AX and $ASX:LYC")).toEqual(["LYC"]);
    expect(await found("$NYSE:LYC is not a listing we keep")).toEqual([]);
    expect(await found("$USD, $5 and $ZZZ")).toEqual([]);
  });
});

describe("ticker mention from a young account", () => {
  it("holds a member younger than 3 days (the default) who mentions a ticker, and says so", async () => {
    const young = await memberAged(1);
    const result = await post(articleId, "What do people think of $LYC?", young);
    expect(result).toMatchObject({ ok: true, status: "pending", heldReason: HOLD_REASONS.newAccountTicker(3, "$LYC", false) });
    const row = await t.db.selectFrom("comments").select("held_reason").where("id", "=", result.ok ? result.commentId : 0).executeTakeFirstOrThrow();
    expect(row.held_reason).toContain("Promotion rule");
  });

  it("lets the same young member through without a ticker, and an older member with one", async () => {
    expect(await post(articleId, "What do people think of rare earths?", await memberAged(1))).toMatchObject({ status: "approved" });
    expect(await post(articleId, "What do people think of $LYC?", await memberAged(4))).toMatchObject({ status: "approved" });
  });

  it("knows a guest by email: unseen or first seen recently is young, first seen long ago is not", async () => {
    const unseen = await post(articleId, "$MP is cheap", { guest: "new@example.com" });
    expect(unseen).toMatchObject({ status: "pending", heldReason: HOLD_REASONS.newAccountTicker(3, "$MP", true) });
    const old = await post(articleId, "An older guest's first word.", { guest: "old@example.com" });
    await sql`update comments set created_at = now() - interval '5 days' where id = ${old.ok ? old.commentId : 0}`.execute(t.db);
    expect(await post(articleId, "$MP is cheap", { guest: "OLD@example.com" })).toMatchObject({ status: "approved" });
  });

  it("follows its setting: 10 days holds a 4-day-old account, 0 turns the rule off", async () => {
    const member = await memberAged(4);
    await settings({ tickerNewAccountDays: 10 });
    expect(await post(articleId, "Long $MP", member)).toMatchObject({ status: "pending", heldReason: HOLD_REASONS.newAccountTicker(10, "$MP", false) });
    await settings({ tickerNewAccountDays: 0 });
    expect(await post(articleId, "Long $MP again", await memberAged(0))).toMatchObject({ status: "approved" });
  });
});

describe("promotional phrases with a ticker", () => {
  it("holds a default phrase together with a ticker, naming the phrase and the ticker", async () => {
    const member = await memberAged(30);
    const result = await post(articleId, "$LYC is going TO THE  MOON, price target 20", member);
    expect(result).toMatchObject({ status: "pending", heldReason: HOLD_REASONS.promotionalPhrase("to the moon", "$LYC") });
  });

  it("does not hold the phrase without a ticker, nor a ticker without a phrase", async () => {
    const member = await memberAged(30);
    expect(await post(articleId, "Rare earths to the moon", member)).toMatchObject({ status: "approved" });
    expect(await post(articleId, "$MP reported a quiet quarter", member)).toMatchObject({ status: "approved" });
    expect(await post(articleId, "$MP, a 10xer? No: 10 x nothing", member)).toMatchObject({ status: "approved" });
  });

  it("uses the edited list", async () => {
    const member = await memberAged(30);
    await settings({ promotionalPhrases: ["load up"] });
    expect(await post(articleId, "$MP to the moon", member)).toMatchObject({ status: "approved" });
    expect(await post(articleId, "Load up on $MP", member)).toMatchObject({
      status: "pending",
      heldReason: HOLD_REASONS.promotionalPhrase("load up", "$MP"),
    });
  });
});

describe("paid or connected", () => {
  it("holds a comment whose author ticked paid or connected for a ticker it mentions", async () => {
    const member = await memberAged(30);
    const result = await post(articleId, "An update on $MP and $LYC", member, { connectedTickerIds: [ids.mp] });
    expect(result).toMatchObject({ status: "pending", heldReason: HOLD_REASONS.connected("$MP") });
  });

  it("ignores a ticked box for a ticker the comment does not mention, and follows its setting", async () => {
    const member = await memberAged(30);
    expect(await post(articleId, "An update on $LYC", member, { connectedTickerIds: [ids.mp] })).toMatchObject({ status: "approved" });
    await settings({ holdConnected: false });
    expect(await post(articleId, "More on $MP", member, { connectedTickerIds: [ids.mp] })).toMatchObject({ status: "approved" });
  });
});

describe("the queue shows disclosures and sentiment", () => {
  const queueAs = async (cookie: string, tab: string) => {
    const response = await queueLoader({ request: new Request(`http://localhost/moderation?tab=${tab}`, { headers: { Cookie: cookie } }), params: {}, context: { db: t.db, clientIp: "192.0.2.1" } } as never);
    return (await response.json()) as { page: QueuePage };
  };

  it("on a held comment: its disclosure (paid or connected among it) and its sentiment, beside the rule that held it", async () => {
    const member = await memberAged(30);
    const result = await post(articleId, "An update on $MP and $LYC", member, {
      connectedTickerIds: [ids.mp],
      disclosures: [
        { tickerId: ids.mp, position: "none", connected: true },
        { tickerId: ids.lyc, position: "long", connected: false },
      ],
      sentiment: "bullish",
    });
    expect(result).toMatchObject({ status: "pending", heldReason: HOLD_REASONS.connected("$MP") });
    const plain = await post(articleId, "Nothing to disclose here", { guest: "plain@example.com" });
    await settings({ holdMode: "all" });
    const held = await post(articleId, "Just a thought", { guest: "plain2@example.com" });
    expect(plain.ok && held.ok).toBe(true);

    const moderator = await createPerson(t.db, "moderator");
    const cookie = (await startSession(t.db, new Request("http://localhost/login", { method: "POST" }), moderator.id)).split(";")[0]!;
    const { page } = await queueAs(cookie, "pending");
    const item = page.items.find((i) => result.ok && i.id === result.commentId)!;
    expect(item.sentiment).toBe("bullish");
    expect(item.disclosures).toEqual([
      { symbol: "LYC", exchange: "ASX", position: "long", connected: false },
      { symbol: "MP", exchange: "NYSE", position: "none", connected: true },
    ]);
    const other = page.items.find((i) => held.ok && i.id === held.commentId)!;
    expect(other).toMatchObject({ sentiment: null, disclosures: [] });
  });

  it("on a reported comment too", async () => {
    await settings({ tickerNewAccountDays: 0 });
    const result = await post(articleId, "$LYC will double, trust me", { guest: "tout@example.com" }, { disclosures: [{ tickerId: ids.lyc, position: "long", connected: false }], sentiment: "bullish" });
    if (!result.ok) throw new Error("refused");
    await approveComment(t.db, { commentId: result.commentId });
    const reporter = await createPerson(t.db);
    expect(await reportComment(t.db, { clientIp: "192.0.2.9", commentId: result.commentId, reporterId: reporter.id, reason: "promotion" })).toMatchObject({ ok: true });
    const items = (await listQueue(t.db, { tab: "reported" })).items;
    expect(items.map((i) => [i.id, i.sentiment, i.disclosures])).toEqual([[result.commentId, "bullish", [{ symbol: "LYC", exchange: "ASX", position: "long", connected: false }]]]);
  });
});

describe("the settings form", () => {
  const form = (changes: Record<string, string>) => ({
    holdMode: "first-time",
    maxLinks: "2",
    heldWords: "",
    blockedWords: "",
    autoCloseDays: "",
    guestsAllowed: "yes",
    guestRateLimit: "5",
    memberRateLimit: "20",
    reporterMinAgeHours: "24",
    tickerNewAccountDays: "3",
    promotionalPhrases: "guaranteed\n10x",
    holdConnected: "yes",
    spikeMultiplier: "5",
    spikeMinComments: "20",
    disclosureRequired: "asked",
    ...changes,
  });

  it("reads the promotion settings, one phrase per line, and says what is wrong beside a bad number", () => {
    const ok = parseForm(settingsSchema, form({ promotionalPhrases: "Load Up\n\nto the  moon\nload up", holdConnected: "no", tickerNewAccountDays: "0" }));
    expect(ok).toMatchObject({ ok: true, data: { promotionalPhrases: ["load up", "to the moon"], holdConnected: false, tickerNewAccountDays: 0 } });
    const bad = parseForm(settingsSchema, form({ tickerNewAccountDays: "-1", spikeMultiplier: "0", spikeMinComments: "lots" }));
    expect(bad).toMatchObject({
      ok: false,
      errors: {
        tickerNewAccountDays: settingsMessages.tickerNewAccountDays,
        spikeMultiplier: settingsMessages.spikeMultiplier,
        spikeMinComments: settingsMessages.spikeMinComments,
      },
    });
  });
});

describe("reported as promotion", () => {
  it("comes first in Reported, oldest first within each kind, across pages", async () => {
    await settings({ tickerNewAccountDays: 0 });
    const comments: number[] = [];
    for (let i = 0; i < 4; i++) {
      const result = await post(articleId, `Comment ${i} on rare earths`, { guest: `g${i}@example.com` });
      if (!result.ok) throw new Error("refused");
      await approveComment(t.db, { commentId: result.commentId });
      comments.push(result.commentId);
    }
    const reporter = await createPerson(t.db);
    const reasons = ["spam", "promotion", "abuse", "promotion"] as const;
    for (const [i, commentId] of comments.entries()) {
      expect(await reportComment(t.db, { clientIp: `192.0.2.${i}`, commentId, reporterId: reporter.id, reason: reasons[i]! })).toMatchObject({ ok: true });
    }
    const expected = [comments[1], comments[3], comments[0], comments[2]];
    expect((await listQueue(t.db, { tab: "reported" })).items.map((item) => item.id)).toEqual(expected);
    const walked: number[] = [];
    let cursor: string | null = null;
    do {
      const page: QueuePage = await listQueue(t.db, { tab: "reported", cursor, limit: 1 });
      walked.push(...page.items.map((item) => item.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(walked).toEqual(expected);
    expect(REPORT_REASON_LABELS.promotion).toBe("Undisclosed promotion or pump-and-dump");
  });
});

describe("spike alert", () => {
  const now = new Date("2026-06-15T12:00:00Z");

  /** `count` comments mentioning the ticker, spread over [hoursAgoFrom, hoursAgoTo) before `now`. */
  async function mentions(tickerId: number, count: number, hoursAgoFrom: number, hoursAgoTo: number, status = "approved", base = now) {
    await sql`
      with made as (
        insert into comments (article_id, status, author_name, author_email, body_markdown, body_html, created_at)
        select ${articleId}::int, ${status}::text, 'A', 'a@example.com', 'b', '<p>b</p>',
               ${base}::timestamptz - make_interval(secs => (${hoursAgoFrom}::float8 + (${hoursAgoTo}::float8 - ${hoursAgoFrom}::float8) * (g - 0.5) / ${count}::int) * 3600)
        from generate_series(1, ${count}::int) as g
        returning id
      )
      insert into comment_tickers (comment_id, ticker_id) select id, ${tickerId}::int from made
    `.execute(t.db);
  }

  async function third() {
    const row = await t.db.insertInto("tickers").values({ symbol: "600111", exchange: "SSE", company_name: "China Northern Rare Earth" }).returning("id").executeTakeFirstOrThrow();
    return row.id;
  }

  it("flags a ticker above 5 times its 30-day daily average with at least 20 comments (the defaults), held ones counted", async () => {
    const sse = await third();
    // MP: 20 in 24 h (half of them held) against 60 in the 30 days before (2 a day): 20 > 10, a spike.
    await mentions(ids.mp, 10, 0, 24);
    await mentions(ids.mp, 10, 0, 24, "pending");
    await mentions(ids.mp, 60, 24, 24 * 31);
    // LYC: 19 in 24 h and nothing before: too few to matter.
    await mentions(ids.lyc, 19, 0, 24);
    // 600111: 30 in 24 h against 6 a day: exactly 5 times, not above.
    await mentions(sse, 30, 0, 24);
    await mentions(sse, 180, 24, 24 * 31);
    // Older than 31 days and after `now` do not count.
    await mentions(ids.lyc, 500, 24 * 32, 24 * 40);
    await mentions(ids.lyc, 50, -24, 0);
    const defaults = await getModerationSettings(t.db);
    expect(await tickerSpikes(t.db, defaults, now)).toEqual([
      { tickerId: ids.mp, symbol: "MP", exchange: "NYSE", companyName: "MP Materials", lastDay: 20, dailyAverage: 2 },
    ]);
    await mentions(sse, 1, 0, 24);
    expect((await tickerSpikes(t.db, defaults, now)).map((s) => s.symbol)).toEqual(["600111", "MP"]);
    // Its settings: at 10 times the average neither is a spike; at least 19 comments lets LYC in (19 against 0 a day).
    expect(await tickerSpikes(t.db, { spikeMultiplier: 10, spikeMinComments: 20 }, now)).toEqual([]);
    expect((await tickerSpikes(t.db, { spikeMultiplier: 5, spikeMinComments: 19 }, now)).map((s) => s.symbol)).toEqual(["600111", "MP", "LYC"]);
  });

  it("shows as a banner in the queue, linked to the ticker's comments", async () => {
    // The queue counts to the real clock.
    await mentions(ids.lyc, 25, 0, 20, "approved", new Date());
    const moderator = await createPerson(t.db, "moderator");
    const cookie = (await startSession(t.db, new Request("http://localhost/login", { method: "POST" }), moderator.id)).split(";")[0]!;
    const response = await queueLoader({ request: new Request("http://localhost/moderation", { headers: { Cookie: cookie } }), params: {}, context: { db: t.db, clientIp: "192.0.2.1" } } as never);
    const data = await response.json();
    expect(data.spikes).toMatchObject([{ symbol: "LYC", lastDay: 25, path: "/tickers/ASX/LYC", label: "$LYC (ASX)" }]);
  });
});
