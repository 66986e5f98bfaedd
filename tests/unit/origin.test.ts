import { describe, expect, it } from "vitest";
import { isSameOriginRequest } from "~/lib/origin.server";

const base = { method: "POST", host: "forum.example.com", origin: undefined, referer: undefined };

describe("the origin check", () => {
  it("lets safe methods through", () => {
    expect(isSameOriginRequest({ ...base, method: "GET" })).toBe(true);
  });
  it("accepts a POST from our own origin", () => {
    expect(isSameOriginRequest({ ...base, origin: "https://forum.example.com" })).toBe(true);
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
  });
  it("accepts the public origins configured for a proxy", () => {
    expect(
      isSameOriginRequest({ ...base, host: "127.0.0.1:3000", origin: "https://forum.example.com", allowedOrigins: ["https://forum.example.com"] }),
    ).toBe(true);
  });
});
