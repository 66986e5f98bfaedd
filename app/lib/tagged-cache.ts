// A cache of values that PostgreSQL's NOTIFY keeps right (see
// page-cache-listener.server.ts), shared by the guest page cache
// (app/composition/page-cache.server.ts) and the article views
// (app/composition/article-view-cache.server.ts). Entries carry tags (`article:42`,
// `list`, `path:/articles/x`); a notice about an article drops every entry tagged
// with it. The store is `lru-cache`: bounded in bytes (least recently used goes
// first), with a time-to-live as a safety net for what only time changes (a
// scheduled article appearing).
//
// Renders race with changes: a render that began before a change and finishes
// after it would store the old state. Each render takes a ticket first; an entry
// is refused when one of its tags was invalidated after its ticket.
import { LRUCache } from "lru-cache";

/** The NOTIFY channel the migration's triggers send on (db/migrations/0004_performance.ts). */
export const PAGE_CACHE_CHANNEL = "assay_page_cache";

/** The NOTIFY channel of notices about members, by id (db/migrations/0016_member_notices.ts). */
export const MEMBER_CHANNEL = "assay_members";

export const LIST_TAG = "list";
export const articleTag = (id: number) => `article:${id}`;
export const pathTag = (path: string) => `path:${path}`;

/** A NOTIFY payload: article ids, or everything. */
export function parseInvalidation(payload: string | undefined): number[] | "*" {
  if (!payload || payload.trim() === "*") return "*";
  const ids = payload.split(",").map((s) => Number(s.trim()));
  return ids.every((id) => Number.isInteger(id) && id > 0) ? ids : "*";
}

export interface TaggedCacheOptions<V> {
  /** Memory for values, in bytes (as `sizeOf` counts them). */
  maxBytes?: number;
  /** How long a value may live without any notice, in ms. */
  ttlMs?: number;
  sizeOf: (value: V) => number;
  /** The clock, in ms (tests move it by hand). */
  now?: () => number;
}

/** A render in progress: its ticket tells, when it finishes, whether it may be stored. */
export type Ticket = number;

interface Entry<V> {
  value: V;
  tags: string[];
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
  private readonly entries: LRUCache<string, Entry<V>>;
  // Which keys carry each tag; kept in step by lru-cache's dispose (evicted, expired, replaced, deleted).
  private readonly byTag = new Map<string, Set<string>>();
  // Every invalidation takes the next number; a value whose render began before the
  // latest invalidation of one of its tags is not stored (it may show the old state).
  private seq = 0;
  private readonly invalidatedAt = new Map<string, number>();
  private floor = 0;
  private readonly flights = new Map<string, Flight<V>>();
  private on = true;
  private readonly now: () => number;
  readonly counters = { hits: 0, misses: 0, stored: 0, rejected: 0, invalidations: 0 };

  constructor(options: TaggedCacheOptions<V>) {
    this.maxBytes = options.maxBytes ?? 64 * 1024 * 1024;
    this.ttlMs = options.ttlMs ?? 60_000;
    this.sizeOf = options.sizeOf;
    this.now = options.now ?? Date.now;
    this.entries = new LRUCache<string, Entry<V>>({
      maxSize: this.maxBytes,
      sizeCalculation: (entry, key) => this.sizeOf(entry.value) + key.length,
      ttl: this.ttlMs,
      // Read the clock on every look-up (the default caches it for 1 ms).
      ttlResolution: 0,
      ...(options.now ? { perf: { now: options.now } } : {}),
      dispose: (entry, key) => this.untag(key, entry.tags),
    });
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
    return this.entries.calculatedSize;
  }

  /** The value of `key` (now the most recently used), unless it is missing, expired or the cache is off. */
  get(key: string): V | undefined {
    if (!this.on) return undefined;
    const entry = this.entries.get(key);
    if (entry) this.counters.hits++;
    else this.counters.misses++;
    return entry?.value;
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
   * `until` (ms on this cache's clock) ends its life sooner than the TTL: when time alone changes it.
   */
  store(ticket: Ticket, key: string, value: V, tags: string[], until?: number): boolean {
    if (!this.on || ticket < this.floor || tags.some((tag) => (this.invalidatedAt.get(tag) ?? -1) > ticket)) {
      this.counters.rejected++;
      return false;
    }
    const ttl = until === undefined ? this.ttlMs : Math.min(this.ttlMs, until - this.now());
    if (ttl <= 0) return false;
    // One value may not take more than a quarter of the memory.
    if (this.sizeOf(value) + key.length > this.maxBytes / 4) return false;
    this.entries.set(key, { value, tags }, { ttl });
    for (const tag of tags) {
      let keys = this.byTag.get(tag);
      if (!keys) this.byTag.set(tag, (keys = new Set()));
      keys.add(key);
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
      for (const key of [...(this.byTag.get(tag) ?? [])]) this.entries.delete(key);
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
  }

  private untag(key: string, tags: string[]): void {
    for (const tag of tags) {
      const keys = this.byTag.get(tag);
      if (!keys) continue;
      keys.delete(key);
      if (keys.size === 0) this.byTag.delete(tag);
    }
  }
}
