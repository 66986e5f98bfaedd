// The Host rule: which requests this server answers, and the one origin its
// absolute links use. The Host header is the client's to write, so nothing that
// reaches another person (a reset link by mail, a share link, og:url, a page in
// the guest cache) may be built from it.
//
// - A request is answered only when its Host (X-Forwarded-Host from a proxy
//   trusted by TRUST_PROXY) names one of PUBLIC_ORIGINS or a loopback address
//   (localhost, 127.0.0.1, [::1]: this machine, e.g. a health check). Any other
//   Host, or a malformed one, gets 400 and reaches nothing else.
// - Links use the canonical origin: the first PUBLIC_ORIGINS entry; with none
//   configured, the first loopback origin this server answered on (so a trial
//   on http://localhost:3000 links to itself, and no outsider can choose it).
//
// It sets res.locals.requestOrigin (for the origin check of POSTs) and
// res.locals.publicOrigin (handed to loaders and actions as context.publicOrigin).
import type { NextFunction, Request, Response } from "express";
import { isTrustedHost, requestOrigin } from "../app/lib/origin.server";

/**
 * The Host as Express would read it: X-Forwarded-Host only from a proxy trusted
 * by TRUST_PROXY (its first entry). From anyone else the header is removed, so
 * nothing later (Remix's own check of actions among them) reads it.
 */
function claimedHost(req: Request): string | undefined {
  const trust = req.app.get("trust proxy fn") as (address: string | undefined, i: number) => boolean;
  const forwarded = req.get("x-forwarded-host");
  if (forwarded === undefined) return req.get("host");
  if (!trust(req.socket.remoteAddress, 0)) {
    delete req.headers["x-forwarded-host"];
    return req.get("host");
  }
  const first = forwarded.split(",")[0]!.trim();
  req.headers["x-forwarded-host"] = first;
  return first;
}

export const UNKNOWN_HOST_PAGE =
  `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Unknown address</title></head>` +
  `<body><main><h1>Unknown address</h1><p>This server does not answer to the name this request was sent to. ` +
  `If you run this site, list its public address in PUBLIC_ORIGINS (e.g. https://forum.example.com).</p></main></body></html>`;

export function trustedHost(configured: readonly string[]) {
  let firstLoopback: string | null = null;
  return function trustedHostMiddleware(req: Request, res: Response, next: NextFunction): void {
    const origin = requestOrigin(req.protocol, claimedHost(req));
    if (!origin || !isTrustedHost(origin, configured)) {
      res.status(400).set("Cache-Control", "no-store").type("html").send(UNKNOWN_HOST_PAGE);
      return;
    }
    res.locals.requestOrigin = origin;
    res.locals.publicOrigin = configured[0] ?? (firstLoopback ??= origin);
    next();
  };
}
