// Member reports: once per member, three from different members hide a comment
// at once, dismissing restores it and stops further reports.
import { describe, expect, it } from "vitest";
import { getThreadComments } from "~/models/comments.server";
import { approveComment, moderateComments } from "~/models/moderation.server";
import { listQueue, queueCounts } from "~/models/moderation-queue.server";
import { dismissReports, getReportableComment, reportComment, REPORT_THRESHOLD } from "~/models/reports.server";
import { restrictMember } from "~/models/restrictions.server";
import { useTestDatabase } from "../support/db";
import { createArticle, createComment } from "../support/factories";
import { createPerson } from "../support/people";

const t = useTestDatabase();

async function published() {
  const article = await createArticle(t.db);
  const { commentId } = await createComment(t.db, article.id);
  await approveComment(t.db, { commentId });
  return { article, commentId };
}

async function members(n: number) {
  const list = [];
  for (let i = 0; i < n; i++) list.push(await createPerson(t.db));
  return list;
}

describe("reporting a comment", () => {
  it("is once per member", async () => {
    const { commentId } = await published();
    const [member] = await members(1);
    expect(await reportComment(t.db, { commentId, reporterId: member!.id, reason: "spam" })).toEqual({ ok: true, reportCount: 1, hidden: false });
    expect(await reportComment(t.db, { commentId, reporterId: member!.id, reason: "abuse" })).toEqual({ ok: false, error: "already-reported" });
    expect(await t.db.selectFrom("comment_reports").select("reason").execute()).toEqual([{ reason: "spam" }]);
  });

  it("needs words with the reason 'other'", async () => {
    const { commentId } = await published();
    const [member] = await members(1);
    expect(await reportComment(t.db, { commentId, reporterId: member!.id, reason: "other", details: "  " })).toEqual({
      ok: false,
      error: "details-required",
    });
    expect(await reportComment(t.db, { commentId, reporterId: member!.id, reason: "other", details: "Misquotes the filing" })).toMatchObject({ ok: true });
  });

  it("takes every listed reason", async () => {
    const { commentId } = await published();
    const reporters = await members(2);
    expect(await reportComment(t.db, { commentId, reporterId: reporters[0]!.id, reason: "promotion" })).toMatchObject({ ok: true });
    expect(await reportComment(t.db, { commentId, reporterId: reporters[1]!.id, reason: "off-topic" })).toMatchObject({ ok: true });
  });

  it("is refused for held comments, one's own comments, and by restricted members", async () => {
    const article = await createArticle(t.db);
    const [author, other] = await members(2);
    const held = await createComment(t.db, article.id);
    expect(await reportComment(t.db, { commentId: held.commentId, reporterId: other!.id, reason: "spam" })).toEqual({ ok: false, error: "not-reportable" });
    const own = await createComment(t.db, article.id, { userId: author!.id, authorEmail: author!.email });
    await approveComment(t.db, { commentId: own.commentId });
    expect(await reportComment(t.db, { commentId: own.commentId, reporterId: author!.id, reason: "spam" })).toEqual({ ok: false, error: "own-comment" });
    const admin = await createPerson(t.db, "admin");
    await restrictMember(t.db, { moderatorId: admin.id, userId: other!.id, kind: "ban", reason: "Troll" });
    expect(await reportComment(t.db, { commentId: own.commentId, reporterId: other!.id, reason: "spam" })).toEqual({ ok: false, error: "restricted" });
  });
});

