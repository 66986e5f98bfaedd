// Cross-site request forgery defence for every state-changing request: the
// browser's Origin (or, failing that, Referer) must name this site.

const UNSAFE_METHODS = new Set(["POST", "PUT", "PATCH", "DELETE"]);

export interface OriginCheckInput {
  method: string;
  host: string | undefined;
  origin: string | undefined;
  referer: string | undefined;
  /** Extra origins allowed, from PUBLIC_ORIGINS (e.g. the public https URL behind a proxy). */
  allowedOrigins?: string[];
}

function originOf(value: string): string | null {
  try {
    return new URL(value).origin;
  } catch {
    return null;
  }
}

export function isSameOriginRequest(input: OriginCheckInput): boolean {
  if (!UNSAFE_METHODS.has(input.method.toUpperCase())) return true;
  const claimed = input.origin && input.origin !== "null" ? originOf(input.origin) : input.referer ? originOf(input.referer) : null;
  if (!claimed) return false;
  const allowed = new Set((input.allowedOrigins ?? []).map((o) => originOf(o)).filter((o): o is string => Boolean(o)));
  if (allowed.has(claimed)) return true;
  if (!input.host) return false;
  const { host } = new URL(claimed);
  return host === input.host;
}

export function allowedOriginsFromEnv(env: NodeJS.ProcessEnv = process.env): string[] {
  return (env.PUBLIC_ORIGINS ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
}
