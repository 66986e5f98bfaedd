// Members' article pages, served from a shared template instead of a full render.
//
// A guest's page is one page for everyone (page-cache.server.ts). A member's differs
// in a few words (their name, the unread count, their id in the hydration data) and a
// few flags (an editor's Publishing link, a ticked box, Watch or Stop watching, whose
// comments are collapsed for them). So the
// page is rendered once per article URL and per shape of member, for a made-up member
// whose words are tokens (app/lib/viewer-template.ts), kept in memory as static
// segments, already compressed, with holes; each member's request fills the holes
// with their own words. No statement at all while the instance remembers the member's
// session (member-memo.server.ts); one otherwise: the session check, which brings the
// unread count and the thread's follow state with it.
//
// It is the page a full render would have made for that member, byte for byte
// (tests/integration/member-pages.test.ts compares the two). What the template cannot
// show goes the full way, as before: a reader with held comments (their cookie), one
// who ignores more than 20 members, more than 99 unread (the badge reads "99+"), data requests,
// anything but an article page, and a template that did not come out as expected.
//
// The templates are kept and dropped exactly as guest pages are: tagged with their
// article and path, dropped on PostgreSQL's NOTIFY and by this instance's own writes,
// off while the LISTEN connection is down.
import type { NextFunction, Request as ExpressRequest, Response as ExpressResponse } from "express";
import Negotiator from "negotiator";
import type { DB } from "../../db/connection";
import { isDatabaseUnavailable } from "../lib/database-unavailable.server";
import { pathTag, TaggedCache, type TaggedCacheOptions } from "../lib/tagged-cache";
import { fillTemplate, parseTemplate, templateKey, type PageTemplate, type ViewerTemplate } from "../lib/viewer-template";
import { SLUG_PATTERN } from "../lib/slugs";
import { cacheKey, CACHE_TAG_HEADER, CACHE_UNTIL_HEADER, parseCacheTags, parseCacheUntil, pathOfKey, PERSONAL_CACHE_CONTROL } from "./page-cache.server";
import { memberForArticlePage, SESSION_COOKIE_NAME } from "./session.server";
import type { MemberMemo } from "./member-memo.server";

export type MemberTemplateCache = TaggedCache<PageTemplate>;

export function createMemberTemplateCache(options: Omit<TaggedCacheOptions<PageTemplate>, "sizeOf"> = {}): MemberTemplateCache {
  return new TaggedCache<PageTemplate>({ ...options, sizeOf: (template) => template.size });
}

export interface MemberPagesOptions {
  db: DB;
  cache: MemberTemplateCache | null;
  /** What this instance remembers of members' sessions between their article pages (none: one statement per page). */
  memo?: MemberMemo | null;
  /** The page at this request's address rendered for a made-up member (Remix, with `viewerTemplate` in its load context, no cookies). */
  renderTemplate: (req: ExpressRequest, res: ExpressResponse, viewer: ViewerTemplate) => Promise<Response>;
}

const ARTICLE_PAGE = /^\/articles\/([^/]+)$/;
const HELD_COOKIE = "assay_held=";
// Beyond a few, a reader's ignore list is nearly their own: their pages are rendered in full.
const MAX_IGNORED = 20;

// The page's headers that a template keeps (the policy is made per member; the rest belong to one response).
const NOT_KEPT = new Set(["content-security-policy", "content-length", "content-encoding", "transfer-encoding", "set-cookie", "cache-control", "vary", "date", "etag"]);

function templateHeaders(headers: Headers): Record<string, string> {
  const kept: Record<string, string> = {};
  for (const [name, value] of headers) if (!NOT_KEPT.has(name) && !name.startsWith("x-assay-")) kept[name] = value;
  return kept;
}

