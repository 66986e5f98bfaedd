// What moderators do to comments, each in one transaction with its log entry;
// two moderators at once; and the log that nobody can rewrite.
import { describe, expect, it } from "vitest";
import { sql } from "kysely";
import { createDb } from "../../db/connection";
import { getThreadComments } from "~/models/comments.server";
import {
  approveComment,
  bodyFingerprint,
  editComment,
  moderateComments,
  replyAsModerator,
  setCommentStatus,
} from "~/models/moderation.server";
import { listModerationLog } from "~/models/moderation-log.server";
import { useTestDatabase } from "../support/db";
import { createArticle, createComment } from "../support/factories";
import { createPerson } from "../support/people";

const t = useTestDatabase();

async function statusOf(id: number) {
  return (await t.db.selectFrom("comments").select("status").where("id", "=", id).executeTakeFirst())?.status ?? null;
}

async function logOf(commentId: number) {
  return t.db
    .selectFrom("moderation_log")
    .select(["action", "moderator_id", "moderator_name", "status_before", "status_after", "reason"])
    .where("comment_id", "=", commentId)
    .orderBy("id")
    .execute();
}

async function setup() {
  const article = await createArticle(t.db);
  const moderator = await createPerson(t.db, "moderator", "Mia Moderator");
  const held = await createComment(t.db, article.id);
  return { article, moderator, id: held.commentId };
}

