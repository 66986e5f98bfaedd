// Which requests may be files of public/ (scripts/server.ts): only paths under its
// own top-level names reach express.static; every other path goes straight on.
import { mkdtempSync, mkdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { publicTopLevelNames, topSegment } from "../../scripts/server";

describe("topSegment", () => {
  it("is the first segment, lower-cased, as Express matches mount paths", () => {
    expect(topSegment("/build/entry.client-X.js")).toBe("build");
    expect(topSegment("/BUILD/x.js")).toBe("build");
    expect(topSegment("/favicon.svg")).toBe("favicon.svg");
    expect(topSegment("/articles/some-slug")).toBe("articles");
    expect(topSegment("/")).toBe("");
  });

  it("decodes percent-encoding, as express.static does, and keeps a segment that does not decode", () => {
    expect(topSegment("/%62uild/x.js")).toBe("build");
    expect(topSegment("/%E0%A4%A/x")).toBe("%e0%a4%a");
  });
});

describe("publicTopLevelNames", () => {
  it("lists the folder's top-level files and folders, and always build", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "assay-public-"));
    writeFileSync(path.join(dir, "Favicon.svg"), "<svg/>");
    mkdirSync(path.join(dir, "styles"));
    writeFileSync(path.join(dir, "styles", "app.css"), "body{}");
    expect([...publicTopLevelNames(dir)].sort()).toEqual(["build", "favicon.svg", "styles"]);
  });

  it("is only build when there is no folder", () => {
    expect([...publicTopLevelNames(path.join(tmpdir(), "assay-no-such-public-folder"))]).toEqual(["build"]);
  });
});