export function memberPages({ db, cache, memo = null, renderTemplate }: MemberPagesOptions) {
  let warned = false;

  async function makeTemplate(req: ExpressRequest, res: ExpressResponse, key: string, pageKey: string, viewer: ViewerTemplate): Promise<PageTemplate | null> {
    const settle = cache!.lead(key);
    const ticket = cache!.begin();
    try {
      const response = await renderTemplate(req, res, viewer);
      const tags = parseCacheTags(response.headers.get(CACHE_TAG_HEADER));
      // Anything but a page that could be a guest's (a 404, a redirect, a cookie) goes the full way.
      if (response.status !== 200 || !tags || response.headers.has("set-cookie")) {
        await response.body?.cancel();
        settle(null);
        return null;
      }
      const template = parseTemplate(await response.text(), response.headers.get("content-security-policy") ?? "", templateHeaders(response.headers));
      if (!template && !warned) {
        warned = true;
        console.error(`[assay] member pages: the page at ${req.path} did not make a template; members get it rendered in full`);
      }
      // Used for this request even when a write since its render keeps it from being stored: it is as fresh as a render.
      if (template) cache!.store(ticket, key, template, [...tags, pathTag(pathOfKey(pageKey))], parseCacheUntil(response.headers.get(CACHE_UNTIL_HEADER)));
      settle(template);
      return template;
    } catch (error) {
      settle(null);
      throw error;
    }
  }

  /** True when the page was sent; false to let the full render answer. */
  async function serve(req: ExpressRequest, res: ExpressResponse, cookie: string, slug: string, pageKey: string): Promise<boolean> {
    const member = await memberForArticlePage(db, cookie, slug, req.protocol === "https", memo);
    if (!member) return false;
    const { user, follow, setCookie } = member;
    // Lucia has just extended the session: its cookie goes with whichever way the page is made.
    if (setCookie) res.setHeader("Set-Cookie", setCookie);
    if (user.ignoredUserIds.length > MAX_IGNORED || user.unreadNotifications > 99) return false;
    const viewer: ViewerTemplate = {
      role: user.role,
      emailVerified: user.emailVerified,
      ...follow,
      hasUnread: user.unreadNotifications > 0,
      ignoredUserIds: [...user.ignoredUserIds].sort((a, b) => a - b),
    };
    const key = templateKey(pageKey, viewer);
    const template = cache!.get(key) ?? (await cache!.inFlight(key)) ?? (await makeTemplate(req, res, key, pageKey, viewer));
    if (!template || res.headersSent) return false;

    const gzip = new Negotiator({ headers: { "accept-encoding": req.headers["accept-encoding"] } }).encoding(["gzip", "identity"]) === "gzip";
    const page = fillTemplate(template, { name: user.displayName, id: user.id, unread: user.unreadNotifications }, gzip ? "gzip" : "identity");
    res.status(200);
    for (const [name, value] of Object.entries(template.headers)) res.setHeader(name, value);
    res.setHeader("Content-Security-Policy", page.csp);
    res.setHeader("Cache-Control", PERSONAL_CACHE_CONTROL);
    res.setHeader("Vary", "Accept-Encoding");
    if (gzip) res.setHeader("Content-Encoding", "gzip");
    res.setHeader("Content-Length", page.length);
    // The parts in one write (writev): the big ones are the template's own buffers, not copies.
    res.cork();
    for (const part of page.parts) res.write(part);
    res.uncork();
    res.end();
    return true;
  }

  return async function serveMemberPage(req: ExpressRequest, res: ExpressResponse, next: NextFunction): Promise<void> {
    const cookie = req.headers.cookie;
    if (!cache?.enabled || req.method !== "GET" || !cookie?.includes(`${SESSION_COOKIE_NAME}=`) || cookie.includes(HELD_COOKIE)) return next();
    const slug = ARTICLE_PAGE.exec(req.path)?.[1];
    // Document requests only (Remix's ?_data= requests carry the page's data, not its HTML).
    const pageKey = slug && SLUG_PATTERN.test(slug) ? cacheKey(req.originalUrl) : null;
    if (!slug || !pageKey || req.query._data !== undefined) return next();
    try {
      if (await serve(req, res, cookie, slug, pageKey)) return;
    } catch (error) {
      // The full render answers (with its 503 if the database is away); anything else is a bug worth a line.
      if (!isDatabaseUnavailable(error)) console.error("[assay] member pages:", error);
    }
    if (!res.headersSent) next();
  };
}
