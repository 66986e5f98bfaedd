// The moderation queue: Pending, Reported, Spam and Trash, oldest first, by keyset.
// Every action is a POST to this route: a plain form without JavaScript (POST,
// redirect, GET, with a notice), a fetcher with it (in place). The role is checked
// here, on the server, for every loader and action.
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Link, useActionData, useLoaderData } from "@remix-run/react";
import { useCallback, useState } from "react";
import { AnnounceContext, BulkActions, QueueItemView, type QueueActionData } from "~/components/ModerationQueue";
import { formText } from "~/composition/account-http.server";
import {
  editSchema,
  guestBlockSchema,
  memberRestrictionSchema,
  replySchema,
  statusActionSchema,
} from "~/lib/moderation-forms";
import { moderationReturnPath, redirectWithNotice, takeNotice } from "~/lib/moderation-notice.server";
import { hashIp } from "~/models/secrets.server";
import { requireRole } from "~/composition/session.server";
import { editComment, moderateComments, replyAsModerator, type CommentActionResult } from "~/models/moderation.server";
import { isQueueTab, QUEUE_TAB_LABELS, QUEUE_TABS, type QueueTab } from "~/lib/queue-tabs";
import { listQueue, parseQueueCursor, queueCounts } from "~/models/moderation-queue.server";
import { dismissReports } from "~/models/reports.server";
import { getModerationSettings } from "~/models/moderation-settings.server";
import { tickerSpikes } from "~/models/promotion.server";
import { tickerLabel, tickerPath } from "~/lib/ticker-paths";
import { blockGuestOfComment, restrictCommentAuthor } from "~/models/restrictions.server";
import { readForm } from "~/lib/forms.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: `${data ? QUEUE_TAB_LABELS[data.tab] : "Queue"}: Moderation: Assay` },
  { name: "robots", content: "noindex" },
];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const me = await requireRole(request, context, "moderator");
  const url = new URL(request.url);
  const tabParam = url.searchParams.get("tab");
  const tab: QueueTab = isQueueTab(tabParam) ? tabParam : "pending";
  const cursor = parseQueueCursor(url.searchParams.get("after")) ? url.searchParams.get("after") : null;
  const [page, counts, { notice, headers }, spikes] = await Promise.all([
    listQueue(context.db, { tab, cursor }),
    queueCounts(context.db),
    takeNotice(request),
    getModerationSettings(context.db).then((settings) => tickerSpikes(context.db, settings)),
  ]);
  const here = `/moderation?tab=${tab}${cursor ? `&after=${encodeURIComponent(cursor)}` : ""}`;
  return json(
    {
      me: { id: me.id, role: me.role },
      tab,
      page,
      counts,
      notice,
      continued: cursor !== null,
      here,
      spikes: spikes.map((spike) => ({ ...spike, path: tickerPath(spike), label: tickerLabel(spike) })),
    },
    { headers: { ...headers, "Cache-Control": "private, no-store" } },
  );
}

const PAST_TENSE: Record<string, string> = {
  approve: "approved",
  unapprove: "unapproved",
  spam: "marked as spam",
  trash: "moved to the trash",
  restore: "restored",
  delete: "deleted forever",
};

function plural(n: number, one: string, many = `${one}s`) {
  return `${n.toLocaleString("en-US")} ${n === 1 ? one : many}`;
}

