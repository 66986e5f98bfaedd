// The caches' LISTEN connection (app/lib/page-cache-listener.server.ts) when the
// whole server goes away, not only its one backend: restarted fast, restarted
// immediately (a crash), stopped a while and started, or not yet running when the
// app starts. Each time it reconnects by itself; while it is down nothing is served
// from or stored in the cache; once back, what was cached before is forgotten
// (a change made meanwhile went unheard) and notices are heard again.
// A cluster of this file's own (tests/support/throwaway-cluster.ts).
import pg from "pg";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { TaggedCache, articleTag, PAGE_CACHE_CHANNEL } from "~/lib/tagged-cache";
import { listenForPageInvalidations, type PageCacheListener } from "~/lib/page-cache-listener.server";
import { startThrowawayCluster, type ThrowawayCluster } from "../support/throwaway-cluster";

let cluster: ThrowawayCluster;
let listener: PageCacheListener | null = null;
const messages: string[] = [];

beforeAll(async () => {
  cluster = await startThrowawayCluster();
}, 60_000);
afterAll(async () => {
  await cluster?.destroy();
});
afterEach(async () => {
  await listener?.stop();
  listener = null;
  messages.length = 0;
});

/** Wait (bounded, generously: a reconnection backs off) until `check` holds. */
async function eventually(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 600; i++) {
    if (check()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`never happened: ${what}`);
}

function listen() {
  const cache = new TaggedCache<string>({ sizeOf: (v) => v.length });
  listener = listenForPageInvalidations(cluster.urlFor("postgres"), [cache], { log: (m) => messages.push(m) });
  return cache;
}

function remember(cache: TaggedCache<string>, key: string, articleId: number): boolean {
  return cache.store(cache.begin(), key, key, [articleTag(articleId)]);
}

async function notify(payload: string): Promise<void> {
  const client = new pg.Client({ connectionString: cluster.urlFor("postgres") });
  client.on("error", () => undefined);
  await client.connect();
  try {
    await client.query("select pg_notify($1, $2)", [PAGE_CACHE_CHANNEL, payload]);
  } finally {
    await client.end();
  }
}

/** Back and hearing: a page cached now is dropped by a notice naming its article. */
async function hearsNoticesAgain(cache: TaggedCache<string>): Promise<void> {
  await eventually(() => cache.enabled, "the cache is on again once LISTEN is back");
  expect(remember(cache, "/articles/after", 7)).toBe(true);
  await notify("7");
  await eventually(() => cache.get("/articles/after") === undefined, "a notice after the reconnection is heard");
}

describe("the page cache's LISTEN connection", () => {
  for (const mode of ["fast", "immediate"] as const) {
    it(`reconnects after restart -m ${mode}, forgetting what it held`, async () => {
      const cache = listen();
      await listener!.ready;
      expect(remember(cache, "/articles/before", 1)).toBe(true);
      await cluster.restart(mode);
      // Whether or not it is back yet, what it held before is gone: a change may have gone unheard.
      await eventually(() => cache.get("/articles/before") === undefined, "the old page is dropped");
      await hearsNoticesAgain(cache);
      expect(cache.get("/articles/before")).toBeUndefined();
      expect(messages.join("\n")).toMatch(/page cache off: its LISTEN connection was lost .*reconnecting/);
    });
  }

  it("serves and stores nothing while the server is stopped, and comes back when it starts", async () => {
    const cache = listen();
    await listener!.ready;
    expect(remember(cache, "/articles/before", 1)).toBe(true);
    await cluster.stop("fast");
    try {
      await eventually(() => !cache.enabled, "the cache turns itself off");
      expect(cache.get("/articles/before")).toBeUndefined();
      expect(remember(cache, "/articles/meanwhile", 2)).toBe(false);
      // Several failed attempts, so the reconnection has backed off a few times.
      await eventually(() => messages.filter((m) => /reconnecting/.test(m)).length >= 4, "it keeps trying");
      expect(cache.enabled).toBe(false);
    } finally {
      await cluster.start();
    }
    await hearsNoticesAgain(cache);
    expect(cache.get("/articles/before")).toBeUndefined();
  });

  it("waits for a server that is not up yet when the app starts: ready once it is", async () => {
    await cluster.stop("fast");
    let ready = false;
    try {
      const cache = listen();
      void listener!.ready.then(() => (ready = true));
      await eventually(() => messages.length >= 2, "it tries, and tries again");
      expect(ready).toBe(false);
      expect(cache.enabled).toBe(false);
    } finally {
      await cluster.start();
    }
    await listener!.ready;
    expect(ready).toBe(true);
  });
});
