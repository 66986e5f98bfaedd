// Following, through the domain and the route loaders: follow levels per
// category, muted categories leaving a member's home page and /following,
// /following's new marks and new-comment counts, the follow a guest pressed
// before logging in, and /notifications read and unread.
import { describe, expect, it } from "vitest";
import { sql } from "kysely";
import { startSession } from "~/composition/session.server";
import {
  applyFollowIntent,
  countFollowers,
  formatFollowIntent,
  getArticleFollowState,
  getCategoryFollow,
  getFollowingPage,
  listCategoryIndex,
  listHomeArticles,
  markFollowingVisited,
  parseFollowIntent,
  setCategoryFollow,
  setNotifyRepliesDefault,
  setThreadWatch,
} from "~/models/follows.server";
import { countUnreadNotifications, listNotifications, markAllNotificationsRead, openNotification } from "~/models/notifications.server";
import { createUser } from "~/models/users.server";
import { loader as homeLoader } from "~/routes/_index";
import { loader as followingLoader } from "~/routes/following";
import { action as accountAction, loader as accountLoader } from "~/routes/account";
import { action as articleAction, loader as articleLoader } from "~/routes/articles.$slug";
import { DEMO_FOLLOWS, SEED_ARTICLES, seed, seedDemoAccounts } from "../../db/seed";
import { useTestDatabase } from "../support/db";
import { createArticle, createCategory, createComment } from "../support/factories";

const t = useTestDatabase();

let people = 0;
async function member(name = "Member") {
  const result = await createUser(t.db, { email: `m${++people}@example.com`, displayName: `${name} ${people}`, password: "a long enough password", emailVerified: true });
  if (!result.ok) throw new Error("user");
  return result.userId;
}

const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000);