/** What a status action did, in a sentence or two. */
function summarize(intent: string, results: CommentActionResult[]): string {
  const changed = results.filter((r) => r.ok && r.changed).length;
  const unchanged = results.filter((r) => r.ok && !r.changed).length;
  const conflicts = results.filter((r) => !r.ok && r.error === "conflict");
  const refused = results.filter((r) => !r.ok && r.error === "not-allowed").length;
  const missing = results.filter((r) => !r.ok && r.error === "not-found").length;
  const outranked = results.filter((r) => !r.ok && r.error === "outranked").length;
  const parts: string[] = [];
  if (changed) parts.push(`${plural(changed, "comment")} ${PAST_TENSE[intent] ?? "changed"}.`);
  if (unchanged) parts.push(`${plural(unchanged, "comment was", "comments were")} already ${PAST_TENSE[intent] ?? "so"}.`);
  if (conflicts.length) {
    const now = [...new Set(conflicts.map((c) => (!c.ok ? c.current : null)))].join(", ");
    parts.push(
      `${plural(conflicts.length, "comment was", "comments were")} changed by another moderator meanwhile (now: ${now}) and left as ${conflicts.length === 1 ? "it is" : "they are"}.`,
    );
  }
  if (refused) {
    parts.push(
      intent === "delete"
        ? `${plural(refused, "comment")} not deleted: only comments in Spam or Trash can be deleted forever.`
        : `${plural(refused, "comment")} left alone: that action does not apply to ${refused === 1 ? "it" : "them"}.`,
    );
  }
  if (missing) parts.push(`${plural(missing, "comment")} no longer ${missing === 1 ? "exists" : "exist"}.`);
  if (outranked) parts.push(`${plural(outranked, "comment")} left alone: ${OUTRANKED.charAt(0).toLowerCase()}${OUTRANKED.slice(1)}`);
  return parts.join(" ") || "Nothing changed.";
}

function firstErrors(issues: { path: PropertyKey[]; message: string }[]): Record<string, string> {
  const errors: Record<string, string> = {};
  for (const issue of issues) errors[String(issue.path[0] ?? "form")] ??= issue.message;
  return errors;
}

const NOT_FOUND = "That comment no longer exists.";
const OUTRANKED = "Only an editor or administrator can change a comment written by an editor or administrator.";

