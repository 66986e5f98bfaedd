// The moderation rules: each one a step of the pipeline in
// app/models/moderation.server.ts, tuned at /moderation/settings, stored in Postgres.
import { afterEach, describe, expect, it } from "vitest";
import { sql } from "kysely";
import { postComment } from "~/models/comments.server";
import { setCommentsOpen } from "~/models/commenting.server";
import { approveComment, HOLD_REASONS, REFUSAL_MESSAGES } from "~/models/moderation.server";
import {
  DEFAULT_MODERATION_SETTINGS,
  getModerationSettings,
  saveModerationSettings,
  type ModerationSettings,
} from "~/models/moderation-settings.server";
import { action as articleAction } from "~/routes/articles.$slug";
import { useTestDatabase } from "../support/db";
import { commentInput, createArticle, createComment } from "../support/factories";
import { createPerson } from "../support/people";

const t = useTestDatabase();

async function settings(changes: Partial<ModerationSettings>) {
  const current = await getModerationSettings(t.db);
  await saveModerationSettings(t.db, { settings: { ...current, ...changes }, moderatorId: null });
}

/** An author whose earlier comment was approved, so the first-time rule lets them through. */
async function knownAuthor(articleId: number, email: string) {
  const first = await createComment(t.db, articleId, { authorEmail: email, ipHash: `known-${email}` });
  await approveComment(t.db, { commentId: first.commentId });
  return email;
}

describe("settings", () => {
  it("has the documented defaults, in the code and in the migration's column defaults alike", async () => {
    expect(DEFAULT_MODERATION_SETTINGS).toEqual({
      holdMode: "first-time",
      maxLinks: 2,
      heldWords: [],
      blockedWords: [],
      autoCloseDays: null,
      guestsAllowed: true,
      guestRateLimit: 5,
      memberRateLimit: 20,
      reporterMinAgeHours: 24,
      disclosureRequired: false,
      tickerNewAccountDays: 3,
      promotionalPhrases: ["guaranteed", "10x", "to the moon", "next big", "price target"],
      holdConnected: true,
      spikeMultiplier: 5,
      spikeMinComments: 20,
    });
    // The tables are emptied before each test: no row means the defaults.
    expect(await getModerationSettings(t.db)).toEqual(DEFAULT_MODERATION_SETTINGS);
    await t.db.insertInto("moderation_settings").values({ id: true }).execute();
    expect(await getModerationSettings(t.db)).toEqual(DEFAULT_MODERATION_SETTINGS);
  });

  it("keeps a single row", async () => {
    await t.db.insertInto("moderation_settings").values({ id: true }).execute();
    await expect(sql`insert into moderation_settings (id) values (false)`.execute(t.db)).rejects.toThrow();
  });

  it("stores a change with a log entry naming what changed, before and after", async () => {
    const moderator = await createPerson(t.db, "moderator");
    await saveModerationSettings(t.db, {
      settings: { ...DEFAULT_MODERATION_SETTINGS, maxLinks: 4, blockedWords: ["casino"] },
      moderatorId: moderator.id,
    });
    expect(await getModerationSettings(t.db)).toMatchObject({ maxLinks: 4, blockedWords: ["casino"] });
    const log = await t.db.selectFrom("moderation_log").selectAll().execute();
    expect(log).toHaveLength(1);
    expect(log[0]).toMatchObject({ action: "settings", moderator_id: moderator.id, moderator_name: moderator.name });
    expect(log[0]!.details).toEqual({ maxLinks: { before: 2, after: 4 }, blockedWords: { before: [], after: ["casino"] } });
  });
});

