// The guest page cache: rendered pages kept in this process's memory, keyed by
// URL, for readers who carry nothing personal. PostgreSQL says when a page is
// out of date (see page-cache-listener.server.ts): triggers send NOTIFY on any
// change a guest could see, and every app instance drops the pages of that article.
//
// This module holds the pure parts: which requests are personal, the cache key,
// the tagged cache itself (LRU, bounded in bytes, with a time-to-live as a safety
// net, invalidation by tag), ETags. The HTTP side is in scripts/page-cache-http.ts.
import { createHash } from "node:crypto";
import { CACHE_TAG_HEADER as TAG_HEADER, CACHE_UNTIL_HEADER as UNTIL, UNCHANGED_HEADER as UNCHANGED } from "./cache-tags";
import { PUBLIC_FEED_PATH } from "./feed-paths";
import { parseId, parseInstantCursor } from "./params";

/** The NOTIFY channel the migration's triggers send on (db/migrations/0004_performance.ts). */
export const PAGE_CACHE_CHANNEL = "assay_page_cache";

/**
 * Cookies that make a page personal: a member's session, and a guest's list of
 * held comments (shown to that guest only). A request carrying either is never
 * answered from the cache, and its page is never stored.
 */
export const PERSONAL_COOKIES = ["assay_session", "assay_held"] as const;

/** Response header by which a route opts a page in, naming what it shows (never sent to the browser). */
export const CACHE_TAG_HEADER = TAG_HEADER.toLowerCase();

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

/** Response header giving the moment a tagged page goes out of date by time alone (never sent). */
export const CACHE_UNTIL_HEADER = UNTIL.toLowerCase();

/** The moment named by CACHE_UNTIL_HEADER, in ms since the epoch; undefined when absent or unreadable. */
export function parseCacheUntil(value: string | number | string[] | undefined | null): number | undefined {
  if (typeof value !== "string") return undefined;
  const at = Date.parse(value);
  return Number.isFinite(at) ? at : undefined;
}

/** Response header by which an action says its write changed nothing a guest sees (never sent). */
export const UNCHANGED_HEADER = UNCHANGED.toLowerCase();

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

export const LIST_TAG = "list";
export const articleTag = (id: number) => `article:${id}`;
export const pathTag = (path: string) => `path:${path}`;

/** A NOTIFY payload: article ids, or everything. */
export function parseInvalidation(payload: string | undefined): number[] | "*" {
  if (!payload || payload.trim() === "*") return "*";
  const ids = payload.split(",").map((s) => Number(s.trim()));
  return ids.every((id) => Number.isInteger(id) && id > 0) ? ids : "*";
}

export function makeEtag(body: Buffer): string {
  return `W/"${createHash("sha1").update(body).digest("base64url")}"`;
}

/**
 * True when a conditional GET may be answered 304 (RFC 9110 13.1.1-13.1.3): If-None-Match
 * names the entity tag; without If-None-Match, If-Modified-Since is not before Last-Modified.
 */
export function notModified(conditions: { ifNoneMatch?: string; ifModifiedSince?: string }, etag: string, lastModified?: string): boolean {
  if (conditions.ifNoneMatch) return etagMatches(conditions.ifNoneMatch, etag);
  if (!conditions.ifModifiedSince || !lastModified) return false;
  const since = Date.parse(conditions.ifModifiedSince);
  const modified = Date.parse(lastModified);
  return Number.isFinite(since) && Number.isFinite(modified) && modified <= since;
}

