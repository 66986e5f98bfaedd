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

/**
 * Beside a tag: the moment the page goes out of date with no write at all (the
 * trending tickers' 24 hours slide on), so a cached copy lives no longer. Never sent.
 */
export const CACHE_UNTIL_HEADER = "X-Assay-Cache-Until";

export function cacheUntilHeader(at: Date | null): Record<string, string> {
  return at ? { [CACHE_UNTIL_HEADER]: at.toISOString() } : {};
}

/** For a route's `headers` export: pass the loader's tag (and its time limit) on to the document response. */
export function passCacheTag({ loaderHeaders }: { loaderHeaders: Headers }): Record<string, string> {
  const tag = loaderHeaders.get(CACHE_TAG_HEADER);
  if (!tag) return {};
  const until = loaderHeaders.get(CACHE_UNTIL_HEADER);
  return until ? { [CACHE_TAG_HEADER]: tag, [CACHE_UNTIL_HEADER]: until } : { [CACHE_TAG_HEADER]: tag };
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