describe("hold setting", () => {
  it("first-time authors (the default): held until one comment of theirs was approved", async () => {
    const article = await createArticle(t.db);
    const first = await postComment(t.db, commentInput(article.id, { authorEmail: "first@example.com" }));
    expect(first).toMatchObject({ ok: true, status: "pending", heldReason: HOLD_REASONS.firstTimeAuthor });
    await approveComment(t.db, { commentId: first.ok ? first.commentId : 0 });
    const second = await postComment(t.db, commentInput(article.id, { authorEmail: "FIRST@example.com" }));
    expect(second).toMatchObject({ ok: true, status: "approved", heldReason: null });
  });

  it("all: even a known author's comment is held, and says why", async () => {
    const article = await createArticle(t.db);
    const email = await knownAuthor(article.id, "known@example.com");
    await settings({ holdMode: "all" });
    const result = await postComment(t.db, commentInput(article.id, { authorEmail: email }));
    expect(result).toMatchObject({ ok: true, status: "pending", heldReason: HOLD_REASONS.holdAll });
    const row = await t.db.selectFrom("comments").select("held_reason").where("id", "=", result.ok ? result.commentId : 0).executeTakeFirstOrThrow();
    expect(row.held_reason).toBe(HOLD_REASONS.holdAll);
  });

  it("none: a first-time author is published at once", async () => {
    const article = await createArticle(t.db);
    await settings({ holdMode: "none" });
    expect(await postComment(t.db, commentInput(article.id))).toMatchObject({ ok: true, status: "approved" });
  });
});

describe("links", () => {
  it("holds a comment with more than 2 links by default, counting Markdown links and bare URLs", async () => {
    const article = await createArticle(t.db);
    await settings({ holdMode: "none" });
    const two = await postComment(t.db, commentInput(article.id, { body: "See [one](https://a.example) and https://b.example" }));
    expect(two).toMatchObject({ ok: true, status: "approved" });
    const three = await postComment(
      t.db,
      commentInput(article.id, { body: "See [one](https://a.example), https://b.example and <https://c.example>" }),
    );
    expect(three).toMatchObject({ ok: true, status: "pending", heldReason: HOLD_REASONS.tooManyLinks(2, 3) });
  });

  it("follows the setting: with 0 allowed, one link holds", async () => {
    const article = await createArticle(t.db);
    await settings({ holdMode: "none", maxLinks: 0 });
    expect(await postComment(t.db, commentInput(article.id, { body: "Only text." }))).toMatchObject({ status: "approved" });
    expect(await postComment(t.db, commentInput(article.id, { body: "One https://a.example" }))).toMatchObject({
      status: "pending",
      heldReason: "More than 0 links (1).",
    });
  });
});

describe("held and blocked words", () => {
  it("a blocked word sends the comment to Spam, matched as a whole word in any case", async () => {
    const article = await createArticle(t.db);
    await settings({ holdMode: "none", blockedWords: ["pump"] });
    expect(await postComment(t.db, commentInput(article.id, { body: "Time to PUMP this stock!" }))).toMatchObject({ ok: true });
    const spam = await t.db.selectFrom("comments").select(["status", "held_reason"]).orderBy("id", "desc").executeTakeFirstOrThrow();
    expect(spam).toEqual({ status: "spam", held_reason: HOLD_REASONS.blockedWord("pump", "comment") });
    // Part of a longer word: not a match.
    expect(await postComment(t.db, commentInput(article.id, { body: "Pumpkin prices and pumped hydro." }))).toMatchObject({ status: "approved" });
  });

  it("a held word holds the comment in Pending", async () => {
    const article = await createArticle(t.db);
    await settings({ holdMode: "none", heldWords: ["guaranteed returns"] });
    const held = await postComment(t.db, commentInput(article.id, { body: "These are Guaranteed   returns, trust me." }));
    expect(held).toMatchObject({ ok: true, status: "pending", heldReason: HOLD_REASONS.heldWord("guaranteed returns", "comment") });
    expect(await postComment(t.db, commentInput(article.id, { body: "No returns are guaranteed." }))).toMatchObject({ status: "approved" });
  });

  it("looks in the name, the email and the website too", async () => {
    const article = await createArticle(t.db);
    await settings({ holdMode: "none", heldWords: ["moonshot"], blockedWords: ["casino"] });
    const cases = [
      { input: { authorName: "Moonshot Trader" }, status: "pending", reason: HOLD_REASONS.heldWord("moonshot", "name") },
      { input: { authorEmail: "win@casino.example" }, status: "spam", reason: HOLD_REASONS.blockedWord("casino", "email") },
      { input: { authorUrl: "https://best-casino.example/x" }, status: "spam", reason: HOLD_REASONS.blockedWord("casino", "website") },
    ];
    for (const c of cases) {
      const result = await postComment(t.db, commentInput(article.id, c.input));
      expect(result.ok).toBe(true);
      const row = await t.db.selectFrom("comments").select(["status", "held_reason"]).where("id", "=", result.ok ? result.commentId : 0).executeTakeFirstOrThrow();
      expect(row).toEqual({ status: c.status, held_reason: c.reason });
    }
  });

  it("a blocked word wins over a held word", async () => {
    const article = await createArticle(t.db);
    await settings({ heldWords: ["rocket"], blockedWords: ["scam"] });
    await postComment(t.db, commentInput(article.id, { body: "rocket scam" }));
    expect(await t.db.selectFrom("comments").select("status").executeTakeFirstOrThrow()).toEqual({ status: "spam" });
  });
});

