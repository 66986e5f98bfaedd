// The Content-Security-Policy of a document. Script may come from this site and,
// inline, only as the exact scripts Remix put in this page: their SHA-256 hashes
// are computed from the rendered HTML (app/entry.server.tsx). Hashes, not a
// nonce, because the guest page cache sends one rendered page to many readers:
// the hashes travel with the page and stay true; a nonce would be reused.
import { createHash } from "node:crypto";

// A <script> with no src attribute, and its text. The page's other text cannot
// open one: React escapes "<" in text, Remix escapes it in its JSON, and Markdown
// and article HTML are sanitized without script. Found by two plain searches per
// script (its start, then its end) rather than one lazy pattern over the whole
// page: a page of 200 comments is a few hundred KB, and this runs on every render.
const SCRIPT_OPEN = /<script\b([^>]*)>/gi;
const SCRIPT_CLOSE = /<\/script\s*>/gi;
// Data blocks (structured data, JSON) are never run, so need no hash.
const DATA_BLOCK = /\stype\s*=\s*["']?application\/(ld\+)?json/i;

export function inlineScriptHashes(html: string): string[] {
  const hashes = new Set<string>();
  const open = new RegExp(SCRIPT_OPEN);
  const close = new RegExp(SCRIPT_CLOSE);
  for (let start = open.exec(html); start; start = open.exec(html)) {
    close.lastIndex = open.lastIndex;
    const end = close.exec(html);
    if (!end) break;
    const attributes = ` ${start[1] ?? ""}`;
    const text = html.slice(open.lastIndex, end.index);
    open.lastIndex = close.lastIndex;
    if (/\ssrc\s*=/i.test(attributes) || DATA_BLOCK.test(attributes)) continue;
    hashes.add(`'sha256-${createHash("sha256").update(text, "utf8").digest("base64")}'`);
  }
  return [...hashes];
}

/**
 * The policy of a rendered document. `development`: Remix's live reload talks over
 * a websocket. `frameAncestors`: who may show it in a frame; by default only this
 * site (the /embed page passes the news sites of EMBED_HOSTS, app/lib/embed-hosts.server.ts).
 */
export function documentCsp(html: string, options: { development?: boolean; frameAncestors?: string } = {}): string {
  return [
    "default-src 'self'",
    `script-src 'self' ${inlineScriptHashes(html).join(" ")}`.trim(),
    "style-src 'self'",
    // Article bodies may show pictures from other sites (sanitized to http(s) <img>).
    "img-src 'self' data: https:",
    "font-src 'self'",
    `connect-src 'self'${options.development ? " ws: wss:" : ""}`,
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    // Not inside another site's frame, unless this is the embed (EMBED_HOSTS).
    `frame-ancestors ${options.frameAncestors ?? "'self'"}`,
  ].join("; ");
}

/** The policy of everything else (data, redirects, files, the server's own short pages): nothing runs. */
export const BASELINE_CSP = "default-src 'none'; style-src 'self'; img-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'self'";
