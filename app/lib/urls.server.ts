import { allowedOriginsFromEnv } from "./origin.server";

/** An absolute URL on this site: the first PUBLIC_ORIGINS entry when set, else the request's own origin. */
export function publicUrl(request: Request, path: string): string {
  const origin = allowedOriginsFromEnv()[0] ?? new URL(request.url).origin;
  return new URL(path, origin).toString();
}
