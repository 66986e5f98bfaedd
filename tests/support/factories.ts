// Small builders for integration tests: real rows through the real domain functions.
import type { DB } from "../../db/connection";
import { saveArticle } from "~/models/articles.server";
import { postComment, type NewCommentInput } from "~/models/comments.server";

let counter = 0;

export async function createCategory(db: DB, slug = `category-${++counter}`, name = `Category ${counter}`) {
  return db.insertInto("categories").values({ slug, name, description: "" }).returning(["id", "slug", "name"]).executeTakeFirstOrThrow();
}

export async function createArticle(
  db: DB,
  overrides: Partial<{ slug: string; title: string; publishedAt: Date | null; categorySlugs: string[]; body: string }> = {},
) {
  const n = ++counter;
  const slug = overrides.slug ?? `article-${n}`;
  const { id } = await saveArticle(db, {
    slug,
    title: overrides.title ?? `Article ${n}`,
    highlights: [`Highlight of article ${n}`],
    bodyMarkdown: overrides.body ?? `Body of article ${n}.`,
    byline: "Test desk",
    publishedAt: overrides.publishedAt === undefined ? new Date(Date.now() - 60_000) : overrides.publishedAt,
    categorySlugs: overrides.categorySlugs ?? [],
  });
  return { id, slug };
}

export function commentInput(articleId: number, overrides: Partial<NewCommentInput> = {}): NewCommentInput {
  const n = ++counter;
  return {
    articleId,
    parentId: null,
    authorName: `Reader ${n}`,
    authorEmail: `reader${n}@example.com`,
    authorUrl: "",
    body: `Comment number ${n}.`,
    // One IP per comment, so the comment rate limit (5 per IP) only bites where a test means it to.
    ipHash: `test-ip-${n}`,
    userAgent: "vitest",
    ...overrides,
  };
}

/** Post a comment and return its id, failing the test if the domain refused it. */
export async function createComment(db: DB, articleId: number, overrides: Partial<NewCommentInput> = {}) {
  const result = await postComment(db, commentInput(articleId, overrides));
  if (!result.ok) throw new Error(`postComment refused: ${result.error}`);
  return result;
}
