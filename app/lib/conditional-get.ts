// Entity tags and conditional GETs, with the `etag` and `fresh` packages (Express's
// own). Shared by the guest page cache and the feeds, so a reader revalidates a
// feed the same way whether it came from memory or was rendered.
import makeEntityTag from "etag";
import fresh from "fresh";

/** A weak entity tag of a body: the same bytes always give the same tag, whatever the encoding sent. */
export function makeEtag(body: Buffer): string {
  return makeEntityTag(body, { weak: true });
}

/**
 * True when a conditional GET may be answered 304: If-None-Match names the entity
 * tag (weak comparison), or, without If-None-Match, If-Modified-Since is not before
 * Last-Modified. If-Modified-Since is not looked at beside If-None-Match (RFC 9110
 * 13.1.3), so it is not passed on to `fresh`; nor is the request's Cache-Control
 * (`fresh` would refuse a 304 to `no-cache`, but this is the origin validating, which
 * no-cache asks for).
 */
export function notModified(conditions: { ifNoneMatch?: string; ifModifiedSince?: string }, etag: string, lastModified?: string): boolean {
  const request = conditions.ifNoneMatch ? { "if-none-match": conditions.ifNoneMatch } : { "if-modified-since": conditions.ifModifiedSince };
  return fresh(request, { etag, "last-modified": lastModified });
}
