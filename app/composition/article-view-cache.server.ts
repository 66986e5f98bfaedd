// The cache of article views (app/composition/article-view.server.tsx), apart from the
// code that renders them, so the server can create it without loading React
// (React picks its development or production build when first loaded).
import type { ArticleView } from "./article-view.server";
import { TaggedCache, type TaggedCacheOptions } from "../lib/tagged-cache";

export type ArticleViewCache = TaggedCache<ArticleView>;

export function createArticleViewCache(options: Omit<TaggedCacheOptions<ArticleView>, "sizeOf"> = {}): ArticleViewCache {
  // Strings are UTF-16 in memory: two bytes a character.
  return new TaggedCache<ArticleView>({
    ...options,
    sizeOf: (view) => 2 * (view.threadHtml.length + view.article.bodyHtml.length) + 4096,
  });
}