describe("comments open or closed", () => {
  it("refuses a comment on an article a moderator closed, and takes it again once reopened", async () => {
    const article = await createArticle(t.db);
    const moderator = await createPerson(t.db, "moderator");
    await setCommentsOpen(t.db, { articleId: article.id, open: false, moderatorId: moderator.id });
    expect(await postComment(t.db, commentInput(article.id))).toEqual({
      ok: false,
      error: "comments-closed",
      message: "Comments are closed.",
      retryAfterSeconds: null,
    });
    expect(await t.db.selectFrom("comments").select("id").execute()).toHaveLength(0);
    await setCommentsOpen(t.db, { articleId: article.id, open: true, moderatorId: moderator.id });
    expect(await postComment(t.db, commentInput(article.id))).toMatchObject({ ok: true });
    const log = await t.db.selectFrom("moderation_log").select(["action", "article_id"]).orderBy("id").execute();
    expect(log).toEqual([
      { action: "close-comments", article_id: article.id },
      { action: "open-comments", article_id: article.id },
    ]);
  });

  it("closes automatically N days after publication when the setting is on", async () => {
    const old = await createArticle(t.db, { publishedAt: new Date(Date.now() - 8 * 86_400_000) });
    const recent = await createArticle(t.db, { publishedAt: new Date(Date.now() - 6 * 86_400_000) });
    expect(await postComment(t.db, commentInput(old.id))).toMatchObject({ ok: true });
    await settings({ autoCloseDays: 7 });
    expect(await postComment(t.db, commentInput(old.id))).toMatchObject({ ok: false, error: "comments-closed" });
    expect(await postComment(t.db, commentInput(recent.id))).toMatchObject({ ok: true });
  });
});

describe("guests allowed or members only", () => {
  it("members only: a guest is refused, a member may post", async () => {
    const article = await createArticle(t.db);
    const member = await createPerson(t.db);
    await settings({ guestsAllowed: false });
    expect(await postComment(t.db, commentInput(article.id))).toEqual({
      ok: false,
      error: "members-only",
      message: REFUSAL_MESSAGES.membersOnly,
      retryAfterSeconds: null,
    });
    expect(await postComment(t.db, commentInput(article.id, { userId: member.id, authorEmail: member.email }))).toMatchObject({ ok: true });
  });
});

