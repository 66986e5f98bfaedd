// A member's page made from a shared template (see app/composition/member-pages.server.ts).
//
// The template is the page rendered once for a made-up member whose name, id and
// unread count are tokens: random, alphanumeric, unguessable words, so no real
// page text can contain one and React and Remix write them as they are (nothing
// in them to escape). It is cut here into static segments and holes where the
// tokens were. Filling it for one member writes that member's values into the
// holes, escaped as React (in the HTML) or Remix (in its hydration script) would
// have written them, so the result is the page a full render would have made,
// byte for byte: tests/integration/member-pages.test.ts checks that.
//
// The static segments are compressed once, when the template is made; a request
// only adds its few holes uncompressed (app/lib/gzip-splice.ts). The policy's hash
// of the hydration script is made again per member, from its pieces.
import { createHash, randomBytes } from "node:crypto";
import { deflateSegment, gzipParts, type DeflatedSegment } from "./gzip-splice";
import type { Role } from "./roles";

// One seed per process, though this module is in it twice: in Remix's server build,
// which renders the template, and in the server's own, which cuts and fills it.
const SEED_KEY = Symbol.for("assay.viewer-template.seed");
const SEED: string = ((globalThis as Record<symbol, string | undefined>)[SEED_KEY] ??= randomBytes(12).toString("hex"));

/** The made-up member's values, by what each stands for (ids and counts are strings here; the holes turn them into numbers). */
export const VIEWER_TOKENS = {
  name: `assayviewer${SEED}name`,
  id: `assayviewer${SEED}id`,
  unread: `assayviewer${SEED}unread`,
} as const;

export type HoleKind = keyof typeof VIEWER_TOKENS;

/** What a member's page shows of them, beyond what the template's key already fixed (role, flags). */
export interface ViewerValues {
  name: string;
  id: number;
  unread: number;
}

/**
 * The made-up member a template is rendered for: what changes the page's shape
 * (a link more or less, a box ticked) is fixed per template; the rest are tokens.
 */
export interface ViewerTemplate {
  role: Role;
  emailVerified: boolean;
  watchingThread: boolean;
  notifyRepliesDefault: boolean;
  /** Unread notifications: none (no badge), or some (the badge, its count a hole). */
  hasUnread: boolean;
  /** Members whose comments are collapsed (ascending): a member who ignores some shares templates with those who ignore the same. */
  ignoredUserIds: readonly number[];
}

/** The thread's follow state of the made-up member, as the article page's loader reads it for a real one. */
export function templateFollowState(viewer: ViewerTemplate): { watchingThread: boolean; notifyRepliesDefault: boolean } {
  return { watchingThread: viewer.watchingThread, notifyRepliesDefault: viewer.notifyRepliesDefault };
}

/** The cache key of a template: the page's own key and the made-up member's shape. */
export function templateKey(pageKey: string, viewer: ViewerTemplate): string {
  const flags = [viewer.emailVerified, viewer.watchingThread, viewer.notifyRepliesDefault, viewer.hasUnread].map((f) => (f ? "1" : "0")).join("");
  return `${viewer.role}:${flags}:${viewer.ignoredUserIds.join(",")}:${pageKey}`;
}

type Piece =
  | { hole: null; text: Buffer; deflated: DeflatedSegment; inScript: boolean }
  | { hole: HoleKind; json: boolean; inScript: boolean };

export interface PageTemplate {
  pieces: Piece[];
  /** The Content-Security-Policy around the hydration script's hash, which differs per member. */
  csp: { before: string; after: string };
  /** The page's own headers (content type and the like), lower-case, without the policy. */
  headers: Record<string, string>;
  /** Bytes kept, for the cache's bound. */
  size: number;
}

const TOKEN = new RegExp(`assayviewer${SEED}(name|id|unread)`, "g");
const CONTEXT_SCRIPT = "<script>window.__remixContext = ";

