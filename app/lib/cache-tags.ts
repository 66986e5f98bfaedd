// How a route opts its page into the guest page cache (app/composition/page-cache.server.ts):
// its loader sends this header naming what the page shows, and its `headers`
// export passes it on. The header never reaches the browser. No header: the
// page is never cached. Safe to import anywhere (no server code).
export const CACHE_TAG_HEADER = "X-Assay-Cache";

/** The page shows this article and its comments. */
export function articleCacheTag(articleId: number): Record<string, string> {
  return { [CACHE_TAG_HEADER]: `article=${articleId}` };
}

/** The page lists articles (with their comment counts). */
export function listCacheTag(): Record<string, string> {
  return { [CACHE_TAG_HEADER]: "list" };
}

/** For a route's `headers` export: pass the loader's tag on to the document response. */
export function passCacheTag({ loaderHeaders }: { loaderHeaders: Headers }): Record<string, string> {
  const tag = loaderHeaders.get(CACHE_TAG_HEADER);
  return tag ? { [CACHE_TAG_HEADER]: tag } : {};
}

/**
 * An action's answer to a write that changed nothing a guest's page shows (a
 * bot's honeypot post, a comment held for moderation): the cached pages of its
 * path stay. Every other successful write drops them at once.
 */
export const UNCHANGED_HEADER = "X-Assay-Unchanged";

export function unchangedHeaders(): Record<string, string> {
  return { [UNCHANGED_HEADER]: "1" };
}