describe("follow levels", () => {
  it("sets, changes and removes a member's level; muted and no row are not followers", async () => {
    const china = await createCategory(t.db, "china", "China");
    const [a, b, c] = [await member(), await member(), await member()];
    expect(await getCategoryFollow(t.db, a, china.id)).toBe("none");
    await setCategoryFollow(t.db, { userId: a, categoryId: china.id, level: "watching" });
    await setCategoryFollow(t.db, { userId: b, categoryId: china.id, level: "weekly" });
    await setCategoryFollow(t.db, { userId: c, categoryId: china.id, level: "muted" });
    expect(await getCategoryFollow(t.db, a, china.id)).toBe("watching");
    expect(await countFollowers(t.db, china.id)).toBe(2);

    await setCategoryFollow(t.db, { userId: a, categoryId: china.id, level: "following" });
    expect(await getCategoryFollow(t.db, a, china.id)).toBe("following");
    const rows = await t.db.selectFrom("category_follows").select("user_id").where("category_id", "=", china.id).execute();
    expect(rows).toHaveLength(3); // one row per member and category, whatever the changes

    await setCategoryFollow(t.db, { userId: b, categoryId: china.id, level: "none" });
    expect(await getCategoryFollow(t.db, b, china.id)).toBe("none");
    expect(await countFollowers(t.db, china.id)).toBe(1);
    expect(await setCategoryFollow(t.db, { userId: a, categoryId: 987654, level: "watching" })).toEqual({ ok: false, error: "not-found" });
  });

  it("lists every category with its published articles and followers on /categories", async () => {
    const china = await createCategory(t.db, "china", "China");
    const supply = await createCategory(t.db, "supply-chain", "Supply Chain");
    await createArticle(t.db, { categorySlugs: ["china"] });
    await createArticle(t.db, { categorySlugs: ["china", "supply-chain"] });
    await createArticle(t.db, { categorySlugs: ["china"], publishedAt: null }); // a draft
    await createArticle(t.db, { categorySlugs: ["china"], publishedAt: new Date(Date.now() + 86_400_000) }); // scheduled
    const m = await member();
    await setCategoryFollow(t.db, { userId: m, categoryId: supply.id, level: "daily" });
    const index = await listCategoryIndex(t.db);
    expect(index.map((c) => [c.slug, c.articleCount, c.followerCount])).toEqual([
      ["china", 2, 0],
      ["supply-chain", 1, 1],
    ]);
    expect(china.id).toBeGreaterThan(0);
  });

  it("watches and stops watching a thread; the article page reads it with the reply default in one query", async () => {
    const article = await createArticle(t.db);
    const m = await member();
    expect(await getArticleFollowState(t.db, m, article.id)).toEqual({ watchingThread: false, notifyRepliesDefault: true });
    await setThreadWatch(t.db, { userId: m, articleId: article.id, watch: true });
    await setThreadWatch(t.db, { userId: m, articleId: article.id, watch: true });
    expect(await getArticleFollowState(t.db, m, article.id)).toEqual({ watchingThread: true, notifyRepliesDefault: true });
    await t.db.updateTable("users").set({ notify_replies_default: false }).where("id", "=", m).execute();
    await setThreadWatch(t.db, { userId: m, articleId: article.id, watch: false });
    expect(await getArticleFollowState(t.db, m, article.id)).toEqual({ watchingThread: false, notifyRepliesDefault: false });
    const draft = await createArticle(t.db, { publishedAt: null });
    expect(await setThreadWatch(t.db, { userId: m, articleId: draft.id, watch: true })).toEqual({ ok: false, error: "not-found" });
  });

  it("a guest's pressed follow survives the login address and is done for the member", async () => {
    const china = await createCategory(t.db, "china", "China");
    const article = await createArticle(t.db);
    const m = await member();
    const category = parseFollowIntent(formatFollowIntent({ kind: "category", slug: "china", level: "watching" }));
    const thread = parseFollowIntent(formatFollowIntent({ kind: "thread", slug: article.slug }));
    expect(category).toEqual({ kind: "category", slug: "china", level: "watching" });
    for (const bad of ["category:china:loud", "category:China:watching", "thread:x:y", "people:1", "", "category:china"]) {
      expect(parseFollowIntent(bad)).toBeNull();
    }
    expect(await applyFollowIntent(t.db, m, category!)).toBe(true);
    expect(await applyFollowIntent(t.db, m, thread!)).toBe(true);
    expect(await applyFollowIntent(t.db, m, { kind: "category", slug: "no-such", level: "watching" })).toBe(false);
    expect(await getCategoryFollow(t.db, m, china.id)).toBe("watching");
    expect((await getArticleFollowState(t.db, m, article.id)).watchingThread).toBe(true);
  });
});

describe("muted categories", () => {
  it("leave the member's home page (an article in a muted and a followed category too), not anyone else's", async () => {
    const china = await createCategory(t.db, "china", "China");
    await createCategory(t.db, "supply-chain", "Supply Chain");
    const onlyChina = await createArticle(t.db, { categorySlugs: ["china"], publishedAt: minutesAgo(3) });
    const both = await createArticle(t.db, { categorySlugs: ["china", "supply-chain"], publishedAt: minutesAgo(2) });
    const supply = await createArticle(t.db, { categorySlugs: ["supply-chain"], publishedAt: minutesAgo(1) });
    const none = await createArticle(t.db, { publishedAt: minutesAgo(4) });
    const m = await member();
    const other = await member();
    await setCategoryFollow(t.db, { userId: m, categoryId: china.id, level: "muted" });

    const slugs = async (userId: number | null) => (await listHomeArticles(t.db, { userId })).articles.map((a) => a.slug);
    expect(await slugs(m)).toEqual([supply.slug, none.slug]);
    expect(await slugs(other)).toEqual([supply.slug, both.slug, onlyChina.slug, none.slug]);
    expect(await slugs(null)).toEqual([supply.slug, both.slug, onlyChina.slug, none.slug]);

    // Through the home page's loader, with the member's session; a guest's page keeps its cache tag.
    const cookie = (await startSession(t.db, new Request("http://localhost/login"), m)).split(";")[0]!;
    const asMember = await homeLoader({ request: new Request("http://localhost/", { headers: { Cookie: cookie } }), params: {}, context: { db: t.db, clientIp: "" } } as never);
    expect(((await asMember.json()) as { articles: { slug: string }[] }).articles.map((a) => a.slug)).toEqual([supply.slug, none.slug]);
    expect(asMember.headers.get("X-Assay-Cache")).toBeNull();
    const asGuest = await homeLoader({ request: new Request("http://localhost/"), params: {}, context: { db: t.db, clientIp: "" } } as never);
    expect(((await asGuest.json()) as { articles: unknown[] }).articles).toHaveLength(4);
    expect(asGuest.headers.get("X-Assay-Cache")).toBe("list");
  });
});

