// Which errors mean "the database is away" (a 503 with Retry-After) and which mean
// a bug (a 500): a wrong query must never hide behind "try again later".
import { afterEach, describe, expect, it, vi } from "vitest";
import { isDatabaseUnavailable, onUnhandledRejection } from "~/lib/database-unavailable.server";
import { outageLogger } from "../../scripts/database-unavailable-http";

const withCode = (code: string, message = "x") => Object.assign(new Error(message), { code });

describe("isDatabaseUnavailable", () => {
  it.each([
    ["the server shutting down (57P01)", withCode("57P01", "terminating connection due to administrator command")],
    ["a crash of another backend (57P02)", withCode("57P02")],
    ["the server starting up (57P03)", withCode("57P03", "the database system is starting up")],
    ["too many connections (53300)", withCode("53300")],
    ["a statement timeout (57014)", withCode("57014", "canceling statement due to statement timeout")],
    ["a connection exception (08006)", withCode("08006")],
    ["a refused connection", withCode("ECONNREFUSED", "connect ECONNREFUSED 127.0.0.1:5432")],
    ["a reset connection", withCode("ECONNRESET")],
    ["every address of localhost refused", new AggregateError([withCode("ECONNREFUSED"), withCode("ECONNREFUSED")], "")],
    ["node-postgres: the socket closed", new Error("Connection terminated unexpectedly")],
    ["node-postgres: a client that lost its connection", new Error("Client has encountered a connection error and is not queryable")],
    ["pg-pool: no connection in time", new Error("timeout exceeded when trying to connect")],
    ["wrapped in a cause", new Error("query failed", { cause: withCode("57P01") })],
  ])("yes: %s", (_, error) => {
    expect(isDatabaseUnavailable(error)).toBe(true);
  });

  it.each([
    ["a unique violation (23505)", withCode("23505", "duplicate key value violates unique constraint")],
    ["a syntax error (42601)", withCode("42601")],
    ["an undefined column (42703)", withCode("42703")],
    ["a serialization failure (40001)", withCode("40001")],
    ["a plain bug", new TypeError("Cannot read properties of undefined")],
    ["a thrown Response", new Response("Not found", { status: 404 })],
    ["nothing", undefined],
    ["a string", "Connection terminated"],
    ["a mixed AggregateError", new AggregateError([withCode("ECONNREFUSED"), new Error("bug")], "")],
  ])("no: %s", (_, error) => {
    expect(isDatabaseUnavailable(error)).toBe(false);
  });
});

describe("outageLogger", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it("writes one line for a burst, then the count it held back", () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(new Date("2026-01-01T00:00:00Z"));
    const lines: string[] = [];
    const note = outageLogger((m) => lines.push(m), 5_000);
    for (let i = 0; i < 10; i++) note(withCode("ECONNREFUSED", "connect ECONNREFUSED"), "GET /");
    expect(lines).toHaveLength(1);
    vi.setSystemTime(new Date("2026-01-01T00:00:05Z"));
    note(withCode("57P03", "the database system is starting up"), "GET /");
    expect(lines).toHaveLength(2);
    expect(lines[1]).toMatch(/starting up \(9 more since the last notice\)$/);
  });
});

describe("a promise rejected with nobody listening", () => {
  it("is logged when the database was away, and thrown again (Node exits as before) when it is anything else", () => {
    const lines: string[] = [];
    const handle = onUnhandledRejection((line) => lines.push(line));
    expect(() => handle(withCode("57P01", "terminating connection due to administrator command"))).not.toThrow();
    expect(() => handle(new Error("Connection terminated unexpectedly"))).not.toThrow();
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/database was away.*terminating connection/);
    const bug = new TypeError("cannot read properties of undefined");
    expect(() => handle(bug)).toThrow(bug);
    expect(() => handle(withCode("42P01", 'relation "nope" does not exist'))).toThrow(/nope/);
    expect(lines).toHaveLength(2);
  });
});
