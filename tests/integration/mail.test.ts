// Mail, end to end through a real SMTP server (smtp-server) with nodemailer
// pointed at it by SMTP_URL, run by the real job worker (graphile-worker):
// a new article reaches each watcher once, with the RFC 8058 headers; a reply
// reaches the parent's author once and never while held; a guest hears nothing
// but the confirmation link until they follow it; unsubscribing works logged
// out, by the page and by one-click POST; a failed send is retried, and two
// workers or a rerun never send twice; fan-out is one statement, not a loop.
process.env.PUBLIC_ORIGINS = "https://forum.example.com";
// The tests and the app server they start sign and read links alike (the
// generated secret would not survive the tables being emptied between tests).
process.env.MAIL_LINK_SECRET = "mail-test-secret";

import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { sql } from "kysely";
import { runOnce } from "graphile-worker";
import { createTaskList } from "~/jobs/worker.server";
import { addJob, JOB_SCHEMA } from "~/jobs/queue.server";
import { approveComment } from "~/models/moderation.server";
import { claimDeliveries, retryDelaySeconds } from "~/models/mail-deliveries.server";
import { getUnsubscribePage, makeMailToken, readMailToken, unsubscribe } from "~/models/mail-links.server";
import { saveEditedArticle } from "~/models/publishing.server";
import { useTestDatabase } from "../support/db";
import { createArticle, createCategory, createComment } from "../support/factories";
import { createPerson } from "../support/people";
import { startSmtpSink, type SmtpSink, type SunkMail } from "../support/smtp-sink";
import { request, startAppServer, type AppServer } from "../support/app-server";
import type { FollowLevel } from "../../db/schema";

const t = useTestDatabase();
let sink: SmtpSink;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  sink = await startSmtpSink();
  env = { ...process.env, SMTP_URL: sink.url, MAIL_FROM: "Assay <mail@forum.example.com>", WORKER_CONCURRENCY: "4" };
});
afterAll(async () => {
  await sink?.stop();
});
beforeEach(async () => {
  sink.clear();
  sink.refuse(0);
  await sql`delete from graphile_worker._private_jobs`.execute(t.db);
  await setHoldMode("none");
});

async function setHoldMode(mode: "none" | "all", blockedWords: string[] = []) {
  await t.db
    .insertInto("moderation_settings")
    .values({ id: true, hold_mode: mode, blocked_words: blockedWords })
    .onConflict((oc) => oc.column("id").doUpdateSet({ hold_mode: mode, blocked_words: blockedWords }))
    .execute();
}

async function runWorker() {
  await runOnce({ connectionString: t.url, schema: JOB_SCHEMA, taskList: createTaskList({ db: t.db, env }), concurrency: 4 });
}

/** Announce what is due and fan out, leaving the senders' jobs queued. */
async function fanOutOnly() {
  const { announce_due_articles, article_published } = createTaskList({ db: t.db, env });
  await runOnce({ connectionString: t.url, schema: JOB_SCHEMA, taskList: { announce_due_articles: announce_due_articles!, article_published: article_published! } });
}

/** Announce what is due (the crontab's job) and run everything that follows from it. */
async function announceAndRun() {
  await addJob(t.db, "announce_due_articles", {});
  await runWorker();
}

async function follower(categoryId: number, level: FollowLevel, options: { verified?: boolean } = {}) {
  const person = await createPerson(t.db);
  if (options.verified === false) await t.db.updateTable("users").set({ email_verified_at: null }).where("id", "=", person.id).execute();
  await t.db.insertInto("category_follows").values({ user_id: person.id, category_id: categoryId, level }).execute();
  return person;
}

function recipients(mails: SunkMail[]): string[] {
  return mails.flatMap((m) => m.to).sort();
}

async function lynas() {
  return t.db.insertInto("tickers").values({ symbol: "LYC", exchange: "ASX", company_name: "Lynas Rare Earths" }).returning("id").executeTakeFirstOrThrow();
}

async function tickerFollower(tickerId: number, level: FollowLevel) {
  const person = await createPerson(t.db);
  await t.db.insertInto("ticker_follows").values({ user_id: person.id, ticker_id: tickerId, level }).execute();
  return person;
}

/** An article tagged with these tickers (and in these categories), published a minute ago, not yet announced. */
async function tickerArticle(slug: string, tickerIds: number[], categorySlugs: string[] = [], publishedAt?: Date) {
  const article = await createArticle(t.db, { slug, title: slug.replace(/-/g, " "), categorySlugs, ...(publishedAt ? { publishedAt } : {}) });
  await t.db.insertInto("article_tickers").values(tickerIds.map((ticker_id) => ({ article_id: article.id, ticker_id }))).execute();
  return article;
}

