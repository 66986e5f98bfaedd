// The editors' routes and the crawler pages, called as Remix calls them: who may
// enter, what a bad form gets back, 301s from old slugs, two editors at once,
// JSON-LD, /sitemap.xml and /robots.txt with the configured public origin.
import { afterEach, describe, expect, it, vi } from "vitest";
import { startSession } from "~/composition/session.server";
import { renderArticleMarkdown } from "~/lib/markdown.server";
import type { Role } from "~/lib/roles";
import * as admin from "~/routes/admin";
import * as adminIndex from "~/routes/admin._index";
import * as articlesIndex from "~/routes/admin.articles._index";
import * as articlesNew from "~/routes/admin.articles.new";
import * as articleEdit from "~/routes/admin.articles.$id._index";
import * as revisions from "~/routes/admin.articles.$id.revisions";
import * as categoriesAdmin from "~/routes/admin.categories";
import * as articlePage from "~/routes/articles.$slug";
import * as categoryPage from "~/routes/categories.$slug";
import * as home from "~/routes/_index";
import * as sitemap from "~/routes/sitemap[.]xml";
import * as robots from "~/routes/robots[.]txt";
import { saveArticle } from "~/models/articles.server";
import { seed, SEED_ARTICLES } from "../../db/seed";
import { useTestDatabase } from "../support/db";
import { createCategory, createComment } from "../support/factories";
import { createPerson } from "../support/people";

const t = useTestDatabase();
const context = () => ({ db: t.db, clientIp: "192.0.2.7", articleViews: null, fragments: null });

afterEach(() => vi.unstubAllEnvs());

async function as(role: Role) {
  const person = await createPerson(t.db, role);
  const setCookie = await startSession(t.db, new Request("http://localhost/login"), person.id);
  return { ...person, cookie: setCookie.split(";")[0]! };
}

const get = (path: string, cookie?: string) => new Request(`http://localhost${path}`, { headers: cookie ? { Cookie: cookie } : {} });
function post(path: string, fields: Record<string, string | string[]>, cookie?: string) {
  const body = new URLSearchParams();
  for (const [k, v] of Object.entries(fields)) for (const one of Array.isArray(v) ? v : [v]) body.append(k, one);
  return new Request(`http://localhost${path}`, {
    method: "POST",
    body,
    headers: { "Content-Type": "application/x-www-form-urlencoded", ...(cookie ? { Cookie: cookie } : {}) },
  });
}

async function call(fn: (args: any) => unknown, request: Request, params: Record<string, string> = {}): Promise<Response> {
  try {
    return (await fn({ request, params, context: context() })) as Response;
  } catch (error) {
    if (error instanceof Response) return error;
    throw error;
  }
}

const form = (overrides: Record<string, string | string[]> = {}) => ({
  title: "Rare Earth Prices Climb",
  slug: "",
  byline: "Desk",
  highlights: "Prices up\nSupply tight",
  body: "Prices **rose** again.",
  excerpt: "",
  newCategories: "",
  publishAt: "",
  timeZone: "UTC",
  commentsOpen: "on",
  version: "0",
  intent: "save",
  ...overrides,
});

