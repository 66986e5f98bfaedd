// The guest page cache, in one file: rendered pages kept in this process's memory,
// keyed by URL, for readers who carry nothing personal, and sent again without
// rendering or compressing anything. PostgreSQL says when a page is out of date:
// triggers send NOTIFY on any change a guest could see, and every app instance drops
// the pages of that article (app/lib/page-cache-listener.server.ts; the store with
// its tags is app/lib/tagged-cache.ts).
//
// On the HTTP side it is two pieces of the Express app (scripts/server.ts):
//
// - `serve`, first of all: a guest GET whose page is in memory is answered at once
//   (304 when the browser has it; brotli, gzip or plain as its Accept-Encoding
//   asks). A guest GET of a page already being rendered waits for that render
//   instead of starting another.
// - `remix`, in place of @remix-run/express's handler: it asks Remix for the
//   Response, sets Cache-Control on every page (personal ones `private, no-store`),
//   strips the routes' internal headers, and keeps the page of a guest request
//   when the route opted in (200, a tag header, no Set-Cookie): its bytes, and
//   their gzip and brotli, made once here. It then sends the page exactly as a
//   later hit would be sent.
//
// A request with a personal cookie (a member's session, a guest's held comments)
// never reads or fills the cache. A successful write (POST…) drops the cached
// pages of its path here at once; other instances hear of it through NOTIFY.
import { promisify } from "node:util";
import { brotliCompress, constants as zlibConstants, gzip } from "node:zlib";
import type { NextFunction, Request as ExpressRequest, Response as ExpressResponse } from "express";
import Negotiator from "negotiator";
import { createRequestHandler, writeReadableStreamToWritable, type AppLoadContext, type ServerBuild } from "@remix-run/node";
// The adapter's own Express-to-Fetch request (URL, headers, body, abort on close);
// its handler is replaced here because the page cache needs Remix's Response itself.
import { createRemixRequest } from "@remix-run/express/dist/server.js";
import { CACHE_TAG_HEADER as TAG_HEADER, CACHE_UNTIL_HEADER as UNTIL, UNCHANGED_HEADER as UNCHANGED } from "../lib/cache-tags";
import { makeEtag, notModified } from "../lib/conditional-get";
import { PUBLIC_FEED_PATH } from "../lib/feed-paths";
import { parseId, parseInstantCursor } from "../lib/params";
import { articleTag, LIST_TAG, pathTag, TaggedCache, type TaggedCacheOptions, type Ticket } from "../lib/tagged-cache";

// --- which requests and which pages ----------------------------------------------

/**
 * Cookies that make a page personal: a member's session, and a guest's list of
 * held comments (shown to that guest only). A request carrying either is never
 * answered from the cache, and its page is never stored.
 */
export const PERSONAL_COOKIES = ["assay_session", "assay_held"] as const;

/** Response header by which a route opts a page in, naming what it shows (never sent to the browser). */
export const CACHE_TAG_HEADER = TAG_HEADER.toLowerCase();

/** Response header giving the moment a tagged page goes out of date by time alone (never sent). */
export const CACHE_UNTIL_HEADER = UNTIL.toLowerCase();

/** The moment named by CACHE_UNTIL_HEADER, in ms since the epoch; undefined when absent or unreadable. */
export function parseCacheUntil(value: string | null | undefined): number | undefined {
  if (typeof value !== "string") return undefined;
  const at = Date.parse(value);
  return Number.isFinite(at) ? at : undefined;
}

/** Response header by which an action says its write changed nothing a guest sees (never sent). */
export const UNCHANGED_HEADER = UNCHANGED.toLowerCase();

/**
 * Query parameters a cached page may have, each with what a valid value is; any
 * other parameter, a parameter twice, or an invalid value (`after=junk`) makes
 * the request bypass the cache: otherwise anyone could fill it with copies of one page.
 */