describe("rate limits", () => {
  afterEach(() => {
    delete process.env.ASSAY_RATE_LIMITS;
  });

  it("lets a guest IP post 5 comments in 10 minutes, then refuses with a retry time", async () => {
    const article = await createArticle(t.db);
    for (let i = 0; i < 5; i++) {
      expect(await postComment(t.db, commentInput(article.id, { ipHash: "flood-ip" }))).toMatchObject({ ok: true });
    }
    const sixth = await postComment(t.db, commentInput(article.id, { ipHash: "flood-ip" }));
    expect(sixth).toMatchObject({ ok: false, error: "rate-limited", message: "You are posting comments too quickly. Slow down." });
    expect(!sixth.ok && sixth.error === "rate-limited" && sixth.retryAfterSeconds).toBeGreaterThan(500);
    expect(await t.db.selectFrom("comments").select("id").execute()).toHaveLength(5);
    // Another IP is not affected; and once the window is over, this one may post again.
    expect(await postComment(t.db, commentInput(article.id, { ipHash: "other-ip" }))).toMatchObject({ ok: true });
    await t.db.updateTable("rate_limits").set({ expires_at: sql<Date>`now() - interval '1 second'` }).execute();
    expect(await postComment(t.db, commentInput(article.id, { ipHash: "flood-ip" }))).toMatchObject({ ok: true });
  });

  it("lets a member post 20, counted by account whatever the IP", async () => {
    const article = await createArticle(t.db);
    const member = await createPerson(t.db);
    for (let i = 0; i < 20; i++) {
      const result = await postComment(t.db, commentInput(article.id, { userId: member.id, authorEmail: member.email, ipHash: `ip-${i}` }));
      expect(result).toMatchObject({ ok: true });
    }
    expect(await postComment(t.db, commentInput(article.id, { userId: member.id, authorEmail: member.email, ipHash: "fresh" }))).toMatchObject({
      ok: false,
      error: "rate-limited",
    });
  });

  it("follows the limits in the settings", async () => {
    const article = await createArticle(t.db);
    await settings({ guestRateLimit: 1 });
    expect(await postComment(t.db, commentInput(article.id, { ipHash: "x" }))).toMatchObject({ ok: true });
    expect(await postComment(t.db, commentInput(article.id, { ipHash: "x" }))).toMatchObject({ ok: false, error: "rate-limited" });
  });

  it("counts in Postgres, so parallel posts cannot slip past the limit", async () => {
    const article = await createArticle(t.db);
    const results = await Promise.all(Array.from({ length: 8 }, () => postComment(t.db, commentInput(article.id, { ipHash: "burst" }))));
    expect(results.filter((r) => r.ok)).toHaveLength(5);
    expect(results.filter((r) => !r.ok && r.error === "rate-limited")).toHaveLength(3);
  });

  it("is off with ASSAY_RATE_LIMITS=off (for the benchmark)", async () => {
    const article = await createArticle(t.db);
    process.env.ASSAY_RATE_LIMITS = "off";
    for (let i = 0; i < 7; i++) expect(await postComment(t.db, commentInput(article.id, { ipHash: "bench" }))).toMatchObject({ ok: true });
  });

  it("answers the article form with 429, the message beside the form and every value typed", async () => {
    const article = await createArticle(t.db);
    await settings({ guestRateLimit: 1 });
    const post = (n: number) =>
      articleAction({
        params: { slug: article.slug },
        context: { db: t.db, clientIp: "203.0.113.9" },
        request: new Request(`http://localhost/articles/${article.slug}`, {
          method: "POST",
          body: new URLSearchParams({
            comment: `Typed words ${n}`,
            author: "Fast Typist",
            email: "fast@example.com",
            url: "https://fast.example.com",
            comment_parent: "0",
          }),
        }),
      });
    const first = await post(1);
    expect(first.status).toBe(303);
    const second = await post(2);
    expect(second.status).toBe(429);
    expect(Number(second.headers.get("Retry-After"))).toBeGreaterThan(0);
    expect(await second.json()).toEqual({
      errors: {},
      formError: "You are posting comments too quickly. Slow down.",
      values: { comment: "Typed words 2", author: "Fast Typist", email: "fast@example.com", url: "https://fast.example.com" },
      // The "Notify me of replies" box and the disclosure part, as sent, come back too.
      notifyReplies: false,
      disclosure: { tickers: [], answers: {}, required: false, sentiment: "" },
    });
  });
});
