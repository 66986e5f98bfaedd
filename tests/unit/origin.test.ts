import { describe, expect, it } from "vitest";
import { isLoopbackHostname, isSameOriginRequest, isTrustedHost, requestOrigin } from "~/lib/origin.server";

const base = { method: "POST", requestOrigin: "https://forum.example.com", origin: undefined, referer: undefined };

describe("the origin check", () => {
  it("lets safe methods through", () => {
    expect(isSameOriginRequest({ ...base, method: "GET" })).toBe(true);
  });
  it("accepts a POST from our own origin", () => {
    expect(isSameOriginRequest({ ...base, origin: "https://forum.example.com" })).toBe(true);
  });
  it("compares scheme, host and port, the default port implied", () => {
    expect(isSameOriginRequest({ ...base, origin: "https://forum.example.com:443" })).toBe(true);
    expect(isSameOriginRequest({ ...base, origin: "http://forum.example.com" })).toBe(false);
    expect(isSameOriginRequest({ ...base, origin: "https://forum.example.com:8443" })).toBe(false);
    expect(isSameOriginRequest({ ...base, requestOrigin: "http://localhost:3000", origin: "http://localhost:3000" })).toBe(true);
    expect(isSameOriginRequest({ ...base, requestOrigin: "http://localhost:3000", origin: "http://localhost:3001" })).toBe(false);
  });
  it("refuses a POST from another site", () => {
    expect(isSameOriginRequest({ ...base, origin: "https://evil.example" })).toBe(false);
    expect(isSameOriginRequest({ ...base, origin: "https://forum.example.com.evil.example" })).toBe(false);
  });
  it("falls back to Referer when there is no Origin", () => {
    expect(isSameOriginRequest({ ...base, referer: "https://forum.example.com/articles/x" })).toBe(true);
    expect(isSameOriginRequest({ ...base, referer: "https://evil.example/forum.example.com" })).toBe(false);
  });
  it("refuses a POST that names no origin at all", () => {
    expect(isSameOriginRequest(base)).toBe(false);
    expect(isSameOriginRequest({ ...base, origin: "null" })).toBe(false);
    expect(isSameOriginRequest({ ...base, requestOrigin: null, origin: "https://forum.example.com" })).toBe(false);
  });
  it("accepts the public origins configured for a proxy", () => {
    expect(
      isSameOriginRequest({ ...base, requestOrigin: "http://127.0.0.1:3000", origin: "https://forum.example.com", allowedOrigins: ["https://forum.example.com"] }),
    ).toBe(true);
  });
});

describe("the Host rule", () => {
  it("reads only a plain name and port from Host", () => {
    expect(requestOrigin("http", "localhost:3000")).toBe("http://localhost:3000");
    expect(requestOrigin("https", "Forum.Example.com:443")).toBe("https://forum.example.com");
    expect(requestOrigin("http", "[::1]:3000")).toBe("http://[::1]:3000");
    for (const bad of [undefined, "", "evil.example/path", "a b", "evil.example@forum.example.com", "x:99999", "x:0"]) {
      expect(requestOrigin("http", bad), String(bad)).toBeNull();
    }
  });
  it("trusts loopback names and the configured hosts only", () => {
    expect(isLoopbackHostname("localhost")).toBe(true);
    expect(isLoopbackHostname("127.0.0.1")).toBe(true);
    expect(isLoopbackHostname("[::1]")).toBe(true);
    expect(isLoopbackHostname("localhost.evil.example")).toBe(false);
    expect(isTrustedHost("http://127.0.0.1:3000", [])).toBe(true);
    expect(isTrustedHost("http://evil.example", [])).toBe(false);
    // Behind a proxy that ends TLS the request arrives over http under the public name.
    expect(isTrustedHost("http://forum.example.com", ["https://forum.example.com"])).toBe(true);
    expect(isTrustedHost("http://forum.example.com:8080", ["https://forum.example.com"])).toBe(false);
    expect(isTrustedHost("http://evil.example", ["https://forum.example.com"])).toBe(false);
  });
});