export async function action({ request, context }: ActionFunctionArgs) {
  const me = await requireRole(request, context, "moderator");
  const { db } = context;
  const form = await readForm(request);
  const intent = formText(form, "intent");
  const returnTo = moderationReturnPath(formText(form, "returnTo"));
  const inPlace = formText(form, "inPlace") === "1";
  const commentText = formText(form, "comment");
  const commentId = Number(commentText.split(":")[0]) || null;

  const done = (notice: string) =>
    inPlace ? json<QueueActionData>({ ok: true, intent, commentId, notice }) : redirectWithNotice(request, returnTo, notice);
  const fail = (status: number, data: Partial<QueueActionData>) =>
    json<QueueActionData>({ ok: false, intent, commentId, errors: {}, values: {}, formError: null, ...data }, { status });

  switch (intent) {
    case "approve":
    case "unapprove":
    case "spam":
    case "trash":
    case "restore":
    case "delete":
    case "dismiss": {
      const parsed = statusActionSchema.safeParse({ intent, comment: form.getAll("comment"), reason: formText(form, "reason") });
      if (!parsed.success) {
        const errors = firstErrors(parsed.error.issues);
        return fail(400, { formError: errors.comment ?? errors.reason ?? "That action could not be read; please try again." });
      }
      const { comment: comments, reason } = parsed.data;
      if (parsed.data.intent === "dismiss") {
        const messages: string[] = [];
        for (const c of comments) {
          const result = await dismissReports(db, { commentId: c.id, moderatorId: me.id, reason });
          messages.push(result.ok ? "Reports dismissed: the comment stays published." : result.error === "not-found" ? NOT_FOUND : "Its reports were already dealt with.");
        }
        return done([...new Set(messages)].join(" "));
      }
      const results = await moderateComments(db, {
        commentIds: comments.map((c) => c.id),
        action: parsed.data.intent,
        moderatorId: me.id,
        reason,
        expected: new Map(comments.map((c) => [c.id, c.status])),
      });
      // Nothing but comments of a higher role: refused outright (in a selection, the others go ahead).
      if (results.length > 0 && results.every((r) => !r.ok && r.error === "outranked")) return fail(403, { formError: OUTRANKED });
      return done(summarize(parsed.data.intent, results));
    }
    case "edit": {
      const values = { body: formText(form, "body") };
      const parsed = editSchema.safeParse({ comment: commentText, body: values.body, fingerprint: formText(form, "fingerprint"), reason: formText(form, "reason") });
      if (!parsed.success) return fail(400, { errors: firstErrors(parsed.error.issues), values });
      const result = await editComment(db, {
        commentId: parsed.data.comment.id,
        body: parsed.data.body,
        moderatorId: me.id,
        reason: parsed.data.reason,
        expectedFingerprint: parsed.data.fingerprint,
      });
      if (!result.ok) {
        return fail(result.error === "conflict" ? 409 : result.error === "outranked" ? 403 : 404, {
          values,
          formError:
            result.error === "conflict"
              ? "Another moderator changed this comment while you were editing it. Your text is kept below; reload to see theirs."
              : result.error === "outranked"
                ? OUTRANKED
                : NOT_FOUND,
        });
      }
      return done(result.changed ? "Comment edited." : "Nothing changed in the comment.");
    }
    case "reply": {
      const values = { body: formText(form, "body") };
      const parsed = replySchema.safeParse({ comment: commentText, body: values.body });
      if (!parsed.success) return fail(400, { errors: firstErrors(parsed.error.issues), values });
      const result = await replyAsModerator(db, {
        parentId: parsed.data.comment.id,
        moderatorId: me.id,
        body: parsed.data.body,
        ipHash: await hashIp(db, context.clientIp),
        userAgent: request.headers.get("User-Agent") ?? "",
      });
      if (!result.ok) {
        const formError = result.error === "not-allowed" ? "A comment in Spam or Trash cannot be replied to; restore it first." : NOT_FOUND;
        return fail(result.error === "not-allowed" ? 409 : 404, { values, formError });
      }
      return done(result.parentApproved ? "Reply published, and the comment approved." : "Reply published.");
    }
    case "suspend":
    case "ban": {
      const values = { reason: formText(form, "reason"), until: formText(form, "until") };
      const parsed = memberRestrictionSchema.safeParse({ intent, comment: commentText, ...values });
      if (!parsed.success) return fail(400, { errors: firstErrors(parsed.error.issues), values });
      const result = await restrictCommentAuthor(db, {
        moderatorId: me.id,
        commentId: parsed.data.comment.id,
        kind: parsed.data.intent === "ban" ? "ban" : "suspension",
        until: parsed.data.intent === "suspend" ? parsed.data.until : null,
        reason: parsed.data.reason,
      });
      if (!result.ok) {
        const formError = {
          "not-found": NOT_FOUND,
          "guest-comment": "This comment is a guest's: block their email or IP instead.",
          "not-allowed": "You cannot restrict this member: only someone with a higher role can.",
          self: "You cannot restrict yourself.",
          "invalid-until": "Please choose a date in the future.",
          "member-comment": NOT_FOUND,
          "no-ip": NOT_FOUND,
        }[result.error];
        return fail(result.error === "not-allowed" || result.error === "self" ? 403 : 400, { values, formError });
      }
      return done(
        parsed.data.intent === "ban"
          ? `Member banned.${result.spammed ? ` ${plural(result.spammed, "pending comment")} went to Spam.` : ""}`
          : `Member suspended until ${values.until}.`,
      );
    }
    case "block-email":
    case "block-ip": {
      const values = { reason: formText(form, "reason") };
      const parsed = guestBlockSchema.safeParse({ intent, comment: commentText, ...values });
      if (!parsed.success) return fail(400, { errors: firstErrors(parsed.error.issues), values });
      const result = await blockGuestOfComment(db, {
        moderatorId: me.id,
        commentId: parsed.data.comment.id,
        kind: parsed.data.intent === "block-email" ? "email" : "ip",
        reason: parsed.data.reason,
      });
      if (!result.ok) {
        const formError =
          result.error === "member-comment"
            ? "This comment is a member's: suspend or ban the member instead."
            : result.error === "no-ip"
              ? "No IP address was recorded with this comment."
              : NOT_FOUND;
        return fail(400, { values, formError });
      }
      const what = parsed.data.intent === "block-email" ? "email address" : "IP address";
      return done(`Guest's ${what} blocked.${result.spammed ? ` ${plural(result.spammed, "pending comment")} went to Spam.` : ""}`);
    }
    default:
      return fail(400, { formError: "Unknown action." });
  }
}

