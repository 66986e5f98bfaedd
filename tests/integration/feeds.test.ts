// The RSS and Atom feeds over HTTP, on the production server against this file's
// database, read with a real feed parser (rss-parser): the right entries, absolute
// links from the configured public origin, no email address anywhere, ETag /
// Last-Modified and 304, kept for guests and dropped when PostgreSQL says a
// comment or an article changed, and a member's personal feed at its secret URL.
import Parser from "rss-parser";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sql } from "kysely";
import { approveComment } from "~/models/moderation.server";
import { createUser } from "~/models/users.server";
import { startSession } from "~/composition/session.server";
import { useTestDatabase } from "../support/db";
import { startAppServer, type AppServer } from "../support/app-server";
import { createArticle, createCategory, createComment } from "../support/factories";

const t = useTestDatabase();
const PUBLIC = "https://forum.example.com";
let cached: AppServer;
let uncached: AppServer;
const parser = new Parser();

beforeAll(async () => {
  [cached, uncached] = await Promise.all([
    startAppServer(t.url, { PUBLIC_ORIGINS: PUBLIC, ASSAY_RATE_LIMITS: "off" }),
    startAppServer(t.url, { PUBLIC_ORIGINS: PUBLIC, ASSAY_RATE_LIMITS: "off", ASSAY_PAGE_CACHE: "off" }),
  ]);
}, 120_000);

afterAll(async () => {
  await Promise.all([cached?.stop(), uncached?.stop()]);
});

const get = (server: AppServer, pathname: string, headers: Record<string, string> = {}) => fetch(`${server.base}${pathname}`, { headers, redirect: "manual" });

async function feed(pathname: string, server = cached) {
  const response = await get(server, pathname);
  expect(response.status, pathname).toBe(200);
  const xml = await response.text();
  return { response, xml, parsed: await parser.parseString(xml) };
}

/** Wait (bounded) for what PostgreSQL's NOTIFY makes happen, right after a commit. */
async function eventually(check: () => Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`never happened: ${what}`);
}

/** An entry's full HTML: RSS's content:encoded, Atom's content. */
const body = (item: Parser.Item & { "content:encoded"?: string }) => item["content:encoded"] ?? item.content;

const EMAIL = /[\w.+-]+@[\w-]+(\.[\w-]+)+/;

async function member(email: string, displayName: string) {
  const created = await createUser(t.db, { email, displayName, password: "a long enough password", emailVerified: true });
  if (!created.ok) throw new Error("user");
  const cookie = (await startSession(t.db, new Request(`${cached.base}/login`), created.userId)).split(";")[0]!;
  return { id: created.userId, cookie };
}