describe("status actions", () => {
  it("approve: published, held reason cleared, logged with who, before, after and reason", async () => {
    const { moderator, id } = await setup();
    const [result] = await moderateComments(t.db, { commentIds: [id], action: "approve", moderatorId: moderator.id, reason: "Fine" });
    expect(result).toEqual({ ok: true, commentId: id, changed: true, before: "pending", after: "approved" });
    expect(await t.db.selectFrom("comments").select(["status", "held_reason"]).where("id", "=", id).executeTakeFirst()).toEqual({
      status: "approved",
      held_reason: null,
    });
    expect(await logOf(id)).toEqual([
      { action: "approve", moderator_id: moderator.id, moderator_name: "Mia Moderator", status_before: "pending", status_after: "approved", reason: "Fine" },
    ]);
  });

  it("unapprove: only from approved, back to pending, the held reason names the moderator", async () => {
    const { moderator, id } = await setup();
    expect(await moderateComments(t.db, { commentIds: [id], action: "unapprove", moderatorId: moderator.id })).toEqual([
      { ok: false, commentId: id, error: "not-allowed", current: "pending" },
    ]);
    await approveComment(t.db, { commentId: id, moderatorId: moderator.id });
    await moderateComments(t.db, { commentIds: [id], action: "unapprove", moderatorId: moderator.id });
    expect(await t.db.selectFrom("comments").select(["status", "held_reason"]).where("id", "=", id).executeTakeFirst()).toEqual({
      status: "pending",
      held_reason: "Unapproved by Mia Moderator",
    });
  });

  it("spam and trash from any status; restore puts it back where it was", async () => {
    const { moderator, id } = await setup();
    await approveComment(t.db, { commentId: id, moderatorId: moderator.id });
    await moderateComments(t.db, { commentIds: [id], action: "trash", moderatorId: moderator.id });
    expect(await statusOf(id)).toBe("trash");
    await moderateComments(t.db, { commentIds: [id], action: "restore", moderatorId: moderator.id });
    expect(await statusOf(id)).toBe("approved");

    const { id: other } = await setup();
    await moderateComments(t.db, { commentIds: [other], action: "spam", moderatorId: moderator.id });
    expect(await statusOf(other)).toBe("spam");
    await moderateComments(t.db, { commentIds: [other], action: "restore", moderatorId: moderator.id });
    expect(await statusOf(other)).toBe("pending");
    expect((await logOf(other)).map((e) => [e.action, e.status_before, e.status_after])).toEqual([
      ["spam", "pending", "spam"],
      ["restore", "spam", "pending"],
    ]);
  });

  it("restore from a status the pipeline chose (no log): back to Pending for review", async () => {
    const { moderator, id } = await setup();
    await t.db.updateTable("comments").set({ status: "spam" }).where("id", "=", id).execute();
    await moderateComments(t.db, { commentIds: [id], action: "restore", moderatorId: moderator.id });
    expect(await statusOf(id)).toBe("pending");
    // Restore applies only to Spam and Trash.
    expect(await moderateComments(t.db, { commentIds: [id], action: "restore", moderatorId: moderator.id })).toMatchObject([
      { ok: false, error: "not-allowed" },
    ]);
  });

  it("delete forever: only from Spam or Trash; replies move up to the deleted comment's parent", async () => {
    const { article, moderator, id } = await setup();
    await approveComment(t.db, { commentId: id });
    const reply = await createComment(t.db, article.id, { parentId: id });
    expect(await moderateComments(t.db, { commentIds: [id], action: "delete", moderatorId: moderator.id })).toEqual([
      { ok: false, commentId: id, error: "not-allowed", current: "approved" },
    ]);
    await moderateComments(t.db, { commentIds: [id], action: "spam", moderatorId: moderator.id });
    const [result] = await moderateComments(t.db, { commentIds: [id], action: "delete", moderatorId: moderator.id, reason: "Junk" });
    expect(result).toEqual({ ok: true, commentId: id, changed: true, before: "spam", after: null });
    expect(await statusOf(id)).toBeNull();
    expect(await t.db.selectFrom("comments").select("parent_id").where("id", "=", reply.commentId).executeTakeFirst()).toEqual({ parent_id: null });
    // The log keeps the entry (and the words) of what was deleted.
    expect((await logOf(id)).at(-1)).toMatchObject({ action: "delete", status_before: "spam", status_after: null, reason: "Junk" });
  });

  it("delete forever of a top-level comment: its replies become top-level and roots of their own threads", async () => {
    const { article, moderator, id } = await setup();
    await approveComment(t.db, { commentId: id });
    const reply = await createComment(t.db, article.id, { parentId: id });
    await approveComment(t.db, { commentId: reply.commentId });
    const deeper = await createComment(t.db, article.id, { parentId: reply.commentId });
    await approveComment(t.db, { commentId: deeper.commentId });
    await moderateComments(t.db, { commentIds: [id], action: "trash", moderatorId: moderator.id });
    await moderateComments(t.db, { commentIds: [id], action: "delete", moderatorId: moderator.id });
    const rows = await t.db.selectFrom("comments").select(["id", "parent_id", "root_id"]).orderBy("id").execute();
    expect(rows).toEqual([
      { id: reply.commentId, parent_id: null, root_id: null },
      { id: deeper.commentId, parent_id: reply.commentId, root_id: reply.commentId },
    ]);
    const visible = await getThreadComments(t.db, article.id);
    expect(visible.map((c) => [c.id, c.parentId])).toEqual([
      [reply.commentId, null],
      [deeper.commentId, reply.commentId],
    ]);
    const [entry] = await t.db.selectFrom("moderation_log").select("details").where("action", "=", "delete").execute();
    expect(entry!.details).toMatchObject({ repliesMoved: 1 });
  });

  it("acts on a selection in one transaction, one log entry per changed comment", async () => {
    const { article, moderator } = await setup();
    const ids = [];
    for (let i = 0; i < 4; i++) ids.push((await createComment(t.db, article.id)).commentId);
    await approveComment(t.db, { commentId: ids[3]! });
    const results = await moderateComments(t.db, { commentIds: [...ids, 999_999], action: "approve", moderatorId: moderator.id });
    expect(results.map((r) => (r.ok ? r.changed : r.error))).toEqual([true, true, true, false, "not-found"]);
    expect(await t.db.selectFrom("comments").select("id").where("status", "=", "approved").execute()).toHaveLength(4);
    const entries = await t.db.selectFrom("moderation_log").select("comment_id").where("moderator_id", "=", moderator.id).execute();
    expect(entries.map((e) => e.comment_id).sort()).toEqual(ids.slice(0, 3).sort());
  });

  it("rolls the whole selection back, log included, when one change fails", async () => {
    const { article, moderator } = await setup();
    const a = await createComment(t.db, article.id);
    const b = await createComment(t.db, article.id);
    await sql`alter table comments add constraint test_no_trash check (status <> 'trash' or id <> ${sql.lit(b.commentId)})`.execute(t.db);
    try {
      await expect(moderateComments(t.db, { commentIds: [a.commentId, b.commentId], action: "trash", moderatorId: moderator.id })).rejects.toThrow();
    } finally {
      await sql`alter table comments drop constraint test_no_trash`.execute(t.db);
    }
    expect(await statusOf(a.commentId)).toBe("pending");
    expect(await t.db.selectFrom("moderation_log").select("id").execute()).toEqual([]);
  });

  it("keeps approveComment(db, { commentId }) working without a moderator, logged as the system", async () => {
    const { id } = await setup();
    expect(await approveComment(t.db, { commentId: id })).toEqual({ ok: true, commentId: id, before: "pending", after: "approved" });
    expect(await logOf(id)).toEqual([
      { action: "approve", moderator_id: null, moderator_name: "System", status_before: "pending", status_after: "approved", reason: "" },
    ]);
    expect(await approveComment(t.db, { commentId: 424242 })).toEqual({ ok: false, error: "not-found" });
  });
});

