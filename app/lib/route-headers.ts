// A route's `headers` export decides the headers of its document; without one,
// Remix drops what the action or loader set. This one passes on the two that
// matter: the loader's cache tag (see cache-tags.ts) and the action's
// Retry-After (every 429 says when to try again). Safe to import anywhere.
import { passCacheTag } from "./cache-tags";

export function pageHeaders({ loaderHeaders, actionHeaders }: { loaderHeaders: Headers; actionHeaders: Headers }): Record<string, string> {
  const headers = passCacheTag({ loaderHeaders });
  const retryAfter = actionHeaders.get("Retry-After");
  if (retryAfter) headers["Retry-After"] = retryAfter;
  return headers;
}