export default function ModerationQueueRoute() {
  const { me, tab, page, counts, notice, continued, here, spikes } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const [announcement, setAnnouncement] = useState<string | null>(null);
  const announce = useCallback((message: string) => setAnnouncement(message), []);
  const pageError = actionData && !actionData.ok && actionData.formError && !["edit", "reply", "suspend", "ban", "block-email", "block-ip"].includes(actionData.intent ?? "")
    ? actionData.formError
    : null;
  const message = announcement ?? notice;
  return (
    <AnnounceContext.Provider value={announce}>
      <section className="queue-page" aria-labelledby="queue-title">
        <h1 id="queue-title" className="page-title">
          Moderation queue
        </h1>
        <nav aria-label="Queue" className="queue-tabs">
          <ul>
            {QUEUE_TABS.map((t) => (
              <li key={t}>
                <Link to={`/moderation?tab=${t}`} aria-current={t === tab ? "page" : undefined}>
                  {QUEUE_TAB_LABELS[t]} <span className="queue-tabs__count">({counts[t].toLocaleString("en-US")})</span>
                </Link>
              </li>
            ))}
          </ul>
        </nav>
        {spikes.length ? (
          <section className="notice spike-alert" aria-labelledby="spike-alert-title">
            <h2 id="spike-alert-title">Spike alert: possible pump-and-dump</h2>
            <ul>
              {spikes.map((spike) => (
                <li key={spike.tickerId}>
                  <Link to={spike.path}>
                    {spike.label} {spike.companyName}
                  </Link>
                  : {plural(spike.lastDay, "comment")} in the last 24 hours, against a daily average of{" "}
                  {spike.dailyAverage.toLocaleString("en-US")} over the previous 30 days.
                </li>
              ))}
            </ul>
          </section>
        ) : null}
        <div role="status" className={message ? "notice" : undefined}>
          {message ? <p>{message}</p> : null}
        </div>
        {pageError ? (
          <div className="form-errors" role="alert">
            <p>{pageError}</p>
          </div>
        ) : null}
        <h2 className="queue-page__heading">
          {QUEUE_TAB_LABELS[tab]}: {counts[tab].toLocaleString("en-US")} {counts[tab] === 1 ? "comment" : "comments"}, oldest first
        </h2>
        {page.items.length ? (
          <>
            <BulkActions tab={tab} returnTo={here} />
            <ol className="queue">
              {page.items.map((item) => (
                <QueueItemView key={item.id} item={item} me={me} returnTo={here} actionData={actionData?.commentId === item.id ? actionData : undefined} />
              ))}
            </ol>
          </>
        ) : (
          <p className="queue-page__empty">Nothing {continued ? "more " : ""}waits in {QUEUE_TAB_LABELS[tab]}.</p>
        )}
        {page.nextCursor || continued ? (
          <nav aria-label="Queue pages" className="pager">
            {page.nextCursor ? <Link to={`/moderation?tab=${tab}&after=${encodeURIComponent(page.nextCursor)}`}>Next page (newer)</Link> : null}{" "}
            {continued ? <Link to={`/moderation?tab=${tab}`}>Back to the oldest</Link> : null}
          </nav>
        ) : null}
      </section>
    </AnnounceContext.Provider>
  );
}
