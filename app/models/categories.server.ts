import type { DB } from "../../db/connection";

export interface CategoryLink {
  slug: string;
  name: string;
}

export interface CategoryDetail extends CategoryLink {
  id: number;
  description: string;
}

export async function listCategories(db: DB): Promise<CategoryLink[]> {
  return db.selectFrom("categories").select(["slug", "name"]).orderBy("name").execute();
}

export async function getCategoryBySlug(db: DB, slug: string): Promise<CategoryDetail | null> {
  // Slugs are lower-case words joined by hyphens; anything else (a NUL byte, say) cannot match.
  if (!/^[a-z0-9]+(-[a-z0-9]+)*$/.test(slug)) return null;
  const row = await db
    .selectFrom("categories")
    .select(["id", "slug", "name", "description"])
    .where("slug", "=", slug)
    .executeTakeFirst();
  return row ?? null;
}

/** The categories of many articles in one query, keyed by article id. */
export async function categoriesOfArticles(db: DB, articleIds: number[]): Promise<Map<number, CategoryLink[]>> {
  const byArticle = new Map<number, CategoryLink[]>();
  if (articleIds.length === 0) return byArticle;
  const rows = await db
    .selectFrom("article_categories as ac")
    .innerJoin("categories as c", "c.id", "ac.category_id")
    .select(["ac.article_id", "c.slug", "c.name"])
    .where("ac.article_id", "in", articleIds)
    .orderBy("c.name")
    .execute();
  for (const row of rows) {
    const list = byArticle.get(row.article_id) ?? [];
    list.push({ slug: row.slug, name: row.name });
    byArticle.set(row.article_id, list);
  }
  return byArticle;
}