/** True when If-None-Match names this entity tag (or `*`). */
export function etagMatches(ifNoneMatch: string | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false;
  const bare = etag.replace(/^W\//, "");
  return ifNoneMatch.split(",").some((tag) => {
    const t = tag.trim();
    return t === "*" || t.replace(/^W\//, "") === bare;
  });
}

export function acceptsGzip(acceptEncoding: string | undefined): boolean {
  if (!acceptEncoding) return false;
  for (const part of acceptEncoding.toLowerCase().split(",")) {
    const [coding, ...params] = part.trim().split(";");
    if (coding !== "gzip" && coding !== "*") continue;
    const q = params.map((p) => p.trim()).find((p) => p.startsWith("q="));
    return !q || Number(q.slice(2)) > 0;
  }
  return false;
}

// A cache of values that PostgreSQL's NOTIFY keeps right (see
// page-cache-listener.server.ts): entries carry tags (`article:42`, `list`,
// `path:/articles/x`); a notice about an article drops every entry tagged with it.
// Bounded in bytes (least recently used goes first), with a time-to-live as a
// safety net for what only time changes (a scheduled article appearing).
//
// Renders race with changes: a render that began before a change and finishes
// after it would store the old state. Each render takes a ticket first; an entry
// is refused when one of its tags was invalidated after its ticket.

export interface TaggedCacheOptions<V> {
  /** Memory for values, in bytes (as `sizeOf` counts them). */
  maxBytes?: number;
  /** How long a value may live without any notice, in ms. */
  ttlMs?: number;
  sizeOf: (value: V) => number;
  now?: () => number;
}

/** A render in progress: its ticket tells, when it finishes, whether it may be stored. */
export type Ticket = number;

interface Entry<V> {
  value: V;
  tags: string[];
  size: number;
  expiresAt: number;
}

interface Flight<V> {
  promise: Promise<V | null>;
  settle: (value: V | null) => void;
}

/** Anything the NOTIFY listener can keep right. */
export interface Invalidatable {
  enable(): void;
  disable(): void;
  applyNotification(payload: string | undefined): void;
}

export class TaggedCache<V> implements Invalidatable {
  readonly maxBytes: number;
  readonly ttlMs: number;
  private readonly sizeOf: (value: V) => number;
  private readonly now: () => number;
  // A Map keeps insertion order: the first key is the least recently used.
  private readonly entries = new Map<string, Entry<V>>();
  private readonly byTag = new Map<string, Set<string>>();
  private bytes = 0;
  // Every invalidation takes the next number; a value whose render began before the
  // latest invalidation of one of its tags is not stored (it may show the old state).
  private seq = 0;
  private readonly invalidatedAt = new Map<string, number>();
  private floor = 0;
  private readonly flights = new Map<string, Flight<V>>();
  private on = true;
  readonly counters = { hits: 0, misses: 0, stored: 0, rejected: 0, invalidations: 0 };

  constructor(options: TaggedCacheOptions<V>) {
    this.maxBytes = options.maxBytes ?? 64 * 1024 * 1024;
    this.ttlMs = options.ttlMs ?? 60_000;
    this.sizeOf = options.sizeOf;
    this.now = options.now ?? Date.now;
  }

  /** False while the cache cannot trust that it hears of changes (its LISTEN connection is down). */
  get enabled(): boolean {
    return this.on;
  }

  /** Start serving again (the LISTEN connection is back): nothing rendered before now may be stored. */
  enable(): void {
    this.clear();
    this.invalidatedAt.clear();
    this.floor = ++this.seq;
    this.on = true;
  }

  disable(): void {
    this.on = false;
    this.clear();
  }

  get size(): number {
    return this.entries.size;
  }

  get byteSize(): number {
    return this.bytes;
  }

  get(key: string): V | undefined {
    if (!this.on) return undefined;
    const entry = this.entries.get(key);
    if (!entry) {
      this.counters.misses++;
      return undefined;
    }
    if (entry.expiresAt <= this.now()) {
      this.remove(key);
      this.counters.misses++;
      return undefined;
    }
    // Most recently used goes last.
    this.entries.delete(key);
    this.entries.set(key, entry);
    this.counters.hits++;
    return entry.value;
  }

  /** Call before rendering a value that may be stored. */
  begin(): Ticket {
    return this.seq;
  }

  /** A render of this key already under way (begun after the latest invalidation), to wait for. */
  inFlight(key: string): Promise<V | null> | undefined {
    return this.on ? this.flights.get(key)?.promise : undefined;
  }

  /** Declare the caller the one that renders `key`; others may wait for it. Returns how to finish. */
  lead(key: string): (value: V | null) => void {
    let resolve!: (value: V | null) => void;
    const promise = new Promise<V | null>((r) => (resolve = r));
    let done = false;
    const flight: Flight<V> = {
      promise,
      settle: (value) => {
        if (done) return;
        done = true;
        if (this.flights.get(key) === flight) this.flights.delete(key);
        resolve(value);
      },
    };
    this.flights.set(key, flight);
    return flight.settle;
  }

  /**
   * Keep a rendered value, unless something it shows changed since `ticket` (or the cache is off).
   * `until` (ms since the epoch) ends its life sooner than the TTL: when time alone changes it.
   */
  store(ticket: Ticket, key: string, value: V, tags: string[], until?: number): boolean {
    if (!this.on || ticket < this.floor || tags.some((tag) => (this.invalidatedAt.get(tag) ?? -1) > ticket)) {
      this.counters.rejected++;
      return false;
    }
    const now = this.now();
    const expiresAt = until === undefined ? now + this.ttlMs : Math.min(now + this.ttlMs, until);
    if (expiresAt <= now) return false;
    const size = this.sizeOf(value) + key.length;
    if (size > this.maxBytes / 4) return false;
    this.remove(key);
    this.entries.set(key, { value, tags, size, expiresAt });
    this.bytes += size;
    for (const tag of tags) {
      let keys = this.byTag.get(tag);
      if (!keys) this.byTag.set(tag, (keys = new Set()));
      keys.add(key);
    }
    while (this.bytes > this.maxBytes) {
      const oldest = this.entries.keys().next();
      if (oldest.done) break;
      this.remove(oldest.value);
    }
    this.counters.stored++;
    return true;
  }

  /** Drop what shows these articles, and every list of articles (they show counts). */
  invalidateArticles(ids: number[]): void {
    this.invalidateTags([...ids.map(articleTag), LIST_TAG]);
  }

  /** Drop every page of a path (a write this instance just made there). */
  invalidatePath(path: string): void {
    this.invalidateTags([pathTag(path)]);
  }

  /** Apply a NOTIFY payload. */
  applyNotification(payload: string | undefined): void {
    const parsed = parseInvalidation(payload);
    if (parsed === "*") this.invalidateAll();
    else this.invalidateArticles(parsed);
  }

  invalidateTags(tags: string[]): void {
    const seq = ++this.seq;
    this.counters.invalidations++;
    // Renders under way may have read the old state: newcomers must not wait for them.
    this.flights.clear();
    for (const tag of tags) {
      this.invalidatedAt.set(tag, seq);
      const keys = this.byTag.get(tag);
      if (!keys) continue;
      for (const key of [...keys]) this.remove(key);
    }
    // Keep the bookkeeping bounded: past a size, forget it and refuse every older render instead.
    if (this.invalidatedAt.size > 10_000) {
      this.invalidatedAt.clear();
      this.floor = seq;
    }
  }

  invalidateAll(): void {
    const seq = ++this.seq;
    this.counters.invalidations++;
    this.floor = seq;
    this.invalidatedAt.clear();
    this.clear();
  }

  clear(): void {
    this.flights.clear();
    this.entries.clear();
    this.byTag.clear();
    this.bytes = 0;
  }

  private remove(key: string): void {
    const entry = this.entries.get(key);
    if (!entry) return;
    this.entries.delete(key);
    this.bytes -= entry.size;
    for (const tag of entry.tags) {
      const keys = this.byTag.get(tag);
      if (!keys) continue;
      keys.delete(key);
      if (keys.size === 0) this.byTag.delete(tag);
    }
  }
}

// --- the guest page cache -------------------------------------------------------

/** A page as it is sent again: body and its gzip, with the headers that belong to the page. */
export interface CachedPage {
  /** Response headers to send again (content type, security headers), lower-case names. */
  headers: Record<string, string>;
  body: Buffer;
  gzip: Buffer;
  etag: string;
}

export type PageCache = TaggedCache<CachedPage>;

export function createPageCache(options: Omit<TaggedCacheOptions<CachedPage>, "sizeOf"> = {}): PageCache {
  return new TaggedCache<CachedPage>({ ...options, sizeOf: (page) => page.body.length + page.gzip.length + 200 });
}
