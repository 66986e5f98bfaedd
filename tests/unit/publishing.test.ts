import { describe, expect, it } from "vitest";
import { slugify } from "~/lib/slugs";
import { isTimeZone, utcToZonedLocal, zonedLocalToUtc } from "~/lib/time-zone";
import { articleStatus } from "~/models/publishing.server";
import { ldComments } from "~/composition/structured-data.server";

describe("slugify", () => {
  it("makes lower-case words joined by single hyphens, accents and punctuation dropped", () => {
    expect(slugify("Baogang Group Launches Emergency Safety & Environmental Inspections")).toBe("baogang-group-launches-emergency-safety-and-environmental-inspections");
    expect(slugify("  Lynas’s Café — 2026 Outlook!  ")).toBe("lynass-cafe-2026-outlook");
    expect(slugify("???")).toBe("");
    expect(slugify("a".repeat(150)).length).toBe(100);
  });
});

describe("editor time zones", () => {
  it("reads a wall-clock time in the editor's zone as UTC, across daylight saving", () => {
    expect(zonedLocalToUtc("2030-07-01T09:30", "Europe/Berlin")!.toISOString()).toBe("2030-07-01T07:30:00.000Z");
    expect(zonedLocalToUtc("2030-01-01T09:30", "Europe/Berlin")!.toISOString()).toBe("2030-01-01T08:30:00.000Z");
    expect(zonedLocalToUtc("2030-01-01T09:30", "America/New_York")!.toISOString()).toBe("2030-01-01T14:30:00.000Z");
    expect(zonedLocalToUtc("2030-01-01T09:30", "UTC")!.toISOString()).toBe("2030-01-01T09:30:00.000Z");
    expect(utcToZonedLocal(new Date("2030-07-01T07:30:00Z"), "Europe/Berlin")).toBe("2030-07-01T09:30");
  });

  it("refuses what is not a time or not a zone", () => {
    expect(zonedLocalToUtc("2030-02-31T09:30", "UTC")).toBeNull();
    expect(zonedLocalToUtc("tomorrow", "UTC")).toBeNull();
    expect(zonedLocalToUtc("2030-01-01T25:00", "UTC")).toBeNull();
    expect(zonedLocalToUtc("2030-01-01T09:30", "Mars/Olympus")).toBeNull();
    expect(isTimeZone("Europe/Berlin")).toBe(true);
  });
});

describe("article status", () => {
  const now = new Date("2030-01-01T00:00:00Z");
  it("follows from the publication columns and the clock", () => {
    expect(articleStatus({ published_at: null, first_published_at: null }, now)).toBe("draft");
    expect(articleStatus({ published_at: new Date("2030-01-02T00:00:00Z"), first_published_at: new Date("2030-01-02T00:00:00Z") }, now)).toBe("scheduled");
    expect(articleStatus({ published_at: new Date("2029-12-31T00:00:00Z"), first_published_at: new Date("2029-12-31T00:00:00Z") }, now)).toBe("published");
    expect(articleStatus({ published_at: null, first_published_at: new Date("2029-12-31T00:00:00Z") }, now)).toBe("unpublished");
  });
});

describe("JSON-LD comments", () => {
  it("takes only approved comments of the page, replies included, as plain text", () => {
    const node = (id: number, status: "approved" | "pending", replies: any[] = []) => ({
      id,
      parentId: null,
      authorName: `Author ${id}`,
      authorUrl: "",
      bodyHtml: `<p>Words <strong>${id}</strong> &amp; more</p>`,
      createdAt: "2030-01-01T00:00:00.000Z",
      status,
      depth: 1,
      inReplyTo: null,
      replies,
    });
    const thread = [node(1, "approved", [node(2, "pending"), node(3, "approved")]), node(4, "pending")];
    expect(ldComments(thread as any)).toEqual([
      { id: 1, author: "Author 1", dateCreated: "2030-01-01T00:00:00.000Z", text: "Words 1 & more" },
      { id: 3, author: "Author 3", dateCreated: "2030-01-01T00:00:00.000Z", text: "Words 3 & more" },
    ]);
  });
});
