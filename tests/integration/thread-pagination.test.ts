// The keyset-paginated thread: every comment shown once, in order, page after
// page; replies under their conversation; the viewer's held comments where they
// belong; microsecond timestamps (what PostgreSQL keeps) never skip or repeat.
import { describe, expect, it } from "vitest";
import type { DB } from "../../db/connection";
import type { ThreadNode } from "~/models/comments.server";
import {
  REPLIES_PER_PAGE,
  REPLIES_PER_ROOT,
  ROOTS_PER_PAGE,
  commentLocation,
  getConversationPage,
  getThreadPage,
  parseThreadCursor,
  type ThreadRootNode,
} from "~/models/threads.server";
import { useTestDatabase } from "../support/db";
import { createArticle } from "../support/factories";

const t = useTestDatabase();

let n = 0;
/** A comment written straight to the table (the pipeline is tested elsewhere), at an exact time. */
async function comment(
  db: DB,
  articleId: number,
  at: string,
  options: { parentId?: number | null; status?: "approved" | "pending" | "spam" } = {},
): Promise<number> {
  n++;
  const row = await db
    .insertInto("comments")
    .values({
      article_id: articleId,
      parent_id: options.parentId ?? null,
      status: options.status ?? "approved",
      author_name: `Reader ${n}`,
      author_email: `reader${n}@example.com`,
      body_markdown: `Comment ${n}`,
      body_html: `<p>Comment ${n}</p>`,
      created_at: at,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  return row.id;
}

/** 2025-01-01 plus `seconds`, with the microseconds given. */
const time = (seconds: number, micros = 0) =>
  `${new Date(Date.UTC(2025, 0, 1) + seconds * 1000).toISOString().slice(0, 19)}.${String(micros).padStart(6, "0")}Z`;

const ids = (nodes: ThreadNode[]) => nodes.map((node) => node.id);
const flatten = (nodes: ThreadNode[]): number[] => nodes.flatMap((node) => [node.id, ...flatten(node.replies)]);

async function allPages(articleId: number): Promise<ThreadRootNode[][]> {
  const pages: ThreadRootNode[][] = [];
  let after = null;
  for (let guard = 0; guard < 100; guard++) {
    const page = await getThreadPage(t.db, articleId, { after });
    pages.push(page.thread);
    if (!page.nextCursor) return pages;
    after = parseThreadCursor(page.nextCursor);
    expect(after).not.toBeNull();
  }
  throw new Error("pagination did not end");
}

describe("pages of top-level comments", () => {
  it("shows every approved top-level comment exactly once, oldest first, across pages", async () => {
    const article = await createArticle(t.db);
    const expected: number[] = [];
    const total = ROOTS_PER_PAGE * 2 + 7;
    for (let i = 0; i < total; i++) {
      // Clusters within one millisecond (microseconds apart) and exact ties (id decides),
      // right where page boundaries fall.
      const at = time(Math.floor(i / 3), i % 3 === 2 ? 500 : (i % 3) * 100);
      expected.push(await comment(t.db, article.id, at));
    }
    // Held, spam and another article's comments never show.
    await comment(t.db, article.id, time(1, 50), { status: "pending" });
    await comment(t.db, article.id, time(2, 50), { status: "spam" });
    const other = await createArticle(t.db);
    await comment(t.db, other.id, time(1, 1));

    const order = await t.db
      .selectFrom("comments")
      .select("id")
      .where("article_id", "=", article.id)
      .where("status", "=", "approved")
      .orderBy("created_at")
      .orderBy("id")
      .execute();
    const pages = await allPages(article.id);
    expect(pages.map((p) => p.length)).toEqual([ROOTS_PER_PAGE, ROOTS_PER_PAGE, 7]);
    const shown = pages.flatMap(ids);
    expect(new Set(shown).size).toBe(shown.length);
    expect(shown).toEqual(order.map((r) => r.id));
    expect(shown.sort((a, b) => a - b)).toEqual(expected.sort((a, b) => a - b));
  });

  it("shows a conversation's first replies, nested, and says when there are more", async () => {
    const article = await createArticle(t.db);
    const quiet = await comment(t.db, article.id, time(0));
    const busy = await comment(t.db, article.id, time(1));
    const r1 = await comment(t.db, article.id, time(2), { parentId: quiet });
    const r2 = await comment(t.db, article.id, time(3), { parentId: r1 });
    const busyReplies: number[] = [];
    for (let i = 0; i < REPLIES_PER_ROOT + 3; i++) {
      busyReplies.push(await comment(t.db, article.id, time(10 + i), { parentId: i % 2 && busyReplies.length ? busyReplies[busyReplies.length - 1]! : busy }));
    }
    // A reply to a held comment stays out, like its parent.
    const held = await comment(t.db, article.id, time(4), { parentId: quiet, status: "pending" });
    await comment(t.db, article.id, time(5), { parentId: held });

    const { thread, nextCursor } = await getThreadPage(t.db, article.id);
    expect(nextCursor).toBeNull();
    expect(ids(thread)).toEqual([quiet, busy]);
    expect(thread[0]!.replies.map((r) => [r.id, r.depth, ids(r.replies)])).toEqual([[r1, 2, [r2]]]);
    expect(thread[0]!.moreReplies).toBeFalsy();
    expect(flatten(thread[1]!.replies).sort((a, b) => a - b)).toEqual(busyReplies.slice(0, REPLIES_PER_ROOT).sort((a, b) => a - b));
    expect(thread[1]!.moreReplies).toBe(true);
  });

  it("finds each reply's conversation through root_id, which the database keeps", async () => {
    const article = await createArticle(t.db);
    const root = await comment(t.db, article.id, time(0));
    const child = await comment(t.db, article.id, time(1), { parentId: root });
    const grandchild = await comment(t.db, article.id, time(2), { parentId: child });
    const rows = await t.db.selectFrom("comments").select(["id", "root_id"]).where("article_id", "=", article.id).orderBy("id").execute();
    expect(rows).toEqual([
      { id: root, root_id: null },
      { id: child, root_id: root },
      { id: grandchild, root_id: root },
    ]);
  });
});

describe("one conversation alone", () => {
  it("pages through every reply once, in order; a reply whose parent was on an earlier page says whom it answers", async () => {
    const article = await createArticle(t.db);
    const root = await comment(t.db, article.id, time(0));
    const replies: number[] = [];
    const total = REPLIES_PER_PAGE * 2 + 30;
    for (let i = 0; i < total; i++) {
      // Every tenth reply answers the very first reply (on page one), the others the root or the previous reply.
      const parentId = i > 0 && i % 10 === 0 ? replies[0]! : i % 2 && replies.length ? replies[replies.length - 1]! : root;
      replies.push(await comment(t.db, article.id, time(1 + Math.floor(i / 2), (i % 2) * 7), { parentId }));
    }
    await comment(t.db, article.id, time(9999), { parentId: root, status: "spam" });

    const seen: number[] = [];
    let after = null;
    let pages = 0;
    let answered = 0;
    for (;;) {
      const page = await getConversationPage(t.db, article.id, root, { after });
      expect(page).not.toBeNull();
      pages++;
      expect(ids(page!.thread)).toEqual([root]);
      seen.push(...flatten(page!.thread[0]!.replies));
      if (pages > 1) {
        const firstReply = page!.thread[0]!.replies.find((r) => r.inReplyTo?.id === replies[0]);
        if (firstReply) answered++;
      }
      if (!page!.nextCursor) break;
      after = parseThreadCursor(page!.nextCursor);
    }
    expect(pages).toBe(3);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.sort((a, b) => a - b)).toEqual([...replies].sort((a, b) => a - b));
    expect(answered).toBeGreaterThan(0);
  });

  it("is null for a reply, a held comment or another article's comment", async () => {
    const article = await createArticle(t.db);
    const other = await createArticle(t.db);
    const root = await comment(t.db, article.id, time(0));
    const reply = await comment(t.db, article.id, time(1), { parentId: root });
    const held = await comment(t.db, article.id, time(2), { status: "pending" });
    expect(await getConversationPage(t.db, article.id, reply)).toBeNull();
    expect(await getConversationPage(t.db, article.id, held)).toBeNull();
    expect(await getConversationPage(t.db, other.id, root)).toBeNull();
  });
});

describe("the viewer's own held comments", () => {
  it("appear where they belong for their poster only, never someone else's", async () => {
    const article = await createArticle(t.db);
    const root = await comment(t.db, article.id, time(0));
    const mine = await comment(t.db, article.id, time(5), { status: "pending" });
    const myReply = await comment(t.db, article.id, time(6), { parentId: root, status: "pending" });
    const theirs = await comment(t.db, article.id, time(7), { status: "pending" });
    const other = await createArticle(t.db);
    const elsewhere = await comment(t.db, other.id, time(8), { status: "pending" });

    const guest = await getThreadPage(t.db, article.id);
    expect(flatten(guest.thread)).toEqual([root]);

    const poster = await getThreadPage(t.db, article.id, { heldCommentIds: [mine, myReply, elsewhere] });
    expect(ids(poster.thread)).toEqual([root, mine]);
    // A later page of top-level comments does not repeat it.
    const later = await getThreadPage(t.db, article.id, { heldCommentIds: [mine], after: { at: "2025-01-01T00:00:00.000000Z", id: root } });
    expect(flatten(later.thread)).toEqual([]);
    expect(ids(poster.thread[0]!.replies)).toEqual([myReply]);
    expect(poster.thread.find((node) => node.id === mine)!.status).toBe("pending");
    expect(flatten(poster.thread)).not.toContain(theirs);
    expect(flatten(poster.thread)).not.toContain(elsewhere);
  });
});

describe("where a comment is read", () => {
  /** The page a location names, as the article route reads it. */
  async function pageAt(articleId: number, search: string, heldCommentIds: number[] = []): Promise<number[]> {
    const params = new URLSearchParams(search);
    const after = parseThreadCursor(params.get("after"));
    const thread = Number(params.get("thread")) || null;
    const page = thread
      ? await getConversationPage(t.db, articleId, thread, { after, heldCommentIds })
      : await getThreadPage(t.db, articleId, { after, heldCommentIds });
    return flatten(page!.thread);
  }

  it("names the page of a long thread that shows the comment, whatever its place", async () => {
    const article = await createArticle(t.db);
    const roots: number[] = [];
    for (let i = 0; i < ROOTS_PER_PAGE * 2 + 3; i++) roots.push(await comment(t.db, article.id, time(i)));
    const busy = roots[ROOTS_PER_PAGE * 2]!; // the first top-level comment of page three
    const replies: number[] = [];
    for (let i = 0; i < REPLIES_PER_ROOT + REPLIES_PER_PAGE + 3; i++) {
      replies.push(await comment(t.db, article.id, time(1000 + i), { parentId: i % 3 && replies.length ? replies[replies.length - 1]! : busy }));
    }
    const heldRoot = await comment(t.db, article.id, time(5000), { status: "pending" });
    const heldReply = await comment(t.db, article.id, time(5001), { parentId: busy, status: "pending" });

    const first = await commentLocation(t.db, roots[0]!);
    expect(first).toMatchObject({ articleSlug: article.slug, search: "", held: false });
    expect(first!.href).toBe(`/articles/${article.slug}#comment-${roots[0]}`);

    const sample = [
      roots[0]!, roots[ROOTS_PER_PAGE - 1]!, roots[ROOTS_PER_PAGE]!, roots[ROOTS_PER_PAGE + 7]!, busy, roots[roots.length - 1]!,
      replies[0]!, replies[REPLIES_PER_ROOT - 1]!, replies[REPLIES_PER_ROOT]!, replies[REPLIES_PER_ROOT + REPLIES_PER_PAGE]!, replies[replies.length - 1]!,
    ];
    for (const id of sample) {
      const location = await commentLocation(t.db, id);
      expect(location, `comment ${id}`).not.toBeNull();
      expect(await pageAt(article.id, location!.search), `comment ${id} at ${location!.search}`).toContain(id);
    }
    expect((await commentLocation(t.db, roots[ROOTS_PER_PAGE]!))!.search).toMatch(/^\?after=/);
    expect((await commentLocation(t.db, replies[REPLIES_PER_ROOT]!))!.search).toBe(`?thread=${busy}`);
    expect((await commentLocation(t.db, replies[REPLIES_PER_ROOT + REPLIES_PER_PAGE]!))!.search).toMatch(new RegExp(`^\\?thread=${busy}&after=`));

    // The poster's held comments: a top-level one at the end of the first page, a reply with its conversation.
    const heldRootAt = await commentLocation(t.db, heldRoot);
    expect(heldRootAt).toMatchObject({ search: "", held: true });
    expect(await pageAt(article.id, heldRootAt!.search, [heldRoot])).toContain(heldRoot);
    const heldReplyAt = await commentLocation(t.db, heldReply);
    expect(heldReplyAt!.held).toBe(true);
    expect(await pageAt(article.id, heldReplyAt!.search, [heldReply])).toContain(heldReply);
  });

  it("is null for spam, trash, a comment that does not exist, and an unpublished article's", async () => {
    const article = await createArticle(t.db);
    const spam = await comment(t.db, article.id, time(0), { status: "spam" });
    expect(await commentLocation(t.db, spam)).toBeNull();
    expect(await commentLocation(t.db, 2_000_000_000)).toBeNull();
    const draft = await createArticle(t.db);
    const onDraft = await comment(t.db, draft.id, time(1));
    await t.db.updateTable("articles").set({ published_at: null }).where("id", "=", draft.id).execute();
    expect(await commentLocation(t.db, onDraft)).toBeNull();
  });
});
