// Member reports. A confirmed member reports a published comment once, with a
// reason; reports wait in the Reported tab. When REPORT_THRESHOLD trusted members
// have reported it, it is hidden at once, pending review: it stays in its thread
// as a placeholder, so its approved replies stay readable. A moderator dismissing
// the reports shows it again and stops further reports of it.
//
// So that a raid of throwaway accounts cannot hide what it likes:
// - only members who confirmed their address may report, and reports are rate
//   limited per member and per IP address (in Postgres, like every limit);
// - a reporter counts towards hiding only when their account is older than the
//   `reporterMinAgeHours` setting (default a day) and has an approved comment
//   (which, under the default "first-time authors" rule, a moderator approved);
//   staff reporters always count;
// - a comment by a moderator, editor or administrator is never hidden by reports.
import { sql } from "kysely";
import type { DB } from "../../db/connection";
import { REPORT_REASONS, type CommentStatus, type ReportReason } from "../../db/schema";
import type { ReportSummary } from "../lib/queue-items";
import { hashIp } from "./secrets.server";
import { hasRole } from "../lib/roles";
import { logActions, resolveActor, SYSTEM_ACTOR } from "./moderation-log.server";
import { getModerationSettings } from "./moderation-settings.server";
import { lockComments } from "./moderation.server";
import { consumeRateLimit } from "./rate-limits.server";
import { getPostingBlock } from "./restrictions.server";

export { REPORT_REASONS, type ReportReason };
export type { ReportSummary };

/** Trusted reporters it takes to hide a comment. */
export const REPORT_THRESHOLD = 3;
/** Reports a member may send, and reports from one IP address, per hour. */
export const REPORTS_PER_MEMBER = { limit: 10, windowSeconds: 60 * 60 } as const;
export const REPORTS_PER_IP = { limit: 20, windowSeconds: 60 * 60 } as const;

export const REPORT_REASON_LABELS: Record<ReportReason, string> = {
  spam: "Spam",
  abuse: "Abuse or harassment",
  "off-topic": "Off-topic",
  promotion: "Undisclosed promotion or pump-and-dump",
  other: "Something else",
};

export type ReportResult =
  | { ok: true; reportCount: number; hidden: boolean }
  | { ok: false; error: "rate-limited"; retryAfterSeconds: number }
  | {
      ok: false;
      error: "not-found" | "already-reported" | "not-reportable" | "own-comment" | "restricted" | "details-required" | "unconfirmed";
    };

/** The comment a member may report: published, and whose reports were not dismissed. */
export async function getReportableComment(
  db: DB,
  commentId: number,
): Promise<{ id: number; authorName: string; bodyHtml: string; articleSlug: string; articleTitle: string } | null> {
  const row = await db
    .selectFrom("comments as c")
    .innerJoin("articles as a", "a.id", "c.article_id")
    .select(["c.id", "c.author_name", "c.body_html", "a.slug", "a.title"])
    .where("c.id", "=", commentId)
    .where("c.status", "=", "approved")
    .where("c.hidden_at", "is", null)
    .where((eb) => eb.or([eb("c.report_state", "is", null), eb("c.report_state", "=", "open")]))
    .executeTakeFirst();
  return row ? { id: row.id, authorName: row.author_name, bodyHtml: row.body_html, articleSlug: row.slug, articleTitle: row.title } : null;
}

export type ReportView =
  | { state: "reportable"; comment: { id: number; authorName: string; bodyHtml: string }; article: { slug: string; title: string } }
  | { state: "reported"; article: { slug: string; title: string } }
  | { state: "closed"; article: { slug: string; title: string } };

/**
 * What the report page shows a member: the comment and the form, or that they
 * reported it already, or that it cannot be reported (held, or its reports were
 * dealt with). Null when there is no such comment on a published article.
 */
export async function getReportView(db: DB, input: { commentId: number; reporterId: number }): Promise<ReportView | null> {
  const row = await db
    .selectFrom("comments as c")
    .innerJoin("articles as a", "a.id", "c.article_id")
    .select(["c.id", "c.author_name", "c.body_html", "c.status", "c.report_state", "c.user_id", "c.hidden_at", "a.slug", "a.title"])
    .where("c.id", "=", input.commentId)
    .where("a.published_at", "is not", null)
    .where("a.published_at", "<=", sql<Date>`now()`)
    .executeTakeFirst();
  if (!row) return null;
  const article = { slug: row.slug, title: row.title };
  if (await hasReported(db, input)) return { state: "reported", article };
  // Only what anyone may see of a published comment: never its author's email (nor a hidden one's words).
  if (
    row.status !== "approved" ||
    row.hidden_at !== null ||
    (row.report_state !== null && row.report_state !== "open") ||
    row.user_id === input.reporterId
  ) {
    return { state: "closed", article };
  }
  return { state: "reportable", comment: { id: row.id, authorName: row.author_name, bodyHtml: row.body_html }, article };
}

