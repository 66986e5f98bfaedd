// One spelling for a news page's address, so an embed, an import and an editor
// all name an article the same way (articles.canonical_url holds this form):
// - http(s) only, no user name or password (null otherwise);
// - scheme and host in lower case, IDN hosts in punycode, the default port
//   dropped (what WHATWG URL parsing does);
// - the fragment dropped (#comments is the same page);
// - tracking parameters dropped (utm_*, fbclid, gclid and their kind); the
//   others kept, sorted, so their order does not matter;
// - a trailing slash dropped from the path ("/2024/story/" is "/2024/story"),
//   but the root stays "/". The path's case is kept: servers may tell it apart.
// The scheme is kept: http and https pages are not assumed to be one.
// Safe to import anywhere.

const TRACKING_PARAMS = new Set([
  "fbclid",
  "gclid",
  "dclid",
  "gbraid",
  "wbraid",
  "msclkid",
  "yclid",
  "twclid",
  "igshid",
  "mc_cid",
  "mc_eid",
  "_ga",
  "_gl",
  "_hsenc",
  "_hsmi",
  "mkt_tok",
  "oly_anon_id",
  "oly_enc_id",
  "vero_id",
  "wickedid",
  "ref_src",
  "ref_url",
]);

export function isTrackingParam(name: string): boolean {
  const lower = name.toLowerCase();
  return lower.startsWith("utm_") || TRACKING_PARAMS.has(lower);
}

/** Longer than any page address a site uses; refused beyond it. */
export const MAX_CANONICAL_URL_LENGTH = 2000;

export function normalizeCanonicalUrl(input: string | null | undefined): string | null {
  if (typeof input !== "string") return null;
  const text = input.trim();
  if (!text || text.length > MAX_CANONICAL_URL_LENGTH) return null;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return null;
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") return null;
  if (url.username || url.password || !url.hostname) return null;
  url.hash = "";
  const kept = [...url.searchParams].filter(([name]) => !isTrackingParam(name));
  kept.sort(([a, av], [b, bv]) => (a < b ? -1 : a > b ? 1 : av < bv ? -1 : av > bv ? 1 : 0));
  url.search = kept.length ? new URLSearchParams(kept).toString() : "";
  if (url.pathname.length > 1) url.pathname = url.pathname.replace(/\/+$/, "") || "/";
  const result = url.toString();
  return result.length > MAX_CANONICAL_URL_LENGTH ? null : result;
}