describe("a new article in a watched category", () => {
  it("sends exactly one mail to each watcher, with text, HTML and the one-click headers", async () => {
    const supply = await createCategory(t.db, "supply-chain", "Supply Chain");
    const china = await createCategory(t.db, "china", "China");
    const a = await follower(supply.id, "watching");
    const b = await follower(supply.id, "watching");
    await t.db.insertInto("category_follows").values({ user_id: b.id, category_id: china.id, level: "watching" }).execute();
    const following = await follower(supply.id, "following");
    const daily = await follower(supply.id, "daily");
    const muted = await follower(supply.id, "muted");
    const unverified = await follower(supply.id, "watching", { verified: false });
    const banned = await follower(supply.id, "watching");
    await t.db.insertInto("member_restrictions").values({ user_id: banned.id, kind: "ban", reason: "spam" }).execute();
    const suspended = await follower(supply.id, "watching");
    await t.db
      .insertInto("member_restrictions")
      .values({ user_id: suspended.id, kind: "suspension", until: new Date(Date.now() + 86_400_000), reason: "cool off" })
      .execute();

    await createArticle(t.db, { slug: "ports-reopen", title: "Ports reopen", categorySlugs: ["supply-chain", "china"] });
    await announceAndRun();

    expect(recipients(sink.mails)).toEqual([a.email, b.email].map((e) => e.toLowerCase()).sort());
    for (const mail of sink.mails) {
      expect(mail.headers.get("subject")).toBe("New in Supply Chain: Ports reopen");
      expect(mail.headers.get("from")).toContain("mail@forum.example.com");
      expect(mail.headers.get("list-unsubscribe")).toMatch(/^<https:\/\/forum\.example\.com\/mail\/unsubscribe\/one-click\?token=[\w-]+\.[\w-]{43}>$/);
      expect(mail.headers.get("list-unsubscribe-post")).toBe("List-Unsubscribe=One-Click");
      expect(mail.headers.get("content-type")).toMatch(/^multipart\/alternative/);
      expect(mail.text).toContain("https://forum.example.com/articles/ports-reopen");
      expect(mail.text).toMatch(/Unsubscribe or get less mail: https:\/\/forum\.example\.com\/mail\/unsubscribe\?token=/);
      expect(mail.html).toContain('<a href="https://forum.example.com/articles/ports-reopen">');
      expect(mail.html).toContain("https://forum.example.com/mail/unsubscribe?token=");
    }
    // In-app: every watcher not barred, verified or not; nobody at another level.
    const notified = await t.db.selectFrom("notifications").select("user_id").where("kind", "=", "article").execute();
    expect(notified.map((n) => n.user_id).sort()).toEqual([a.id, b.id, unverified.id].sort());
    expect([following, daily, muted].some((p) => notified.some((n) => n.user_id === p.id))).toBe(false);

    // The same event again (a retried job, a second announcement) adds nothing.
    const article = await t.db.selectFrom("articles").select("id").where("slug", "=", "ports-reopen").executeTakeFirstOrThrow();
    await addJob(t.db, "article_published", { articleId: article.id });
    await announceAndRun();
    expect(sink.mails).toHaveLength(2);
    expect(await t.db.selectFrom("notifications").select("id").execute()).toHaveLength(3);
  });

  it("publishing only queues: thousands of watchers are one statement in a job, and the senders are a few jobs", async () => {
    const big = await createCategory(t.db, "macro", "Macro");
    await sql`
      with people as (
        insert into users (email, display_name, password_hash, email_verified_at)
        select 'watcher' || n || '@example.com', 'Watcher ' || n, 'x', now() from generate_series(1, 5000) n
        returning id
      )
      insert into category_follows (user_id, category_id, level) select id, ${big.id}, 'watching' from people`.execute(t.db);
    const save = (slug: string, categoryIds: number[]) =>
      saveEditedArticle(t.db, {
        articleId: null,
        expectedVersion: 0,
        actor: { id: null, name: "Desk" },
        fields: { title: slug, slug, byline: "", highlights: [], bodyMarkdown: "Body.", excerpt: "", categoryIds, newCategoryNames: [], commentsOpen: true },
        publish: { mode: "publish", at: new Date(Date.now() - 1000) },
      });
    const quiet = await createCategory(t.db, "quiet", "Quiet");
    const started = performance.now();
    expect((await save("to-many", [big.id])).ok).toBe(true);
    const toMany = performance.now() - started;
    const started1 = performance.now();
    expect((await save("to-none", [quiet.id])).ok).toBe(true);
    const toNone = performance.now() - started1;
    // The request wrote no mail and queued nothing per watcher.
    expect(await t.db.selectFrom("mail_deliveries").select("id").execute()).toHaveLength(0);
    expect(toMany).toBeLessThan(Math.max(250, toNone * 5));

    // The worker's announcement job fans out in one insert-select and wakes WORKER_CONCURRENCY senders.
    await addJob(t.db, "announce_due_articles", {});
    await fanOutOnly();
    const { rows } = await sql<{ n: number }>`select count(*)::int as n from mail_deliveries where status = 'pending'`.execute(t.db);
    expect(rows[0]!.n).toBe(5000);
    const senders = await sql<{ n: number }>`select count(*)::int as n from graphile_worker.jobs where task_identifier = 'send_mail'`.execute(t.db);
    expect(senders.rows[0]!.n).toBe(4);
  });
});