describe("edit and reply", () => {
  it("edits the body, re-rendered through the sanitizer, with the old body in the log", async () => {
    const { moderator, id } = await setup();
    const before = await t.db.selectFrom("comments").select("body_markdown").where("id", "=", id).executeTakeFirstOrThrow();
    const result = await editComment(t.db, {
      commentId: id,
      moderatorId: moderator.id,
      body: "Edited **now** <script>alert(1)</script> [x](javascript:alert(1))",
      expectedFingerprint: bodyFingerprint(before.body_markdown),
    });
    expect(result).toEqual({ ok: true, commentId: id, changed: true });
    const row = await t.db.selectFrom("comments").select(["body_markdown", "body_html", "status"]).where("id", "=", id).executeTakeFirstOrThrow();
    expect(row.body_html).toContain("<strong>now</strong>");
    expect(row.body_html).not.toMatch(/script|javascript:/);
    expect(row.status).toBe("pending");
    const [entry] = await t.db.selectFrom("moderation_log").select(["action", "details"]).where("comment_id", "=", id).execute();
    expect(entry).toEqual({ action: "edit", details: { bodyBefore: before.body_markdown } });
  });

  it("refuses an edit made on a body that another moderator changed meanwhile", async () => {
    const { moderator, id } = await setup();
    const seen = bodyFingerprint((await t.db.selectFrom("comments").select("body_markdown").where("id", "=", id).executeTakeFirstOrThrow()).body_markdown);
    expect(await editComment(t.db, { commentId: id, moderatorId: moderator.id, body: "First edit", expectedFingerprint: seen })).toMatchObject({ ok: true });
    expect(await editComment(t.db, { commentId: id, moderatorId: moderator.id, body: "Second edit", expectedFingerprint: seen })).toEqual({
      ok: false,
      error: "conflict",
    });
    expect((await t.db.selectFrom("comments").select("body_markdown").where("id", "=", id).executeTakeFirstOrThrow()).body_markdown).toBe("First edit");
  });

  it("a reply is published under the moderator's account and approves its parent", async () => {
    const { article, moderator, id } = await setup();
    const result = await replyAsModerator(t.db, { parentId: id, moderatorId: moderator.id, body: "Thanks, *approved*." });
    expect(result).toMatchObject({ ok: true, parentApproved: true });
    const visible = await getThreadComments(t.db, article.id);
    expect(visible.map((c) => [c.id, c.parentId, c.authorName])).toEqual([
      [id, null, expect.any(String)],
      [result.ok ? result.replyId : 0, id, "Mia Moderator"],
    ]);
    expect((await t.db.selectFrom("moderation_log").select("action").orderBy("id").execute()).map((e) => e.action)).toEqual(["approve", "reply"]);
    expect(await replyAsModerator(t.db, { parentId: 999_999, moderatorId: moderator.id, body: "x" })).toEqual({ ok: false, error: "not-found" });
  });

  it("does not reply to a comment in Spam or Trash", async () => {
    const { moderator, id } = await setup();
    await moderateComments(t.db, { commentIds: [id], action: "trash", moderatorId: moderator.id });
    expect(await replyAsModerator(t.db, { parentId: id, moderatorId: moderator.id, body: "x" })).toEqual({ ok: false, error: "not-allowed" });
  });
});

