// People: suspensions and bans of members, blocks of guests, and who may do it.
import { describe, expect, it } from "vitest";
import { sql } from "kysely";
import { postComment } from "~/models/comments.server";
import { REFUSAL_MESSAGES } from "~/models/moderation.server";
import { listQueue } from "~/models/moderation-queue.server";
import { blockGuestOfComment, liftRestriction, listRestrictions, mayRestrict, restrictMember, unblockGuest } from "~/models/restrictions.server";
import { useTestDatabase } from "../support/db";
import { commentInput, createArticle, createComment } from "../support/factories";
import { createPerson } from "../support/people";

const t = useTestDatabase();

function asMember(articleId: number, member: { id: number; email: string }, overrides = {}) {
  return commentInput(articleId, { userId: member.id, authorEmail: member.email, ...overrides });
}

describe("members", () => {
  it("a banned member cannot post and is told why; their pending comments go to Spam", async () => {
    const article = await createArticle(t.db);
    const moderator = await createPerson(t.db, "moderator");
    const member = await createPerson(t.db);
    const pending = await createComment(t.db, article.id, { userId: member.id, authorEmail: member.email });
    const untouched = await createComment(t.db, article.id);
    expect(await restrictMember(t.db, { moderatorId: moderator.id, userId: member.id, kind: "ban", reason: "Pump-and-dump spam" })).toEqual({
      ok: true,
      spammed: 1,
    });
    expect(await postComment(t.db, asMember(article.id, member))).toEqual({
      ok: false,
      error: "member-banned",
      message: "Your account is banned from commenting. Reason: Pump-and-dump spam",
      retryAfterSeconds: null,
    });
    const statuses = await t.db.selectFrom("comments").select(["id", "status"]).orderBy("id").execute();
    expect(statuses).toEqual([
      { id: pending.commentId, status: "spam" },
      { id: untouched.commentId, status: "pending" },
    ]);
    const log = await t.db.selectFrom("moderation_log").select(["action", "comment_id", "target_user_id", "reason"]).orderBy("id").execute();
    expect(log).toEqual([
      { action: "spam", comment_id: pending.commentId, target_user_id: member.id, reason: "Pump-and-dump spam" },
      { action: "ban", comment_id: null, target_user_id: member.id, reason: "Pump-and-dump spam" },
    ]);
    // Shown on the item in the queue.
    expect((await listQueue(t.db, { tab: "spam" })).items[0]!.author.member).toEqual({ userId: member.id, role: "member", restricted: "banned" });
  });

  it("a suspended member cannot post until the date, sees until when and why, and may post after", async () => {
    const article = await createArticle(t.db);
    const moderator = await createPerson(t.db, "moderator");
    const member = await createPerson(t.db);
    const pending = await createComment(t.db, article.id, { userId: member.id, authorEmail: member.email });
    const until = new Date(Date.now() + 3 * 86_400_000);
    expect(await restrictMember(t.db, { moderatorId: moderator.id, userId: member.id, kind: "suspension", until, reason: "Cool off" })).toEqual({
      ok: true,
      spammed: 0,
    });
    expect(await postComment(t.db, asMember(article.id, member))).toEqual({
      ok: false,
      error: "member-suspended",
      message: REFUSAL_MESSAGES.suspended("Cool off", until),
      retryAfterSeconds: null,
    });
    // A suspension leaves pending comments alone.
    expect(await t.db.selectFrom("comments").select("status").where("id", "=", pending.commentId).executeTakeFirst()).toEqual({ status: "pending" });
    await t.db.updateTable("member_restrictions").set({ until: sql<Date>`now() - interval '1 minute'` }).execute();
    expect(await postComment(t.db, asMember(article.id, member))).toMatchObject({ ok: true });
  });

  it("a suspension needs a date in the future", async () => {
    const moderator = await createPerson(t.db, "moderator");
    const member = await createPerson(t.db);
    expect(
      await restrictMember(t.db, { moderatorId: moderator.id, userId: member.id, kind: "suspension", until: new Date(Date.now() - 1000), reason: "x" }),
    ).toEqual({ ok: false, error: "invalid-until" });
  });

  it("lifting a restriction lets the member post again, and is logged", async () => {
    const article = await createArticle(t.db);
    const moderator = await createPerson(t.db, "moderator");
    const member = await createPerson(t.db);
    await restrictMember(t.db, { moderatorId: moderator.id, userId: member.id, kind: "ban", reason: "Spam" });
    expect((await listRestrictions(t.db)).members).toMatchObject([{ userId: member.id, kind: "ban", reason: "Spam", byName: moderator.name }]);
    expect(await liftRestriction(t.db, { moderatorId: moderator.id, userId: member.id, reason: "Appeal accepted" })).toEqual({ ok: true });
    expect(await postComment(t.db, asMember(article.id, member))).toMatchObject({ ok: true });
    expect((await listRestrictions(t.db)).members).toEqual([]);
    expect(await t.db.selectFrom("moderation_log").select("action").orderBy("id", "desc").executeTakeFirst()).toEqual({ action: "lift-restriction" });
  });

  it("moderators cannot ban admins (or their equals); only a higher role may restrict", async () => {
    const moderator = await createPerson(t.db, "moderator");
    const otherModerator = await createPerson(t.db, "moderator");
    const admin = await createPerson(t.db, "admin");
    const editor = await createPerson(t.db, "editor");
    expect(await restrictMember(t.db, { moderatorId: moderator.id, userId: admin.id, kind: "ban", reason: "x" })).toEqual({ ok: false, error: "not-allowed" });
    expect(await restrictMember(t.db, { moderatorId: moderator.id, userId: otherModerator.id, kind: "ban", reason: "x" })).toEqual({
      ok: false,
      error: "not-allowed",
    });
    expect(await restrictMember(t.db, { moderatorId: moderator.id, userId: moderator.id, kind: "ban", reason: "x" })).toEqual({ ok: false, error: "self" });
    expect(await restrictMember(t.db, { moderatorId: admin.id, userId: editor.id, kind: "ban", reason: "x" })).toMatchObject({ ok: true });
    expect(await t.db.selectFrom("member_restrictions").select("user_id").execute()).toEqual([{ user_id: editor.id }]);
    expect(mayRestrict("moderator", "member")).toBe(true);
    expect(mayRestrict("moderator", "admin")).toBe(false);
    expect(mayRestrict("admin", "admin")).toBe(false);
  });
});