describe("the site's feeds", () => {
  it("carry the newest published articles, as RSS 2.0 and Atom, with links on the public origin", async () => {
    const category = await createCategory(t.db, "supply-chain", "Supply Chain");
    const older = await createArticle(t.db, { title: "Older news", publishedAt: new Date(Date.now() - 3_600_000), categorySlugs: [category.slug] });
    const newer = await createArticle(t.db, { title: "Newer news", body: "The **whole** story." });
    await createArticle(t.db, { title: "A draft", publishedAt: null });
    await createArticle(t.db, { title: "Scheduled for later", publishedAt: new Date(Date.now() + 86_400_000) });

    for (const pathname of ["/feed.xml", "/atom.xml"]) {
      const { response, xml, parsed } = await feed(pathname);
      expect(response.headers.get("content-type")).toBe(pathname === "/feed.xml" ? "application/rss+xml; charset=utf-8" : "application/atom+xml; charset=utf-8");
      expect(xml).toContain(pathname === "/feed.xml" ? "<rss" : "<feed");
      expect(parsed.title).toBe("Assay: latest articles");
      expect(parsed.items.map((i) => i.title)).toEqual(["Newer news", "Older news"]);
      expect(parsed.items[0]!.link).toBe(`${PUBLIC}/articles/${newer.slug}`);
      expect(parsed.items[1]!.link).toBe(`${PUBLIC}/articles/${older.slug}`);
      expect(body(parsed.items[0]!)).toContain("<strong>whole</strong>");
      expect(parsed.link).toBe(`${PUBLIC}/`);
      // Never the address the request came to.
      expect(xml).not.toContain("127.0.0.1");
    }
  });

  it("of a category carry its articles only; an unknown category is a 404, a renamed one's old feed moves", async () => {
    const china = await createCategory(t.db, "china", "China");
    await createCategory(t.db, "pricing", "Pricing");
    await createArticle(t.db, { title: "In China", categorySlugs: ["china"] });
    await createArticle(t.db, { title: "In Pricing", categorySlugs: ["pricing"] });
    await createArticle(t.db, { title: "In both", categorySlugs: ["china", "pricing"], publishedAt: new Date(Date.now() - 3_600_000) });

    for (const pathname of ["/categories/china/feed.xml", "/categories/china/atom.xml"]) {
      const { parsed, xml } = await feed(pathname);
      expect(parsed.title).toBe("Assay: China");
      expect(parsed.items.map((i) => i.title)).toEqual(["In China", "In both"]);
      expect(parsed.link).toBe(`${PUBLIC}/categories/china`);
      expect(xml).not.toContain("127.0.0.1");
    }
    expect((await get(cached, "/categories/nowhere/feed.xml")).status).toBe(404);
    expect((await get(cached, "/categories/nowhere/atom.xml")).status).toBe(404);
    expect((await get(cached, "/categories/Not%20A%20Slug/feed.xml")).status).toBe(404);

    await t.db.insertInto("category_slug_redirects").values({ slug: "prc", category_id: china.id }).execute();
    const moved = await get(cached, "/categories/prc/atom.xml");
    expect(moved.status).toBe(301);
    expect(moved.headers.get("location")).toBe("/categories/china/atom.xml");
  });
});

