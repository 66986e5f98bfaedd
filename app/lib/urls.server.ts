import { allowedOriginsFromEnv } from "./origin.server";

/**
 * The canonical origin of this site: what scripts/trusted-host.ts chose for the
 * request (the first PUBLIC_ORIGINS entry; with none, the first loopback origin
 * the server answered on). Never the request's own Host.
 */
export function publicOrigin(context: { publicOrigin?: string }): string {
  return context.publicOrigin ?? allowedOriginsFromEnv()[0] ?? "http://localhost";
}

/** An absolute URL on this site, from the canonical origin. */
export function publicUrl(context: { publicOrigin?: string }, path: string): string {
  return new URL(path, publicOrigin(context)).toString();
}
