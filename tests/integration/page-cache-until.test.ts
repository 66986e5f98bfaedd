// The guest page cache's HTTP side (scripts/page-cache-http.ts) honours a page's own
// time limit (X-Assay-Cache-Until, sent by the home page for its trending tickers),
// on a controlled clock: the copy is served until then, rendered again after, and
// the header never reaches the browser. No database: an Express app in this process.
import type { AddressInfo } from "node:net";
import type { Server } from "node:http";
import express from "express";
import { afterAll, beforeAll, expect, it } from "vitest";
import { createPageCache } from "~/lib/page-cache.server";
import { pageCacheMiddleware } from "../../scripts/page-cache-http";

let now = Date.UTC(2026, 11, 2, 3, 0, 0);
const cache = createPageCache({ ttlMs: 60 * 60_000, now: () => now });
let renders = 0;
let server: Server;
let base = "";

beforeAll(async () => {
  const app = express();
  const { serve, capture } = pageCacheMiddleware(cache);
  app.use(serve);
  app.use(capture);
  app.get("/", (_req, res) => {
    renders += 1;
    // What the home page sends: its tag, and when its trending list changes by time alone.
    res.setHeader("X-Assay-Cache", "list");
    res.setHeader("X-Assay-Cache-Until", new Date(now + 90_000).toISOString());
    res.type("html").send(`<p>render ${renders}</p>`);
  });
  app.get("/categories", (_req, res) => {
    renders += 1;
    res.setHeader("X-Assay-Cache", "list");
    res.type("html").send(`<p>render ${renders}</p>`);
  });
  server = app.listen(0, "127.0.0.1");
  await new Promise((r) => server.once("listening", r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise<void>((r) => server.close(() => r())));

it("serves a guest's cached copy until the page's own limit, then renders it again", async () => {
  const first = await fetch(`${base}/`);
  expect(await first.text()).toBe("<p>render 1</p>");
  expect(first.headers.get("x-assay-cache")).toBeNull();
  expect(first.headers.get("x-assay-cache-until")).toBeNull();
  now += 89_000;
  expect(await (await fetch(`${base}/`)).text()).toBe("<p>render 1</p>");
  now += 1_000;
  // The 24 hours slid past a counted comment: a fresh render, with a new limit.
  expect(await (await fetch(`${base}/`)).text()).toBe("<p>render 2</p>");
  expect(await (await fetch(`${base}/`)).text()).toBe("<p>render 2</p>");
});

it("keeps a page without a limit for the cache's time to live", async () => {
  const before = renders;
  expect(await (await fetch(`${base}/categories`)).text()).toBe(`<p>render ${before + 1}</p>`);
  now += 59 * 60_000;
  expect(await (await fetch(`${base}/categories`)).text()).toBe(`<p>render ${before + 1}</p>`);
  now += 60_000;
  expect(await (await fetch(`${base}/categories`)).text()).toBe(`<p>render ${before + 2}</p>`);
});
