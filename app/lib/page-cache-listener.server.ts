// Hears PostgreSQL's NOTIFY on the page-cache channel and drops the cached pages
// (and page parts) it names; and, on the members' channel, what is kept of the
// members it names (app/composition/member-memo.server.ts).
// One dedicated connection per app instance (LISTEN needs a session of its own,
// not a pooled one). While that connection is down the cache is off: a change
// made meanwhile would go unheard, so nothing is served from memory until the
// LISTEN is back, and everything is forgotten then.
import pg from "pg";
import { MEMBER_CHANNEL, PAGE_CACHE_CHANNEL, type Invalidatable } from "./tagged-cache";

export interface PageCacheListener {
  /** Resolves once the first LISTEN is active (the cache serves from then on). */
  ready: Promise<void>;
  stop(): Promise<void>;
}

export interface ListenerOptions {
  log?: (message: string) => void;
  /** Longest wait between reconnection attempts, in ms. */
  maxBackoffMs?: number;
  /** What is kept of members' sessions, told of changes on the members' channel (on and off with the rest). */
  memberCaches?: Invalidatable[];
}

export function listenForPageInvalidations(
  connectionString: string,
  caches: Invalidatable[],
  options: ListenerOptions = {},
): PageCacheListener {
  const members = options.memberCaches ?? [];
  const everything = [...caches, ...members];
  const all = {
    enable: () => everything.forEach((c) => c.enable()),
    disable: () => everything.forEach((c) => c.disable()),
    applyNotification: (channel: string, payload: string | undefined) => {
      if (channel === PAGE_CACHE_CHANNEL) caches.forEach((c) => c.applyNotification(payload));
      else if (channel === MEMBER_CHANNEL) members.forEach((c) => c.applyNotification(payload));
    },
  };
  const log = options.log ?? ((m: string) => console.warn(m));
  // Short: once the database is back the caches should be too, and an attempt costs little.
  const maxBackoff = options.maxBackoffMs ?? 2_000;
  let client: pg.Client | null = null;
  let stopped = false;
  let backoff = 250;
  let timer: NodeJS.Timeout | null = null;
  let markReady!: () => void;
  const ready = new Promise<void>((resolve) => (markReady = resolve));

  all.disable();

  const lost = (current: pg.Client, why: string) => {
    if (client !== current) return;
    client = null;
    all.disable();
    current.removeAllListeners("notification");
    current.end().catch(() => undefined);
    if (stopped) return;
    log(`[assay] page cache off: its LISTEN connection was lost (${why}); reconnecting`);
    timer = setTimeout(connect, backoff);
    backoff = Math.min(backoff * 2, maxBackoff);
  };

  async function connect(): Promise<void> {
    timer = null;
    if (stopped) return;
    const current = new pg.Client({ connectionString, keepAlive: true, application_name: "assay-page-cache" });
    client = current;
    current.on("error", (error) => lost(current, error.message));
    current.on("end", () => lost(current, "closed"));
    current.on("notification", (message) => all.applyNotification(message.channel, message.payload));
    try {
      await current.connect();
      await current.query(`listen ${PAGE_CACHE_CHANNEL}`);
      if (members.length) await current.query(`listen ${MEMBER_CHANNEL}`);
      if (client !== current || stopped) return;
      backoff = 250;
      all.enable();
      markReady();
    } catch (error) {
      lost(current, error instanceof Error ? error.message : String(error));
    }
  }

  void connect();

  return {
    ready,
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      const current = client;
      client = null;
      all.disable();
      if (current) {
        current.removeAllListeners();
        current.on("error", () => undefined);
        await current.end().catch(() => undefined);
      }
    },
  };
}