describe("the threshold of 3 reports", () => {
  it("hides the comment at the third report from different members, and it waits in Reported", async () => {
    const { article, commentId } = await published();
    const reporters = await members(REPORT_THRESHOLD);
    expect(await reportComment(t.db, { commentId, reporterId: reporters[0]!.id, reason: "promotion" })).toMatchObject({ hidden: false });
    expect(await reportComment(t.db, { commentId, reporterId: reporters[1]!.id, reason: "promotion" })).toMatchObject({ hidden: false });
    // Two reports: still published, but already listed in Reported.
    expect((await getThreadComments(t.db, article.id)).map((c) => c.id)).toEqual([commentId]);
    expect((await listQueue(t.db, { tab: "reported" })).items.map((i) => i.id)).toEqual([commentId]);

    expect(await reportComment(t.db, { commentId, reporterId: reporters[2]!.id, reason: "spam" })).toEqual({ ok: true, reportCount: 3, hidden: true });
    expect(await getThreadComments(t.db, article.id)).toEqual([]);
    const row = await t.db.selectFrom("comments").select(["status", "report_state", "held_reason"]).where("id", "=", commentId).executeTakeFirstOrThrow();
    expect(row).toEqual({ status: "pending", report_state: "open", held_reason: "Hidden after 3 reports (undisclosed promotion or pump-and-dump, spam)." });
    const reported = await listQueue(t.db, { tab: "reported" });
    expect(reported.items[0]).toMatchObject({
      id: commentId,
      reports: { count: 3, reasons: [{ reason: "promotion", count: 2 }, { reason: "spam", count: 1 }] },
    });
    // It waits in Reported, not in Pending.
    expect((await listQueue(t.db, { tab: "pending" })).items).toEqual([]);
    expect(await queueCounts(t.db)).toEqual({ pending: 0, reported: 1, spam: 0, trash: 0 });
    // Hidden by the system, logged.
    const log = await t.db.selectFrom("moderation_log").select(["action", "moderator_id", "status_before", "status_after"]).where("comment_id", "=", commentId).orderBy("id").execute();
    expect(log.at(-1)).toEqual({ action: "hide-reported", moderator_id: null, status_before: "approved", status_after: "pending" });
  });

  it("hides exactly once when the last reports arrive together", async () => {
    const { commentId } = await published();
    const reporters = await members(5);
    const results = await Promise.all(reporters.map((r) => reportComment(t.db, { commentId, reporterId: r.id, reason: "abuse" })));
    // Once hidden it is no longer published, so later reports are refused.
    expect(results.filter((r) => r.ok && r.hidden)).toHaveLength(1);
    expect(results.filter((r) => r.ok)).toHaveLength(3);
    expect(await t.db.selectFrom("moderation_log").select("id").where("action", "=", "hide-reported").execute()).toHaveLength(1);
  });

  it("two reports by the same member do not count twice", async () => {
    const { commentId } = await published();
    const [a, b] = await members(2);
    await reportComment(t.db, { commentId, reporterId: a!.id, reason: "spam" });
    await reportComment(t.db, { commentId, reporterId: a!.id, reason: "spam" });
    expect(await reportComment(t.db, { commentId, reporterId: b!.id, reason: "spam" })).toEqual({ ok: true, reportCount: 2, hidden: false });
  });
});

describe("dismissing reports", () => {
  it("restores a hidden comment and stops further reports of it", async () => {
    const { article, commentId } = await published();
    const reporters = await members(4);
    const moderator = await createPerson(t.db, "moderator");
    for (const r of reporters.slice(0, 3)) await reportComment(t.db, { commentId, reporterId: r.id, reason: "abuse" });
    expect(await dismissReports(t.db, { commentId, moderatorId: moderator.id, reason: "Fair criticism" })).toEqual({
      ok: true,
      before: "pending",
      after: "approved",
    });
    expect((await getThreadComments(t.db, article.id)).map((c) => c.id)).toEqual([commentId]);
    expect((await listQueue(t.db, { tab: "reported" })).items).toEqual([]);
    expect(await reportComment(t.db, { commentId, reporterId: reporters[3]!.id, reason: "abuse" })).toEqual({ ok: false, error: "not-reportable" });
    expect(await getReportableComment(t.db, commentId)).toBeNull();
    const entry = await t.db.selectFrom("moderation_log").select(["action", "moderator_id", "reason"]).orderBy("id", "desc").executeTakeFirstOrThrow();
    expect(entry).toEqual({ action: "dismiss-reports", moderator_id: moderator.id, reason: "Fair criticism" });
    expect(await dismissReports(t.db, { commentId, moderatorId: moderator.id })).toEqual({ ok: false, error: "no-open-reports" });
  });

  it("approving a reported comment dismisses its reports; trashing it upholds them", async () => {
    const first = await published();
    const second = await published();
    const reporters = await members(3);
    const moderator = await createPerson(t.db, "moderator");
    for (const r of reporters) {
      await reportComment(t.db, { commentId: first.commentId, reporterId: r.id, reason: "spam" });
      await reportComment(t.db, { commentId: second.commentId, reporterId: r.id, reason: "spam" });
    }
    await moderateComments(t.db, { commentIds: [first.commentId], action: "approve", moderatorId: moderator.id });
    await moderateComments(t.db, { commentIds: [second.commentId], action: "trash", moderatorId: moderator.id });
    const rows = await t.db.selectFrom("comments").select(["id", "status", "report_state"]).orderBy("id").execute();
    expect(rows).toEqual([
      { id: first.commentId, status: "approved", report_state: "dismissed" },
      { id: second.commentId, status: "trash", report_state: "upheld" },
    ]);
    expect(await queueCounts(t.db)).toMatchObject({ reported: 0, trash: 1 });
  });
});