describe("/following", () => {
  it("lists watched and followed categories' articles, never a muted or digest-only one, newest first, keyset-paged", async () => {
    const cats = {
      watching: await createCategory(t.db, "watched", "Watched"),
      following: await createCategory(t.db, "followed", "Followed"),
      daily: await createCategory(t.db, "digest", "Digest"),
      muted: await createCategory(t.db, "muted", "Muted"),
      none: await createCategory(t.db, "other", "Other"),
    };
    const m = await member();
    for (const level of ["watching", "following", "daily", "muted"] as const) {
      await setCategoryFollow(t.db, { userId: m, categoryId: cats[level].id, level });
    }
    const watched = await createArticle(t.db, { categorySlugs: ["watched"], publishedAt: minutesAgo(10) });
    const followed = await createArticle(t.db, { categorySlugs: ["followed"], publishedAt: minutesAgo(9) });
    await createArticle(t.db, { categorySlugs: ["digest"], publishedAt: minutesAgo(8) });
    await createArticle(t.db, { categorySlugs: ["followed", "muted"], publishedAt: minutesAgo(7) });
    await createArticle(t.db, { categorySlugs: ["other"], publishedAt: minutesAgo(6) });
    await createArticle(t.db, { categorySlugs: ["watched"], publishedAt: null });

    const page = await getFollowingPage(t.db, { userId: m });
    expect(page.articles.map((a) => a.slug)).toEqual([followed.slug, watched.slug]);
    expect(page.categories.map((c) => [c.slug, c.level])).toEqual([
      ["digest", "daily"],
      ["followed", "following"],
      ["muted", "muted"],
      ["watched", "watching"],
    ]);

    const first = await getFollowingPage(t.db, { userId: m, cursor: null });
    for (let i = 0; i < 25; i++) await createArticle(t.db, { categorySlugs: ["watched"], publishedAt: minutesAgo(100 + i) });
    const one = await getFollowingPage(t.db, { userId: m });
    expect(one.articles).toHaveLength(20);
    expect(one.nextCursor).toBeTruthy();
    const two = await getFollowingPage(t.db, { userId: m, cursor: one.nextCursor });
    expect(two.articles).toHaveLength(7);
    expect(two.nextCursor).toBeNull();
    expect(new Set([...one.articles, ...two.articles].map((a) => a.slug)).size).toBe(27);
    expect(first.articles).toHaveLength(2);
  });

  it("marks what is new since the last visit, with each article's new approved comments", async () => {
    const watched = await createCategory(t.db, "watched", "Watched");
    const m = await member();
    await setCategoryFollow(t.db, { userId: m, categoryId: watched.id, level: "watching" });
    const old = await createArticle(t.db, { categorySlugs: ["watched"], publishedAt: minutesAgo(120) });
    const visit = minutesAgo(60);
    await markFollowingVisited(t.db, m, visit);
    const fresh = await createArticle(t.db, { categorySlugs: ["watched"], publishedAt: minutesAgo(30) });
    // Comments written straight, with their times: two approved after the visit, one before, one held.
    const insert = (articleId: number, status: "approved" | "pending", at: Date) =>
      t.db.insertInto("comments").values({ article_id: articleId, status, author_name: "A", author_email: "a@example.com", body_markdown: "x", body_html: "<p>x</p>", created_at: at }).execute();
    await insert(old.id, "approved", minutesAgo(90));
    await insert(old.id, "approved", minutesAgo(20));
    await insert(old.id, "approved", minutesAgo(10));
    await insert(old.id, "pending", minutesAgo(5));
    await insert(fresh.id, "approved", minutesAgo(15));

    const page = await getFollowingPage(t.db, { userId: m });
    expect(page.since).toBe(visit.toISOString());
    expect(page.articles.map((a) => [a.slug, a.isNew, a.newCommentCount, a.approvedCommentCount])).toEqual([
      [fresh.slug, true, 1, 1],
      [old.slug, false, 2, 3],
    ]);

    // The page's loader is the visit: it moves the mark on, so the next load has nothing new.
    const cookie = (await startSession(t.db, new Request("http://localhost/login"), m)).split(";")[0]!;
    const load = async (query = "") =>
      (await (
        await followingLoader({ request: new Request(`http://localhost/following${query}`, { headers: { Cookie: cookie } }), params: {}, context: { db: t.db, clientIp: "" } } as never)
      ).json()) as { articles: { isNew: boolean; newCommentCount: number }[]; since: string };
    const firstLoad = await load();
    expect(firstLoad.articles.map((a) => a.isNew)).toEqual([true, false]);
    const secondLoad = await load();
    expect(secondLoad.articles.map((a) => [a.isNew, a.newCommentCount])).toEqual([
      [false, 0],
      [false, 0],
    ]);
    expect(new Date(secondLoad.since).getTime()).toBeGreaterThan(visit.getTime());
  });

  it("on a first visit everything is new, and a member following nothing gets an empty page", async () => {
    const watched = await createCategory(t.db, "watched", "Watched");
    const a = await createArticle(t.db, { categorySlugs: ["watched"] });
    const m = await member();
    expect((await getFollowingPage(t.db, { userId: m })).articles).toEqual([]);
    await setCategoryFollow(t.db, { userId: m, categoryId: watched.id, level: "following" });
    const page = await getFollowingPage(t.db, { userId: m });
    expect(page.since).toBeNull();
    expect(page.articles.map((x) => [x.slug, x.isNew])).toEqual([[a.slug, true]]);
  });
});

