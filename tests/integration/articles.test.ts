import { describe, expect, it } from "vitest";
import { getPublishedArticle, listPublishedArticles } from "~/models/articles.server";
import { getCategoryBySlug } from "~/models/categories.server";
import { approveComment } from "~/models/moderation.server";
import { seed, SEED_ARTICLES, SEED_CATEGORIES, SEED_EDITORIAL_SLUGS } from "../../db/seed";
import { useTestDatabase } from "../support/db";
import { createArticle, createCategory, createComment } from "../support/factories";

const t = useTestDatabase();

describe("articles", () => {
  it("lists published articles newest first, with categories and approved comment counts", async () => {
    const china = await createCategory(t.db, "china-test", "China");
    const older = await createArticle(t.db, { publishedAt: new Date("2025-01-01T00:00:00Z"), categorySlugs: [china.slug] });
    const newer = await createArticle(t.db, { publishedAt: new Date("2025-02-01T00:00:00Z") });
    await createArticle(t.db, { publishedAt: null });
    await createArticle(t.db, { publishedAt: new Date(Date.now() + 86_400_000) });
    const approved = await createComment(t.db, older.id);
    await approveComment(t.db, { commentId: approved.commentId });
    await createComment(t.db, older.id);

    const page = await listPublishedArticles(t.db);
    expect(page.articles.map((a) => a.slug)).toEqual([newer.slug, older.slug]);
    expect(page.articles[1]).toMatchObject({ approvedCommentCount: 1, categories: [{ slug: "china-test", name: "China" }] });
    expect(page.nextCursor).toBeNull();
  });

  it("pages through articles by keyset without repeating or skipping", async () => {
    for (let i = 0; i < 7; i++) await createArticle(t.db, { publishedAt: new Date(Date.UTC(2025, 0, 1 + (i % 3))) });
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page = await listPublishedArticles(t.db, { cursor, limit: 3 });
      seen.push(...page.articles.map((a) => a.slug));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toHaveLength(7);
    expect(new Set(seen).size).toBe(7);
  });

  it("lists a category's articles only", async () => {
    const policy = await createCategory(t.db, "policy-test", "Policy");
    const inIt = await createArticle(t.db, { categorySlugs: [policy.slug] });
    await createArticle(t.db);
    const category = await getCategoryBySlug(t.db, "policy-test");
    const page = await listPublishedArticles(t.db, { categoryId: category!.id });
    expect(page.articles.map((a) => a.slug)).toEqual([inIt.slug]);
  });

  it("does not show a draft or a scheduled article", async () => {
    const draft = await createArticle(t.db, { publishedAt: null });
    const scheduled = await createArticle(t.db, { publishedAt: new Date(Date.now() + 3_600_000) });
    expect(await getPublishedArticle(t.db, draft.slug)).toBeNull();
    expect(await getPublishedArticle(t.db, scheduled.slug)).toBeNull();
  });
});

describe("the seed", () => {
  it("adds five categories, the articles with highlights and threaded approved comments", async () => {
    const summary = await seed(t.db);
    expect(summary.categoriesAdded).toBe(SEED_CATEGORIES.length);
    expect(SEED_CATEGORIES).toHaveLength(5);
    expect(summary.articlesAdded).toBeGreaterThanOrEqual(3);
    const baogang = await getPublishedArticle(t.db, "baogang-orders-safety-and-environmental-inspections-at-key-mines");
    expect(baogang).not.toBeNull();
    expect(baogang!.highlights.length).toBeGreaterThanOrEqual(3);
    expect(baogang!.bodyHtml).toContain("<ol>");
    expect(baogang!.bodyHtml).toMatch(/target="_blank" rel="noopener noreferrer nofollow"/);
    expect(baogang!.categories.length).toBeGreaterThanOrEqual(2);
    const replies = await t.db.selectFrom("comments").select("id").where("parent_id", "is not", null).where("status", "=", "approved").execute();
    expect(replies.length).toBeGreaterThan(0);
  });

  it("changes nothing when run twice", async () => {
    await seed(t.db);
    const count = async () => ({
      articles: (await t.db.selectFrom("articles").selectAll().execute()).length,
      categories: (await t.db.selectFrom("categories").selectAll().execute()).length,
      comments: (await t.db.selectFrom("comments").selectAll().execute()).length,
    });
    const before = await count();
    const again = await seed(t.db);
    expect(again).toEqual({ categoriesAdded: 0, articlesAdded: 0, commentsAdded: 0 });
    expect(await count()).toEqual(before);
    expect(before.articles).toBe(SEED_ARTICLES.length + SEED_EDITORIAL_SLUGS.length);
  });
});
