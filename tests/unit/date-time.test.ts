import { describe, expect, it } from "vitest";
import { formatDate, formatDateTime } from "~/components/DateTime";

// The hand-written format must read exactly as Intl's en-US long date and 24-hour UTC time did.
const dateFormat = new Intl.DateTimeFormat("en-US", { dateStyle: "long", timeZone: "UTC" });
const timeFormat = new Intl.DateTimeFormat("en-US", { hour: "2-digit", minute: "2-digit", hourCycle: "h23", timeZone: "UTC" });

describe("dates in pages", () => {
  const dates = [
    "2026-12-02T00:00:00.000Z",
    "2026-12-31T23:59:59.999Z",
    "2027-01-01T00:00:00.000Z",
    "2024-02-29T12:05:00.000Z",
    "1999-07-04T09:09:00.000Z",
    "2030-10-10T10:10:10.000Z",
  ].map((iso) => new Date(iso));
  // And one every 37 hours and 13 minutes for three years: every month, hour and minute shape.
  for (let t = Date.UTC(2025, 0, 1); t < Date.UTC(2028, 0, 1); t += (37 * 60 + 13) * 60_000) dates.push(new Date(t));

  it("formats each date as Intl does", () => {
    for (const date of dates) expect(formatDate(date)).toBe(dateFormat.format(date));
  });
  it("formats each date and time as Intl does", () => {
    for (const date of dates) expect(formatDateTime(date)).toBe(`${dateFormat.format(date)} at ${timeFormat.format(date)} UTC`);
  });
});