describe("two moderators at once", () => {
  it("serialises conflicting decisions on the same comment: one wins, the other is told, nothing is lost", async () => {
    const { id } = await setup();
    const alice = await createPerson(t.db, "moderator", "Alice");
    const bob = await createPerson(t.db, "moderator", "Bob");
    // Two connections of their own, so the two transactions really overlap.
    const one = createDb(t.url, { max: 1 });
    const two = createDb(t.url, { max: 1 });
    try {
      // Alice's transaction takes the row lock and holds it while Bob's starts.
      let release!: () => void;
      const held = new Promise<void>((resolve) => (release = resolve));
      const aliceDone = one.transaction().execute(async (trx) => {
        const result = await moderateComments(trx, {
          commentIds: [id],
          action: "spam",
          moderatorId: alice.id,
          expected: new Map([[id, "pending"]]),
        });
        await held;
        return result;
      });
      // Wait until Alice holds the lock, then start Bob, who must wait for it.
      await waitFor(() => rowLocked(id));
      const bobDone = moderateComments(two, { commentIds: [id], action: "approve", moderatorId: bob.id, expected: new Map([[id, "pending"]]) });
      await waitFor(async () => (await lockWaiters()) > 0);
      release();
      const [aliceResult, bobResult] = await Promise.all([aliceDone, bobDone]);
      expect(aliceResult).toEqual([{ ok: true, commentId: id, changed: true, before: "pending", after: "spam" }]);
      // Bob decided on a pending comment; it is spam now: he is told, and it stays spam.
      expect(bobResult).toEqual([{ ok: false, commentId: id, error: "conflict", current: "spam" }]);
      expect(await statusOf(id)).toBe("spam");
      expect(await logOf(id)).toHaveLength(1);
    } finally {
      await one.destroy();
      await two.destroy();
    }
  });

  it("without an expected status, both changes apply in turn and the log chains them", async () => {
    const { id } = await setup();
    const alice = await createPerson(t.db, "moderator", "Alice");
    const bob = await createPerson(t.db, "moderator", "Bob");
    const one = createDb(t.url, { max: 1 });
    const two = createDb(t.url, { max: 1 });
    try {
      await Promise.all([
        setCommentStatus(one, { commentId: id, status: "approved", moderatorId: alice.id }),
        setCommentStatus(two, { commentId: id, status: "trash", moderatorId: bob.id }),
      ]);
      const log = await logOf(id);
      expect(log).toHaveLength(2);
      // Each entry's "before" is the previous entry's "after": no update was lost.
      expect(log[0]!.status_before).toBe("pending");
      expect(log[1]!.status_before).toBe(log[0]!.status_after);
      expect(await statusOf(id)).toBe(log[1]!.status_after);
    } finally {
      await one.destroy();
      await two.destroy();
    }
  });
});

async function waitFor(check: () => Promise<boolean>) {
  for (let i = 0; i < 500; i++) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error("condition not reached");
}

/** Is the comment's row locked by some transaction? (A NOWAIT lock attempt fails.) */
async function rowLocked(id: number) {
  try {
    await t.db.transaction().execute(async (trx) => {
      await sql`select id from comments where id = ${id} for update nowait`.execute(trx);
    });
    return false;
  } catch {
    return true;
  }
}

/** How many sessions wait for a lock (Bob's, behind Alice's row lock). */
async function lockWaiters() {
  const { rows } = await sql<{ n: number }>`
    select count(*)::int as n from pg_stat_activity
    where datname = current_database() and wait_event_type = 'Lock'
  `.execute(t.db);
  return rows[0]!.n;
}

describe("the moderation log", () => {
  it("is append-only: the database refuses to change or delete an entry", async () => {
    const { id } = await setup();
    await approveComment(t.db, { commentId: id });
    await expect(sql`update moderation_log set reason = 'rewritten'`.execute(t.db)).rejects.toThrow(/append-only/);
    await expect(sql`delete from moderation_log`.execute(t.db)).rejects.toThrow(/append-only/);
    expect(await logOf(id)).toHaveLength(1);
  });

  it("filters by moderator and by comment author (guest email, member account)", async () => {
    const article = await createArticle(t.db);
    const alice = await createPerson(t.db, "moderator", "Alice");
    const bob = await createPerson(t.db, "moderator", "Bob");
    const member = await createPerson(t.db, "member", "Member Max");
    const guestComment = await createComment(t.db, article.id, { authorEmail: "Guest.Gail@example.com", authorName: "Gail" });
    const memberComment = await createComment(t.db, article.id, { userId: member.id, authorEmail: member.email });
    await approveComment(t.db, { commentId: guestComment.commentId, moderatorId: alice.id });
    await approveComment(t.db, { commentId: memberComment.commentId, moderatorId: bob.id });

    const byAlice = await listModerationLog(t.db, { moderatorId: alice.id });
    expect(byAlice.entries.map((e) => e.commentId)).toEqual([guestComment.commentId]);
    const byGuest = await listModerationLog(t.db, { authorEmail: "guest.gail@EXAMPLE.com" });
    expect(byGuest.entries).toHaveLength(1);
    expect(byGuest.entries[0]!.author).toEqual({ kind: "guest", name: "Gail", email: "guest.gail@example.com" });
    const byMember = await listModerationLog(t.db, { authorUserId: member.id });
    expect(byMember.entries.map((e) => [e.commentId, e.moderatorName])).toEqual([[memberComment.commentId, "Bob"]]);
    expect(byMember.entries[0]!.author).toEqual({ kind: "member", userId: member.id, name: "Member Max" });
    // A member's email is not copied into the log (it lives, and is erased, with the account).
    expect(await t.db.selectFrom("moderation_log").select("author_email").where("author_user_id", "=", member.id).execute()).toEqual([
      { author_email: null },
    ]);
    // Newest first, and paged.
    const all = await listModerationLog(t.db, { limit: 1 });
    expect(all.entries[0]!.commentId).toBe(memberComment.commentId);
    const next = await listModerationLog(t.db, { limit: 1, before: all.nextBefore });
    expect(next.entries[0]!.commentId).toBe(guestComment.commentId);
  });
});