describe("/notifications", () => {
  async function scene() {
    const m = await member("Reader");
    const other = await member("Other");
    const article = await createArticle(t.db, { title: "Quota season" });
    const mine = await createComment(t.db, article.id, { userId: m, notifyReplies: true });
    // A first comment may be held for review: this one was approved.
    await t.db.updateTable("comments").set({ status: "approved" }).where("id", "=", mine.commentId).execute();
    const reply = await createComment(t.db, article.id, { parentId: mine.commentId, authorName: "Priya R.", body: "I **disagree**: see the [figures](https://example.com)." });
    await t.db.updateTable("comments").set({ status: "approved" }).where("id", "=", reply.commentId).execute();
    const n = (values: { user_id: number; kind: "reply" | "article"; comment_id?: number | null; created_at: Date; read_at?: Date | null }) =>
      t.db.insertInto("notifications").values({ article_id: article.id, comment_id: null, ...values }).returning("id").executeTakeFirstOrThrow();
    const older = await n({ user_id: m, kind: "article", created_at: minutesAgo(60), read_at: minutesAgo(50) });
    const newer = await n({ user_id: m, kind: "reply", comment_id: reply.commentId, created_at: minutesAgo(5) });
    const theirs = await n({ user_id: other, kind: "article", created_at: minutesAgo(1) });
    return { m, other, article, mine, reply, older: older.id, newer: newer.id, theirs: theirs.id };
  }

  it("lists the member's own, newest first, unread marked, reply shown by name and first words (no email)", async () => {
    const s = await scene();
    const page = await listNotifications(t.db, { userId: s.m });
    expect(page.notifications.map((n) => [n.id, n.kind, n.read])).toEqual([
      [s.newer, "reply", false],
      [s.older, "article", true],
    ]);
    expect(page.notifications[0]!.reply).toEqual({ commentId: s.reply.commentId, authorName: "Priya R.", excerpt: "I disagree: see the figures." });
    expect(JSON.stringify(page)).not.toContain("@example.com");
    expect(await countUnreadNotifications(t.db, s.m)).toBe(1);
    expect(await countUnreadNotifications(t.db, s.other)).toBe(1);
  });

  it("opening one marks it read and leads to the reply or the article; someone else's is not found", async () => {
    const s = await scene();
    expect(await openNotification(t.db, { userId: s.m, id: s.theirs })).toBeNull();
    expect(await countUnreadNotifications(t.db, s.other)).toBe(1);
    expect(await openNotification(t.db, { userId: s.m, id: "junk" })).toBeNull();
    expect(await openNotification(t.db, { userId: s.m, id: "99999999999" })).toBeNull();

    expect(await openNotification(t.db, { userId: s.m, id: String(s.newer) })).toEqual({ href: `/comments/${s.reply.commentId}` });
    expect(await countUnreadNotifications(t.db, s.m)).toBe(0);
    const readAt = (await t.db.selectFrom("notifications").select("read_at").where("id", "=", s.older).executeTakeFirstOrThrow()).read_at;
    expect(await openNotification(t.db, { userId: s.m, id: s.older })).toEqual({ href: `/articles/${s.article.slug}` });
    // Opening a read one again keeps when it was first read.
    expect((await t.db.selectFrom("notifications").select("read_at").where("id", "=", s.older).executeTakeFirstOrThrow()).read_at).toEqual(readAt);

    // A reply since removed leads to its article.
    await t.db.updateTable("comments").set({ status: "trash" }).where("id", "=", s.reply.commentId).execute();
    expect(await openNotification(t.db, { userId: s.m, id: s.newer })).toEqual({ href: `/articles/${s.article.slug}` });
    expect((await listNotifications(t.db, { userId: s.m })).notifications[0]!.reply).toBeNull();
  });

  it("marks all read, only the member's; pages by id", async () => {
    const s = await scene();
    expect(await markAllNotificationsRead(t.db, s.m)).toBe(1);
    expect(await countUnreadNotifications(t.db, s.m)).toBe(0);
    expect(await countUnreadNotifications(t.db, s.other)).toBe(1);
    await t.db
      .insertInto("notifications")
      .columns(["user_id", "kind", "article_id", "comment_id", "created_at"])
      .expression(sql`select ${s.m}, 'reply', ${s.article.id}, c.id, now() from comments c where c.id <> ${s.reply.commentId}`)
      .execute();
    const one = await listNotifications(t.db, { userId: s.m, limit: 2 });
    expect(one.notifications).toHaveLength(2);
    const two = await listNotifications(t.db, { userId: s.m, limit: 2, before: one.nextBefore });
    expect(two.notifications.map((n) => n.id).every((id) => id < one.nextBefore!)).toBe(true);
  });

  it("a comment stores its author's Notify me of replies choice", async () => {
    const article = await createArticle(t.db);
    const m = await member();
    const on = await createComment(t.db, article.id, { userId: m, notifyReplies: true });
    const off = await createComment(t.db, article.id);
    const rows = await t.db.selectFrom("comments").select(["id", "notify_replies"]).where("id", "in", [on.commentId, off.commentId]).orderBy("id").execute();
    expect(rows.map((r) => r.notify_replies)).toEqual([true, false]);
  });
});