describe("who may use the editors' pages", () => {
  it("sends guests to log in, refuses members and moderators, lets editors and admins in", async () => {
    const { id } = await saveArticle(t.db, { slug: "an-article", title: "An article", highlights: [], bodyMarkdown: "x", byline: "", publishedAt: null, categorySlugs: [] });
    const loaders: [string, (args: any) => unknown, Record<string, string>][] = [
      ["/admin", admin.loader, {}],
      ["/admin", adminIndex.loader, {}],
      ["/admin/articles", articlesIndex.loader, {}],
      ["/admin/articles/new", articlesNew.loader, {}],
      [`/admin/articles/${id}`, articleEdit.loader, { id: String(id) }],
      [`/admin/articles/${id}/revisions`, revisions.loader, { id: String(id) }],
      ["/admin/categories", categoriesAdmin.loader, {}],
    ];
    const people = { member: await as("member"), moderator: await as("moderator"), editor: await as("editor"), admin: await as("admin") };
    for (const [path, loader, params] of loaders) {
      const guest = await call(loader, get(path), params);
      expect([path, guest.status, guest.headers.get("Location")]).toEqual([path, 303, `/login?redirectTo=${encodeURIComponent(path)}`]);
      for (const role of ["member", "moderator"] as const) expect([path, role, (await call(loader, get(path, people[role].cookie), params)).status]).toEqual([path, role, 403]);
      for (const role of ["editor", "admin"] as const) {
        const status = (await call(loader, get(path, people[role].cookie), params)).status;
        expect([path, role, status === 200 || status === 302]).toEqual([path, role, true]);
      }
    }
    // The actions check too.
    const moderator = people.moderator;
    expect((await call(articlesNew.action, post("/admin/articles/new", form(), moderator.cookie))).status).toBe(403);
    expect((await call(articleEdit.action, post(`/admin/articles/${id}`, form({ version: "1" }), moderator.cookie), { id: String(id) })).status).toBe(403);
    expect((await call(revisions.action, post(`/admin/articles/${id}/revisions`, { revision: "1", version: "1" }, moderator.cookie), { id: String(id) })).status).toBe(403);
    expect((await call(categoriesAdmin.action, post("/admin/categories", { intent: "create", name: "X" }, moderator.cookie))).status).toBe(403);
    expect((await call(articlesNew.action, post("/admin/articles/new", form()))).status).toBe(303);
    expect(await t.db.selectFrom("articles").select("id").execute()).toHaveLength(1);
  });
});

describe("the article form", () => {
  it("answers a bad form with 400, a message per field and everything typed", async () => {
    const me = await as("editor");
    const typed = form({ title: "  ", slug: "Not A Slug!", publishAt: "tomorrow-ish", body: "Kept body.", highlights: "Kept highlight" });
    const response = await call(articlesNew.action, post("/admin/articles/new", typed, me.cookie));
    expect(response.status).toBe(400);
    const data = await response.json();
    expect(Object.keys(data.errors).sort()).toEqual(["publishAt", "slug", "title"]);
    expect(data.values).toMatchObject({ body: "Kept body.", highlights: "Kept highlight", slug: "Not A Slug!", publishAt: "tomorrow-ish" });
    expect(await t.db.selectFrom("articles").select("id").execute()).toHaveLength(0);
  });

  it("previews with the readers' renderer and sanitizer, saving nothing", async () => {
    const me = await as("editor");
    const body = "Hi <script>alert(1)</script> [out](https://example.com)";
    const response = await call(articlesNew.action, post("/admin/articles/new", form({ intent: "preview", body }), me.cookie));
    expect(response.status).toBe(200);
    const data = await response.json();
    expect(data.preview.bodyHtml).toBe(renderArticleMarkdown(body));
    expect(data.preview.bodyHtml).not.toContain("<script");
    expect(await t.db.selectFrom("articles").select("id").execute()).toHaveLength(0);
  });

  it("publishes with two categories, one created inline; times are read in the editor's zone and stored as UTC", async () => {
    const me = await as("editor");
    const china = await createCategory(t.db, "china", "China");
    const response = await call(
      articlesNew.action,
      post("/admin/articles/new", form({ intent: "publish", categoryIds: [String(china.id)], newCategories: "Magnets", publishAt: "2030-07-01T09:30", timeZone: "Europe/Berlin" }), me.cookie),
    );
    expect(response.status).toBe(303);
    const row = await t.db.selectFrom("articles").select(["id", "slug", "published_at"]).executeTakeFirstOrThrow();
    expect(response.headers.get("Location")).toBe(`/admin/articles/${row.id}?notice=scheduled`);
    expect(row.published_at!.toISOString()).toBe("2030-07-01T07:30:00.000Z");
    const cats = await t.db.selectFrom("article_categories as ac").innerJoin("categories as c", "c.id", "ac.category_id").select("c.slug").orderBy("c.slug").execute();
    expect(cats.map((c) => c.slug)).toEqual(["china", "magnets"]);
  });

  it("tells the second of two editors saving the same version, keeping what they typed", async () => {
    const ann = await as("editor");
    const bob = await as("admin");
    await call(articlesNew.action, post("/admin/articles/new", form(), ann.cookie));
    const { id } = await t.db.selectFrom("articles").select("id").executeTakeFirstOrThrow();
    const params = { id: String(id) };
    expect((await call(articleEdit.action, post(`/admin/articles/${id}`, form({ version: "1", body: "Ann's." }), ann.cookie), params)).status).toBe(303);
    const late = await call(articleEdit.action, post(`/admin/articles/${id}`, form({ version: "1", body: "Bob's." }), bob.cookie), params);
    expect(late.status).toBe(409);
    const data = await late.json();
    expect(data.formError).toContain(ann.name);
    expect(data.values.body).toBe("Bob's.");
    // Having been told, Bob may save over it on purpose (Ann's stays among the revisions).
    expect(data.values.version).toBe("2");
  });
});

