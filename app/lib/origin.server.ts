// Which origins are ours. Two defences live on it:
//
// - The Host rule (scripts/trusted-host.ts): a request is answered only when its
//   Host names one of PUBLIC_ORIGINS or a loopback address; every absolute link
//   (mail, share links, og:url, and so whatever is cached) is built from one
//   canonical origin, never from the Host header.
// - Cross-site request forgery: every state-changing request must carry an
//   Origin (or, failing that, a Referer) that is exactly one of ours: scheme,
//   host and port, with the scheme's default port implied.

const UNSAFE_METHODS = new Set(["POST", "PUT", "PATCH", "DELETE"]);

/** `scheme://host[:port]` of an http(s) URL, default port dropped; null for anything else (or "null"). */
export function normalizeOrigin(value: string | undefined | null): string | null {
  if (!value || value === "null") return null;
  try {
    const url = new URL(value);
    return url.protocol === "http:" || url.protocol === "https:" ? url.origin : null;
  } catch {
    return null;
  }
}

/**
 * The origin a request was addressed to, from its scheme and Host (or trusted
 * X-Forwarded-Host): null when the Host is not a plain `name[:port]`.
 */
export function requestOrigin(protocol: string, host: string | undefined): string | null {
  if (!host || !/^(?:[a-z0-9.-]+|\[[0-9a-f:.]+\])(?::\d{1,5})?$/i.test(host)) return null;
  const origin = normalizeOrigin(`${protocol}://${host}`);
  return origin && new URL(origin).port !== "0" ? origin : null;
}

/** localhost (and *.localhost), 127.0.0.0/8 and ::1: names only this machine can be reached by. */
export function isLoopbackHostname(hostname: string): boolean {
  const name = hostname.toLowerCase().replace(/\.$/, "");
  return name === "localhost" || name.endsWith(".localhost") || /^127(?:\.\d{1,3}){3}$/.test(name) || name === "[::1]";
}

/**
 * May this server answer a request addressed to `origin`? When its host (name
 * and port; the scheme may differ behind a proxy that ends TLS) is one of the
 * configured public origins', or a loopback name.
 */
export function isTrustedHost(origin: string, configured: readonly string[]): boolean {
  const { host, hostname } = new URL(origin);
  return isLoopbackHostname(hostname) || configured.some((c) => new URL(c).host === host);
}

export interface OriginCheckInput {
  method: string;
  /** The request's own origin (its scheme and trusted Host), see requestOrigin. */
  requestOrigin: string | null | undefined;
  origin: string | undefined;
  referer: string | undefined;
  /** The public origins from PUBLIC_ORIGINS (e.g. the https address behind a proxy). */
  allowedOrigins?: readonly string[];
}

/** The origin a request says it comes from: its Origin, or failing that its Referer's. */
export function claimedOrigin(input: Pick<OriginCheckInput, "origin" | "referer">): string | null {
  return input.origin && input.origin !== "null" ? normalizeOrigin(input.origin) : normalizeOrigin(input.referer);
}

export function isSameOriginRequest(input: OriginCheckInput): boolean {
  if (!UNSAFE_METHODS.has(input.method.toUpperCase())) return true;
  const claimed = claimedOrigin(input);
  if (!claimed) return false;
  const ours = new Set([...(input.allowedOrigins ?? []).map(normalizeOrigin), normalizeOrigin(input.requestOrigin)]);
  ours.delete(null);
  return ours.has(claimed);
}

/**
 * PUBLIC_ORIGINS, comma-separated, normalized; the first is the canonical origin
 * of every absolute link. An entry that is not an http(s) origin stops the start.
 */
export function allowedOriginsFromEnv(env: NodeJS.ProcessEnv = process.env): string[] {
  return (env.PUBLIC_ORIGINS ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean)
    .map((entry) => {
      const origin = normalizeOrigin(entry);
      if (!origin) throw new Error(`PUBLIC_ORIGINS: "${entry}" is not an origin like https://forum.example.com`);
      return origin;
    });
}
