// Where to send someone after logging in: only a path of our own site. Anything
// that a browser could read as another site is refused: "//evil.com",
// "https://evil.com", "/\evil.com" (browsers treat "\" as "/"), and control
// characters or spaces, which browsers strip ("/\t/evil.com" is "//evil.com").
export const DEFAULT_REDIRECT = "/";

export function safeRedirect(to: unknown, fallback: string = DEFAULT_REDIRECT): string {
  if (typeof to !== "string" || to.length === 0 || to.length > 2000) return fallback;
  if (!to.startsWith("/") || to.startsWith("//")) return fallback;
  if (/[\\\s\u0000-\u001f\u007f]/.test(to)) return fallback;
  let decoded: string;
  try {
    decoded = decodeURIComponent(to);
  } catch {
    return fallback;
  }
  // "/%2F%2Fevil.com" is harmless to a browser, but some servers decode it; refuse it too.
  if (decoded.startsWith("//") || decoded.includes("\\")) return fallback;
  const base = "http://assay.invalid";
  let url: URL;
  try {
    url = new URL(to, base);
  } catch {
    return fallback;
  }
  if (url.origin !== base) return fallback;
  return `${url.pathname}${url.search}${url.hash}`;
}

/** The path and query of a request, without Remix's own parameters: what to come back to. */
export function returnPath(request: Request): string {
  const url = new URL(request.url);
  url.searchParams.delete("_data");
  url.searchParams.delete("index");
  const search = url.searchParams.toString();
  return `${url.pathname}${search ? `?${search}` : ""}`;
}

export function loginPath(redirectTo: string | null): string {
  const target = redirectTo ? safeRedirect(redirectTo, "") : "";
  return target && target !== "/" ? `/login?redirectTo=${encodeURIComponent(target)}` : "/login";
}
