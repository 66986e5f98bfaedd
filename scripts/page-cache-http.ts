// The guest page cache on the HTTP side (the pure parts are in
// app/lib/page-cache.server.ts). Two Express middlewares:
//
// - `serve`, first of all: a guest GET whose page is in memory is answered at once
//   (304 when the browser has it, gzip when it accepts it). A guest GET of a page
//   already being rendered waits for that render instead of starting another.
// - `capture`, just before Remix: sets Cache-Control on every page (personal ones
//   `private, no-store`), strips the route's internal tag header, and keeps the
//   page of a guest request when the route opted in (200, the tag header, no
//   Set-Cookie), then sends it exactly as a later hit would be sent.
//
// A request with a personal cookie (a member's session, a guest's held comments)
// never reads or fills the cache. A successful write (POST…) drops the cached
// pages of its path here at once; other instances hear of it through NOTIFY.
import { promisify } from "node:util";
import { gzip as gzipCallback } from "node:zlib";
import type { NextFunction, Request, Response } from "express";
import {
  CACHE_TAG_HEADER,
  CACHE_UNTIL_HEADER,
  PERSONAL_CACHE_CONTROL,
  UNCHANGED_HEADER,
  acceptsGzip,
  cacheKey,
  guestCacheControl,
  isPersonalRequest,
  makeEtag,
  notModified,
  parseCacheTags,
  parseCacheUntil,
  pathOfKey,
  pathTag,
  type CachedPage,
  type PageCache,
  type Ticket,
} from "../app/lib/page-cache.server";

const gzip = promisify(gzipCallback);

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

interface Lead {
  key: string;
  ticket: Ticket;
  settle: (page: CachedPage | null) => void;
}



const LEAD = Symbol("assay.pageCacheLead");
const PERSONAL = Symbol("assay.personal");
const UNCHANGED = Symbol("assay.unchanged");
const CONDITIONS = Symbol("assay.conditions");
interface Conditions {
  ifNoneMatch?: string;
  ifModifiedSince?: string;
}
type Marked = Response & { [LEAD]?: Lead; [PERSONAL]?: boolean; [UNCHANGED]?: boolean; [CONDITIONS]?: Conditions };

export interface PageCacheHttpOptions {
  /** s-maxage for shared caches (CDN, nginx) on guest pages, in seconds. */
  sharedMaxAgeSeconds?: number;
}

