// The title and OpenGraph description of a news page, fetched by the server when
// an embed names a page no article has yet (app/models/embed.server.ts). A fetch
// made on a stranger's say-so, so it is fenced in:
// - only http(s), to hosts the caller allows (EMBED_HOSTS), redirects included
//   (at most MAX_REDIRECTS, each checked like the first);
// - never to a private, loopback, link-local or otherwise internal address: the
//   name is resolved once, every address checked, and the connection made to the
//   checked address (no second lookup an attacker's DNS could answer differently);
// - a deadline for the whole fetch and a cap on the bytes read (the <head> is enough).
// Loopback is allowed only when the caller says so (the tests' local pages).
import { lookup as dnsLookup, type LookupAddress } from "node:dns";
import http from "node:http";
import https from "node:https";
import { BlockList, isIP, type LookupFunction } from "node:net";
import { Parser } from "htmlparser2";

const INTERNAL = new BlockList();
for (const [net, prefix] of [
  ["0.0.0.0", 8], // "this network"
  ["10.0.0.0", 8],
  ["100.64.0.0", 10], // carrier-grade NAT
  ["169.254.0.0", 16], // link-local (cloud metadata lives here)
  ["172.16.0.0", 12],
  ["192.0.0.0", 24],
  ["192.0.2.0", 24],
  ["192.88.99.0", 24],
  ["192.168.0.0", 16],
  ["198.18.0.0", 15],
  ["198.51.100.0", 24],
  ["203.0.113.0", 24],
  ["224.0.0.0", 4], // multicast
  ["240.0.0.0", 4], // reserved, and broadcast
] as const) {
  INTERNAL.addSubnet(net, prefix, "ipv4");
}
for (const [net, prefix] of [
  ["::", 128],
  ["64:ff9b::", 96], // NAT64 of any IPv4 address
  ["64:ff9b:1::", 48],
  ["100::", 64],
  ["2001::", 23], // IETF special purposes (Teredo, benchmarking…)
  ["2001:db8::", 32],
  ["2002::", 16], // 6to4
  ["fc00::", 7], // unique local
  ["fe80::", 10], // link-local
  ["fec0::", 10],
  ["ff00::", 8], // multicast
] as const) {
  INTERNAL.addSubnet(net, prefix, "ipv6");
}
const LOOPBACK = new BlockList();
LOOPBACK.addSubnet("127.0.0.0", 8, "ipv4");
LOOPBACK.addAddress("::1", "ipv6");

/**
 * May the server connect to this IP address? Not when it is private, loopback,
 * link-local, multicast or reserved (IPv4-mapped IPv6 addresses judged as IPv4);
 * loopback only with `allowLoopback`. Anything that is not an IP address: no.
 */
export function isPublicAddress(address: string, options: { allowLoopback?: boolean } = {}): boolean {
  const bare = address.replace(/^\[|\]$/g, "");
  const family = isIP(bare);
  if (family === 0) return false;
  const type = family === 4 ? "ipv4" : "ipv6";
  if (LOOPBACK.check(bare, type)) return options.allowLoopback === true;
  return !INTERNAL.check(bare, type);
}

export interface PagePreview {
  /** og:title, else the page's <title>; "" when it has neither. */
  title: string;
  /** og:description, else the meta description; "" when none. */
  description: string;
  /** og:site_name; "" when none. */
  siteName: string;
}

export type PreviewResult =
  | { ok: true; preview: PagePreview; finalUrl: string }
  | { ok: false; reason: "not-allowed" | "internal-address" | "too-many-redirects" | "timeout" | "not-html" | "not-found" | "failed"; detail?: string };

export interface PreviewOptions {
  /** May this address be fetched (its host on the allowlist)? Asked for the first URL and every redirect. */
  isAllowed: (url: URL) => boolean;
  allowLoopback?: boolean;
  /** The whole fetch, redirects included (default 4 s). */
  timeoutMs?: number;
  /** Bytes of the body read at most (default 256 KiB). */
  maxBytes?: number;
}

export const MAX_REDIRECTS = 3;
const USER_AGENT = "AssayEmbed/1.0 (+thread preview)";

class Refused extends Error {
  constructor(readonly reason: "internal-address") {
    super(reason);
  }
}

/** A DNS lookup that answers only with addresses the guard passes, so the socket connects to a checked one. */
function guardedLookup(allowLoopback: boolean): LookupFunction {
  return (hostname, options, callback) => {
    dnsLookup(hostname, { all: true, family: options.family, hints: options.hints }, (error, addresses: LookupAddress[]) => {
      if (error) return callback(error, "", 0);
      // Every address must pass: a name that also points inside is refused altogether.
      if (!addresses.length || addresses.some((a) => !isPublicAddress(a.address, { allowLoopback }))) {
        return callback(new Refused("internal-address"), "", 0);
      }
      if (options.all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, addresses);
      callback(null, addresses[0]!.address, addresses[0]!.family);
    });
  };
}