describe("an article's comments feed", () => {
  it("carries its approved comments only, never an email address", async () => {
    const article = await createArticle(t.db, { title: "Rare earths rally" });
    const other = await createArticle(t.db, { title: "Another article" });
    const shown = await createComment(t.db, article.id, { authorName: "Ada Investor", authorEmail: "ada.secret@mail.example", body: "Approved and **visible**." });
    await approveComment(t.db, { commentId: shown.commentId });
    const { id: memberId } = await member("member.secret@mail.example", "Member Writer");
    const byMember = await createComment(t.db, article.id, { authorName: "Member Writer", authorEmail: "member.secret@mail.example", userId: memberId, body: "A member's word." });
    await approveComment(t.db, { commentId: byMember.commentId });
    const held = await createComment(t.db, article.id, { authorEmail: "held@mail.example", body: "Held for moderation." });
    const spam = await createComment(t.db, article.id, { authorEmail: "spam@mail.example", body: "Buy my spam." });
    const trash = await createComment(t.db, article.id, { authorEmail: "trash@mail.example", body: "Trashed words." });
    const hidden = await createComment(t.db, article.id, { authorEmail: "hidden@mail.example", body: "Hidden by reports." });
    await approveComment(t.db, { commentId: hidden.commentId });
    await t.db.updateTable("comments").set({ status: "pending" }).where("id", "=", held.commentId).execute();
    await t.db.updateTable("comments").set({ status: "spam" }).where("id", "=", spam.commentId).execute();
    await t.db.updateTable("comments").set({ status: "trash" }).where("id", "=", trash.commentId).execute();
    await t.db.updateTable("comments").set({ hidden_at: new Date() }).where("id", "=", hidden.commentId).execute();
    const elsewhere = await createComment(t.db, other.id, { body: "On the other article." });
    await approveComment(t.db, { commentId: elsewhere.commentId });

    const { parsed, xml } = await feed(`/articles/${article.slug}/comments.xml`);
    expect(parsed.title).toBe("Comments on Rare earths rally: Assay");
    expect(parsed.items.map((i) => i.title)).toEqual(["Member Writer on Rare earths rally", "Ada Investor on Rare earths rally"]);
    expect(parsed.items[1]!.link).toBe(`${PUBLIC}/comments/${shown.commentId}`);
    expect(body(parsed.items[1]!)).toContain("<strong>visible</strong>");
    for (const words of ["Held for moderation", "Buy my spam", "Trashed words", "Hidden by reports", "On the other article"]) expect(xml).not.toContain(words);
    expect(xml).not.toContain("mail.example");
    expect(xml).not.toMatch(EMAIL);

    expect((await get(cached, "/articles/no-such-article/comments.xml")).status).toBe(404);
    const draft = await createArticle(t.db, { publishedAt: null });
    expect((await get(cached, `/articles/${draft.slug}/comments.xml`)).status).toBe(404);
  });

  it("and every other feed carry no email address, with commenters' and members' addresses in the data", async () => {
    await createCategory(t.db, "mining", "Mining");
    const article = await createArticle(t.db, { title: "Mine news", categorySlugs: ["mining"], body: "Body." });
    const c = await createComment(t.db, article.id, { authorName: "Bob", authorEmail: "bob.private@mail.example" });
    await approveComment(t.db, { commentId: c.commentId });
    const { cookie } = await member("reader.private@mail.example", "Reader");
    const account = await (await get(cached, "/account", { Cookie: cookie })).text();
    const personal = /https:\/\/forum\.example\.com(\/feeds\/[^/"<]+\/feed\.xml)/.exec(account)![1]!;
    for (const pathname of ["/feed.xml", "/atom.xml", "/categories/mining/feed.xml", "/categories/mining/atom.xml", `/articles/${article.slug}/comments.xml`, personal, personal.replace("feed.xml", "atom.xml")]) {
      const { xml } = await feed(pathname);
      expect(xml, pathname).not.toMatch(EMAIL);
    }
  });
});

describe("conditional requests", () => {
  for (const [label, server] of [
    ["from the guest cache", () => cached],
    ["rendered (page cache off)", () => uncached],
  ] as const) {
    it(`answer 304 to If-None-Match and If-Modified-Since, ${label}`, async () => {
      await createArticle(t.db, { title: "Conditional news" });
      for (const pathname of ["/feed.xml", "/atom.xml"]) {
        await (await get(server(), pathname)).text();
        const first = await get(server(), pathname);
        expect(first.status).toBe(200);
        const body = await first.text();
        const etag = first.headers.get("etag")!;
        const lastModified = first.headers.get("last-modified")!;
        expect(etag).toMatch(/^W\/".+"$/);
        expect(new Date(lastModified).getTime()).toBeGreaterThan(0);
        expect(first.headers.get("cache-control")).toMatch(/^public/);
        expect(first.headers.get("x-assay-cache")).toBeNull();

        const byTag = await get(server(), pathname, { "If-None-Match": etag });
        expect(byTag.status).toBe(304);
        expect(await byTag.text()).toBe("");
        expect(byTag.headers.get("etag")).toBe(etag);
        expect((await get(server(), pathname, { "If-Modified-Since": lastModified })).status).toBe(304);
        // An older copy, or another version, gets the feed again.
        const older = await get(server(), pathname, { "If-Modified-Since": new Date(new Date(lastModified).getTime() - 1000).toUTCString() });
        expect(older.status).toBe(200);
        expect(await older.text()).toBe(body);
        expect((await get(server(), pathname, { "If-None-Match": 'W/"another"' })).status).toBe(200);
        // If-None-Match wins over If-Modified-Since (RFC 9110).
        expect((await get(server(), pathname, { "If-None-Match": 'W/"another"', "If-Modified-Since": lastModified })).status).toBe(200);
      }
    });
  }

  it("a guest's first request with If-None-Match fills the cache and still gets its 304", async () => {
    const article = await createArticle(t.db, { title: "First with a tag" });
    const pathname = `/articles/${article.slug}/comments.xml`;
    const rendered = await get(uncached, pathname);
    const etag = rendered.headers.get("etag")!;
    await rendered.text();
    // The same bytes from either server: the same ETag.
    expect((await get(cached, pathname, { "If-None-Match": etag })).status).toBe(304);
    expect((await get(cached, pathname, { "If-None-Match": etag })).status).toBe(304);
  });
});

describe("the guest cache keeps feeds until PostgreSQL says they changed", () => {
  it("drops an article's comments feed when a comment there is approved, not when one is held", async () => {
    const article = await createArticle(t.db, { title: "Busy thread" });
    const pathname = `/articles/${article.slug}/comments.xml`;
    await (await get(cached, pathname)).text();
    const before = await get(cached, pathname);
    const etag = before.headers.get("etag")!;
    expect((await parser.parseString(await before.text())).items).toHaveLength(0);

    const held = await createComment(t.db, article.id, { body: "Held then approved", authorName: "Later" });
    await t.db.updateTable("comments").set({ status: "pending" }).where("id", "=", held.commentId).execute();
    expect(await (await get(cached, pathname)).text()).not.toContain("Held then approved");
    expect((await get(cached, pathname, { "If-None-Match": etag })).status).toBe(304);

    await approveComment(t.db, { commentId: held.commentId });
    await eventually(async () => (await (await get(cached, pathname)).text()).includes("Held then approved"), "the newly approved comment shows");
    expect((await get(cached, pathname, { "If-None-Match": etag })).status).toBe(200);
  });

  it("serves a feed from memory until told, and drops the site and category feeds when an article is published", async () => {
    await createCategory(t.db, "magnets", "Magnets");
    const first = await createArticle(t.db, { title: "First magnet story", categorySlugs: ["magnets"] });
    // The notices of that save arrive a moment after its commit: let them, then fill the cache.
    await new Promise((r) => setTimeout(r, 300));
    for (const pathname of ["/feed.xml", "/categories/magnets/atom.xml"]) await (await get(cached, pathname)).text();

    // A change made without telling anyone is not seen: the feed comes from memory…
    await sql`alter table articles disable trigger articles_notify_update`.execute(t.db);
    try {
      await t.db.updateTable("articles").set({ title: "Quietly renamed story" }).where("id", "=", first.id).execute();
    } finally {
      await sql`alter table articles enable trigger articles_notify_update`.execute(t.db);
    }
    expect(await (await get(cached, "/feed.xml")).text()).not.toContain("Quietly renamed story");
    expect(await (await get(uncached, "/feed.xml")).text()).toContain("Quietly renamed story");

    // …and a new article drops it.
    await createArticle(t.db, { title: "Second magnet story", categorySlugs: ["magnets"] });
    for (const pathname of ["/feed.xml", "/categories/magnets/atom.xml"]) {
      await eventually(async () => {
        const titles = (await parser.parseString(await (await get(cached, pathname)).text())).items.map((i) => i.title);
        return titles[0] === "Second magnet story" && titles.includes("Quietly renamed story");
      }, `${pathname} shows the new article`);
    }
  });
});

describe("a member's personal feed", () => {
  it("carries the articles of the categories they watch or follow, not muted ones, at the secret URL shown on /account; a reset kills the old URL", async () => {
    for (const slug of ["watched", "followed", "muted", "digest", "unfollowed"]) await createCategory(t.db, slug, slug[0]!.toUpperCase() + slug.slice(1));
    const { id, cookie } = await member("follower@mail.example", "Fran Follower");
    const categories = await t.db.selectFrom("categories").select(["id", "slug"]).execute();
    const idOf = (slug: string) => categories.find((c) => c.slug === slug)!.id;
    await t.db
      .insertInto("category_follows")
      .values([
        { user_id: id, category_id: idOf("watched"), level: "watching" },
        { user_id: id, category_id: idOf("followed"), level: "following" },
        { user_id: id, category_id: idOf("muted"), level: "muted" },
        { user_id: id, category_id: idOf("digest"), level: "daily" },
      ])
      .execute();
    const hour = 3_600_000;
    await createArticle(t.db, { title: "Watched story", categorySlugs: ["watched"], publishedAt: new Date(Date.now() - hour) });
    await createArticle(t.db, { title: "Followed story", categorySlugs: ["followed"], publishedAt: new Date(Date.now() - 2 * hour) });
    await createArticle(t.db, { title: "Muted story", categorySlugs: ["muted"] });
    await createArticle(t.db, { title: "Followed but also muted", categorySlugs: ["followed", "muted"] });
    await createArticle(t.db, { title: "Digest story", categorySlugs: ["digest"] });
    await createArticle(t.db, { title: "Unfollowed story", categorySlugs: ["unfollowed"] });

    // Another member's follows change nothing here.
    const other = await member("other@mail.example", "Other Member");
    await t.db.insertInto("category_follows").values({ user_id: other.id, category_id: idOf("unfollowed"), level: "watching" }).execute();

    const accountPage = async () => {
      const response = await get(cached, "/account", { Cookie: cookie });
      expect(response.status).toBe(200);
      const html = await response.text();
      const rss = /https:\/\/forum\.example\.com(\/feeds\/([A-Za-z0-9_-]+)\/feed\.xml)/.exec(html);
      const atom = /https:\/\/forum\.example\.com(\/feeds\/([A-Za-z0-9_-]+)\/atom\.xml)/.exec(html);
      expect(rss && atom && rss[2] === atom[2]).toBe(true);
      return { html, rss: rss![1]!, atom: atom![1]! };
    };
    const shown = await accountPage();
    // The same address on every visit until a reset.
    expect((await accountPage()).rss).toBe(shown.rss);

    for (const pathname of [shown.rss, shown.atom]) {
      const response = await get(cached, pathname);
      expect(response.status).toBe(200);
      expect(response.headers.get("cache-control")).toBe("private, no-cache");
      const parsed = await parser.parseString(await response.text());
      expect(parsed.items.map((i) => i.title)).toEqual(["Watched story", "Followed story"]);
      expect(parsed.items[0]!.link).toMatch(new RegExp(`^${PUBLIC}/articles/`));
      // Its own 304, though it never enters the shared cache.
      const again = await get(cached, pathname, { "If-None-Match": response.headers.get("etag")! });
      expect(again.status).toBe(304);
    }

    // A new follow shows at once (nothing stale is kept for a personal feed), and moves its
    // Last-Modified on even though the article it brings in is older.
    await sql`update articles set updated_at = now() - interval '1 hour'`.execute(t.db);
    await sql`update category_follows set created_at = now() - interval '1 hour', updated_at = now() - interval '1 hour'`.execute(t.db);
    const beforeFollow = (await get(cached, shown.rss)).headers.get("last-modified")!;
    await t.db.insertInto("category_follows").values({ user_id: id, category_id: idOf("unfollowed"), level: "following" }).execute();
    const afterFollow = await get(cached, shown.rss, { "If-Modified-Since": beforeFollow });
    expect(afterFollow.status).toBe(200);
    expect((await parser.parseString(await afterFollow.text())).items.map((i) => i.title)).toContain("Unfollowed story");

    const reset = await fetch(`${cached.base}/account/feed`, {
      method: "POST",
      redirect: "manual",
      headers: { Cookie: cookie, Origin: cached.base, "Content-Type": "application/x-www-form-urlencoded" },
      body: "",
    });
    expect(reset.status).toBe(303);
    expect(reset.headers.get("location")).toBe("/account?notice=feed-reset");
    expect((await get(cached, shown.rss)).status).toBe(404);
    expect((await get(cached, shown.atom)).status).toBe(404);
    const renewed = await accountPage();
    expect(renewed.rss).not.toBe(shown.rss);
    expect((await get(cached, renewed.rss)).status).toBe(200);
    expect((await get(cached, "/account?notice=feed-reset", { Cookie: cookie }).then((r) => r.text()))).toContain("Your personal feed has a new address");
  });

  it("is kept out of search engines", async () => {
    expect(await (await get(cached, "/robots.txt")).text()).toContain("Disallow: /feeds/");
    const { cookie } = await member("private@mail.example", "Private Reader");
    const html = await (await get(cached, "/account", { Cookie: cookie })).text();
    const pathname = /https:\/\/forum\.example\.com(\/feeds\/[A-Za-z0-9_-]+\/feed\.xml)/.exec(html)![1]!;
    expect((await get(cached, pathname)).headers.get("x-robots-tag")).toBe("noindex");
  });

  it("is a 404 for an unknown token, a malformed one, or a deleted account's", async () => {
    expect((await get(cached, `/feeds/${"A".repeat(43)}/feed.xml`)).status).toBe(404);
    expect((await get(cached, "/feeds/short/atom.xml")).status).toBe(404);
    expect((await get(cached, "/feeds/%00%ff/feed.xml")).status).toBeGreaterThanOrEqual(400);
    const { id, cookie } = await member("leaving@mail.example", "Leaving");
    const html = await (await get(cached, "/account", { Cookie: cookie })).text();
    const pathname = /https:\/\/forum\.example\.com(\/feeds\/[A-Za-z0-9_-]+\/feed\.xml)/.exec(html)![1]!;
    expect((await get(cached, pathname)).status).toBe(200);
    await t.db.updateTable("users").set({ deleted_at: new Date() }).where("id", "=", id).execute();
    expect((await get(cached, pathname)).status).toBe(404);
  });

  it("asks a guest pressing reset to log in, and changes nothing", async () => {
    const response = await fetch(`${cached.base}/account/feed`, { method: "POST", redirect: "manual", headers: { Origin: cached.base, "Content-Type": "application/x-www-form-urlencoded" }, body: "" });
    expect(response.status).toBe(303);
    expect(response.headers.get("location")).toMatch(/^\/login\?redirectTo=/);
  });
});

describe("pages advertise their feeds", () => {
  it("home, category and article pages carry <link rel=alternate> to their feeds", async () => {
    await createCategory(t.db, "recycling", "Recycling");
    const article = await createArticle(t.db, { title: "Recycled magnets", categorySlugs: ["recycling"] });
    const home = await (await get(cached, "/")).text();
    expect(home).toContain('<link rel="alternate" type="application/rss+xml" title="Assay: latest articles (RSS)" href="/feed.xml"/>');
    expect(home).toContain('<link rel="alternate" type="application/atom+xml" title="Assay: latest articles (Atom)" href="/atom.xml"/>');
    const category = await (await get(cached, "/categories/recycling")).text();
    expect(category).toContain('type="application/rss+xml" title="Assay: Recycling (RSS)" href="/categories/recycling/feed.xml"');
    expect(category).toContain('type="application/atom+xml" title="Assay: Recycling (Atom)" href="/categories/recycling/atom.xml"');
    const page = await (await get(cached, `/articles/${article.slug}`)).text();
    expect(page).toContain(`type="application/rss+xml" title="Comments on Recycled magnets (RSS)" href="${PUBLIC}/articles/${article.slug}/comments.xml"`);
    const alternates = `${home}${category}${page}`.match(/<link rel="alternate"[^>]*>/g) ?? [];
    expect(alternates).toHaveLength(5);
    for (const link of alternates) expect(link).not.toContain("nofollow");
    // What they point to is there.
    for (const pathname of ["/feed.xml", "/atom.xml", "/categories/recycling/feed.xml", "/categories/recycling/atom.xml", `/articles/${article.slug}/comments.xml`]) {
      expect((await get(cached, pathname)).status, pathname).toBe(200);
    }
  });
});
