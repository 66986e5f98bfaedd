import { brotliDecompressSync, gunzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { cacheKey, chooseEncoding, isPersonalRequest, keepPage, parseCacheTags, parseCacheUntil } from "~/composition/page-cache.server";
import { makeEtag, notModified } from "~/lib/conditional-get";
import { TaggedCache, articleTag, parseInvalidation, pathTag } from "~/lib/tagged-cache";
import { formatThreadCursor, parseThreadCursor } from "~/models/threads.server";

describe("which requests are personal", () => {
  it("a member's session or a guest's held comments make the page personal", () => {
    expect(isPersonalRequest("assay_session=abc")).toBe(true);
    expect(isPersonalRequest("theme=dark; assay_held=eyJ4Ijox")).toBe(true);
    expect(isPersonalRequest(" assay_session=")).toBe(true);
  });

  it("no cookie, or only unrelated ones, is a guest like any other", () => {
    expect(isPersonalRequest(undefined)).toBe(false);
    expect(isPersonalRequest("")).toBe(false);
    expect(isPersonalRequest("theme=dark; _ga=GA1.2.3")).toBe(false);
    // A cookie whose *value* mentions the name is not the cookie.
    expect(isPersonalRequest("note=assay_session")).toBe(false);
    expect(isPersonalRequest("not_assay_session=1")).toBe(false);
  });
});

describe("the cache key", () => {
  it("is the path and the known query parameters, in a stable order", () => {
    expect(cacheKey("/articles/a")).toBe("/articles/a");
    const after = encodeURIComponent("2025-06-01T10:00:00.123456Z~42");
    expect(cacheKey(`/articles/a?replytocom=3&after=${after}`)).toBe(`/articles/a?${new URLSearchParams({ after: "2025-06-01T10:00:00.123456Z~42", replytocom: "3" })}`);
    expect(cacheKey(`/articles/a?thread=5&after=${after}`)).toBe(cacheKey(`/articles/a?after=${after}&thread=5`));
    expect(cacheKey("/?")).toBe("/");
  });

  it("refuses static files and unknown parameters (no filling the cache with copies of a page)", () => {
    expect(cacheKey("/build/root-abc.js")).toBeNull();
    expect(cacheKey("/styles/assay.css")).toBeNull();
    expect(cacheKey("/articles/a?utm_source=x")).toBeNull();
    expect(cacheKey("/articles/a?random=1")).toBeNull();
  });

  it("keeps the public feeds as pages, never a personal feed nor another .xml", () => {
    for (const feed of ["/feed.xml", "/atom.xml", "/categories/china/feed.xml", "/categories/china/atom.xml", "/articles/a/comments.xml"]) {
      expect(cacheKey(feed), feed).toBe(feed);
    }
    expect(cacheKey("/feed.xml?utm_source=x")).toBeNull();
    expect(cacheKey(`/feeds/${"a".repeat(43)}/feed.xml`)).toBeNull();
    expect(cacheKey(`/feeds/${"a".repeat(43)}/atom.xml`)).toBeNull();
    expect(cacheKey("/sitemap.xml")).toBeNull();
    expect(cacheKey("/categories/a/b/feed.xml")).toBeNull();
  });

  it("refuses values that are not valid for their parameter, and a parameter twice", () => {
    for (const bad of [
      "/articles/a?after=junk",
      "/articles/a?after=2025-02-30T10:00:00Z~1",
      "/articles/a?after=2025-06-01T10:00:00Z~99999999999",
      "/articles/a?thread=0",
      "/articles/a?thread=007",
      "/articles/a?replytocom=99999999999",
      "/articles/a?replytocom=",
      "/?before=junk",
      "/articles/a?thread=5&thread=6",
      "/?index=x",
    ]) {
      expect(cacheKey(bad), bad).toBeNull();
    }
  });
});

describe("tags and notices", () => {
  it("reads a route's tag header", () => {
    expect(parseCacheTags("article=42")).toEqual([articleTag(42)]);
    expect(parseCacheTags("list")).toEqual(["list"]);
    expect(parseCacheTags("article=1, list")).toEqual([articleTag(1), "list"]);
    expect(parseCacheTags("")).toBeNull();
    expect(parseCacheTags("article=x")).toBeNull();
  });

  it("reads a NOTIFY payload: article ids, or everything when in doubt", () => {
    expect(parseInvalidation("1,2,3")).toEqual([1, 2, 3]);
    expect(parseInvalidation("*")).toBe("*");
    expect(parseInvalidation("")).toBe("*");
    expect(parseInvalidation("1,abc")).toBe("*");
  });
});

describe("a page's time limit", () => {
  it("reads the route's ISO moment, and nothing from what is not one", () => {
    expect(parseCacheUntil("2026-12-02T03:00:00.000Z")).toBe(Date.UTC(2026, 11, 2, 3));
    expect(parseCacheUntil("soon")).toBeUndefined();
    expect(parseCacheUntil(undefined)).toBeUndefined();
    expect(parseCacheUntil(null)).toBeUndefined();
  });
});

describe("conditional requests and encodings", () => {
  it("matches an ETag, weak or strong, in a list, or *", () => {
    const etag = makeEtag(Buffer.from("page"));
    expect(etag).toMatch(/^W\/"[0-9a-f]+-[A-Za-z0-9+/]+"$/);
    const matches = (ifNoneMatch: string) => notModified({ ifNoneMatch }, etag);
    expect(matches(etag)).toBe(true);
    expect(matches(`"other", ${etag}`)).toBe(true);
    expect(matches(etag.slice(2))).toBe(true);
    expect(matches("*")).toBe(true);
    expect(matches('"other"')).toBe(false);
    expect(makeEtag(Buffer.from("page"))).toBe(etag);
    expect(makeEtag(Buffer.from("page 2"))).not.toBe(etag);
  });

  it("a conditional GET is answered 304 by its entity tag first, else by its date", () => {
    const etag = makeEtag(Buffer.from("feed"));
    const lastModified = "Tue, 01 Dec 2026 10:00:00 GMT";
    expect(notModified({ ifNoneMatch: etag }, etag, lastModified)).toBe(true);
    expect(notModified({ ifModifiedSince: lastModified }, etag, lastModified)).toBe(true);
    expect(notModified({ ifModifiedSince: "Tue, 01 Dec 2026 11:00:00 GMT" }, etag, lastModified)).toBe(true);
    expect(notModified({ ifModifiedSince: "Tue, 01 Dec 2026 09:59:59 GMT" }, etag, lastModified)).toBe(false);
    // If-None-Match present: the date is not looked at (RFC 9110 13.1.3).
    expect(notModified({ ifNoneMatch: '"other"', ifModifiedSince: lastModified }, etag, lastModified)).toBe(false);
    expect(notModified({ ifModifiedSince: "not a date" }, etag, lastModified)).toBe(false);
    expect(notModified({ ifModifiedSince: lastModified }, etag, undefined)).toBe(false);
    expect(notModified({}, etag, lastModified)).toBe(false);
  });

  it("chooses brotli, gzip or plain by Accept-Encoding and its q-values, brotli first when both are as welcome", () => {
    expect(chooseEncoding("gzip, deflate, br")).toBe("br");
    expect(chooseEncoding("gzip, deflate, br, zstd")).toBe("br");
    expect(chooseEncoding("br;q=1.0, gzip;q=0.8")).toBe("br");
    expect(chooseEncoding("gzip;q=1.0, br;q=0.5")).toBe("gzip");
    expect(chooseEncoding("gzip, deflate")).toBe("gzip");
    expect(chooseEncoding("br;q=0, gzip")).toBe("gzip");
    expect(chooseEncoding("*")).toBe("br");
    expect(chooseEncoding("gzip;q=0")).toBe("identity");
    expect(chooseEncoding("identity")).toBe("identity");
    expect(chooseEncoding("deflate")).toBe("identity");
    expect(chooseEncoding(undefined)).toBe("identity");
    expect(chooseEncoding("")).toBe("identity");
  });

  it("keeps a page's bytes with their gzip and brotli, made once, and one entity tag for all three", async () => {
    const body = Buffer.from(`<!DOCTYPE html><html lang="en"><body>${"<p>Lynas $LYC</p>".repeat(500)}</body></html>`);
    const page = await keepPage({ "content-type": "text/html; charset=utf-8" }, body);
    expect(page.identity).toBe(body);
    expect(gunzipSync(page.gzip).equals(body)).toBe(true);
    expect(brotliDecompressSync(page.br).equals(body)).toBe(true);
    expect(page.br.length).toBeLessThan(body.length / 10);
    expect(page.etag).toBe(makeEtag(body));
    expect(page.headers).toEqual({ "content-type": "text/html; charset=utf-8" });
  });
});

function cache(options: { maxBytes?: number; ttlMs?: number; now?: () => number } = {}) {
  return new TaggedCache<string>({ ...options, sizeOf: (value) => value.length });
}

describe("TaggedCache", () => {
  it("ends a value's life at the moment it names, when that comes before its time to live (trending's 24 hours)", () => {
    let now = 1_000;
    const c = cache({ ttlMs: 60_000, now: () => now });
    expect(c.store(c.begin(), "/", "home", ["list"], now + 500)).toBe(true);
    // A moment named after the TTL does not lengthen it.
    expect(c.store(c.begin(), "/categories", "list", ["list"], now + 120_000)).toBe(true);
    now += 499;
    expect(c.get("/")).toBe("home");
    now += 2;
    expect(c.get("/")).toBeUndefined();
    expect(c.get("/categories")).toBe("list");
    now += 60_000;
    expect(c.get("/categories")).toBeUndefined();
    // Already past: not kept at all.
    expect(c.store(c.begin(), "/", "home", ["list"], now)).toBe(false);
    expect(c.get("/")).toBeUndefined();
  });

  it("keeps a value and drops it when one of its tags is invalidated", () => {
    const c = cache();
    expect(c.store(c.begin(), "/articles/a", "A", [articleTag(1)])).toBe(true);
    expect(c.store(c.begin(), "/articles/b", "B", [articleTag(2)])).toBe(true);
    expect(c.get("/articles/a")).toBe("A");
    c.applyNotification("1");
    expect(c.get("/articles/a")).toBeUndefined();
    expect(c.get("/articles/b")).toBe("B");
  });

  it("drops every list when any article changes (they show comment counts)", () => {
    const c = cache();
    c.store(c.begin(), "/", "home", ["list"]);
    c.store(c.begin(), "/articles/b", "B", [articleTag(2)]);
    c.invalidateArticles([7]);
    expect(c.get("/")).toBeUndefined();
    expect(c.get("/articles/b")).toBe("B");
  });

  it("'*' drops everything", () => {
    const c = cache();
    c.store(c.begin(), "a", "A", [articleTag(1)]);
    c.store(c.begin(), "b", "B", ["list"]);
    c.applyNotification("*");
    expect(c.size).toBe(0);
  });

  it("refuses a render that began before a change to what it shows (it may show the old state)", () => {
    const c = cache();
    const before = c.begin();
    c.invalidateArticles([1]);
    expect(c.store(before, "/articles/a", "stale", [articleTag(1)])).toBe(false);
    // A render of another article is unaffected by that change…
    expect(c.store(before, "/articles/b", "fine", [articleTag(2)])).toBe(true);
    // …and one that began after it is kept.
    expect(c.store(c.begin(), "/articles/a", "fresh", [articleTag(1)])).toBe(true);
    expect(c.get("/articles/a")).toBe("fresh");
  });

  it("after '*', refuses every render that began before it", () => {
    const c = cache();
    const before = c.begin();
    c.applyNotification("*");
    expect(c.store(before, "x", "stale", [articleTag(3)])).toBe(false);
    expect(c.store(c.begin(), "x", "fresh", [articleTag(3)])).toBe(true);
  });

  it("a value stored again under new tags answers to those only", () => {
    const c = cache();
    c.store(c.begin(), "/articles/a", "old", [articleTag(1)]);
    c.store(c.begin(), "/articles/a", "new", [articleTag(2)]);
    c.invalidateArticles([1]);
    expect(c.get("/articles/a")).toBe("new");
    c.invalidateTags([articleTag(2)]);
    expect(c.get("/articles/a")).toBeUndefined();
    expect(c.byteSize).toBe(0);
  });

  it("drops a path's pages on a local write", () => {
    const c = cache();
    c.store(c.begin(), "/articles/a", "A", [articleTag(1), pathTag("/articles/a")]);
    c.store(c.begin(), "/articles/a?after=x", "A2", [articleTag(1), pathTag("/articles/a")]);
    c.invalidatePath("/articles/a");
    expect(c.size).toBe(0);
  });

  it("serves nothing while disabled, and nothing rendered before it came back", () => {
    const c = cache();
    c.store(c.begin(), "a", "A", []);
    c.disable();
    expect(c.get("a")).toBeUndefined();
    const during = c.begin();
    expect(c.store(during, "a", "A", [])).toBe(false);
    c.enable();
    expect(c.get("a")).toBeUndefined();
    expect(c.store(during, "a", "A", [])).toBe(false);
    expect(c.store(c.begin(), "a", "A", [])).toBe(true);
    expect(c.get("a")).toBe("A");
  });

  it("is bounded in bytes, least recently used first", () => {
    const c = cache({ maxBytes: 100 });
    c.store(c.begin(), "a", "x".repeat(20), []);
    c.store(c.begin(), "b", "x".repeat(20), []);
    c.store(c.begin(), "c", "x".repeat(20), []);
    c.get("a"); // a is now more recent than b
    c.store(c.begin(), "d", "x".repeat(20), []);
    c.store(c.begin(), "e", "x".repeat(20), []);
    expect(c.byteSize).toBeLessThanOrEqual(100);
    expect(c.get("b")).toBeUndefined();
    expect(c.get("a")).toBeDefined();
    expect(c.get("e")).toBeDefined();
  });

  it("forgets values past their time to live (changes only time makes: a scheduled article)", () => {
    let now = 1_000;
    const c = cache({ ttlMs: 50, now: () => now });
    c.store(c.begin(), "a", "A", []);
    now += 49;
    expect(c.get("a")).toBe("A");
    now += 2;
    expect(c.get("a")).toBeUndefined();
  });

  it("lets later requests wait for a render under way, and lets them go when it is invalidated", async () => {
    const c = cache();
    const settle = c.lead("a");
    const waiting = c.inFlight("a");
    expect(waiting).toBeDefined();
    settle("A");
    await expect(waiting).resolves.toBe("A");
    expect(c.inFlight("a")).toBeUndefined();

    c.lead("b");
    c.invalidateArticles([1]);
    expect(c.inFlight("b")).toBeUndefined();
  });
});

describe("thread cursors", () => {
  it("keep microseconds, which PostgreSQL keeps and a JS Date does not", () => {
    const cursor = parseThreadCursor("2025-06-01T10:00:00.123456Z~42");
    expect(cursor).toEqual({ at: "2025-06-01T10:00:00.123456Z", id: 42 });
    expect(formatThreadCursor(cursor!)).toBe("2025-06-01T10:00:00.123456Z~42");
  });

  it("refuse anything else", () => {
    for (const bad of [null, "", "x", "2025-06-01~1", "2025-06-01T10:00:00Z~-1", "2025-06-01T10:00:00Z~0", "2025-13-45T99:00:00Z~1", "2025-06-01T10:00:00Z~1; drop"]) {
      expect(parseThreadCursor(bad)).toBeNull();
    }
  });
});