describe("a new article tagged with a watched ticker", () => {
  it("mails each ticker watcher once, and a member watching both its category and its ticker once, in one insert-select", async () => {
    const lyc = await lynas();
    const supply = await createCategory(t.db, "supply", "Supply");
    const watcher = await tickerFollower(lyc.id, "watching");
    const both = await tickerFollower(lyc.id, "watching");
    await t.db.insertInto("category_follows").values({ user_id: both.id, category_id: supply.id, level: "watching" }).execute();
    const following = await tickerFollower(lyc.id, "following");
    const daily = await tickerFollower(lyc.id, "daily");
    const muted = await tickerFollower(lyc.id, "muted");
    await tickerArticle("lynas-licence", [lyc.id], ["supply"]);

    await addJob(t.db, "announce_due_articles", {});
    await fanOutOnly();
    const rows = await t.db.selectFrom("mail_deliveries").select(["user_id", "category_id", "ticker_id"]).orderBy("user_id").execute();
    expect(rows).toEqual([
      { user_id: watcher.id, category_id: null, ticker_id: lyc.id },
      { user_id: both.id, category_id: supply.id, ticker_id: null },
    ]);
    await addJob(t.db, "send_mail", { slot: 0 });
    await runWorker();
    expect(recipients(sink.mails)).toEqual([watcher.email, both.email].map((e) => e.toLowerCase()).sort());
    const toWatcher = sink.mails.find((m) => m.to[0] === watcher.email.toLowerCase())!;
    expect(toWatcher.headers.get("subject")).toBe("New on $LYC (Lynas Rare Earths): lynas licence");
    expect(toWatcher.text).toContain("You get this mail because you watch $LYC (Lynas Rare Earths).");
    expect(toWatcher.text).toContain("https://forum.example.com/articles/lynas-licence");
    expect(toWatcher.headers.get("list-unsubscribe")).toMatch(/^<https:\/\/forum\.example\.com\/mail\/unsubscribe\/one-click\?token=/);
    expect(sink.mails.find((m) => m.to[0] === both.email.toLowerCase())!.headers.get("subject")).toBe("New in Supply: lynas licence");
    const notified = await t.db.selectFrom("notifications").select("user_id").where("kind", "=", "article").execute();
    expect(notified.map((n) => n.user_id).sort()).toEqual([watcher.id, both.id].sort());
    expect([following, daily, muted].some((p) => notified.some((n) => n.user_id === p.id))).toBe(false);

    // Again (a retried job): nobody twice.
    const article = await t.db.selectFrom("articles").select("id").where("slug", "=", "lynas-licence").executeTakeFirstOrThrow();
    await addJob(t.db, "article_published", { articleId: article.id });
    await runWorker();
    expect(sink.mails).toHaveLength(2);
  });

  it("is skipped at sending time once the member stops watching the ticker", async () => {
    const lyc = await lynas();
    const watcher = await tickerFollower(lyc.id, "watching");
    await tickerArticle("lynas-quarterly", [lyc.id]);
    await addJob(t.db, "announce_due_articles", {});
    await fanOutOnly();
    await t.db.updateTable("ticker_follows").set({ level: "following" }).where("user_id", "=", watcher.id).execute();
    await addJob(t.db, "send_mail", { slot: 0 });
    await runWorker();
    expect(sink.mails).toHaveLength(0);
    expect(await t.db.selectFrom("mail_deliveries").select("status").execute()).toEqual([{ status: "skipped" }]);
  });
});

