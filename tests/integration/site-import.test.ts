// `npm run import:wordpress` and `npm run import:disqus`: hand-written exports
// (tests/fixtures/imports) import correctly, twice without duplicates (and update
// in place), a dry run writes nothing, a malformed file names its line and column,
// and old permalinks answer 301 through the real server.
import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { promisify } from "node:util";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readDisqusExport } from "~/lib/disqus-export.server";
import { hashIp } from "~/models/secrets.server";
import { readWxr } from "~/lib/wxr.server";
import { ExportFileError } from "~/lib/xml-stream.server";
import { findArticleByCanonicalUrl } from "~/models/embed.server";
import { importDisqus, importWordPress, type ImportSummary } from "~/models/site-import.server";
import { SEED_ARTICLES, SEED_OLD_PERMALINK, seed } from "../../db/seed";
import { startAppServer, request, type AppServer } from "../support/app-server";
import { useTestDatabase } from "../support/db";
import { createArticle } from "../support/factories";

const t = useTestDatabase();
const root = path.resolve(import.meta.dirname, "..", "..");
const WXR = path.join(root, "tests/fixtures/imports/wordpress-export.xml");
const DISQUS = path.join(root, "tests/fixtures/imports/disqus-export.xml");
const run = promisify(execFile);
let tmp = "";

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), "assay-import-"));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

const importWxr = (file = WXR, options: Parameters<typeof importWordPress>[2] = {}) => importWordPress(t.db, readWxr(file), options);
const importDsq = (file = DISQUS, options: Parameters<typeof importDisqus>[2] = {}) => importDisqus(t.db, readDisqusExport(file), options);

async function articleByKey(source: "wordpress" | "disqus", externalId: string) {
  const key = await t.db.selectFrom("import_keys").select("article_id").where("source", "=", source).where("kind", "=", "article").where("external_id", "=", externalId).executeTakeFirst();
  if (!key?.article_id) return null;
  return t.db.selectFrom("articles").selectAll().where("id", "=", key.article_id).executeTakeFirstOrThrow();
}

async function commentByKey(source: "wordpress" | "disqus", externalId: string) {
  const key = await t.db.selectFrom("import_keys").select("comment_id").where("source", "=", source).where("kind", "=", "comment").where("external_id", "=", externalId).executeTakeFirst();
  if (!key?.comment_id) return null;
  return t.db.selectFrom("comments").selectAll().where("id", "=", key.comment_id).executeTakeFirstOrThrow();
}

async function counts() {
  const row = await sql<Record<string, number>>`
    select (select count(*) from articles) as articles, (select count(*) from comments) as comments,
           (select count(*) from categories) as categories, (select count(*) from import_keys) as keys,
           (select count(*) from permalink_redirects) as redirects, (select count(*) from article_revisions) as revisions,
           (select count(*) from site_secrets) as secrets, (select count(*) from article_categories) as article_categories
  `.execute(t.db);
  return row.rows[0]!;
}

async function categoriesOf(articleId: number) {
  return t.db
    .selectFrom("article_categories as ac")
    .innerJoin("categories as c", "c.id", "ac.category_id")
    .select(["c.name", "c.slug", "c.description"])
    .where("ac.article_id", "=", articleId)
    .orderBy("c.name")
    .execute();
}

