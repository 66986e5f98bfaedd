// Member reports: once per member, three from different trusted members hide a
// comment at once (as a placeholder that keeps its replies), dismissing restores
// it and stops further reports; a raid of fresh or unconfirmed accounts cannot.
import { describe, expect, it } from "vitest";
import { sql } from "kysely";
import { renderCommentThread } from "~/components/CommentThread";
import { getReplyTarget, getThreadComments } from "~/models/comments.server";
import { getModerationSettings, saveModerationSettings } from "~/models/moderation-settings.server";
import { getConversationPage, getThreadPage } from "~/models/threads.server";
import { approveComment, moderateComments } from "~/models/moderation.server";
import { listQueue, queueCounts } from "~/models/moderation-queue.server";
import {
  dismissReports,
  getReportableComment,
  reportComment,
  REPORT_THRESHOLD,
  REPORTS_PER_IP,
  REPORTS_PER_MEMBER,
} from "~/models/reports.server";
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

let ipCounter = 0;
/** A new address for each report, so the per-IP limit only matters where a test says so. */
const nextIp = () => `198.51.100.${++ipCounter % 250}:${ipCounter}`;

/** Members whose reports count: accounts two days old, each with an approved comment. */
async function members(n: number) {
  const article = await createArticle(t.db);
  const list = [];
  for (let i = 0; i < n; i++) {
    const person = await createPerson(t.db);
    await t.db.updateTable("users").set({ created_at: sql<Date>`now() - interval '2 days'` }).where("id", "=", person.id).execute();
    const { commentId } = await createComment(t.db, article.id, { userId: person.id, authorEmail: person.email });
    await approveComment(t.db, { commentId });
    list.push(person);
  }
  return list;
}

/** Throwaway accounts: confirmed, but created just now and with nothing approved. */
async function freshMembers(n: number) {
  const list = [];
  for (let i = 0; i < n; i++) list.push(await createPerson(t.db));
  return list;
}

describe("reporting a comment", () => {
  it("is once per member", async () => {
    const { commentId } = await published();
    const [member] = await members(1);
    expect(await reportComment(t.db, { clientIp: nextIp(), commentId, reporterId: member!.id, reason: "spam" })).toEqual({ ok: true, reportCount: 1, hidden: false });
    expect(await reportComment(t.db, { clientIp: nextIp(), commentId, reporterId: member!.id, reason: "abuse" })).toEqual({ ok: false, error: "already-reported" });
    expect(await t.db.selectFrom("comment_reports").select("reason").execute()).toEqual([{ reason: "spam" }]);
  });

  it("needs words with the reason 'other'", async () => {
    const { commentId } = await published();
    const [member] = await members(1);
    expect(await reportComment(t.db, { clientIp: nextIp(), commentId, reporterId: member!.id, reason: "other", details: "  " })).toEqual({
      ok: false,
      error: "details-required",
    });
    expect(await reportComment(t.db, { clientIp: nextIp(), commentId, reporterId: member!.id, reason: "other", details: "Misquotes the filing" })).toMatchObject({ ok: true });
  });

  it("takes every listed reason", async () => {
    const { commentId } = await published();
    const reporters = await members(2);
    expect(await reportComment(t.db, { clientIp: nextIp(), commentId, reporterId: reporters[0]!.id, reason: "promotion" })).toMatchObject({ ok: true });
    expect(await reportComment(t.db, { clientIp: nextIp(), commentId, reporterId: reporters[1]!.id, reason: "off-topic" })).toMatchObject({ ok: true });
  });

  it("is refused for held comments, one's own comments, and by restricted members", async () => {
    const article = await createArticle(t.db);
    const [author, other] = await members(2);
    const held = await createComment(t.db, article.id);
    expect(await reportComment(t.db, { clientIp: nextIp(), commentId: held.commentId, reporterId: other!.id, reason: "spam" })).toEqual({ ok: false, error: "not-reportable" });
    const own = await createComment(t.db, article.id, { userId: author!.id, authorEmail: author!.email });
    await approveComment(t.db, { commentId: own.commentId });
    expect(await reportComment(t.db, { clientIp: nextIp(), commentId: own.commentId, reporterId: author!.id, reason: "spam" })).toEqual({ ok: false, error: "own-comment" });
    const admin = await createPerson(t.db, "admin");
    await restrictMember(t.db, { moderatorId: admin.id, userId: other!.id, kind: "ban", reason: "Troll" });
    expect(await reportComment(t.db, { clientIp: nextIp(), commentId: own.commentId, reporterId: other!.id, reason: "spam" })).toEqual({ ok: false, error: "restricted" });
  });
});