describe("the demo seed", () => {
  it("gives the demo member follows at several levels, a watched thread, and read and unread notifications, once", async () => {
    await seed(t.db);
    await seedDemoAccounts(t.db);
    await seedDemoAccounts(t.db);
    const m = (await t.db.selectFrom("users").select("id").where("email", "=", "member@example.com").executeTakeFirstOrThrow()).id;
    const follows = await t.db.selectFrom("category_follows as f").innerJoin("categories as c", "c.id", "f.category_id").select(["c.slug", "f.level"]).where("f.user_id", "=", m).orderBy("c.slug").execute();
    expect(Object.fromEntries(follows.map((f) => [f.slug, f.level]))).toEqual(DEMO_FOLLOWS);
    // The magnet article's thread (its Following page) and the Baogang one (its held comments' approvals are mailed).
    expect(await t.db.selectFrom("thread_watches").select("article_id").where("user_id", "=", m).execute()).toHaveLength(2);
    const notices = (await listNotifications(t.db, { userId: m })).notifications;
    expect(notices.map((n) => [n.kind, n.read])).toEqual([
      ["reply", false],
      ["article", true],
    ]);
    expect(await countUnreadNotifications(t.db, m)).toBe(1);
    // Muted ESG & Safety: the Baogang article is on a guest's home page, not the demo member's, nor their Following page.
    const baogang = SEED_ARTICLES[0]!.slug;
    expect((await listHomeArticles(t.db, { userId: null })).articles.map((a) => a.slug)).toContain(baogang);
    expect((await listHomeArticles(t.db, { userId: m })).articles.map((a) => a.slug)).not.toContain(baogang);
    const following = await getFollowingPage(t.db, { userId: m });
    expect(following.articles.map((a) => a.slug)).toEqual([SEED_ARTICLES[1]!.slug, SEED_ARTICLES[2]!.slug]);
    expect(following.articles.map((a) => a.isNew)).toEqual([true, false]);
  });
});

