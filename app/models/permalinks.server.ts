// Old permalinks of imported articles (migration 0009): a request for one on
// Assay's host answers 301 to the article, while the article is visible.
import type { DB } from "../../db/connection";
import { normalizePermalinkPath } from "../lib/permalinks";

/** The slug of the visible article whose old address `pathname` was, or null. */
export async function findPermalinkRedirect(db: DB, pathname: string, now: Date = new Date()): Promise<string | null> {
  const path = normalizePermalinkPath(pathname);
  if (!path) return null;
  const row = await db
    .selectFrom("permalink_redirects as r")
    .innerJoin("articles as a", "a.id", "r.article_id")
    .select("a.slug")
    .where("r.path", "=", path)
    .where("a.published_at", "<=", now)
    .executeTakeFirst();
  return row?.slug ?? null;
}