export const CACHEABLE_PARAMS: ReadonlyMap<string, (value: string) => boolean> = new Map([
  ["after", (v: string) => parseInstantCursor(v) !== null],
  ["before", (v: string) => parseInstantCursor(v) !== null],
  ["thread", (v: string) => parseId(v) !== null],
  ["replytocom", (v: string) => parseId(v) !== null],
  // Remix's data requests name a route id; one that matches no route gets no 200, so is never kept.
  ["_data", (v: string) => /^[\w$.\-/]{1,200}$/.test(v)],
  ["index", (v: string) => v === ""],
]);

/** What shared caches (a CDN, nginx) may do with a guest page: keep it briefly, then ask again. */
export function guestCacheControl(sharedMaxAgeSeconds: number): string {
  return `public, max-age=0, must-revalidate, s-maxage=${sharedMaxAgeSeconds}`;
}
export const PERSONAL_CACHE_CONTROL = "private, no-store";

export function isPersonalRequest(cookieHeader: string | undefined | null): boolean {
  if (!cookieHeader) return false;
  for (const part of cookieHeader.split(";")) {
    const name = part.slice(0, part.indexOf("=") >>> 0).trim();
    if ((PERSONAL_COOKIES as readonly string[]).includes(name)) return true;
  }
  return false;
}

/**
 * The cache key of a request URL (path and query as sent), or null when the page
 * must not come from the cache: static files, query parameters that are not
 * CACHEABLE_PARAMS with a valid value. The public feeds (/feed.xml…) are kept as pages are.
 */
export function cacheKey(rawUrl: string): string | null {
  const queryAt = rawUrl.indexOf("?");
  const path = queryAt === -1 ? rawUrl : rawUrl.slice(0, queryAt);
  if (!path.startsWith("/") || path.startsWith("/build/")) return null;
  if (/\.[a-z0-9]+$/i.test(path) && !PUBLIC_FEED_PATH.test(path)) return null;
  if (queryAt === -1) return path;
  const params = new URLSearchParams(rawUrl.slice(queryAt + 1));
  const seen = new Set<string>();
  for (const [name, value] of params) {
    const valid = CACHEABLE_PARAMS.get(name);
    if (!valid || seen.has(name) || !valid(value)) return null;
    seen.add(name);
  }
  params.sort();
  const query = params.toString();
  return query ? `${path}?${query}` : path;
}

export function pathOfKey(key: string): string {
  const queryAt = key.indexOf("?");
  return queryAt === -1 ? key : key.slice(0, queryAt);
}

/** Tags of a page, from the route's header: `article=42` or `list` (or both, comma-separated). */
export function parseCacheTags(value: string | null | undefined): string[] | null {
  if (!value) return null;
  const tags: string[] = [];
  for (const part of value.split(",")) {
    const item = part.trim();
    const article = /^article=(\d+)$/.exec(item);
    if (article) tags.push(articleTag(Number(article[1])));
    else if (item === "list") tags.push(LIST_TAG);
    else return null;
  }
  return tags.length ? tags : null;
}

// --- a kept page ---------------------------------------------------------------

export type Encoding = "br" | "gzip" | "identity";

/** A page as it is sent again: its bytes plain, gzipped and in brotli, with the headers that belong to the page. */
export interface CachedPage {
  /** Response headers to send again (content type, security headers), lower-case names. */
  headers: Record<string, string>;
  identity: Buffer;
  gzip: Buffer;
  br: Buffer;
  etag: string;
}

export type PageCache = TaggedCache<CachedPage>;

export function createPageCache(options: Omit<TaggedCacheOptions<CachedPage>, "sizeOf"> = {}): PageCache {
  return new TaggedCache<CachedPage>({ ...options, sizeOf: (page) => page.identity.length + page.gzip.length + page.br.length + 200 });
}

/**
 * The encoding to send, from Accept-Encoding with its q-values; brotli before gzip
 * when the client likes both as much (as the `compression` middleware chooses),
 * plain when it names neither (or refuses everything: a 406 would help nobody).
 */
export function chooseEncoding(acceptEncoding: string | undefined): Encoding {
  const negotiator = new Negotiator({ headers: { "accept-encoding": acceptEncoding } });
  // negotiator 0.6.4 takes the server's preference as a second argument (its types predate it).
  const encoding = (negotiator.encoding as (available: string[], preferred: string[]) => string | undefined)(["br", "gzip", "identity"], ["br", "gzip"]);
  return encoding === "br" || encoding === "gzip" ? encoding : "identity";
}