describe("comments by editors and administrators", () => {
  it("a moderator cannot edit, unapprove, spam, trash or delete them; an editor or admin of at least that role can", async () => {
    const article = await createArticle(t.db);
    const moderator = await createPerson(t.db, "moderator");
    const editor = await createPerson(t.db, "editor");
    const admin = await createPerson(t.db, "admin");
    const commentBy = async (author: { id: number; email: string }) => {
      const { commentId } = await createComment(t.db, article.id, { userId: author.id, authorEmail: author.email, body: `By ${author.id}` });
      await approveComment(t.db, { commentId });
      return commentId;
    };
    const byEditor = await commentBy(editor);
    const byAdmin = await commentBy(admin);
    const byOtherModerator = await commentBy(await createPerson(t.db, "moderator"));

    for (const id of [byEditor, byAdmin]) {
      for (const action of ["unapprove", "spam", "trash"] as const) {
        expect(await moderateComments(t.db, { commentIds: [id], action, moderatorId: moderator.id })).toEqual([
          { ok: false, commentId: id, error: "outranked", current: "approved" },
        ]);
      }
      expect(await editComment(t.db, { commentId: id, body: "Rewritten", moderatorId: moderator.id })).toEqual({ ok: false, error: "outranked" });
      expect(await setCommentStatus(t.db, { commentId: id, status: "trash", moderatorId: moderator.id })).toMatchObject({ ok: false, error: "outranked" });
      expect(await statusOf(id)).toBe("approved");
    }
    // Delete forever too (from Trash, where an admin put it).
    await moderateComments(t.db, { commentIds: [byEditor], action: "trash", moderatorId: admin.id });
    expect(await moderateComments(t.db, { commentIds: [byEditor], action: "delete", moderatorId: moderator.id })).toMatchObject([{ error: "outranked" }]);
    // Restoring harms nobody: a moderator may.
    expect(await moderateComments(t.db, { commentIds: [byEditor], action: "restore", moderatorId: moderator.id })).toMatchObject([{ ok: true, changed: true }]);

    // A peer's comment (moderator to moderator) is fair game; an editor may change an editor's, not an admin's.
    expect(await moderateComments(t.db, { commentIds: [byOtherModerator], action: "trash", moderatorId: moderator.id })).toMatchObject([{ ok: true }]);
    expect(await editComment(t.db, { commentId: byEditor, body: "Edited by an editor", moderatorId: editor.id })).toMatchObject({ ok: true, changed: true });
    expect(await moderateComments(t.db, { commentIds: [byAdmin], action: "trash", moderatorId: editor.id })).toMatchObject([{ error: "outranked" }]);
    expect(await moderateComments(t.db, { commentIds: [byAdmin], action: "trash", moderatorId: admin.id })).toMatchObject([{ ok: true }]);
    // In a selection, the others go ahead.
    const guest = await createComment(t.db, article.id);
    const results = await moderateComments(t.db, { commentIds: [byEditor, guest.commentId], action: "spam", moderatorId: moderator.id });
    expect(results.map((r) => (r.ok ? "ok" : r.error))).toEqual(["outranked", "ok"]);
  });
});