describe("old addresses", () => {
  it("answers an old article slug and an old category slug with 301", async () => {
    const me = await as("editor");
    await createCategory(t.db, "old-cat", "Old cat");
    await call(articlesNew.action, post("/admin/articles/new", form({ intent: "publish", slug: "first-slug" }), me.cookie));
    const { id } = await t.db.selectFrom("articles").select("id").executeTakeFirstOrThrow();
    await call(articleEdit.action, post(`/admin/articles/${id}`, form({ version: "1", slug: "second-slug" }), me.cookie), { id: String(id) });
    const moved = await call(articlePage.loader, get("/articles/first-slug"), { slug: "first-slug" });
    expect([moved.status, moved.headers.get("Location")]).toEqual([301, "/articles/second-slug"]);
    expect((await call(articlePage.loader, get("/articles/never-was"), { slug: "never-was" })).status).toBe(404);

    const cat = await t.db.selectFrom("categories").select("id").where("slug", "=", "old-cat").executeTakeFirstOrThrow();
    await call(categoriesAdmin.action, post("/admin/categories", { intent: "update", id: String(cat.id), name: "New cat", slug: "new-cat", description: "" }, me.cookie));
    const catMoved = await call(categoryPage.loader, get("/categories/old-cat"), { slug: "old-cat" });
    expect([catMoved.status, catMoved.headers.get("Location")]).toEqual([301, "/categories/new-cat"]);
  });

  it("hides an unpublished article from readers, old slugs included", async () => {
    const me = await as("editor");
    await call(articlesNew.action, post("/admin/articles/new", form({ intent: "publish", slug: "will-go" }), me.cookie));
    const { id } = await t.db.selectFrom("articles").select("id").executeTakeFirstOrThrow();
    const off = await call(articleEdit.action, post(`/admin/articles/${id}`, { intent: "unpublish", version: "1" }, me.cookie), { id: String(id) });
    expect(off.status).toBe(303);
    expect((await call(articlePage.loader, get("/articles/will-go"), { slug: "will-go" })).status).toBe(404);
    const sitemapText = await (await call(sitemap.loader, get("/sitemap.xml"))).text();
    expect(sitemapText).not.toContain("will-go");
  });
});