describe("the threshold of 3 reports", () => {
  it("hides the comment at the third report from different members, and it waits in Reported", async () => {
    const { article, commentId } = await published();
    const reporters = await members(REPORT_THRESHOLD);
    expect(await reportComment(t.db, { clientIp: nextIp(), commentId, reporterId: reporters[0]!.id, reason: "promotion" })).toMatchObject({ hidden: false });
    expect(await reportComment(t.db, { clientIp: nextIp(), commentId, reporterId: reporters[1]!.id, reason: "promotion" })).toMatchObject({ hidden: false });
    // Two reports: still published, but already listed in Reported.
    expect((await getThreadComments(t.db, article.id)).find((c) => c.id === commentId)?.hidden).toBeUndefined();
    expect((await listQueue(t.db, { tab: "reported" })).items.map((i) => i.id)).toEqual([commentId]);

    expect(await reportComment(t.db, { clientIp: nextIp(), commentId, reporterId: reporters[2]!.id, reason: "spam" })).toEqual({ ok: true, reportCount: 3, hidden: true });
    // In the thread, only a placeholder: none of its words, nor its author.
    const shown = (await getThreadComments(t.db, article.id)).filter((c) => c.id === commentId);
    expect(shown).toEqual([expect.objectContaining({ id: commentId, hidden: true, bodyHtml: "", authorName: "", authorUrl: "", userId: null })]);
    const row = await t.db.selectFrom("comments").select(["status", "report_state", "held_reason"]).where("id", "=", commentId).executeTakeFirstOrThrow();
    expect(row).toEqual({ status: "approved", report_state: "open", held_reason: "Hidden after 3 reports (undisclosed promotion or pump-and-dump, spam)." });
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
    expect(log.at(-1)).toEqual({ action: "hide-reported", moderator_id: null, status_before: "approved", status_after: "approved" });
  });

  it("hides exactly once when the last reports arrive together", async () => {
    const { commentId } = await published();
    const reporters = await members(5);
    const results = await Promise.all(reporters.map((r) => reportComment(t.db, { clientIp: nextIp(), commentId, reporterId: r.id, reason: "abuse" })));
    // Once hidden it is no longer published, so later reports are refused.
    expect(results.filter((r) => r.ok && r.hidden)).toHaveLength(1);
    expect(results.filter((r) => r.ok)).toHaveLength(3);
    expect(await t.db.selectFrom("moderation_log").select("id").where("action", "=", "hide-reported").execute()).toHaveLength(1);
  });

  it("two reports by the same member do not count twice", async () => {
    const { commentId } = await published();
    const [a, b] = await members(2);
    await reportComment(t.db, { clientIp: nextIp(), commentId, reporterId: a!.id, reason: "spam" });
    await reportComment(t.db, { clientIp: nextIp(), commentId, reporterId: a!.id, reason: "spam" });
    expect(await reportComment(t.db, { clientIp: nextIp(), commentId, reporterId: b!.id, reason: "spam" })).toEqual({ ok: true, reportCount: 2, hidden: false });
  });
});