describe("replies", () => {
  it("reach the parent's author once, and a held reply only once it is approved", async () => {
    const article = await createArticle(t.db, { slug: "rates", title: "Rates" });
    const author = await createPerson(t.db, "member", "Ann Author");
    const replier = await createPerson(t.db, "member", "Rob Replier");
    const parent = await createComment(t.db, article.id, { userId: author.id, authorName: author.name, authorEmail: author.email });
    await t.db.updateTable("comments").set({ notify_replies: true }).where("id", "=", parent.commentId).execute();
    // Her own reply to herself tells nobody.
    await createComment(t.db, article.id, { parentId: parent.commentId, userId: author.id, authorName: author.name, authorEmail: author.email, body: "Me again." });
    await createComment(t.db, article.id, { parentId: parent.commentId, userId: replier.id, authorName: replier.name, authorEmail: replier.email, body: "I disagree." });
    await runWorker();
    expect(recipients(sink.mails)).toEqual([author.email.toLowerCase()]);
    expect(sink.mails[0]!.headers.get("subject")).toBe("Rob Replier replied to your comment on Rates");
    expect(sink.mails[0]!.text).toContain("> I disagree.");
    expect(sink.mails[0]!.headers.get("list-unsubscribe-post")).toBe("List-Unsubscribe=One-Click");
    const notes = await t.db.selectFrom("notifications").select(["user_id", "kind"]).execute();
    expect(notes).toEqual([{ user_id: author.id, kind: "reply" }]);

    // Held: nothing until a moderator approves it, then one mail.
    sink.clear();
    await setHoldMode("all");
    const held = await createComment(t.db, article.id, { parentId: parent.commentId, userId: replier.id, authorName: replier.name, authorEmail: replier.email, body: "Held for review." });
    expect(held.status).toBe("pending");
    await runWorker();
    expect(sink.mails).toHaveLength(0);
    const moderator = await createPerson(t.db, "moderator");
    expect((await approveComment(t.db, { commentId: held.commentId, moderatorId: moderator.id })).ok).toBe(true);
    await runWorker();
    expect(recipients(sink.mails)).toEqual([author.email.toLowerCase()]);
    expect(sink.mails[0]!.text).toContain("> Held for review.");
    // Unapproved and approved again: still one.
    await t.db.updateTable("comments").set({ status: "pending" }).where("id", "=", held.commentId).execute();
    expect((await approveComment(t.db, { commentId: held.commentId, moderatorId: moderator.id })).ok).toBe(true);
    await runWorker();
    expect(sink.mails).toHaveLength(1);
    // A spammed reply tells nobody.
    sink.clear();
    await setHoldMode("none", ["casino"]);
    const spam = await createComment(t.db, article.id, { parentId: parent.commentId, userId: replier.id, authorName: replier.name, authorEmail: replier.email, body: "Best casino here." });
    expect(spam.status).toBe("pending"); // the result type folds spam into "not approved"
    await runWorker();
    expect(sink.mails).toHaveLength(0);
  });

  it("watchers of a thread get one mail for a burst of comments, not one each", async () => {
    const article = await createArticle(t.db, { slug: "oil", title: "Oil" });
    const watcher = await createPerson(t.db);
    await t.db.insertInto("thread_watches").values({ user_id: watcher.id, article_id: article.id }).execute();
    await createComment(t.db, article.id, { body: "First." });
    await runWorker();
    expect(recipients(sink.mails)).toEqual([watcher.email.toLowerCase()]);
    sink.clear();
    await createComment(t.db, article.id, { body: "Second." });
    await createComment(t.db, article.id, { body: "Third." });
    await runWorker();
    // Within the hour: they wait together, in one mail.
    expect(sink.mails).toHaveLength(0);
    const waiting = await t.db.selectFrom("mail_deliveries").select(["next_attempt_at"]).where("status", "=", "pending").execute();
    expect(waiting).toHaveLength(1);
    expect(waiting[0]!.next_attempt_at.getTime()).toBeGreaterThan(Date.now() + 50 * 60_000);
    await t.db.updateTable("mail_deliveries").set({ next_attempt_at: new Date() }).where("status", "=", "pending").execute();
    await addJob(t.db, "send_mail", { slot: 0 });
    await runWorker();
    expect(sink.mails).toHaveLength(1);
    expect(sink.mails[0]!.headers.get("subject")).toBe("2 new comments on Oil");
    expect(sink.mails[0]!.text).toContain("> Second.");
    expect(sink.mails[0]!.text).toContain("> Third.");
  });
});