describe("guests", () => {
  it("blocked by email: refused whatever the case, their pending comments go to Spam", async () => {
    const article = await createArticle(t.db);
    const moderator = await createPerson(t.db, "moderator");
    const first = await createComment(t.db, article.id, { authorEmail: "Shill@Example.com", ipHash: "ip-a" });
    const second = await createComment(t.db, article.id, { authorEmail: "shill@example.com", ipHash: "ip-b" });
    expect(await blockGuestOfComment(t.db, { moderatorId: moderator.id, commentId: first.commentId, kind: "email", reason: "Promoter" })).toEqual({
      ok: true,
      spammed: 2,
    });
    expect(await postComment(t.db, commentInput(article.id, { authorEmail: "SHILL@example.com", ipHash: "ip-c" }))).toEqual({
      ok: false,
      error: "guest-blocked",
      message: REFUSAL_MESSAGES.guestBlocked,
      retryAfterSeconds: null,
    });
    expect(await postComment(t.db, commentInput(article.id, { authorEmail: "someone@example.com", ipHash: "ip-a" }))).toMatchObject({ ok: true });
    expect((await t.db.selectFrom("comments").select("status").where("id", "in", [first.commentId, second.commentId]).execute()).map((r) => r.status)).toEqual([
      "spam",
      "spam",
    ]);
  });

  it("blocked by IP hash: refused with any email; unblocking lets them in again", async () => {
    const article = await createArticle(t.db);
    const moderator = await createPerson(t.db, "moderator");
    const comment = await createComment(t.db, article.id, { ipHash: "raider-ip" });
    await blockGuestOfComment(t.db, { moderatorId: moderator.id, commentId: comment.commentId, kind: "ip", reason: "Raid" });
    expect(await postComment(t.db, commentInput(article.id, { ipHash: "raider-ip" }))).toMatchObject({ ok: false, error: "guest-blocked" });
    const { guests } = await listRestrictions(t.db);
    expect(guests).toMatchObject([{ kind: "ip", label: "IP raider-i…", reason: "Raid" }]);
    expect(await unblockGuest(t.db, { moderatorId: moderator.id, blockId: guests[0]!.id })).toEqual({ ok: true });
    expect(await postComment(t.db, commentInput(article.id, { ipHash: "raider-ip" }))).toMatchObject({ ok: true });
  });

  it("a member's comment is not blocked as a guest's (ban the member instead)", async () => {
    const article = await createArticle(t.db);
    const moderator = await createPerson(t.db, "moderator");
    const member = await createPerson(t.db);
    const comment = await createComment(t.db, article.id, { userId: member.id, authorEmail: member.email });
    expect(await blockGuestOfComment(t.db, { moderatorId: moderator.id, commentId: comment.commentId, kind: "email", reason: "x" })).toEqual({
      ok: false,
      error: "member-comment",
    });
  });
});