const gzipAsync = promisify(gzip);
const brotliAsync = promisify(brotliCompress);

/** Compress a page once, both ways at once (zlib's thread pool). */
export async function keepPage(headers: Record<string, string>, body: Buffer): Promise<CachedPage> {
  const [zipped, brotli] = await Promise.all([
    gzipAsync(body, { level: 6 }),
    // Quality 5: within a few per cent of the smallest for HTML, at a small fraction of 11's time.
    brotliAsync(body, {
      params: {
        [zlibConstants.BROTLI_PARAM_QUALITY]: 5,
        [zlibConstants.BROTLI_PARAM_MODE]: zlibConstants.BROTLI_MODE_TEXT,
        [zlibConstants.BROTLI_PARAM_SIZE_HINT]: body.length,
      },
    }),
  ]);
  return { headers, identity: body, gzip: zipped, br: brotli, etag: makeEtag(body) };
}

// Headers that belong to one response, not to the page.
const NOT_KEPT = new Set([
  "content-length",
  "content-encoding",
  "transfer-encoding",
  "etag",
  "cache-control",
  "vary",
  "set-cookie",
  "date",
  "connection",
  "keep-alive",
  CACHE_TAG_HEADER,
  CACHE_UNTIL_HEADER,
  UNCHANGED_HEADER,
  "x-assay-queries",
  // Sent per request (only over https), never replayed from memory.
  "strict-transport-security",
]);

// --- over HTTP -------------------------------------------------------------------

interface Conditions {
  ifNoneMatch?: string;
  ifModifiedSince?: string;
}

/** A guest GET that renders a page others may wait for. */
interface Lead {
  key: string;
  ticket: Ticket;
  settle: (page: CachedPage | null) => void;
  /** The request's own conditions: the render runs without them, they apply when the page is sent. */
  conditions: Conditions;
}

export interface GuestPageOptions {
  /** s-maxage for shared caches (CDN, nginx) on guest pages, in seconds. */
  sharedMaxAgeSeconds?: number;
  /** Other caches of rendered pages (members' templates) that forget a path with this one. */
  alsoForget?: readonly { invalidatePath(path: string): void }[];
}

export interface RemixOptions {
  build: ServerBuild;
  mode?: string;
  getLoadContext: (req: ExpressRequest, res: ExpressResponse) => AppLoadContext;
}