describe("dismissing reports", () => {
  it("restores a hidden comment and stops further reports of it", async () => {
    const { article, commentId } = await published();
    const reporters = await members(4);
    const moderator = await createPerson(t.db, "moderator");
    for (const r of reporters.slice(0, 3)) await reportComment(t.db, { clientIp: nextIp(), commentId, reporterId: r.id, reason: "abuse" });
    expect((await getThreadComments(t.db, article.id)).find((c) => c.id === commentId)?.hidden).toBe(true);
    expect(await dismissReports(t.db, { commentId, moderatorId: moderator.id, reason: "Fair criticism" })).toEqual({
      ok: true,
      before: "approved",
      after: "approved",
    });
    const back = (await getThreadComments(t.db, article.id)).find((c) => c.id === commentId);
    expect(back?.hidden).toBeUndefined();
    expect(back?.bodyHtml).not.toBe("");
    expect((await listQueue(t.db, { tab: "reported" })).items).toEqual([]);
    expect(await reportComment(t.db, { clientIp: nextIp(), commentId, reporterId: reporters[3]!.id, reason: "abuse" })).toEqual({ ok: false, error: "not-reportable" });
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
      await reportComment(t.db, { clientIp: nextIp(), commentId: first.commentId, reporterId: r.id, reason: "spam" });
      await reportComment(t.db, { clientIp: nextIp(), commentId: second.commentId, reporterId: r.id, reason: "spam" });
    }
    await moderateComments(t.db, { commentIds: [first.commentId], action: "approve", moderatorId: moderator.id });
    await moderateComments(t.db, { commentIds: [second.commentId], action: "trash", moderatorId: moderator.id });
    const rows = await t.db
      .selectFrom("comments")
      .select(["id", "status", "report_state"])
      .where("id", "in", [first.commentId, second.commentId])
      .orderBy("id")
      .execute();
    expect(rows).toEqual([
      { id: first.commentId, status: "approved", report_state: "dismissed" },
      { id: second.commentId, status: "trash", report_state: "upheld" },
    ]);
    expect(await queueCounts(t.db)).toMatchObject({ reported: 0, trash: 1 });
  });
});