describe("WordPress (WXR 1.2)", () => {
  it("imports posts by status, flattened categories, and comments with their thread, statuses and private details", async () => {
    const summary = await importWxr();
    expect(summary.articles).toEqual({ created: 5, updated: 0, unchanged: 0, byStatus: { published: 1, scheduled: 1, draft: 3 } });
    expect(summary.comments.byStatus).toEqual({ approved: 4, pending: 1, spam: 1, trash: 1 });
    expect(summary.comments.created).toBe(7);
    expect(summary.orphans).toBe(1);
    expect(summary.skipped).toMatchObject({ pingbacks: 1, "page items (not posts)": 1, "attachment items (not posts)": 1 });
    expect(summary.skipped["tags (dropped; --tags-as-categories keeps them)"]).toBe(1);

    const post = (await articleByKey("wordpress", "101"))!;
    expect(post.title).toBe("Rare earths & the “new” supply");
    expect(post.slug).toBe("rare-earths-supply");
    expect(post.byline).toBe("Jane Doe");
    expect(post.published_at?.toISOString()).toBe("2024-05-01T08:30:00.000Z");
    // Stored as the embed looks addresses up, so the news site's own page finds this thread.
    expect(post.canonical_url).toBe("https://news.example.com/2024/05/rare-earths-supply");
    expect((await findArticleByCanonicalUrl(t.db, "https://news.example.com/2024/05/rare-earths-supply/#comments"))?.id).toBe(post.id);
    expect(post.excerpt).toBe("Output & prices, in April.");
    // Imported history is not news: followers are not told of it.
    expect(post.announced_at).not.toBeNull();
    // HTML with entities and CDATA → Markdown → rendered and sanitised.
    expect(post.body_markdown).toContain("**12%**");
    expect(post.body_html).toContain("<strong>12%</strong> in April &amp; prices followed.</p>");
    expect(post.body_html).toContain('href="https://analysts.example.org/report"');
    expect(post.body_html).toContain("<li>Quotas</li>");
    expect(post.body_html).toContain("A second line of the same paragraph.");
    expect(post.body_html).toContain("The CDATA section ends here: ]]&gt; and goes on.");
    expect(post.body_html).not.toMatch(/script|stolen/);
    // In two categories; the child's name carries its parent's, descriptions are kept.
    expect(await categoriesOf(post.id)).toEqual([
      { name: "Commodities & Energy", slug: "commodities-and-energy", description: "" },
      { name: "Markets › Mining", slug: "markets-mining", description: "Mines, miners and what they dig." },
    ]);
    expect(await t.db.selectFrom("categories").select("description").where("name", "=", "Markets").executeTakeFirst()).toEqual({
      description: "Prices, trades and the people who make them.",
    });
    expect(await t.db.selectFrom("categories").select("id").where("name", "=", "Rare earths").executeTakeFirst()).toBeUndefined();

    const scheduled = (await articleByKey("wordpress", "102"))!;
    expect(scheduled.published_at?.toISOString()).toBe("2030-01-01T08:00:00.000Z");
    expect(scheduled.comments_open).toBe(false);
    expect(scheduled.announced_at).toBeNull();
    expect(scheduled.body_html).toBe("<p>What the decade holds.</p>");
    for (const id of ["103", "106", "107"]) {
      const draft = (await articleByKey("wordpress", id))!;
      expect(draft.published_at, id).toBeNull();
      expect(draft.first_published_at, id).toBeNull();
      expect(draft.canonical_url, id).toBeNull();
    }
    expect((await articleByKey("wordpress", "103"))!.slug).toBe("notes-for-a-later-piece");

    const alice = (await commentByKey("wordpress", "101:11"))!;
    const bob = (await commentByKey("wordpress", "101:12"))!;
    const carol = (await commentByKey("wordpress", "101:13"))!;
    expect(alice).toMatchObject({ article_id: post.id, parent_id: null, status: "approved", author_name: "Alice Analyst", author_email: "alice@example.com", author_url: "https://alice.example.com/" });
    expect(alice.created_at.toISOString()).toBe("2024-05-01T10:00:00.000Z");
    expect(alice.ip_hash).toBe(await hashIp(t.db, "203.0.113.7"));
    expect(alice.ip_hash).not.toContain("203.0.113");
    expect(alice.notify_replies).toBe(false);
    expect(alice.body_html).toBe("<p>Quotas matter &amp; so do *stars*.</p>\n<p>A second paragraph with <em>emphasis</em> and &lt;angle&gt; brackets.</p>");
    // Nested replies keep their thread, even when a reply comes before its parent in the file.
    expect(bob).toMatchObject({ parent_id: alice.id, root_id: alice.id, author_name: "Bob & Sons", author_url: "" });
    expect(carol).toMatchObject({ parent_id: bob.id, root_id: alice.id });
    expect(bob.body_html).not.toContain("javascript");
    expect(bob.body_html).toContain('href="https://example.net/"');
    expect((await commentByKey("wordpress", "101:14"))!.status).toBe("pending");
    expect((await commentByKey("wordpress", "101:15"))!.status).toBe("spam");
    expect((await commentByKey("wordpress", "101:16"))!.status).toBe("trash");
    expect(await commentByKey("wordpress", "101:17")).toBeNull();
    const orphan = (await commentByKey("wordpress", "101:18"))!;
    expect(orphan).toMatchObject({ parent_id: null, root_id: null, status: "approved" });

    // Nobody is mailed or notified about the past.
    expect(await t.db.selectFrom("outbox").select("id").execute()).toEqual([]);
    expect(await t.db.selectFrom("notifications").select("id").execute()).toEqual([]);
    expect(await t.db.selectFrom("thread_watches").select("user_id").execute()).toEqual([]);
  });

  it("imported twice is the same rows; a changed export updates them in place", async () => {
    await importWxr();
    const before = await counts();
    const again = await importWxr();
    expect(again.articles).toMatchObject({ created: 0, updated: 0, unchanged: 5 });
    expect(again.comments).toMatchObject({ created: 0, updated: 0, unchanged: 7 });
    expect(again.categories.created).toBe(0);
    expect(await counts()).toEqual(before);

    const post = (await articleByKey("wordpress", "101"))!;
    const alice = (await commentByKey("wordpress", "101:11"))!;
    const changed = (await readFile(WXR, "utf8"))
      .replace("<title>Rare earths &amp; the &#8220;new&#8221; supply</title>", "<title>Rare earths, revised</title>")
      .replace("Quotas matter & so do *stars*.", "Quotas matter, edited.")
      .replace("<wp:comment_approved><![CDATA[0]]></wp:comment_approved>", "<wp:comment_approved><![CDATA[1]]></wp:comment_approved>");
    const file = path.join(tmp, "changed.xml");
    await writeFile(file, changed);
    const third = await importWxr(file);
    expect(third.articles).toMatchObject({ created: 0, updated: 1, unchanged: 4 });
    expect(third.comments).toMatchObject({ created: 0, updated: 2, unchanged: 5 });
    expect((await counts()).comments).toBe(before.comments);
    const updated = (await articleByKey("wordpress", "101"))!;
    expect(updated.id).toBe(post.id);
    expect(updated.title).toBe("Rare earths, revised");
    expect(updated.slug).toBe(post.slug);
    const edited = (await commentByKey("wordpress", "101:11"))!;
    expect(edited.id).toBe(alice.id);
    expect(edited.body_html).toBe("<p>Quotas matter, edited.</p>\n<p>A second paragraph with <em>emphasis</em> and &lt;angle&gt; brackets.</p>");
    expect((await commentByKey("wordpress", "101:14"))!.status).toBe("approved");
  });

  it("keeps tags as categories when asked", async () => {
    const summary = await importWxr(WXR, { tagsAsCategories: true });
    const post = (await articleByKey("wordpress", "101"))!;
    expect((await categoriesOf(post.id)).map((c) => c.name)).toEqual(["Commodities & Energy", "Markets › Mining", "Rare earths"]);
    expect(summary.skipped["tags (dropped; --tags-as-categories keeps them)"]).toBeUndefined();
  });

  it("a dry run counts what it would do and writes nothing", async () => {
    const summary = await importWxr(WXR, { dryRun: true });
    expect(summary.dryRun).toBe(true);
    expect(summary.articles.created).toBe(5);
    expect(summary.comments.created).toBe(7);
    expect(await counts()).toEqual({ articles: 0, comments: 0, categories: 0, keys: 0, redirects: 0, revisions: 0, secrets: 0, article_categories: 0 });
  });

  it("an interrupted import (small batches, a failure midway) is finished by running it again", async () => {
    const broken = (await readFile(WXR, "utf8")).replace("<title>Staff only</title>", "<title>Staff only</titel>");
    const file = path.join(tmp, "broken-midway.xml");
    await writeFile(file, broken);
    // Read in small pieces, as a large file is: the bad item comes after several batches.
    const pieces = broken.match(/[\s\S]{1,512}/g)!;
    await expect(importWordPress(t.db, readWxr(Readable.from(pieces)), { batchSize: 1 })).rejects.toBeInstanceOf(ExportFileError);
    // The batches before the bad item were committed; the rest were not.
    const committed = Number((await counts()).articles);
    expect(committed).toBeGreaterThan(0);
    expect(committed).toBeLessThan(5);
    expect((await counts()).comments).toBe(7);
    const summary = await importWxr(WXR, { batchSize: 1 });
    expect(summary.articles).toMatchObject({ created: 5 - committed, unchanged: committed });
    expect(summary.comments).toMatchObject({ created: 0, unchanged: 7 });
    expect((await counts()).articles).toBe(5);
  });

  it("a Disqus thread of an imported post finds it by its canonical URL", async () => {
    await importWxr();
    const post = (await articleByKey("wordpress", "101"))!;
    const summary = await importDsq();
    expect(summary.matchedArticles).toBe(1);
    const lee = (await commentByKey("disqus", "9007"))!;
    expect(lee.article_id).toBe(post.id);
    expect(lee.body_html).toBe("<p>On the rare earths piece: quotas &gt; mines.</p>");
  });
});