describe("pages for crawlers", () => {
  it("gives the article page canonical, OpenGraph, Twitter and JSON-LD with approved comments and no email", async () => {
    vi.stubEnv("PUBLIC_ORIGINS", "https://forum.example.com");
    const cat = await createCategory(t.db, "supply-chain", "Supply Chain");
    const { id } = await saveArticle(t.db, {
      slug: "crawled",
      title: "Crawled article",
      highlights: [],
      bodyMarkdown: "Body.",
      byline: "Jane Writer",
      publishedAt: new Date(Date.now() - 60_000),
      categorySlugs: [cat.slug],
    });
    const approved = await createComment(t.db, id, { authorName: "Pat", authorEmail: "pat-secret@example.com", body: "Approved words." });
    await t.db.updateTable("comments").set({ status: "approved" }).where("id", "=", approved.commentId).execute();
    await createComment(t.db, id, { authorName: "Held", authorEmail: "held-secret@example.com", body: "Held words." });

    const response = await call(articlePage.loader, get("/articles/crawled", undefined), { slug: "crawled" });
    const data = await response.json();
    const text = JSON.stringify(data);
    expect(text).not.toContain("secret@example.com");
    expect(data.jsonLd).toMatchObject({
      "@type": "NewsArticle",
      headline: "Crawled article",
      url: "https://forum.example.com/articles/crawled",
      author: { name: "Jane Writer" },
      articleSection: ["Supply Chain"],
      commentCount: 1,
      comment: [{ "@type": "Comment", author: { name: "Pat" }, text: "Approved words." }],
    });
    expect(data.jsonLd.datePublished).toBe(data.article.publishedAt);
    expect(data.jsonLd.dateModified).toBe(data.article.updatedAt);
    const tags = articlePage.meta({ data } as any) as Record<string, unknown>[];
    expect(tags).toContainEqual({ tagName: "link", rel: "canonical", href: "https://forum.example.com/articles/crawled" });
    expect(tags).toContainEqual({ property: "og:url", content: "https://forum.example.com/articles/crawled" });
    expect(tags).toContainEqual({ name: "twitter:card", content: "summary" });
    expect(tags).toContainEqual({ "script:ld+json": data.jsonLd });
  });

  it("lists published articles with lastmod and categories in /sitemap.xml, and /robots.txt points at it", async () => {
    vi.stubEnv("PUBLIC_ORIGINS", "https://forum.example.com");
    const cat = await createCategory(t.db, "china", "China");
    await saveArticle(t.db, { slug: "out", title: "Out", highlights: [], bodyMarkdown: "x", byline: "", publishedAt: new Date(Date.now() - 1000), categorySlugs: [cat.slug] });
    await saveArticle(t.db, { slug: "draft-one", title: "Draft", highlights: [], bodyMarkdown: "x", byline: "", publishedAt: null, categorySlugs: [] });
    await saveArticle(t.db, { slug: "soon", title: "Soon", highlights: [], bodyMarkdown: "x", byline: "", publishedAt: new Date(Date.now() + 86_400_000), categorySlugs: [] });
    const response = await call(sitemap.loader, get("/sitemap.xml"));
    expect(response.headers.get("Content-Type")).toContain("application/xml");
    const xml = await response.text();
    expect(xml).toMatch(/<url><loc>https:\/\/forum\.example\.com\/articles\/out<\/loc><lastmod>\d{4}-\d\d-\d\dT[^<]+<\/lastmod><\/url>/);
    expect(xml).toContain("<loc>https://forum.example.com/categories/china</loc>");
    expect(xml).not.toContain("draft-one");
    expect(xml).not.toContain("soon");
    const robotsText = await (await call(robots.loader, get("/robots.txt"))).text();
    for (const line of ["Disallow: /admin", "Disallow: /moderation", "Disallow: /account", "Sitemap: https://forum.example.com/sitemap.xml"]) expect(robotsText).toContain(line);
  });
});

describe("the empty home page", () => {
  it("tells an editor where to start, and a guest nothing of it", async () => {
    const me = await as("editor");
    const forEditor = await (await call(home.loader, get("/", me.cookie))).json();
    expect(forEditor).toMatchObject({ articles: [], canPublish: true });
    const forGuest = await (await call(home.loader, get("/"))).json();
    expect(forGuest).toMatchObject({ articles: [], canPublish: false });
  });
});

describe("the demo seed", () => {
  it("gives an editor drafts, a scheduled and an unpublished article, with revisions", async () => {
    await seed(t.db);
    const me = await as("editor");
    const response = await call(articlesIndex.loader, get("/admin/articles", me.cookie));
    expect(response.status).toBe(200);
    const data = await response.json();
    expect(data.counts.draft).toBeGreaterThanOrEqual(1);
    expect(data.counts.scheduled).toBeGreaterThanOrEqual(1);
    expect(data.counts.unpublished).toBeGreaterThanOrEqual(1);
    expect(data.counts.published).toBe(SEED_ARTICLES.length);
    const draft = data.articles.find((a: { status: string }) => a.status === "draft");
    const revs = await (await call(revisions.loader, get(`/admin/articles/${draft.id}/revisions`, me.cookie), { id: String(draft.id) })).json();
    expect(revs.revisions.length).toBeGreaterThanOrEqual(2);
  });
});
