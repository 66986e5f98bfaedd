import { describe, expect, it } from "vitest";
import { sql } from "kysely";
import { buildThread, getReplyTarget, getThreadComments, postComment } from "~/models/comments.server";
import { approveComment, HOLD_REASONS } from "~/models/moderation.server";
import { useTestDatabase } from "../support/db";
import { commentInput, createArticle, createComment } from "../support/factories";

const t = useTestDatabase();

describe("posting a comment", () => {
  it("holds a first-time author's comment, with the reason", async () => {
    const article = await createArticle(t.db);
    const result = await postComment(t.db, commentInput(article.id, { authorEmail: "new@example.com" }));
    expect(result).toMatchObject({ ok: true, status: "pending", heldReason: HOLD_REASONS.firstTimeAuthor });
    const row = await t.db.selectFrom("comments").selectAll().executeTakeFirstOrThrow();
    expect(row.status).toBe("pending");
    expect(row.held_reason).toBe(HOLD_REASONS.firstTimeAuthor);
  });

  it("publishes at once once an earlier comment with the same email was approved (any case)", async () => {
    const article = await createArticle(t.db);
    const first = await createComment(t.db, article.id, { authorEmail: "Known@Example.com" });
    await approveComment(t.db, { commentId: first.commentId });
    const second = await postComment(t.db, commentInput(article.id, { authorEmail: "known@example.com", body: "Again" }));
    expect(second).toMatchObject({ ok: true, status: "approved", heldReason: null });
  });

  it("keeps holding while the earlier comment is only pending", async () => {
    const article = await createArticle(t.db);
    await createComment(t.db, article.id, { authorEmail: "wait@example.com", body: "one" });
    const second = await postComment(t.db, commentInput(article.id, { authorEmail: "wait@example.com", body: "two" }));
    expect(second).toMatchObject({ ok: true, status: "pending" });
  });

  it("stores the same comment once within ten minutes and reports the duplicate", async () => {
    const article = await createArticle(t.db);
    const input = commentInput(article.id, { authorEmail: "dup@example.com", body: "Same words" });
    const first = await postComment(t.db, input);
    const second = await postComment(t.db, { ...input, body: "  Same words  ", authorEmail: "DUP@example.com" });
    expect(first.ok).toBe(true);
    expect(second).toEqual({ ok: false, error: "duplicate", commentId: first.ok ? first.commentId : -1 });
    const { count } = await t.db.selectFrom("comments").select((eb) => eb.fn.countAll<number>().as("count")).executeTakeFirstOrThrow();
    expect(count).toBe(1);
  });

  it("stores the duplicate once even when both arrive at the same moment", async () => {
    const article = await createArticle(t.db);
    const input = commentInput(article.id, { authorEmail: "race@example.com", body: "Racing" });
    const results = await Promise.all([postComment(t.db, input), postComment(t.db, input), postComment(t.db, input)]);
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(results.filter((r) => !r.ok && r.error === "duplicate")).toHaveLength(2);
  });

  it("accepts the same words again after ten minutes", async () => {
    const article = await createArticle(t.db);
    const input = commentInput(article.id, { authorEmail: "later@example.com", body: "Said before" });
    const first = await postComment(t.db, input);
    await t.db.updateTable("comments").set({ created_at: sql<Date>`now() - interval '11 minutes'` }).execute();
    const again = await postComment(t.db, input);
    expect(first.ok && again.ok).toBe(true);
  });

  it("refuses a reply to a comment of another article, or to one that does not exist", async () => {
    const a = await createArticle(t.db);
    const b = await createArticle(t.db);
    const onB = await createComment(t.db, b.id);
    await approveComment(t.db, { commentId: onB.commentId });
    expect(await postComment(t.db, commentInput(a.id, { parentId: onB.commentId }))).toEqual({ ok: false, error: "parent-not-found" });
    expect(await postComment(t.db, commentInput(a.id, { parentId: 999_999 }))).toEqual({ ok: false, error: "parent-not-found" });
  });

  it("refuses a reply to a held comment", async () => {
    const a = await createArticle(t.db);
    const held = await createComment(t.db, a.id);
    expect(await postComment(t.db, commentInput(a.id, { parentId: held.commentId }))).toEqual({ ok: false, error: "parent-not-found" });
  });

  it("refuses comments on a draft article", async () => {
    const draft = await createArticle(t.db, { publishedAt: null });
    expect(await postComment(t.db, commentInput(draft.id))).toEqual({ ok: false, error: "article-not-found" });
  });

  it("enforces a reply's article in the database itself", async () => {
    const a = await createArticle(t.db);
    const b = await createArticle(t.db);
    const onB = await createComment(t.db, b.id);
    await expect(
      t.db
        .insertInto("comments")
        .values({ article_id: a.id, parent_id: onB.commentId, author_name: "x", author_email: "x@example.com", body_markdown: "x", body_html: "x" })
        .execute(),
    ).rejects.toThrow(/comments_parent_same_article_fkey/);
  });

  it("stores the body as Markdown and as sanitized HTML", async () => {
    const article = await createArticle(t.db);
    await createComment(t.db, article.id, { body: "**Hi** <script>alert(1)</script>[x](javascript:alert(1))" });
    const row = await t.db.selectFrom("comments").select(["body_markdown", "body_html"]).executeTakeFirstOrThrow();
    expect(row.body_markdown).toContain("<script>");
    expect(row.body_html).toContain("<strong>Hi</strong>");
    expect(row.body_html).not.toMatch(/script|javascript:/i);
  });
});

describe("reading a thread", () => {
  it("shows approved comments to everyone and held ones only to their poster", async () => {
    const article = await createArticle(t.db);
    const approved = await createComment(t.db, article.id, { body: "approved one" });
    await approveComment(t.db, { commentId: approved.commentId });
    const held = await createComment(t.db, article.id, { body: "held one" });
    const mine = await createComment(t.db, article.id, { body: "my held one" });

    const forStranger = await getThreadComments(t.db, article.id);
    expect(forStranger.map((c) => c.id)).toEqual([approved.commentId]);

    const forPoster = await getThreadComments(t.db, article.id, { heldCommentIds: [mine.commentId] });
    expect(forPoster.map((c) => [c.id, c.status])).toEqual([
      [approved.commentId, "approved"],
      [mine.commentId, "pending"],
    ]);
    expect(forPoster.map((c) => c.id)).not.toContain(held.commentId);
  });

  it("never includes the author's email", async () => {
    const article = await createArticle(t.db);
    const c = await createComment(t.db, article.id, { authorEmail: "secret-address@example.com" });
    await approveComment(t.db, { commentId: c.commentId });
    const thread = buildThread(await getThreadComments(t.db, article.id, { heldCommentIds: [c.commentId] }));
    expect(JSON.stringify(thread)).not.toContain("secret-address");
    expect(JSON.stringify(await getReplyTarget(t.db, article.id, c.commentId))).not.toContain("secret-address");
  });

  it("finds a reply target only among the article's approved comments", async () => {
    const a = await createArticle(t.db);
    const b = await createArticle(t.db);
    const c = await createComment(t.db, a.id, { authorName: "Target" });
    expect(await getReplyTarget(t.db, a.id, c.commentId)).toBeNull();
    await approveComment(t.db, { commentId: c.commentId });
    expect(await getReplyTarget(t.db, a.id, c.commentId)).toEqual({ id: c.commentId, authorName: "Target" });
    expect(await getReplyTarget(t.db, b.id, c.commentId)).toBeNull();
  });
});