describe("links in mail, logged out (over HTTP)", () => {
  let app: AppServer;
  beforeAll(async () => {
    app = await startAppServer(t.url, { PUBLIC_ORIGINS: "https://forum.example.com", ASSAY_WORKER: "off" });
  });
  afterAll(async () => {
    await app?.stop();
  });

  const pathOf = (url: string) => {
    const u = new URL(url);
    return u.pathname + u.search;
  };
  const linkIn = (mail: SunkMail, pattern: RegExp) => pathOf(pattern.exec(mail.text)![0]);

  it("a guest's reply notices wait for the confirmation of their address", async () => {
    const article = await createArticle(t.db, { slug: "gold", title: "Gold" });
    // Through the Leave a Reply form, with "Notify me of replies" ticked.
    const posted = await request(app.base, {
      method: "POST",
      path: "/articles/gold",
      headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: app.base },
      body: new URLSearchParams({ url: "", comment_parent: "0", comment: "Gold first.", author: "Gus Guest", email: "Gus@Example.com", notify_replies: "1" }).toString(),
    });
    expect(posted.status).toBe(303);
    const stored = await t.db.selectFrom("comments").select(["id", "notify_replies"]).where("author_name", "=", "Gus Guest").executeTakeFirstOrThrow();
    expect(stored.notify_replies).toBe(true);
    const guest = { commentId: stored.id };
    const member = await createPerson(t.db);
    await createComment(t.db, article.id, { parentId: guest.commentId, userId: member.id, authorName: member.name, authorEmail: member.email, body: "Before confirming." });
    await runWorker();
    expect(sink.mails).toHaveLength(1);
    const confirmation = sink.mails[0]!;
    expect(confirmation.to).toEqual(["gus@example.com"]);
    expect(confirmation.headers.get("subject")).toBe("Confirm your address to hear of replies");
    expect(confirmation.headers.get("list-unsubscribe")).toMatch(/^<https:\/\/forum\.example\.com\/mail\/unsubscribe\/one-click\?token=/);

    const confirmPath = linkIn(confirmation, /https:\/\/forum\.example\.com\/mail\/confirm\?token=[\w.-]+/);
    const page = await request(app.base, { path: confirmPath });
    expect(page.status).toBe(200);
    expect(page.text).toContain("Confirm my address");
    expect(page.text).not.toContain("gus@example.com");
    const token = new URL(confirmPath, app.base).searchParams.get("token")!;
    const confirmed = await request(app.base, {
      method: "POST",
      path: "/mail/confirm",
      headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: app.base },
      body: new URLSearchParams({ token }).toString(),
    });
    expect(confirmed.status).toBe(200);
    expect(confirmed.text).toContain("you will be told by mail of replies");
    const tampered = await request(app.base, { path: `/mail/confirm?token=${token.slice(0, -2)}xx` });
    expect(tampered.status).toBe(400);

    sink.clear();
    await createComment(t.db, article.id, { parentId: guest.commentId, userId: member.id, authorName: member.name, authorEmail: member.email, body: "After confirming." });
    await runWorker();
    expect(sink.mails.map((m) => [m.to[0], m.headers.get("subject")])).toEqual([["gus@example.com", `${member.name} replied to your comment on Gold`]]);
    expect(sink.mails[0]!.text).toContain("After confirming.");
    expect(sink.mails[0]!.text).not.toContain("Before confirming.");
  });

  it("unsubscribe by the page offers lower levels first, and one-click POST works without session or Origin", async () => {
    const cat = await createCategory(t.db, "energy", "Energy");
    const reader = await follower(cat.id, "watching");
    const other = await follower(cat.id, "watching");
    await createArticle(t.db, { slug: "opec", title: "OPEC", categorySlugs: ["energy"] });
    await announceAndRun();
    expect(sink.mails).toHaveLength(2);
    const mailOf = (email: string) => sink.mails.find((m) => m.to[0] === email.toLowerCase())!;

    // The page: lower levels before "nothing", and the choice saved by a POST.
    const pagePath = linkIn(mailOf(reader.email), /https:\/\/forum\.example\.com\/mail\/unsubscribe\?token=[\w.-]+/);
    const page = await request(app.base, { path: pagePath });
    expect(page.status).toBe(200);
    const offered = [...page.text.matchAll(/<input[^>]*name="choice"[^>]*>/g)].map((m) => /value="([a-z-]+)"/.exec(m[0])?.[1]);
    expect(offered).toEqual(["daily", "weekly", "following", "nothing"]);
    const token = new URL(pagePath, app.base).searchParams.get("token")!;
    const saved = await request(app.base, {
      method: "POST",
      path: "/mail/unsubscribe",
      headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: app.base },
      body: new URLSearchParams({ token, choice: "weekly" }).toString(),
    });
    expect(saved.status).toBe(200);
    expect(saved.text).toContain("weekly digest");
    const level = async (userId: number) =>
      (await t.db.selectFrom("category_follows").select("level").where("user_id", "=", userId).executeTakeFirstOrThrow()).level;
    expect(await level(reader.id)).toBe("weekly");
    // A forged token changes nothing.
    const forged = await request(app.base, {
      method: "POST",
      path: "/mail/unsubscribe",
      headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: app.base },
      body: new URLSearchParams({ token: token.replace(/^[\w-]{4}/, "AAAA"), choice: "nothing" }).toString(),
    });
    expect(forged.status).toBe(400);

    // One click, as a mail provider sends it: no cookie, no Origin, no Referer.
    const header = mailOf(other.email).headers.get("list-unsubscribe")!;
    const oneClick = pathOf(header.slice(1, -1));
    const clicked = await request(app.base, {
      method: "POST",
      path: oneClick,
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: "List-Unsubscribe=One-Click",
    });
    expect(clicked.status).toBe(200);
    expect(await level(other.id)).toBe("following");
    // Everything else still needs its Origin.
    const refused = await request(app.base, {
      method: "POST",
      path: "/mail/unsubscribe",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ token, choice: "nothing" }).toString(),
    });
    expect(refused.status).toBe(403);

    // Neither is mailed for the next article.
    sink.clear();
    await createArticle(t.db, { slug: "opec-2", title: "OPEC again", categorySlugs: ["energy"] });
    await announceAndRun();
    expect(sink.mails).toHaveLength(0);
  });

  it("a ticker's mail offers the ticker's lower levels, by the page and by one click", async () => {
    const lyc = await lynas();
    const reader = await tickerFollower(lyc.id, "watching");
    const other = await tickerFollower(lyc.id, "watching");
    await tickerArticle("lynas-offtake", [lyc.id]);
    await announceAndRun();
    expect(sink.mails).toHaveLength(2);
    const mailOf = (email: string) => sink.mails.find((m) => m.to[0] === email.toLowerCase())!;
    const pagePath = linkIn(mailOf(reader.email), /https:\/\/forum\.example\.com\/mail\/unsubscribe\?token=[\w.-]+/);
    const page = await request(app.base, { path: pagePath });
    expect(page.status).toBe(200);
    expect(page.text).toContain("$LYC (Lynas Rare Earths)");
    const offered = [...page.text.matchAll(/<input[^>]*name="choice"[^>]*>/g)].map((m) => /value="([a-z-]+)"/.exec(m[0])?.[1]);
    expect(offered).toEqual(["daily", "weekly", "following", "nothing"]);
    const token = new URL(pagePath, app.base).searchParams.get("token")!;
    const saved = await request(app.base, {
      method: "POST",
      path: "/mail/unsubscribe",
      headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: app.base },
      body: new URLSearchParams({ token, choice: "weekly" }).toString(),
    });
    expect(saved.status).toBe(200);
    const level = async (userId: number) =>
      (await t.db.selectFrom("ticker_follows").select("level").where("user_id", "=", userId).executeTakeFirstOrThrow()).level;
    expect(await level(reader.id)).toBe("weekly");
    // At weekly, the page offers only what sends less.
    expect((await getUnsubscribePage(t.db, token))!.choices).toEqual(["following", "nothing"]);

    const header = mailOf(other.email).headers.get("list-unsubscribe")!;
    const clicked = await request(app.base, {
      method: "POST",
      path: pathOf(header.slice(1, -1)),
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: "List-Unsubscribe=One-Click",
    });
    expect(clicked.status).toBe(200);
    expect(await level(other.id)).toBe("following");

    sink.clear();
    await tickerArticle("lynas-offtake-2", [lyc.id]);
    await announceAndRun();
    expect(sink.mails).toHaveLength(0);
  });
});