describe("Disqus", () => {
  it("creates articles for unknown threads, maps spam and deleted, and keeps parents", async () => {
    const summary = await importDsq();
    expect(summary.articles).toMatchObject({ created: 2, updated: 0 });
    expect(summary.comments.byStatus).toEqual({ approved: 5, pending: 0, spam: 1, trash: 1 });
    expect(summary.orphans).toBe(1);
    expect(summary.skipped).toEqual({ "threads deleted on Disqus": 1, "posts of threads left out": 1 });

    const copper = (await articleByKey("disqus", "5002"))!;
    expect(copper).toMatchObject({ title: "Copper week", canonical_url: "https://news.example.com/markets/copper-week", comments_open: false });
    expect(copper.published_at?.toISOString()).toBe("2024-06-10T07:00:00.000Z");
    expect(copper.body_html).toContain('href="https://news.example.com/markets/copper-week/"');
    // Disqus pages stay on the news site: no redirects for them.
    expect(await t.db.selectFrom("permalink_redirects").select("path").execute()).toEqual([]);

    const gina = (await commentByKey("disqus", "9001"))!;
    const hal = (await commentByKey("disqus", "9002"))!;
    const ivy = (await commentByKey("disqus", "9003"))!;
    expect(gina).toMatchObject({ article_id: copper.id, parent_id: null, status: "approved", author_name: "Gina", author_email: "gina@example.com" });
    expect(gina.body_html).toBe("<p>Copper &amp; <strong>cobalt</strong> next?</p>\n<p>Second paragraph.</p>");
    expect(gina.ip_hash).toBe(await hashIp(t.db, "203.0.113.20"));
    expect(hal).toMatchObject({ parent_id: gina.id, root_id: gina.id });
    expect(ivy).toMatchObject({ parent_id: hal.id, root_id: gina.id });
    expect((await commentByKey("disqus", "9004"))!.status).toBe("spam");
    expect((await commentByKey("disqus", "9005"))!.status).toBe("trash");
    expect((await commentByKey("disqus", "9006"))!).toMatchObject({ parent_id: null, status: "approved" });
    expect(await commentByKey("disqus", "9008")).toBeNull();
  });

  it("takes posts that come before their thread in the file", async () => {
    const text = await readFile(DISQUS, "utf8");
    const thread = text.slice(text.indexOf('  <thread dsq:id="5002">'), text.indexOf('  <thread dsq:id="5003">'));
    const file = path.join(tmp, "thread-last.xml");
    await writeFile(file, text.replace(thread, "").replace("</disqus>", `${thread}</disqus>`));
    const summary = await importDsq(file);
    expect(summary.comments.created).toBe(7);
    expect(summary.skipped["posts whose thread is not in the export"]).toBeUndefined();
    const copper = (await articleByKey("disqus", "5002"))!;
    const hal = (await commentByKey("disqus", "9002"))!;
    expect(hal.article_id).toBe(copper.id);
    expect(hal.parent_id).toBe((await commentByKey("disqus", "9001"))!.id);
  });

  it("imported twice is the same rows", async () => {
    await importDsq();
    const before = await counts();
    const again = await importDsq();
    expect(again.articles).toMatchObject({ created: 0, updated: 0, unchanged: 2 });
    expect(again.comments).toMatchObject({ created: 0, updated: 0, unchanged: 7 });
    expect(await counts()).toEqual(before);
  });

  it("finds an existing article by its canonical URL, with or without the trailing slash", async () => {
    const { id } = await createArticle(t.db, { slug: "copper-week-here" });
    await t.db.updateTable("articles").set({ canonical_url: "https://news.example.com/markets/copper-week" }).where("id", "=", id).execute();
    const summary = await importDsq();
    expect(summary.matchedArticles).toBe(1);
    expect((await commentByKey("disqus", "9001"))!.article_id).toBe(id);
  });

  it("a dry run writes nothing", async () => {
    const summary = await importDsq(DISQUS, { dryRun: true });
    expect(summary.comments.created).toBe(7);
    expect(await counts()).toMatchObject({ articles: 0, comments: 0, keys: 0, secrets: 0 });
  });
});