export async function hasReported(db: DB, input: { commentId: number; reporterId: number }): Promise<boolean> {
  const row = await db
    .selectFrom("comment_reports")
    .select("id")
    .where("comment_id", "=", input.commentId)
    .where("reporter_id", "=", input.reporterId)
    .executeTakeFirst();
  return Boolean(row);
}

/**
 * The reporters of a comment who count towards hiding it: confirmed, not deleted,
 * and staff, or with an account at least `minAgeHours` old and an approved
 * (visible) comment other than this one. One statement.
 */
async function trustedReporterCount(db: DB, commentId: number, minAgeHours: number): Promise<number> {
  const { rows } = await sql<{ count: number }>`
    select count(distinct r.reporter_id)::int as count
    from comment_reports r
    join users u on u.id = r.reporter_id
    where r.comment_id = ${commentId}
      and u.deleted_at is null
      and u.email_verified_at is not null
      and (
        u.role <> 'member'
        or (
          u.created_at <= now() - make_interval(hours => ${minAgeHours})
          and exists (
            select 1 from comments mine
            where mine.user_id = u.id and mine.status = 'approved' and mine.hidden_at is null and mine.id <> ${commentId}
          )
        )
      )
  `.execute(db);
  return rows[0]?.count ?? 0;
}

/**
 * Report a comment. The comment row is locked, so the reports that reach the
 * threshold at the same moment hide it exactly once.
 */
export async function reportComment(
  db: DB,
  input: { commentId: number; reporterId: number; reason: ReportReason; details?: string; clientIp: string },
): Promise<ReportResult> {
  const details = (input.details ?? "").trim().slice(0, 1000);
  if (input.reason === "other" && !details) return { ok: false, error: "details-required" };
  const reporter = await db
    .selectFrom("users")
    .select(["id", "email_verified_at"])
    .where("id", "=", input.reporterId)
    .where("deleted_at", "is", null)
    .executeTakeFirst();
  if (!reporter) return { ok: false, error: "not-found" };
  if (!reporter.email_verified_at) return { ok: false, error: "unconfirmed" };
  if (await getPostingBlock(db, { userId: input.reporterId, email: "", ipHash: "" })) return { ok: false, error: "restricted" };
  const ipHash = await hashIp(db, input.clientIp);
  const [perMember, perIp] = await Promise.all([
    consumeRateLimit(db, { bucket: "report-member", key: String(input.reporterId), ...REPORTS_PER_MEMBER }),
    consumeRateLimit(db, { bucket: "report-ip", key: ipHash, ...REPORTS_PER_IP }),
  ]);
  if (!perMember.allowed || !perIp.allowed) {
    return { ok: false, error: "rate-limited", retryAfterSeconds: Math.max(perMember.retryAfterSeconds, perIp.retryAfterSeconds) };
  }
  const settings = await getModerationSettings(db);
  return db.transaction().execute(async (trx) => {
    const comment = (await lockComments(trx, [input.commentId])).get(input.commentId);
    if (!comment) return { ok: false, error: "not-found" } as const;
    if (comment.user_id === input.reporterId) return { ok: false, error: "own-comment" } as const;
    if (comment.status !== "approved" || comment.hidden_at !== null || (comment.report_state !== null && comment.report_state !== "open")) {
      return { ok: false, error: "not-reportable" } as const;
    }
    const inserted = await trx
      .insertInto("comment_reports")
      .values({ comment_id: comment.id, reporter_id: input.reporterId, reason: input.reason, details })
      .onConflict((oc) => oc.columns(["comment_id", "reporter_id"]).doNothing())
      .returning("id")
      .executeTakeFirst();
    if (!inserted) return { ok: false, error: "already-reported" } as const;
    const { count } = await trx
      .selectFrom("comment_reports")
      .select((eb) => eb.fn.count<number>("reporter_id").distinct().as("count"))
      .where("comment_id", "=", comment.id)
      .executeTakeFirstOrThrow();
    const reportCount = Number(count);
    // Staff comments wait in Reported like any other, but reports never hide them.
    const staffAuthor = comment.author_role !== null && hasRole(comment.author_role, "moderator");
    const trusted = staffAuthor || reportCount < REPORT_THRESHOLD ? 0 : await trustedReporterCount(trx, comment.id, settings.reporterMinAgeHours);
    const hide = trusted >= REPORT_THRESHOLD;
    const reasons = hide ? await reportReasonsOf(trx, comment.id) : [];
    await trx
      .updateTable("comments")
      .set({
        report_state: "open",
        ...(hide
          ? {
              hidden_at: sql<Date>`now()`,
              held_reason: `Hidden after ${trusted} reports (${reasons.map((r) => REPORT_REASON_LABELS[r.reason].toLowerCase()).join(", ")}).`,
              updated_at: new Date(),
            }
          : {}),
      })
      .where("id", "=", comment.id)
      .execute();
    if (hide) {
      await logActions(trx, [
        {
          actor: SYSTEM_ACTOR,
          action: "hide-reported",
          comment,
          before: comment.status,
          after: comment.status,
          reason: `${trusted} members reported it`,
          details: { reasons },
        },
      ]);
    }
    return { ok: true, reportCount, hidden: hide } as const;
  });
}