describe("delivery", () => {
  it("retries a refused send with back-off, and sends it once", async () => {
    const cat = await createCategory(t.db, "metals", "Metals");
    const reader = await follower(cat.id, "watching");
    sink.refuse(1, 451);
    await createArticle(t.db, { slug: "copper", categorySlugs: ["metals"] });
    await announceAndRun();
    expect(sink.mails).toHaveLength(0);
    const row = await t.db.selectFrom("mail_deliveries").selectAll().executeTakeFirstOrThrow();
    expect(row.status).toBe("pending");
    expect(row.attempts).toBe(1);
    expect(row.last_error).toMatch(/451/);
    expect(row.next_attempt_at.getTime()).toBeGreaterThan(Date.now() + 50_000);
    // Not before its time...
    await addJob(t.db, "send_mail", { slot: 0 });
    await runWorker();
    expect(sink.mails).toHaveLength(0);
    // ...then once.
    await t.db.updateTable("mail_deliveries").set({ next_attempt_at: new Date() }).execute();
    await addJob(t.db, "send_mail", { slot: 0 });
    await runWorker();
    await addJob(t.db, "send_mail", { slot: 0 });
    await runWorker();
    expect(recipients(sink.mails)).toEqual([reader.email.toLowerCase()]);
    // A permanent refusal gives up at once.
    sink.clear();
    sink.refuse(1, 550);
    await createArticle(t.db, { slug: "zinc", categorySlugs: ["metals"] });
    await announceAndRun();
    const zinc = await t.db.selectFrom("mail_deliveries").select(["status"]).where("event_key", "like", "article:%").orderBy("id", "desc").executeTakeFirstOrThrow();
    expect(zinc.status).toBe("failed");
  });

  it("two workers at once, a rerun, and a sender that died mid-batch never send anything twice", async () => {
    const cat = await createCategory(t.db, "asia", "Asia");
    await sql`
      with people as (
        insert into users (email, display_name, password_hash, email_verified_at)
        select 'asia' || n || '@example.com', 'Asia ' || n, 'x', now() from generate_series(1, 300) n
        returning id
      )
      insert into category_follows (user_id, category_id, level) select id, ${cat.id}, 'watching' from people`.execute(t.db);
    await createArticle(t.db, { slug: "yen", categorySlugs: ["asia"] });
    // Fan out without sending, then let a "dead" sender hold a batch whose lease ran out.
    await addJob(t.db, "announce_due_articles", {});
    await fanOutOnly();
    const dead = await claimDeliveries(t.db, 25);
    expect(dead).toHaveLength(25);
    await t.db.updateTable("mail_deliveries").set({ lease_until: new Date(Date.now() - 1000) }).where("status", "=", "sending").execute();

    for (let slot = 0; slot < 4; slot++) await addJob(t.db, "send_mail", { slot }, { jobKey: `send_mail:${slot}` });
    await Promise.all([runWorker(), runWorker()]);
    await addJob(t.db, "send_mail", { slot: 0 });
    await runWorker();
    const got = recipients(sink.mails);
    expect(got).toHaveLength(300);
    expect(new Set(got).size).toBe(300);
    const { rows } = await sql<{ status: string; n: number }>`select status, count(*)::int as n from mail_deliveries group by status`.execute(t.db);
    expect(rows).toEqual([{ status: "sent", n: 300 }]);
  });
});

