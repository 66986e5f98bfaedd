import { describe, expect, it } from "vitest";
import { buildThread, type PublicComment, type ThreadNode } from "~/models/comments.server";

function comment(id: number, parentId: number | null): PublicComment {
  return {
    id,
    parentId,
    authorName: `Author ${id}`,
    authorUrl: "",
    bodyHtml: `<p>${id}</p>`,
    createdAt: new Date(Date.UTC(2025, 0, 1, 0, id)).toISOString(),
    status: "approved",
  };
}

const shape = (nodes: ThreadNode[]): unknown[] =>
  nodes.map((n) => (n.replies.length ? { [n.id]: shape(n.replies) } : n.id));

describe("buildThread", () => {
  it("nests replies under their parents in time order", () => {
    const thread = buildThread([comment(1, null), comment(2, 1), comment(3, null), comment(4, 2), comment(5, 1)]);
    expect(shape(thread)).toEqual([{ 1: [{ 2: [4] }, 5] }, 3]);
    expect(thread[0]!.replies[0]!.replies[0]!.depth).toBe(3);
  });

  it("flattens replies deeper than five levels under the fifth level, saying whom they answer", () => {
    const chain = [comment(1, null), comment(2, 1), comment(3, 2), comment(4, 3), comment(5, 4), comment(6, 5), comment(7, 6)];
    const thread = buildThread(chain);
    const level4 = thread[0]!.replies[0]!.replies[0]!.replies[0]!;
    expect(level4.id).toBe(4);
    expect(level4.replies.map((n) => [n.id, n.depth, n.inReplyTo?.id ?? null])).toEqual([
      [5, 5, null],
      [6, 5, 5],
      [7, 5, 6],
    ]);
    expect(level4.replies.every((n) => n.replies.length === 0)).toBe(true);
  });

  it("leaves out replies whose parent is not visible", () => {
    expect(shape(buildThread([comment(1, null), comment(3, 2)]))).toEqual([1]);
  });
});
