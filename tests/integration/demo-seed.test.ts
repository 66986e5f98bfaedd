// The demo seed of a trial install gives the demo moderator a queue to work:
// guests' first comments held for review and a comment reported by the demo member.
import { expect, it } from "vitest";
import { sql } from "kysely";
import { DEMO_SPIKE, seed, seedDemoAccounts } from "../../db/seed";
import { listPersonalFeedArticles } from "~/models/feeds.server";
import { HOLD_REASONS } from "~/models/moderation.server";
import { listQueue } from "~/models/moderation-queue.server";
import { getModerationSettings } from "~/models/moderation-settings.server";
import { tickerSpikes } from "~/models/promotion.server";
import { trendingTickers } from "~/models/tickers.server";
import { useTestDatabase } from "../support/db";

const t = useTestDatabase();

it("fills the queue once, through the pipeline and the report code", async () => {
  await seed(t.db);
  expect(await seedDemoAccounts(t.db)).toBe(3);
  const pending = await t.db.selectFrom("comments").select(["author_name", "held_reason"]).where("status", "=", "pending").orderBy("id").execute();
  expect(pending.map((c) => c.author_name)).toEqual(["Kwame A.", "RareEarthRocket", "Nina Park", "PennyStockPro", "Sam Whitfield"]);
  for (const comment of pending) expect(comment.held_reason).toBeTruthy();
  // One held by each promotion rule, which names itself.
  expect(pending.slice(2).map((c) => c.held_reason)).toEqual([
    HOLD_REASONS.newAccountTicker(3, "$ILU", true),
    expect.stringMatching(/^Promotion rule: promotional phrase “(guaranteed|to the moon|price target)” with \$ARU\.$/),
    HOLD_REASONS.connected("$ARU"),
  ]);
  // The paid-or-connected one carries its disclosure and sentiment into the queue.
  const queue = await listQueue(t.db, { tab: "pending" });
  expect(queue.items.find((i) => i.author.name === "Sam Whitfield")).toMatchObject({
    sentiment: "bullish",
    disclosures: [{ symbol: "ARU", exchange: "ASX", position: "long", connected: true }],
  });
  const reported = await t.db.selectFrom("comments").select("id").where("report_state", "=", "open").execute();
  expect(reported).toHaveLength(1);
  const reports = await t.db.selectFrom("comment_reports").select(["comment_id", "reason"]).execute();
  expect(reports).toEqual([{ comment_id: reported[0]!.id, reason: "off-topic" }]);

  // The demo member's personal feed has articles in it from the first start.
  const member = await t.db.selectFrom("users").select("id").where("email", "=", "member@example.com").executeTakeFirstOrThrow();
  const personal = await listPersonalFeedArticles(t.db, member.id);
  expect(personal.length).toBeGreaterThan(0);
  for (const article of personal) expect(article.categories.some((c) => c.slug === "china" || c.slug === "supply-chain")).toBe(true);

  // A second start adds no accounts and no more queue items.
  expect(await seedDemoAccounts(t.db)).toBe(0);
  expect(await t.db.selectFrom("comments").select("id").where("status", "=", "pending").execute()).toHaveLength(5);
  expect(await t.db.selectFrom("comment_reports").select("comment_id").execute()).toHaveLength(1);

  // Ignore: the demo member ignores Moonshot Mike, who has one approved comment (kept once).
  const ignored = await t.db
    .selectFrom("member_ignores as i")
    .innerJoin("users as u", "u.id", "i.ignored_user_id")
    .select(["i.user_id", "u.display_name", sql<number>`(select count(*) from comments c where c.user_id = u.id and c.status = 'approved')::int`.as("comments")])
    .execute();
  expect(ignored).toEqual([{ user_id: member.id, display_name: "Moonshot Mike", comments: 1 }]);
});

it("gives one article the demo news site's address (npm run embed:demo), once", async () => {
  const { EMBED_DEMO_ORIGIN, EMBED_DEMO_ARTICLE_PATH } = await import("../../db/seed");
  await seed(t.db);
  await seed(t.db);
  const rows = await t.db.selectFrom("articles").select(["slug", "canonical_url"]).where("canonical_url", "is not", null).execute();
  expect(rows).toEqual([{ slug: "baogang-orders-safety-and-environmental-inspections-at-key-mines", canonical_url: `${EMBED_DEMO_ORIGIN}${EMBED_DEMO_ARTICLE_PATH}` }]);
});

it("shows investors' disclosures and sentiment, once, and gives the demo member a usual answer", async () => {
  const { sentimentFor } = await import("~/models/sentiment.server");
  await seed(t.db);
  await seedDemoAccounts(t.db);
  await seedDemoAccounts(t.db);
  const disclosures = await t.db.selectFrom("comment_disclosures").select(["position", "connected"]).execute();
  // Six on published comments, and the paid-or-connected one held in the queue.
  expect(disclosures).toHaveLength(7);
  expect(disclosures.filter((d) => d.connected)).toHaveLength(2);
  const magnets = await t.db.selectFrom("articles").select("id").where("slug", "=", "magnet-makers-race-to-secure-heavy-rare-earth-supply").executeTakeFirstOrThrow();
  const lyc = await t.db.selectFrom("tickers").select("id").where("symbol", "=", "LYC").executeTakeFirstOrThrow();
  const figures = await sentimentFor(t.db, { articleId: magnets.id, tickerIds: [lyc.id] });
  expect(figures.article).toMatchObject({ bullish: 1, bearish: 1 });
  expect(figures.tickers[lyc.id]).toMatchObject({ bullish: 2, bearish: 1 });
  expect(await t.db.selectFrom("disclosure_defaults").select("position").execute()).toEqual([{ position: "long" }]);
});

it("shows a spike alert on the ticker it names, with the default settings, once", async () => {
  await seed(t.db);
  await seed(t.db);
  const settings = await getModerationSettings(t.db);
  expect(settings).toMatchObject({ spikeMultiplier: 5, spikeMinComments: 20 });
  const spikes = await tickerSpikes(t.db, settings);
  expect(spikes).toMatchObject([{ symbol: DEMO_SPIKE.symbol, exchange: DEMO_SPIKE.exchange, lastDay: DEMO_SPIKE.lastDay, dailyAverage: DEMO_SPIKE.before / 30 > 0 ? Math.round((DEMO_SPIKE.before / 30) * 10) / 10 : 0 }]);
  // Over the defaults by construction, not by a hair.
  expect(DEMO_SPIKE.lastDay).toBeGreaterThanOrEqual(20);
  expect(DEMO_SPIKE.lastDay * 30).toBeGreaterThan(5 * DEMO_SPIKE.before);
  // It is what trends too, with its count.
  expect((await trendingTickers(t.db))[0]).toMatchObject({ symbol: "ARU", comments: DEMO_SPIKE.lastDay });
  // With the demo accounts, the held promotion comments on $ARU count too (held ones are counted).
  await seedDemoAccounts(t.db);
  expect((await tickerSpikes(t.db, settings))[0]).toMatchObject({ symbol: "ARU", lastDay: DEMO_SPIKE.lastDay + 2 });
});