/** Text or an attribute value, escaped as React escapes it. */
function escapeReact(value: string): string {
  return value.replace(/[&<>"']/g, (c) => (c === "&" ? "&amp;" : c === "<" ? "&lt;" : c === ">" ? "&gt;" : c === '"' ? "&quot;" : "&#x27;"));
}

/** A JSON value inside Remix's hydration script, escaped as Remix escapes it (markup.ts). */
function escapeRemixJson(value: unknown): string {
  return JSON.stringify(value).replace(/[&><\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

function scriptHash(text: string | Buffer): string {
  return `'sha256-${createHash("sha256").update(text).digest("base64")}'`;
}

/**
 * Cut a rendered page into a template, or null when it cannot be one safely: no
 * hydration script, its hash not in the policy, or a token somewhere other than
 * the page's HTML and that script's JSON strings.
 */
export function parseTemplate(page: string, csp: string, headers: Record<string, string>): PageTemplate | null {
  const scriptOpen = page.indexOf(CONTEXT_SCRIPT);
  if (scriptOpen === -1) return null;
  const scriptStart = scriptOpen + "<script>".length;
  const scriptEnd = page.indexOf("</script>", scriptStart);
  if (scriptEnd === -1) return null;
  const hash = scriptHash(page.slice(scriptStart, scriptEnd));
  const hashAt = csp.indexOf(hash);
  if (hashAt === -1 || csp.indexOf(hash, hashAt + 1) !== -1) return null;

  // Cut points: the script's two ends and every token (in the script with its quotes).
  const holes: { start: number; end: number; hole: HoleKind; json: boolean }[] = [];
  for (const match of page.matchAll(TOKEN)) {
    const at = match.index;
    const hole = match[1] as HoleKind;
    const inScript = at >= scriptStart && at < scriptEnd;
    if (inScript) {
      // Only as a whole JSON string, which the hole replaces with the real value.
      if (page[at - 1] !== '"' || page[at + match[0].length] !== '"') return null;
      holes.push({ start: at - 1, end: at + match[0].length + 1, hole, json: true });
    } else {
      // In the HTML only: never inside another script (the structured data), where HTML escaping would be wrong.
      if (page.lastIndexOf("<script", at) > page.lastIndexOf("</script", at)) return null;
      holes.push({ start: at, end: at + match[0].length, hole, json: false });
    }
  }

  const pieces: Piece[] = [];
  let size = 0;
  const addStatic = (from: number, to: number) => {
    if (to <= from) return;
    const text = Buffer.from(page.slice(from, to), "utf8");
    const deflated = deflateSegment(text);
    size += text.length + deflated.deflated.length;
    pieces.push({ hole: null, text, deflated, inScript: from >= scriptStart && to <= scriptEnd });
  };
  let from = 0;
  for (const cut of [...holes.map((h) => ({ ...h, at: h.start })), { at: scriptStart, end: scriptStart, hole: null }, { at: scriptEnd, end: scriptEnd, hole: null }].sort((a, b) => a.at - b.at)) {
    addStatic(from, cut.at);
    if (cut.hole !== null) pieces.push({ hole: cut.hole, json: (cut as { json: boolean }).json, inScript: cut.at >= scriptStart && cut.at < scriptEnd });
    from = cut.end;
  }
  addStatic(from, page.length);
  return { pieces, csp: { before: csp.slice(0, hashAt), after: csp.slice(hashAt + hash.length) }, headers, size: size + 500 };
}

export interface FilledPage {
  /** The page's bytes, plain or as one gzip member, in parts to write in turn (the big ones shared with the template). */
  parts: Buffer[];
  /** Their total length. */
  length: number;
  csp: string;
}

/** The template with one member's values in its holes, plain or gzipped. */
export function fillTemplate(template: PageTemplate, values: ViewerValues, encoding: "gzip" | "identity"): FilledPage {
  const text: Record<HoleKind, { html: Buffer; json: Buffer }> = {
    name: { html: Buffer.from(escapeReact(values.name)), json: Buffer.from(escapeRemixJson(values.name)) },
    id: { html: Buffer.from(String(values.id)), json: Buffer.from(String(values.id)) },
    unread: { html: Buffer.from(String(values.unread)), json: Buffer.from(String(values.unread)) },
  };
  const hash = createHash("sha256");
  const parts: (Buffer | DeflatedSegment)[] = [];
  for (const piece of template.pieces) {
    const bytes = piece.hole === null ? piece.text : piece.json ? text[piece.hole].json : text[piece.hole].html;
    if (piece.inScript) hash.update(bytes);
    parts.push(piece.hole === null && encoding === "gzip" ? piece.deflated : bytes);
  }
  const csp = `${template.csp.before}'sha256-${hash.digest("base64")}'${template.csp.after}`;
  const out = encoding === "gzip" ? gzipParts(parts) : (parts as Buffer[]);
  return { parts: out, length: out.reduce((sum, part) => sum + part.length, 0), csp };
}
