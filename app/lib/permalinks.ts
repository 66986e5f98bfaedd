import { normalizeCanonicalUrl } from "./canonical-url";

// Old addresses of imported articles. A WordPress permalink is kept as its path,
// percent-decoded and without a trailing slash, so /2024/05/hello-world/ and
// /2024/05/hello-world, %C3%A9 and é, all find the same article. Pure.

/** The path to store or look up for an address or a request path; null for the site's root (nothing to redirect). */
export function normalizePermalinkPath(pathOrUrl: string): string | null {
  let pathname: string;
  try {
    pathname = /^[a-z][a-z0-9+.-]*:/i.test(pathOrUrl) ? new URL(pathOrUrl).pathname : new URL(pathOrUrl, "http://x.invalid").pathname;
  } catch {
    return null;
  }
  let decoded = pathname;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    // A malformed escape: compared as sent.
  }
  const path = decoded.replace(/\/+$/, "");
  if (!path.startsWith("/") || path.length < 2 || path.length > 2000) return null;
  return path;
}

/** An http(s) address as given, or null. */
export function httpUrl(value: string): string | null {
  const trimmed = value.trim();
  try {
    const url = new URL(trimmed);
    return (url.protocol === "http:" || url.protocol === "https:") && trimmed.length <= 2000 ? trimmed : null;
  } catch {
    return null;
  }
}

/**
 * The forms one page's address takes in different exports (with and without the
 * trailing slash, http and https), the given one first: for matching a Disqus
 * thread's link to a WordPress permalink. Stored canonical URLs stay as given.
 */
export function canonicalUrlVariants(url: string): string[] {
  const normalized = normalizeCanonicalUrl(url);
  const variants = new Set<string>(normalized && normalized !== url ? [url, normalized] : [url]);
  for (const scheme of [url, url.replace(/^https:/i, "http:"), url.replace(/^http:/i, "https:")]) {
    variants.add(scheme);
    if (!/[?#]/.test(scheme)) variants.add(scheme.endsWith("/") ? scheme.replace(/\/+$/, "") : `${scheme}/`);
  }
  return [...variants];
}