async function reportReasonsOf(db: DB, commentId: number): Promise<{ reason: ReportReason; count: number }[]> {
  const rows = await db
    .selectFrom("comment_reports")
    .select(["reason", (eb) => eb.fn.countAll<number>().as("count")])
    .where("comment_id", "=", commentId)
    .groupBy("reason")
    .orderBy(sql`count(*)`, "desc")
    .orderBy("reason")
    .execute();
  return rows.map((row) => ({ reason: row.reason, count: Number(row.count) }));
}

export type DismissResult =
  | { ok: true; before: CommentStatus; after: CommentStatus }
  | { ok: false; error: "not-found" | "no-open-reports" };

/** Keep the comment: show it again if the reports hid it, and accept no further reports of it. */
export async function dismissReports(
  db: DB,
  input: { commentId: number; moderatorId?: number | null; reason?: string },
): Promise<DismissResult> {
  return db.transaction().execute(async (trx) => {
    const comment = (await lockComments(trx, [input.commentId])).get(input.commentId);
    if (!comment) return { ok: false, error: "not-found" } as const;
    if (comment.report_state !== "open") return { ok: false, error: "no-open-reports" } as const;
    // Hidden by the reports: shown again. Its status does not change (a comment a
    // moderator unapproved meanwhile stays pending).
    const after: CommentStatus = comment.status;
    await trx
      .updateTable("comments")
      .set({
        report_state: "dismissed",
        hidden_at: null,
        held_reason: comment.hidden_at !== null ? null : sql`held_reason`,
        updated_at: new Date(),
      })
      .where("id", "=", comment.id)
      .execute();
    const actor = await resolveActor(trx, input.moderatorId);
    await logActions(trx, [
      { actor, action: "dismiss-reports", comment, before: comment.status, after, reason: input.reason ?? "", details: { reasons: await reportReasonsOf(trx, comment.id) } },
    ]);
    return { ok: true, before: comment.status, after } as const;
  });
}

/** The reports of several comments at once (for the queue). */
export async function reportSummaries(db: DB, commentIds: number[]): Promise<Map<number, ReportSummary>> {
  const summaries = new Map<number, ReportSummary>();
  if (commentIds.length === 0) return summaries;
  const rows = await db
    .selectFrom("comment_reports")
    .select(["comment_id", "reason", "details"])
    .where("comment_id", "in", commentIds)
    .orderBy("id", "desc")
    .execute();
  for (const row of rows) {
    const summary = summaries.get(row.comment_id) ?? { count: 0, reasons: [], notes: [] };
    summary.count += 1;
    const reason = summary.reasons.find((r) => r.reason === row.reason);
    if (reason) reason.count += 1;
    else summary.reasons.push({ reason: row.reason, label: REPORT_REASON_LABELS[row.reason], count: 1 });
    if (row.details) summary.notes.push(row.details);
    summaries.set(row.comment_id, summary);
  }
  for (const summary of summaries.values()) summary.reasons.sort((a, b) => b.count - a.count || a.reason.localeCompare(b.reason));
  return summaries;
}
