// The pure parts of embedding: one spelling of a page address, the EMBED_HOSTS
// allowlist and its frame-ancestors, the private-address guard of the server's
// fetch, the preview parser, and the size of the script every news page loads.
import { readFileSync } from "node:fs";
import path from "node:path";
import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { normalizeCanonicalUrl } from "~/lib/canonical-url";
import { embedFrameAncestors, embedHostsFromEnv, isEmbedHostAllowed } from "~/lib/embed-hosts.server";
import { isPublicAddress, parsePreview } from "~/lib/page-preview.server";
import { documentCsp } from "~/lib/csp.server";
import { isEmbedMatch } from "~/lib/embed-route";

const root = path.resolve(import.meta.dirname, "..", "..");

describe("normalizeCanonicalUrl", () => {
  it.each([
    ["HTTPS://News.Example.COM/2024/Story/", "https://news.example.com/2024/Story"],
    ["https://news.example.com:443/a#comments", "https://news.example.com/a"],
    ["http://news.example.com:80", "http://news.example.com/"],
    ["https://news.example.com/a///", "https://news.example.com/a"],
    ["https://news.example.com/a?utm_source=x&UTM_Medium=y&fbclid=1&gclid=2&mc_cid=3", "https://news.example.com/a"],
    ["https://news.example.com/?p=12&b=2&a=1", "https://news.example.com/?a=1&b=2&p=12"],
    ["  https://bücher.example/ ", "https://xn--bcher-kva.example/"],
    ["http://localhost:8080/x/", "http://localhost:8080/x"],
  ])("%s → %s", (input, expected) => {
    expect(normalizeCanonicalUrl(input)).toBe(expected);
  });

  it.each([["javascript:alert(1)"], ["ftp://news.example.com/"], ["https://user:pw@news.example.com/"], ["not a url"], [""], [`https://a.example/${"x".repeat(2100)}`]])(
    "refuses %s",
    (input) => {
      expect(normalizeCanonicalUrl(input)).toBeNull();
    },
  );

  it("keeps http and https apart, and the path's case", () => {
    expect(normalizeCanonicalUrl("http://a.example/x")).not.toBe(normalizeCanonicalUrl("https://a.example/x"));
    expect(normalizeCanonicalUrl("https://a.example/X")).not.toBe(normalizeCanonicalUrl("https://a.example/x"));
  });
});

describe("EMBED_HOSTS", () => {
  const hosts = embedHostsFromEnv({ EMBED_HOSTS: "News.Example.com, localhost:8080 https://secure.example.org:443" });

  it("reads hosts, hosts with ports and hosts with a scheme", () => {
    expect(hosts).toEqual([
      { scheme: null, hostname: "news.example.com", port: null },
      { scheme: null, hostname: "localhost", port: "8080" },
      { scheme: "https", hostname: "secure.example.org", port: null },
    ]);
  });

  it("stops the start on an entry that is not a host", () => {
    expect(() => embedHostsFromEnv({ EMBED_HOSTS: "news.example.com/path" })).toThrow(/EMBED_HOSTS/);
    expect(() => embedHostsFromEnv({ EMBED_HOSTS: "*.example.com" })).toThrow(/EMBED_HOSTS/);
  });

  it("allows a page only on a listed host, port and (when given) scheme", () => {
    expect(isEmbedHostAllowed("https://news.example.com/a", hosts)).toBe(true);
    expect(isEmbedHostAllowed("http://news.example.com/a", hosts)).toBe(true);
    expect(isEmbedHostAllowed("https://news.example.com:8443/a", hosts)).toBe(false);
    expect(isEmbedHostAllowed("https://www.news.example.com/a", hosts)).toBe(false);
    expect(isEmbedHostAllowed("https://news.example.com.evil.example/a", hosts)).toBe(false);
    expect(isEmbedHostAllowed("http://localhost:8080/", hosts)).toBe(true);
    expect(isEmbedHostAllowed("http://localhost:8081/", hosts)).toBe(false);
    expect(isEmbedHostAllowed("https://secure.example.org/", hosts)).toBe(true);
    expect(isEmbedHostAllowed("http://secure.example.org/", hosts)).toBe(false);
    expect(isEmbedHostAllowed("not a url", hosts)).toBe(false);
  });

  it("is the embed's frame-ancestors, exactly; 'none' when empty", () => {
    expect(embedFrameAncestors(hosts)).toBe("news.example.com localhost:8080 https://secure.example.org");
    expect(embedFrameAncestors([])).toBe("'none'");
    expect(documentCsp("<p></p>", { frameAncestors: embedFrameAncestors(hosts) })).toContain(
      "frame-ancestors news.example.com localhost:8080 https://secure.example.org",
    );
    expect(documentCsp("<p></p>")).toContain("frame-ancestors 'self'");
  });

  it("knows the embed route by its handle", () => {
    expect(isEmbedMatch([{ handle: undefined }, { handle: { embed: true } }])).toBe(true);
    expect(isEmbedMatch([{ handle: undefined }, { handle: { embed: "yes" } }, { handle: null }])).toBe(false);
  });
});

