// Headers every response carries: nosniff, the referrer policy, no framing by
// other sites, HSTS over https, and a Content-Security-Policy. A document brings
// its own policy (with the hashes of its inline scripts, app/entry.server.tsx);
// anything else gets BASELINE_CSP, under which nothing runs.
import type { NextFunction, Request, Response } from "express";
import onHeaders from "on-headers";
import { BASELINE_CSP } from "../app/lib/csp.server";

/** One year; only ever sent over https (a browser ignores it over http anyway). */
export const HSTS = "max-age=31536000";

export function securityHeaders() {
  return function securityHeadersMiddleware(req: Request, res: Response, next: NextFunction): void {
    res.setHeader("X-Content-Type-Options", "nosniff");
    res.setHeader("Referrer-Policy", "strict-origin-when-cross-origin");
    // For browsers older than CSP's frame-ancestors.
    res.setHeader("X-Frame-Options", "SAMEORIGIN");
    // req.secure: https here, or from a proxy trusted by TRUST_PROXY.
    if (req.secure) res.setHeader("Strict-Transport-Security", HSTS);
    onHeaders(res, function () {
      const csp = this.getHeader("Content-Security-Policy");
      if (!csp) this.setHeader("Content-Security-Policy", BASELINE_CSP);
      // The embed's policy names the news sites that may frame it (EMBED_HOSTS); the
      // older header, which cannot name them, would forbid what the policy allows.
      else if (!/frame-ancestors 'self'(;|$)/.test(String(csp))) this.removeHeader("X-Frame-Options");
    });
    next();
  };
}
