import { describe, expect, it } from "vitest";
import { sql } from "kysely";
import { createDb } from "../../db/connection";
import { consumeRateLimit, peekRateLimit, pruneRateLimits, refundRateLimit, resetRateLimit } from "~/models/rate-limits.server";
import { useTestDatabase } from "../support/db";

const t = useTestDatabase();
const rule = (key = "k", limit = 3, windowSeconds = 60) => ({ bucket: "test", key, limit, windowSeconds });

describe("rate limits counted in PostgreSQL", () => {
  it("allows `limit` hits in a window, then refuses with the time left", async () => {
    const results = [];
    for (let i = 0; i < 4; i++) results.push(await consumeRateLimit(t.db, rule()));
    expect(results.map((r) => r.allowed)).toEqual([true, true, true, false]);
    expect(results.map((r) => r.count)).toEqual([1, 2, 3, 4]);
    expect(results[3]!.retryAfterSeconds).toBeGreaterThan(55);
    expect(results[3]!.retryAfterSeconds).toBeLessThanOrEqual(60);
    expect(results[0]!.retryAfterSeconds).toBe(0);
  });

  it("keeps buckets and keys apart", async () => {
    for (let i = 0; i < 3; i++) await consumeRateLimit(t.db, rule("a"));
    expect((await consumeRateLimit(t.db, rule("b"))).allowed).toBe(true);
    expect((await consumeRateLimit(t.db, { ...rule("a"), bucket: "other" })).allowed).toBe(true);
    expect((await consumeRateLimit(t.db, rule("a"))).allowed).toBe(false);
  });

  it("opens a new window once the old one has passed", async () => {
    for (let i = 0; i < 4; i++) await consumeRateLimit(t.db, rule());
    await t.db.updateTable("rate_limits").set({ expires_at: sql<Date>`now() - interval '1 second'` }).execute();
    const after = await consumeRateLimit(t.db, rule());
    expect(after).toEqual({ allowed: true, count: 1, retryAfterSeconds: 0 });
  });

  it("peek does not count; refund gives one back; reset forgets", async () => {
    await consumeRateLimit(t.db, rule());
    await consumeRateLimit(t.db, rule());
    expect((await peekRateLimit(t.db, rule())).count).toBe(2);
    expect((await peekRateLimit(t.db, rule())).count).toBe(2);
    await refundRateLimit(t.db, rule());
    expect((await peekRateLimit(t.db, rule())).count).toBe(1);
    await resetRateLimit(t.db, rule());
    expect(await peekRateLimit(t.db, rule())).toEqual({ allowed: true, count: 0, retryAfterSeconds: 0 });
  });

  it("prunes ended windows only", async () => {
    await consumeRateLimit(t.db, rule("old"));
    await consumeRateLimit(t.db, rule("new"));
    await t.db.updateTable("rate_limits").set({ expires_at: sql<Date>`now() - interval '1 second'` }).where("key", "=", "old").execute();
    expect(await pruneRateLimits(t.db)).toBe(1);
    expect((await t.db.selectFrom("rate_limits").select("key").execute()).map((r) => r.key)).toEqual(["new"]);
  });

  it("shares counts between two app instances (two separate pools), even when they race", async () => {
    const instanceA = createDb(t.url, { max: 4, applicationName: "instance-a" });
    const instanceB = createDb(t.url, { max: 4, applicationName: "instance-b" });
    try {
      const limit = 10;
      // Sequentially: five from each instance, then either one is refused.
      for (let i = 0; i < 5; i++) {
        expect((await consumeRateLimit(instanceA, rule("shared", limit))).allowed).toBe(true);
        expect((await consumeRateLimit(instanceB, rule("shared", limit))).allowed).toBe(true);
      }
      expect((await consumeRateLimit(instanceA, rule("shared", limit))).allowed).toBe(false);
      expect((await consumeRateLimit(instanceB, rule("shared", limit))).allowed).toBe(false);

      // In parallel: 40 hits from both instances at once, exactly `limit` pass and no count is lost.
      const hits = Array.from({ length: 40 }, (_, i) => consumeRateLimit(i % 2 ? instanceA : instanceB, rule("race", limit)));
      const results = await Promise.all(hits);
      expect(results.filter((r) => r.allowed)).toHaveLength(limit);
      expect(results.map((r) => r.count).sort((a, b) => a - b)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
    } finally {
      await instanceA.destroy();
      await instanceB.destroy();
    }
  });

  it("refuses nonsense rules", async () => {
    await expect(consumeRateLimit(t.db, { ...rule(), limit: -1 })).rejects.toThrow(/limit/);
    await expect(consumeRateLimit(t.db, { ...rule(), windowSeconds: 0 })).rejects.toThrow(/windowSeconds/);
  });
});