/** The cache's two places in the Express app. With no cache (ASSAY_PAGE_CACHE=off), `remix` alone still sets Cache-Control and strips the internal headers. */
export function guestPages(cache: PageCache | null, options: GuestPageOptions = {}) {
  const guestControl = guestCacheControl(options.sharedMaxAgeSeconds ?? 5);
  const leads = new WeakMap<ExpressRequest, Lead>();

  function send(req: ExpressRequest, res: ExpressResponse, page: CachedPage, conditions?: Conditions): void {
    const headers: Record<string, string> = {
      ...page.headers,
      etag: page.etag,
      "cache-control": guestControl,
      vary: "Accept-Encoding, Cookie",
    };
    const asked = conditions ?? { ifNoneMatch: req.headers["if-none-match"], ifModifiedSince: req.headers["if-modified-since"] };
    if (notModified(asked, page.etag, page.headers["last-modified"])) {
      res.writeHead(304, headers);
      res.end();
      return;
    }
    const encoding = chooseEncoding(req.headers["accept-encoding"]);
    const body = page[encoding];
    if (encoding !== "identity") headers["content-encoding"] = encoding;
    headers["content-length"] = String(body.length);
    res.writeHead(200, headers);
    if (req.method === "HEAD") res.end();
    else res.end(body);
  }

  function serve(req: ExpressRequest, res: ExpressResponse, next: NextFunction): void {
    if (!cache || (req.method !== "GET" && req.method !== "HEAD") || isPersonalRequest(req.headers.cookie)) return next();
    const key = cacheKey(req.originalUrl);
    if (!key || !cache.enabled) return next();
    const page = cache.get(key);
    if (page) return send(req, res, page);
    const flight = cache.inFlight(key);
    if (flight) {
      flight.then(
        (rendered) => (rendered ? send(req, res, rendered) : next()),
        () => next(),
      );
      return;
    }
    if (req.method !== "GET") return next();
    const settle = cache.lead(key);
    leads.set(req, {
      key,
      ticket: cache.begin(),
      settle,
      conditions: { ifNoneMatch: req.headers["if-none-match"], ifModifiedSince: req.headers["if-modified-since"] },
    });
    // However the response ends (not cacheable, an error, the client went away), waiters move on.
    res.once("close", () => settle(null));
    next();
  }

  function remix({ build, mode, getLoadContext }: RemixOptions) {
    const handle = createRequestHandler(build, mode);
    return async function remixWithPageCache(req: ExpressRequest, res: ExpressResponse, next: NextFunction): Promise<void> {
      const lead = leads.get(req);
      try {
        let request = createRemixRequest(req, res);
        if (lead) {
          // A route that answers conditional requests itself (the feeds) must render the
          // whole page for the cache to keep; the request's conditions apply when it is sent.
          const headers = new Headers(request.headers);
          headers.delete("if-none-match");
          headers.delete("if-modified-since");
          request = new Request(request, { headers });
        }
        await respond(req, res, await handle(request, getLoadContext(req, res)), lead);
      } catch (error) {
        lead?.settle(null);
        next(error);
      }
    };
  }

  async function respond(req: ExpressRequest, res: ExpressResponse, response: Response, lead: Lead | undefined): Promise<void> {
    const read = req.method === "GET" || req.method === "HEAD";
    const tags = parseCacheTags(response.headers.get(CACHE_TAG_HEADER));
    // A write that went through: this instance forgets the pages of that path now, so the
    // writer's next page (the redirect after a POST) shows the change. Not when the
    // action said it changed nothing (UNCHANGED_HEADER), nor when it was refused.
    if (!read && response.status < 400 && !response.headers.has(UNCHANGED_HEADER)) {
      cache?.invalidatePath(req.path);
      for (const other of options.alsoForget ?? []) other.invalidatePath(req.path);
    }

    res.statusMessage = response.statusText;
    res.status(response.status);
    for (const [name, value] of response.headers) {
      if (name !== CACHE_TAG_HEADER && name !== CACHE_UNTIL_HEADER && name !== UNCHANGED_HEADER) res.append(name, value);
    }
    if (read && (isPersonalRequest(req.headers.cookie) || res.hasHeader("set-cookie"))) res.setHeader("Cache-Control", PERSONAL_CACHE_CONTROL);

    const storable = lead && cache?.enabled && response.status === 200 && tags !== null && !res.hasHeader("set-cookie");
    if (!storable) {
      lead?.settle(null);
      if (response.body) await writeReadableStreamToWritable(response.body, res);
      else res.end();
      return;
    }

    const body = Buffer.from(await response.arrayBuffer());
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(res.getHeaders())) {
      if (value === undefined || NOT_KEPT.has(name)) continue;
      headers[name] = Array.isArray(value) ? value.join(", ") : String(value);
    }
    let page: CachedPage;
    try {
      page = await keepPage(headers, body);
    } catch (error) {
      lead.settle(null);
      console.error(`[assay] page cache: ${error instanceof Error ? error.message : String(error)}`);
      res.setHeader("Content-Length", body.length);
      res.end(body);
      return;
    }
    // Stored only if nothing it shows changed since the render began; sent either way.
    const until = parseCacheUntil(response.headers.get(CACHE_UNTIL_HEADER));
    const stored = cache.store(lead.ticket, lead.key, page, [...tags, pathTag(pathOfKey(lead.key))], until);
    lead.settle(stored ? page : null);
    // Sent as a hit would be: the page's own headers, and this request's HSTS (not the page's).
    const hsts = res.getHeader("strict-transport-security");
    for (const name of res.getHeaderNames()) res.removeHeader(name);
    if (hsts !== undefined) res.setHeader("Strict-Transport-Security", hsts);
    send(req, res, page, lead.conditions);
  }

  return { serve, remix };
}