describe("reports cannot be weaponised", () => {
  it("three throwaway accounts cannot hide a comment: unconfirmed ones cannot report, fresh ones do not count", async () => {
    const { article, commentId } = await published();
    const unconfirmed = [];
    for (let i = 0; i < REPORT_THRESHOLD; i++) {
      const person = await createPerson(t.db);
      await t.db.updateTable("users").set({ email_verified_at: null }).where("id", "=", person.id).execute();
      unconfirmed.push(person);
    }
    for (const person of unconfirmed) {
      expect(await reportComment(t.db, { clientIp: nextIp(), commentId, reporterId: person.id, reason: "abuse" })).toEqual({ ok: false, error: "unconfirmed" });
    }
    expect(await t.db.selectFrom("comment_reports").select("id").execute()).toEqual([]);

    // Confirmed, but created a minute ago with nothing approved: their reports reach
    // the moderators (Reported), and hide nothing.
    const fresh = await freshMembers(REPORT_THRESHOLD + 2);
    for (const person of fresh) {
      expect(await reportComment(t.db, { clientIp: nextIp(), commentId, reporterId: person.id, reason: "abuse" })).toMatchObject({ ok: true, hidden: false });
    }
    expect((await getThreadComments(t.db, article.id)).find((c) => c.id === commentId)?.hidden).toBeUndefined();
    expect((await listQueue(t.db, { tab: "reported" })).items.map((i) => i.id)).toEqual([commentId]);
  });

  it("an old account with no approved comment does not count, nor a new one with one", async () => {
    const { commentId } = await published();
    const article = await createArticle(t.db);
    const old = await freshMembers(REPORT_THRESHOLD);
    await t.db.updateTable("users").set({ created_at: sql<Date>`now() - interval '30 days'` }).where("id", "in", old.map((p) => p.id)).execute();
    const young = await freshMembers(REPORT_THRESHOLD);
    for (const person of young) {
      const own = await createComment(t.db, article.id, { userId: person.id, authorEmail: person.email });
      await approveComment(t.db, { commentId: own.commentId });
    }
    for (const person of [...old, ...young]) {
      expect(await reportComment(t.db, { clientIp: nextIp(), commentId, reporterId: person.id, reason: "spam" })).toMatchObject({ ok: true, hidden: false });
    }
    // The age is a setting: at 0 hours, the young members with approved comments count.
    await saveModerationSettings(t.db, { settings: { ...(await getModerationSettings(t.db)), reporterMinAgeHours: 0 }, moderatorId: null });
    const { commentId: other } = await published();
    const results = [];
    for (const person of young) results.push(await reportComment(t.db, { clientIp: nextIp(), commentId: other, reporterId: person.id, reason: "spam" }));
    expect(results.at(-1)).toMatchObject({ ok: true, hidden: true });
  });

  it("never hides a comment by a moderator, an editor or an administrator (it still waits in Reported)", async () => {
    const article = await createArticle(t.db);
    const reporters = await members(REPORT_THRESHOLD + 1);
    for (const role of ["moderator", "editor", "admin"] as const) {
      const staff = await createPerson(t.db, role);
      const { commentId } = await createComment(t.db, article.id, { userId: staff.id, authorEmail: staff.email });
      await approveComment(t.db, { commentId });
      for (const r of reporters) {
        expect(await reportComment(t.db, { clientIp: nextIp(), commentId, reporterId: r.id, reason: "abuse" })).toMatchObject({ ok: true, hidden: false });
      }
      const row = await t.db.selectFrom("comments").select(["status", "hidden_at", "report_state"]).where("id", "=", commentId).executeTakeFirstOrThrow();
      expect(row).toEqual({ status: "approved", hidden_at: null, report_state: "open" });
    }
    expect((await listQueue(t.db, { tab: "reported" })).items).toHaveLength(3);
  });

  it("keeps the approved replies of a hidden comment readable, under a placeholder", async () => {
    const { article, commentId } = await published();
    const body = await t.db.selectFrom("comments").select(["body_html", "author_name"]).where("id", "=", commentId).executeTakeFirstOrThrow();
    const reply = await createComment(t.db, article.id, { parentId: commentId, body: "A reply that stays readable" });
    await approveComment(t.db, { commentId: reply.commentId });
    const nested = await createComment(t.db, article.id, { parentId: reply.commentId, body: "And its own reply" });
    await approveComment(t.db, { commentId: nested.commentId });
    for (const r of await members(REPORT_THRESHOLD)) await reportComment(t.db, { clientIp: nextIp(), commentId, reporterId: r.id, reason: "abuse" });

    const page = await getThreadPage(t.db, article.id);
    const root = page.thread.find((node) => node.id === commentId)!;
    expect(root).toMatchObject({ hidden: true, bodyHtml: "", authorName: "" });
    expect(root.replies.map((node) => node.id)).toEqual([reply.commentId]);
    expect(root.replies[0]!.replies.map((node) => node.id)).toEqual([nested.commentId]);
    const conversation = await getConversationPage(t.db, article.id, commentId);
    expect(conversation?.thread[0]).toMatchObject({ id: commentId, hidden: true });

    const html = renderCommentThread(page.thread, { articlePath: `/articles/${article.slug}` }).html;
    expect(html).toContain("hidden pending review");
    expect(html).toContain("A reply that stays readable");
    expect(html).toContain("And its own reply");
    expect(html).not.toContain(body.body_html);
    expect(html).not.toContain(`Reply to ${body.author_name}`);
    // It cannot be replied to, nor reported again, while it is hidden.
    expect(await getReplyTarget(t.db, article.id, commentId)).toBeNull();
    expect(await getReportableComment(t.db, commentId)).toBeNull();
  });

  it("limits reports per member and per IP address, with the time to wait", async () => {
    const article = await createArticle(t.db);
    const [reporter] = await members(1);
    const comments = [];
    for (let i = 0; i <= REPORTS_PER_MEMBER.limit; i++) {
      const { commentId } = await createComment(t.db, article.id);
      await approveComment(t.db, { commentId });
      comments.push(commentId);
    }
    for (const commentId of comments.slice(0, REPORTS_PER_MEMBER.limit)) {
      expect(await reportComment(t.db, { clientIp: nextIp(), commentId, reporterId: reporter!.id, reason: "spam" })).toMatchObject({ ok: true });
    }
    const limited = await reportComment(t.db, { clientIp: nextIp(), commentId: comments.at(-1)!, reporterId: reporter!.id, reason: "spam" });
    expect(limited).toMatchObject({ ok: false, error: "rate-limited" });
    expect(!limited.ok && limited.error === "rate-limited" && limited.retryAfterSeconds).toBeGreaterThan(59 * 60);

    // Many accounts from one address: the address is limited too.
    const { commentId } = await published();
    const crowd = await freshMembers(REPORTS_PER_IP.limit + 1);
    const results = [];
    for (const person of crowd) results.push(await reportComment(t.db, { clientIp: "203.0.113.77", commentId, reporterId: person.id, reason: "spam" }));
    expect(results.slice(0, REPORTS_PER_IP.limit).every((r) => r.ok)).toBe(true);
    expect(results.at(-1)).toMatchObject({ ok: false, error: "rate-limited" });
  });
});
