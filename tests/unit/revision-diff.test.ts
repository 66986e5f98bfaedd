import { describe, expect, it } from "vitest";
import { compareRevision } from "~/composition/revision-diff.server";
import type { EditorArticle, RevisionDetail } from "~/models/publishing.server";

const revision = {
  version: 1,
  title: "T",
  slug: "t",
  byline: "",
  highlights: ["Output before 2028."],
  bodyMarkdown: "Body",
  excerpt: "Body",
  excerptIsCustom: false,
  categorySlugs: ["china"],
  publishedAt: null,
  commentsOpen: true,
} as RevisionDetail;

const current = {
  ...revision,
  highlights: ["Output before 2028.", "Permits set the pace."],
  categories: [
    { slug: "china", name: "China" },
    { slug: "supply-chain", name: "Supply Chain" },
  ],
} as unknown as EditorArticle;

describe("compareRevision", () => {
  it("keeps each highlight and category on its own line", () => {
    const fields = compareRevision(revision, current);
    const text = (name: string) => fields.find((f) => f.field === name)!.parts.map((p) => p.text).join("");
    expect(text("Highlights")).toBe("Output before 2028.\nPermits set the pace.\n");
    expect(text("Categories")).toBe("china\nsupply-chain\n");
    const added = fields.find((f) => f.field === "Highlights")!.parts.filter((p) => p.kind === "added");
    expect(added.map((p) => p.text)).toEqual(["Permits set the pace.\n"]);
  });
});
