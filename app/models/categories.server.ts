import { sql } from "kysely";
import type { DB } from "../../db/connection";
import { SLUG_PATTERN, slugify } from "../lib/slugs";

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

// --- editors: /admin/categories ----------------------------------------------------

export interface AdminCategory extends CategoryDetail {
  articleCount: number;
  oldSlugs: string[];
}

export async function listCategoriesForAdmin(db: DB): Promise<AdminCategory[]> {
  const rows = await db
    .selectFrom("categories as c")
    .select([
      "c.id",
      "c.slug",
      "c.name",
      "c.description",
      sql<number>`(select count(*) from article_categories ac where ac.category_id = c.id)`.as("article_count"),
      sql<string[]>`coalesce((select array_agg(r.slug order by r.slug) from category_slug_redirects r where r.category_id = c.id), '{}')`.as("old_slugs"),
    ])
    .orderBy("c.name")
    .execute();
  return rows.map((r) => ({ id: r.id, slug: r.slug, name: r.name, description: r.description, articleCount: Number(r.article_count), oldSlugs: r.old_slugs }));
}

export type CategoryError = "slug-taken" | "slug-invalid" | "not-found" | "not-empty" | "same-category";
export type CategoryResult = { ok: true; id: number; slug: string } | { ok: false; error: CategoryError };

async function categorySlugTaken(db: DB, slug: string, categoryId: number | null): Promise<boolean> {
  const current = await db.selectFrom("categories").select("id").where("slug", "=", slug).executeTakeFirst();
  if (current && current.id !== categoryId) return true;
  const old = await db.selectFrom("category_slug_redirects").select("category_id").where("slug", "=", slug).executeTakeFirst();
  return Boolean(old && old.category_id !== categoryId);
}

export async function createCategory(db: DB, input: { name: string; slug?: string; description?: string }): Promise<CategoryResult> {
  const slug = input.slug?.trim() || slugify(input.name);
  if (!SLUG_PATTERN.test(slug)) return { ok: false, error: "slug-invalid" };
  if (await categorySlugTaken(db, slug, null)) return { ok: false, error: "slug-taken" };
  const row = await db
    .insertInto("categories")
    .values({ slug, name: input.name.trim(), description: input.description?.trim() ?? "" })
    .onConflict((oc) => oc.column("slug").doNothing())
    .returning("id")
    .executeTakeFirst();
  return row ? { ok: true, id: row.id, slug } : { ok: false, error: "slug-taken" };
}

/** Rename, re-slug or describe a category; its old slug answers 301 to the new one. */
export async function updateCategory(
  db: DB,
  input: { id: number; name: string; slug: string; description: string },
): Promise<CategoryResult> {
  return db.transaction().execute(async (trx): Promise<CategoryResult> => {
    const existing = await trx.selectFrom("categories").select(["id", "slug"]).where("id", "=", input.id).forUpdate().executeTakeFirst();
    if (!existing) return { ok: false, error: "not-found" };
    const slug = input.slug.trim() || existing.slug;
    if (!SLUG_PATTERN.test(slug)) return { ok: false, error: "slug-invalid" };
    if (await categorySlugTaken(trx, slug, existing.id)) return { ok: false, error: "slug-taken" };
    await trx.updateTable("categories").set({ name: input.name.trim(), slug, description: input.description.trim() }).where("id", "=", existing.id).execute();
    if (slug !== existing.slug) {
      await trx.deleteFrom("category_slug_redirects").where("slug", "=", slug).execute();
      await trx.insertInto("category_slug_redirects").values({ slug: existing.slug, category_id: existing.id }).execute();
    }
    return { ok: true, id: existing.id, slug };
  });
}

/**
 * Merge one category into another: its articles move (an article in both keeps
 * one link), its addresses (current and old) redirect to the target, and it goes.
 * Followers of categories move here too once that table exists.
 */
export async function mergeCategories(db: DB, input: { fromId: number; intoId: number }): Promise<CategoryResult & { moved?: number }> {
  if (input.fromId === input.intoId) return { ok: false, error: "same-category" };
  return db.transaction().execute(async (trx) => {
    const rows = await trx
      .selectFrom("categories")
      .select(["id", "slug"])
      .where("id", "in", [input.fromId, input.intoId])
      .orderBy("id")
      .forUpdate()
      .execute();
    const from = rows.find((r) => r.id === input.fromId);
    const into = rows.find((r) => r.id === input.intoId);
    if (!from || !into) return { ok: false, error: "not-found" } as const;
    const moved = await trx
      .insertInto("article_categories")
      .columns(["article_id", "category_id"])
      .expression((eb) =>
        eb.selectFrom("article_categories").select(["article_id", sql.lit(into.id).as("category_id")]).where("category_id", "=", from.id),
      )
      .onConflict((oc) => oc.columns(["article_id", "category_id"]).doNothing())
      .executeTakeFirst();
    await trx.updateTable("category_slug_redirects").set({ category_id: into.id }).where("category_id", "=", from.id).execute();
    await trx.deleteFrom("categories").where("id", "=", from.id).execute();
    await trx.insertInto("category_slug_redirects").values({ slug: from.slug, category_id: into.id }).execute();
    return { ok: true, id: into.id, slug: into.slug, moved: Number(moved.numInsertedOrUpdatedRows ?? 0) } as const;
  });
}

/** Delete a category no article uses. */
export async function deleteCategory(db: DB, id: number): Promise<CategoryResult> {
  return db.transaction().execute(async (trx): Promise<CategoryResult> => {
    const row = await trx.selectFrom("categories").select(["id", "slug"]).where("id", "=", id).forUpdate().executeTakeFirst();
    if (!row) return { ok: false, error: "not-found" };
    const used = await trx.selectFrom("article_categories").select("article_id").where("category_id", "=", id).limit(1).executeTakeFirst();
    if (used) return { ok: false, error: "not-empty" };
    await trx.deleteFrom("categories").where("id", "=", id).execute();
    return { ok: true, id, slug: row.slug };
  });
}

/** Where an old category slug lives now. */
export async function findCategoryRedirect(db: DB, slug: string): Promise<string | null> {
  if (!SLUG_PATTERN.test(slug)) return null;
  const row = await db
    .selectFrom("category_slug_redirects as r")
    .innerJoin("categories as c", "c.id", "r.category_id")
    .select("c.slug")
    .where("r.slug", "=", slug)
    .executeTakeFirst();
  return row?.slug ?? null;
}