describe("malformed files", () => {
  it("names the line and column of the first XML error", async () => {
    const lines = (await readFile(WXR, "utf8")).split("\n");
    const at = lines.findIndex((l) => l.includes("<wp:post_id>102</wp:post_id>"));
    lines[at] = "\t\t<wp:post_id>102</wp:post_idd>";
    const file = path.join(tmp, "malformed.xml");
    await writeFile(file, lines.join("\n"));
    const error = await importWxr(file, { dryRun: true }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ExportFileError);
    expect((error as ExportFileError).line).toBe(at + 1);
    expect((error as ExportFileError).column).toBe("\t\t<wp:post_id>102</wp:post_idd>".length + 1);
  });

  it("says so when the file is another export", async () => {
    const error = await importWxr(DISQUS).catch((e: unknown) => e);
    expect((error as ExportFileError).reason).toMatch(/not a WordPress export/);
    const other = await importDsq(WXR).catch((e: unknown) => e);
    expect((other as ExportFileError).reason).toMatch(/not a Disqus export/);
  });

  it("from the command line: file:line:column and the reason, exit code 1, no stack trace", async () => {
    const file = path.join(tmp, "truncated.xml");
    const text = await readFile(DISQUS, "utf8");
    await writeFile(file, text.slice(0, text.indexOf("<post dsq:id=\"9004\">")) + "<post dsq:id=\"9004\">\n  <message>&bogus;</message>\n");
    const result = await run(process.execPath, ["--import", "tsx", "scripts/import-disqus.ts", file], { cwd: root, env: { ...process.env, DATABASE_URL: t.url } }).catch((e: unknown) => e as { code: number; stdout: string; stderr: string });
    expect((result as { code: number }).code).toBe(1);
    const stderr = (result as { stderr: string }).stderr;
    const line = text.slice(0, text.indexOf("<post dsq:id=\"9004\">")).split("\n").length + 1;
    expect(stderr).toMatch(new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")}:${line}:\\d+: not well-formed XML`, "m"));
    expect(stderr).not.toMatch(/\n\s+at /);
  });

  it("from the command line: a summary of a good file, with --dry-run", async () => {
    const { stdout } = await run(process.execPath, ["--import", "tsx", "scripts/import-wordpress.ts", "--dry-run", WXR], { cwd: root, env: { ...process.env, DATABASE_URL: t.url } });
    expect(stdout).toContain("dry run, nothing written");
    expect(stdout).toMatch(/articles: 5 would be created/);
    expect(stdout).toMatch(/comments: 7 would be created, .* by status: 4 approved, 1 pending, 1 spam, 1 trash/);
    expect(stdout).toMatch(/1 pingbacks/);
    expect((await counts()).articles).toBe(0);
  });
});

describe("old permalinks over HTTP", () => {
  let server: AppServer;
  let summary: ImportSummary;
  beforeAll(async () => {
    summary = await importWordPress(t.db, readWxr(WXR));
    server = await startAppServer(t.url);
  });
  afterAll(async () => {
    await server?.stop();
  });
  // The server's database is cleared between tests: import again (in place) before each look.
  const reimport = () => importWordPress(t.db, readWxr(WXR));

  it("answer 301 to the article, with or without the trailing slash", async () => {
    await reimport();
    expect(summary.redirects).toBe(2);
    const post = (await articleByKey("wordpress", "101"))!;
    for (const p of ["/2024/05/rare-earths-supply/", "/2024/05/rare-earths-supply"]) {
      const response = await request(server.base, { path: p });
      expect(response.status, p).toBe(301);
      expect(response.headers.location, p).toBe(`/articles/${post.slug}`);
    }
    const article = await request(server.base, { path: `/articles/${post.slug}` });
    expect(article.status).toBe(200);
    expect(article.text).toContain("Alice Analyst");
    expect(article.text).not.toContain("alice@example.com");
  });

  it("the demo seed keeps one for its first article, and seeding twice keeps one", async () => {
    await seed(t.db);
    await seed(t.db);
    expect(await t.db.selectFrom("permalink_redirects").select("path").execute()).toEqual([{ path: SEED_OLD_PERMALINK }]);
    const response = await request(server.base, { path: `${SEED_OLD_PERMALINK}/` });
    expect(response.status).toBe(301);
    expect(response.headers.location).toBe(`/articles/${SEED_ARTICLES[0]!.slug}`);
  });

  it("stay 404 while the article is not yet visible, and for any other path", async () => {
    await reimport();
    expect((await request(server.base, { path: "/2030/01/outlook/" })).status).toBe(404);
    expect((await request(server.base, { path: "/2024/05/no-such-post/" })).status).toBe(404);
  });
});