interface Hop {
  status: number;
  location: string | null;
  contentType: string;
  body: string;
}

function fetchOnce(url: URL, options: Required<Omit<PreviewOptions, "isAllowed">>, signal: AbortSignal): Promise<Hop> {
  return new Promise((resolve, reject) => {
    const client = url.protocol === "https:" ? https : http;
    const req = client.request(
      url,
      {
        method: "GET",
        headers: { "User-Agent": USER_AGENT, Accept: "text/html,application/xhtml+xml;q=0.9", "Accept-Encoding": "identity" },
        lookup: guardedLookup(options.allowLoopback),
        signal,
        agent: false,
      },
      (res) => {
        const status = res.statusCode ?? 0;
        const contentType = String(res.headers["content-type"] ?? "");
        if (status >= 300 && status < 400) {
          res.resume();
          return resolve({ status, location: res.headers.location ?? null, contentType, body: "" });
        }
        const chunks: Buffer[] = [];
        let size = 0;
        const done = () => resolve({ status, location: null, contentType, body: Buffer.concat(chunks).toString("utf8") });
        res.on("data", (chunk: Buffer) => {
          const room = options.maxBytes - size;
          if (room > 0) chunks.push(chunk.subarray(0, room));
          size += chunk.length;
          // Enough read: the preview lives in the <head>.
          if (size >= options.maxBytes) {
            res.destroy();
            done();
          }
        });
        res.on("end", done);
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end();
  });
}

/** Parse the preview out of (the start of) a page. */
export function parsePreview(html: string): PagePreview {
  const meta: Record<string, string> = {};
  let title = "";
  let inTitle = false;
  const parser = new Parser(
    {
      onopentag(name, attributes) {
        if (name === "title") inTitle = true;
        if (name !== "meta") return;
        const key = (attributes.property ?? attributes.name ?? "").toLowerCase();
        if (key && attributes.content !== undefined && !(key in meta)) meta[key] = attributes.content;
      },
      ontext(text) {
        if (inTitle) title += text;
      },
      onclosetag(name) {
        if (name === "title") inTitle = false;
      },
    },
    { decodeEntities: true },
  );
  parser.write(html);
  parser.end();
  const clean = (s: string | undefined, max: number) => (s ?? "").replace(/\s+/g, " ").trim().slice(0, max);
  return {
    title: clean(meta["og:title"] || title, 200),
    description: clean(meta["og:description"] || meta["description"], 1000),
    siteName: clean(meta["og:site_name"], 100),
  };
}

export async function fetchPagePreview(address: string, options: PreviewOptions): Promise<PreviewResult> {
  const settings = { allowLoopback: options.allowLoopback ?? false, timeoutMs: options.timeoutMs ?? 4000, maxBytes: options.maxBytes ?? 256 * 1024 };
  const signal = AbortSignal.timeout(settings.timeoutMs);
  let url: URL;
  try {
    url = new URL(address);
  } catch {
    return { ok: false, reason: "not-allowed", detail: "not a URL" };
  }
  for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
    if ((url.protocol !== "http:" && url.protocol !== "https:") || url.username || url.password || !options.isAllowed(url)) {
      return { ok: false, reason: "not-allowed", detail: url.href };
    }
    // An address written as an IP is never looked up: check it here.
    const literal = url.hostname.replace(/^\[|\]$/g, "");
    if (isIP(literal) && !isPublicAddress(literal, { allowLoopback: settings.allowLoopback })) {
      return { ok: false, reason: "internal-address", detail: literal };
    }
    let answer: Hop;
    try {
      answer = await fetchOnce(url, settings, signal);
    } catch (error) {
      if (error instanceof Refused || (error as { cause?: unknown }).cause instanceof Refused) return { ok: false, reason: "internal-address", detail: url.hostname };
      if (signal.aborted) return { ok: false, reason: "timeout" };
      return { ok: false, reason: "failed", detail: error instanceof Error ? error.message : String(error) };
    }
    if (answer.location !== null) {
      try {
        url = new URL(answer.location, url);
      } catch {
        return { ok: false, reason: "failed", detail: "bad redirect" };
      }
      continue;
    }
    if (answer.status === 404 || answer.status === 410) return { ok: false, reason: "not-found" };
    if (answer.status < 200 || answer.status >= 300) return { ok: false, reason: "failed", detail: `HTTP ${answer.status}` };
    if (!/^(text\/html|application\/xhtml\+xml)\b/i.test(answer.contentType)) return { ok: false, reason: "not-html", detail: answer.contentType };
    return { ok: true, preview: parsePreview(answer.body), finalUrl: url.href };
  }
  return { ok: false, reason: "too-many-redirects" };
}