describe("digests", () => {
  it("send one mail listing what is new at the member's digest level, only when something is, once", async () => {
    const a = await createCategory(t.db, "lithium", "Lithium");
    const b = await createCategory(t.db, "nickel", "Nickel");
    const reader = await createPerson(t.db);
    const weekAgo = new Date(Date.now() - 7 * 86_400_000);
    await t.db
      .insertInto("category_follows")
      .values([
        { user_id: reader.id, category_id: a.id, level: "daily", created_at: weekAgo },
        { user_id: reader.id, category_id: b.id, level: "daily", created_at: weekAgo },
      ])
      .execute();
    const weekly = await follower(a.id, "weekly");
    await t.db.updateTable("category_follows").set({ created_at: weekAgo }).where("user_id", "=", weekly.id).execute();
    const idle = await follower(b.id, "daily");
    await t.db.updateTable("category_follows").set({ created_at: new Date() }).where("user_id", "=", idle.id).execute();
    await createArticle(t.db, { slug: "brine", title: "Brine", categorySlugs: ["lithium"], publishedAt: new Date(Date.now() - 3600_000) });
    await createArticle(t.db, { slug: "laterite", title: "Laterite", categorySlugs: ["nickel"], publishedAt: new Date(Date.now() - 7200_000) });
    await t.db.updateTable("articles").set({ announced_at: new Date() }).execute();

    await addJob(t.db, "digest_daily", {});
    await runWorker();
    // The idle follower's category had nothing since they chose it; the weekly one waits for Monday.
    expect(recipients(sink.mails)).toEqual([reader.email.toLowerCase()]);
    const mail = sink.mails[0]!;
    expect(mail.headers.get("subject")).toBe("Your daily digest: 2 new articles");
    expect(mail.text).toContain("Brine");
    expect(mail.text).toContain("Laterite");
    expect(mail.headers.get("list-unsubscribe-post")).toBe("List-Unsubscribe=One-Click");
    await addJob(t.db, "digest_daily", {});
    await runWorker();
    expect(sink.mails).toHaveLength(1);

    await addJob(t.db, "digest_weekly", {});
    await runWorker();
    expect(recipients(sink.mails)).toEqual([reader.email, weekly.email].map((e) => e.toLowerCase()).sort());
    expect(sink.mails[1]!.headers.get("subject")).toBe("Your weekly digest: 1 new article");
  });

  it("cover followed tickers too: one digest for a member following an article's category and ticker, listing it once", async () => {
    const lyc = await lynas();
    const mp = await t.db.insertInto("tickers").values({ symbol: "MP", exchange: "NYSE", company_name: "MP Materials" }).returning("id").executeTakeFirstOrThrow();
    const rare = await createCategory(t.db, "rare-earths", "Rare Earths");
    const weekAgo = new Date(Date.now() - 7 * 86_400_000);
    const reader = await createPerson(t.db);
    await t.db.insertInto("category_follows").values({ user_id: reader.id, category_id: rare.id, level: "daily", created_at: weekAgo }).execute();
    await t.db
      .insertInto("ticker_follows")
      .values([
        { user_id: reader.id, ticker_id: lyc.id, level: "daily", created_at: weekAgo },
        { user_id: reader.id, ticker_id: mp.id, level: "daily", created_at: weekAgo },
      ])
      .execute();
    const tickerOnly = await tickerFollower(mp.id, "daily");
    await t.db.updateTable("ticker_follows").set({ created_at: weekAgo }).where("user_id", "=", tickerOnly.id).execute();
    const hourAgo = new Date(Date.now() - 3600_000);
    await tickerArticle("lynas-and-rare-earths", [lyc.id], ["rare-earths"], hourAgo);
    await tickerArticle("mp-materials-magnets", [mp.id], [], hourAgo);
    await t.db.updateTable("articles").set({ announced_at: new Date() }).execute();

    await addJob(t.db, "digest_daily", {});
    await runWorker();
    expect(recipients(sink.mails)).toEqual([reader.email, tickerOnly.email].map((e) => e.toLowerCase()).sort());
    const mine = sink.mails.find((m) => m.to[0] === reader.email.toLowerCase())!;
    expect(mine.headers.get("subject")).toBe("Your daily digest: 2 new articles");
    expect(mine.text.match(/lynas and rare earths/g)).toHaveLength(1);
    expect(mine.text).toContain("Rare Earths");
    expect(mine.text).toMatch(/\$MP \(MP Materials\)\s+- mp materials magnets/);
    const theirs = sink.mails.find((m) => m.to[0] === tickerOnly.email.toLowerCase())!;
    expect(theirs.headers.get("subject")).toBe("Your daily digest: 1 new article");
    // Every follow moved on: a second run sends nothing.
    await addJob(t.db, "digest_daily", {});
    await runWorker();
    expect(sink.mails).toHaveLength(2);

    // "No digest" from the digest's link keeps the tickers on the Following page, with no mail.
    const token = await makeMailToken(t.db, { k: "digest", u: reader.id, p: "daily" });
    expect(await unsubscribe(t.db, token, "following")).toEqual({ ok: true, choice: "following" });
    const levels = await t.db.selectFrom("ticker_follows").select("level").where("user_id", "=", reader.id).execute();
    expect(levels.map((l) => l.level)).toEqual(["following", "following"]);
  });
});