describe("isPublicAddress (the server's fetch never goes inside)", () => {
  it.each([
    "127.0.0.1",
    "127.1.2.3",
    "::1",
    "10.1.2.3",
    "172.16.0.1",
    "172.31.255.255",
    "192.168.0.10",
    "169.254.169.254",
    "100.64.0.1",
    "0.0.0.0",
    "224.0.0.1",
    "255.255.255.255",
    "::",
    "fc00::1",
    "fd12:3456::1",
    "fe80::1",
    "ff02::1",
    "::ffff:127.0.0.1",
    "::ffff:10.0.0.1",
    "64:ff9b::a00:1",
    "[::1]",
    "localhost",
    "not an address",
  ])("refuses %s", (address) => {
    expect(isPublicAddress(address)).toBe(false);
  });

  it.each(["93.184.215.14", "1.1.1.1", "172.32.0.1", "2606:4700:4700::1111", "::ffff:93.184.215.14"])("allows %s", (address) => {
    expect(isPublicAddress(address)).toBe(true);
  });

  it("allows loopback only when told, and nothing else private even then", () => {
    expect(isPublicAddress("127.0.0.1", { allowLoopback: true })).toBe(true);
    expect(isPublicAddress("::1", { allowLoopback: true })).toBe(true);
    expect(isPublicAddress("10.0.0.1", { allowLoopback: true })).toBe(false);
    expect(isPublicAddress("169.254.169.254", { allowLoopback: true })).toBe(false);
  });
});

describe("parsePreview", () => {
  it("takes OpenGraph first, then <title> and the meta description, entities decoded and space folded", () => {
    expect(
      parsePreview(`<html><head><title> Page  title </title><meta name="description" content="Plain &amp; simple">
        <meta property="og:site_name" content="Daily"></head>`),
    ).toEqual({ title: "Page title", description: "Plain & simple", siteName: "Daily" });
    expect(parsePreview(`<meta property="og:title" content="OG &lt;title&gt;"><title>Other</title>`).title).toBe("OG <title>");
    expect(parsePreview("").title).toBe("");
  });
});

describe("public/embed.js", () => {
  const source = readFileSync(path.join(root, "public", "embed.js"));

  it("is small: under 5 KB gzipped (every article page of the news site loads it)", () => {
    expect(gzipSync(source, { level: 9 }).length).toBeLessThan(5 * 1024);
    expect(gzipSync(readFileSync(path.join(root, "public", "embed-frame.js")), { level: 9 }).length).toBeLessThan(5 * 1024);
  });

  it("uses no framework and accepts messages only from the forum's frame", () => {
    const text = source.toString("utf8");
    expect(text).not.toMatch(/\bimport\b|\brequire\(/);
    expect(text).toContain("event.origin !== forum");
    expect(text).toContain("event.source !== frame.contentWindow");
  });
});