export function pageCacheMiddleware(cache: PageCache, options: PageCacheHttpOptions = {}) {
  const guestControl = guestCacheControl(options.sharedMaxAgeSeconds ?? 5);

  function send(req: Request, res: Response, page: CachedPage): void {
    const headers: Record<string, string> = {
      ...page.headers,
      etag: page.etag,
      "cache-control": guestControl,
      vary: "Accept-Encoding, Cookie",
    };
    // The render that fills the cache ran without the request's conditions (see serve): they apply here.
    const conditions = (res as Marked)[CONDITIONS] ?? { ifNoneMatch: req.headers["if-none-match"], ifModifiedSince: req.headers["if-modified-since"] };
    if (notModified(conditions, page.etag, page.headers["last-modified"])) {
      res.writeHead(304, headers);
      res.end();
      return;
    }
    const zipped = acceptsGzip(req.headers["accept-encoding"]);
    const body = zipped ? page.gzip : page.body;
    if (zipped) headers["content-encoding"] = "gzip";
    headers["content-length"] = String(body.length);
    res.writeHead(200, headers);
    if (req.method === "HEAD") res.end();
    else res.end(body);
  }

  function serve(req: Request, res: Response, next: NextFunction): void {
    const marked = res as Marked;
    if (req.method !== "GET" && req.method !== "HEAD") {
      // A write that went through: this instance forgets the pages of that path now,
      // so the writer's next page (the redirect after a POST) shows the change.
      const path = req.path;
      // Not when the action said it changed nothing (UNCHANGED_HEADER), nor when it was refused.
      res.once("finish", () => {
        if (res.statusCode < 400 && !marked[UNCHANGED]) cache.invalidatePath(path);
      });
      return next();
    }
    if (isPersonalRequest(req.headers.cookie)) {
      marked[PERSONAL] = true;
      return next();
    }
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
    const ticket = cache.begin();
    const settle = cache.lead(key);
    marked[LEAD] = { key, ticket, settle };
    // A route that answers conditional requests itself (the feeds) must render the whole
    // page for the cache to keep; the request's conditions are applied when it is sent.
    marked[CONDITIONS] = { ifNoneMatch: req.headers["if-none-match"], ifModifiedSince: req.headers["if-modified-since"] };
    delete req.headers["if-none-match"];
    delete req.headers["if-modified-since"];
    // However the response ends (not cacheable, an error, the client went away), waiters move on.
    res.once("close", () => settle(null));
    next();
  }

  function capture(req: Request, res: Response, next: NextFunction): void {
    const marked = res as Marked;
    const lead = marked[LEAD];
    const read = req.method === "GET" || req.method === "HEAD";

    const writeHead = res.writeHead;
    res.writeHead = function (this: Response, ...args: unknown[]) {
      res.removeHeader(CACHE_TAG_HEADER);
      res.removeHeader(CACHE_UNTIL_HEADER);
      if (res.getHeader(UNCHANGED_HEADER)) marked[UNCHANGED] = true;
      res.removeHeader(UNCHANGED_HEADER);
      if (read && (marked[PERSONAL] || res.getHeader("set-cookie"))) res.setHeader("Cache-Control", PERSONAL_CACHE_CONTROL);
      return (writeHead as (...a: unknown[]) => Response).apply(this, args);
    } as Response["writeHead"];

    if (!lead) return next();

    const write = res.write;
    const end = res.end;
    const chunks: Buffer[] = [];
    let decided: "keep" | "pass" | null = null;
    const decide = () => {
      if (decided) return decided;
      const tags = parseCacheTags(res.getHeader(CACHE_TAG_HEADER) as string | undefined);
      const storable = res.statusCode === 200 && tags !== null && !res.getHeader("set-cookie") && cache.enabled;
      decided = storable ? "keep" : "pass";
      if (decided === "pass") {
        res.write = write;
        res.end = end;
      }
      return decided;
    };
    const toBuffer = (chunk: unknown, encoding?: unknown) =>
      Buffer.isBuffer(chunk)
        ? chunk
        : typeof chunk === "string"
          ? Buffer.from(chunk, typeof encoding === "string" ? (encoding as BufferEncoding) : "utf8")
          : Buffer.from(chunk as Uint8Array);

    res.write = function (this: Response, chunk: unknown, ...rest: unknown[]) {
      if (decide() === "pass") return (write as (...a: unknown[]) => boolean).call(this, chunk, ...rest);
      if (chunk != null) chunks.push(toBuffer(chunk, rest[0]));
      const callback = rest.find((r) => typeof r === "function") as (() => void) | undefined;
      if (callback) process.nextTick(callback);
      return true;
    } as Response["write"];

    res.end = function (this: Response, chunk?: unknown, ...rest: unknown[]) {
      if (decide() === "pass") return (end as (...a: unknown[]) => Response).call(this, chunk, ...rest);
      if (chunk != null && typeof chunk !== "function") chunks.push(toBuffer(chunk, rest[0]));
      res.write = write;
      res.end = end;
      void finish(req, res, lead, Buffer.concat(chunks));
      return this;
    } as Response["end"];

    next();
  }

  async function finish(req: Request, res: Response, lead: Lead, body: Buffer): Promise<void> {
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(res.getHeaders())) {
      if (value === undefined || NOT_KEPT.has(name.toLowerCase())) continue;
      headers[name.toLowerCase()] = Array.isArray(value) ? value.join(", ") : String(value);
    }
    const tags = parseCacheTags(res.getHeader(CACHE_TAG_HEADER) as string | undefined) ?? [];
    const until = parseCacheUntil(res.getHeader(CACHE_UNTIL_HEADER));
    let page: CachedPage;
    let stored = false;
    try {
      const zipped = await gzip(body, { level: 6 });
      page = { headers, body, gzip: zipped, etag: makeEtag(body) };
      // Stored only if nothing it shows changed since the render began; sent either way.
      stored = cache.store(lead.ticket, lead.key, page, [...tags, pathTag(pathOfKey(lead.key))], until);
    } catch (error) {
      lead.settle(null);
      res.removeHeader(CACHE_TAG_HEADER);
      res.removeHeader(CACHE_UNTIL_HEADER);
      res.setHeader("Content-Length", body.length);
      res.end(body);
      console.error(`[assay] page cache: ${error instanceof Error ? error.message : String(error)}`);
      return;
    }
    // Sent as a hit would be: the page's own headers, and this request's HSTS (not the page's).
    const hsts = res.getHeader("strict-transport-security");
    for (const name of Object.keys(res.getHeaders())) res.removeHeader(name);
    if (hsts !== undefined) res.setHeader("Strict-Transport-Security", hsts);
    lead.settle(stored ? page : null);
    send(req, res, page);
  }

  return { serve, capture };
}