describe("unsubscribe choices", () => {
  it("'no mail at all' leaves every category and ticker on the Following page, unwatches threads and stops reply mail; pending mail is dropped", async () => {
    const a = await createCategory(t.db, "cobalt", "Cobalt");
    const b = await createCategory(t.db, "tin", "Tin");
    const c = await createCategory(t.db, "tungsten", "Tungsten");
    const reader = await follower(a.id, "watching");
    await t.db
      .insertInto("category_follows")
      .values([
        { user_id: reader.id, category_id: b.id, level: "daily" },
        { user_id: reader.id, category_id: c.id, level: "muted" },
      ])
      .execute();
    const lyc = await lynas();
    await t.db.insertInto("ticker_follows").values({ user_id: reader.id, ticker_id: lyc.id, level: "watching" }).execute();
    const article = await createArticle(t.db, { slug: "drc", categorySlugs: ["cobalt"] });
    await t.db.insertInto("thread_watches").values({ user_id: reader.id, article_id: article.id }).execute();
    const own = await createComment(t.db, article.id, { userId: reader.id, authorName: reader.name, authorEmail: reader.email });
    await t.db.updateTable("comments").set({ notify_replies: true }).where("id", "=", own.commentId).execute();
    await addJob(t.db, "announce_due_articles", {});
    await fanOutOnly(); // the article's mail waits, unsent

    const token = await makeMailToken(t.db, { k: "category", u: reader.id, c: a.id });
    expect((await getUnsubscribePage(t.db, token))!.choices).toEqual(["daily", "weekly", "following", "nothing"]);
    expect(await unsubscribe(t.db, token, "muted")).toEqual({ ok: false, error: "bad-choice" });
    expect(await unsubscribe(t.db, token, "nothing")).toEqual({ ok: true, choice: "nothing" });

    const levels = await t.db.selectFrom("category_follows").select(["category_id", "level"]).where("user_id", "=", reader.id).orderBy("category_id").execute();
    expect(levels).toEqual([
      { category_id: a.id, level: "following" },
      { category_id: b.id, level: "following" },
      { category_id: c.id, level: "muted" },
    ]);
    expect(await t.db.selectFrom("ticker_follows").select("level").where("user_id", "=", reader.id).execute()).toEqual([{ level: "following" }]);
    expect(await t.db.selectFrom("thread_watches").select("user_id").execute()).toEqual([]);
    const prefs = await t.db.selectFrom("users").select("notify_replies_default").where("id", "=", reader.id).executeTakeFirstOrThrow();
    expect(prefs.notify_replies_default).toBe(false);
    const mine = await t.db.selectFrom("comments").select("notify_replies").where("id", "=", own.commentId).executeTakeFirstOrThrow();
    expect(mine.notify_replies).toBe(false);
    const pending = await t.db.selectFrom("mail_deliveries").select("status").where("user_id", "=", reader.id).execute();
    expect(pending.map((p) => p.status)).toEqual(["skipped"]);
  });

  it("reads only tokens it signed, and backs off 1, 2, 4 minutes up to 6 hours", async () => {
    const token = await makeMailToken(t.db, { k: "thread", u: 7, a: 9 });
    expect(await readMailToken(t.db, token)).toEqual({ k: "thread", u: 7, a: 9 });
    const [body, mac] = token.split(".") as [string, string];
    const other = Buffer.from(JSON.stringify({ k: "thread", u: 8, a: 9 })).toString("base64url");
    expect(await readMailToken(t.db, `${other}.${mac}`)).toBeNull();
    expect(await readMailToken(t.db, `${body}.${mac.slice(0, -1)}A`)).toBeNull();
    expect(await readMailToken(t.db, "")).toBeNull();
    const wrongShape = Buffer.from(JSON.stringify({ k: "thread", u: "7" })).toString("base64url");
    expect(await readMailToken(t.db, `${wrongShape}.${mac}`)).toBeNull();
    expect([1, 2, 3, 20].map(retryDelaySeconds)).toEqual([60, 120, 240, 6 * 3600]);
  });
});