describe("Notify me of replies, through the article page", () => {
  it("starts ticked from a member's default, off for a guest, and the comment stores what was sent", async () => {
    const article = await createArticle(t.db);
    const m = await member();
    const cookie = (await startSession(t.db, new Request("http://localhost/login"), m)).split(";")[0]!;
    const context = { db: t.db, clientIp: "127.0.0.1" };
    const load = async (headers: Record<string, string>) =>
      (await (await articleLoader({ request: new Request(`http://localhost/articles/${article.slug}`, { headers }), params: { slug: article.slug }, context } as never)).json()) as {
        follow: { notifyRepliesDefault: boolean; watchingThread: boolean } | null;
      };
    expect((await load({})).follow).toBeNull();
    expect((await load({ Cookie: cookie })).follow).toEqual({ notifyRepliesDefault: true, watchingThread: false });
    await setNotifyRepliesDefault(t.db, m, false);
    expect((await load({ Cookie: cookie })).follow?.notifyRepliesDefault).toBe(false);

    const post = (fields: Record<string, string>, headers: Record<string, string> = {}) =>
      articleAction({
        request: new Request(`http://localhost/articles/${article.slug}`, {
          method: "POST",
          headers: { "Content-Type": "application/x-www-form-urlencoded", ...headers },
          body: new URLSearchParams({ comment_parent: "0", url: "", ...fields }),
        }),
        params: { slug: article.slug },
        context,
      } as never);
    await post({ comment: "Ticked by a member.", notify_replies: "1" }, { Cookie: cookie });
    await post({ comment: "Left unticked by a member." }, { Cookie: cookie });
    await post({ comment: "A guest asks for replies.", author: "Guest", email: "guest@example.com", notify_replies: "1" });
    const rows = await t.db.selectFrom("comments").select(["body_markdown", "notify_replies"]).orderBy("id").execute();
    expect(rows.map((r) => [r.body_markdown, r.notify_replies])).toEqual([
      ["Ticked by a member.", true],
      ["Left unticked by a member.", false],
      ["A guest asks for replies.", true],
    ]);
  });
});

describe("/account: the reply default", () => {
  it("is saved from the form's box (ticked or not) and read back by the page", async () => {
    const m = await member();
    const cookie = (await startSession(t.db, new Request("http://localhost/login"), m)).split(";")[0]!;
    const context = { db: t.db, clientIp: "127.0.0.1" };
    const save = (fields: Record<string, string>) =>
      accountAction({
        request: new Request("http://localhost/account", {
          method: "POST",
          headers: { Cookie: cookie, "Content-Type": "application/x-www-form-urlencoded" },
          body: new URLSearchParams({ intent: "reply-default", ...fields }),
        }),
        params: {},
        context,
      } as never);
    const read = async () =>
      ((await (await accountLoader({ request: new Request("http://localhost/account", { headers: { Cookie: cookie } }), params: {}, context } as never)).json()) as { notifyRepliesDefault: boolean })
        .notifyRepliesDefault;
    expect(await read()).toBe(true);
    expect((await save({})).status).toBe(303);
    expect(await read()).toBe(false);
    await save({ notifyReplies: "1" });
    expect(await read()).toBe(true);
  });
});
