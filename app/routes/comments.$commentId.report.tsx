// A member reports a comment to the moderators, once, with a reason. A guest is
// asked to log in first (and comes back here); a member who has not confirmed
// their address gets 403 (throwaway accounts must not be able to report).
import type { ActionFunctionArgs, HeadersFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { ErrorSummary } from "~/components/AccountFields";
import { formText, retryAfter } from "~/composition/account-http.server";
import { reportSchema } from "~/lib/moderation-forms";
import { requireUser, type CurrentUser } from "~/composition/session.server";
import { parseForm } from "~/lib/validation";
import { getReportView, REPORT_REASON_LABELS, REPORT_REASONS, reportComment } from "~/models/reports.server";
import { readForm } from "~/lib/forms.server";
import { parseId } from "~/lib/params";
import { pageHeaders } from "~/lib/route-headers";

export const meta: MetaFunction = () => [{ title: "Report a comment: Assay" }, { name: "robots", content: "noindex" }];

// The shared headers (a 429 keeps its Retry-After), and never cached: the page is a member's own.
export const headers: HeadersFunction = (args) => ({ ...pageHeaders(args), "Cache-Control": "private, no-store" });

const UNCONFIRMED = "Please confirm your email address (see the link we mailed you, or ask for a new one at /account) before reporting comments.";

/** A confirmed member: a guest is sent to log in, an unconfirmed member gets 403. */
async function requireReporter(request: Request, context: LoaderFunctionArgs["context"]): Promise<CurrentUser> {
  const user = await requireUser(request, context);
  if (!user.emailVerified) throw new Response(UNCONFIRMED, { status: 403, statusText: "Forbidden" });
  return user;
}

function commentIdOf(params: { commentId?: string }): number {
  const id = parseId(params.commentId);
  if (id === null) throw new Response("Comment not found", { status: 404 });
  return id;
}

export async function loader({ params, request, context }: LoaderFunctionArgs) {
  const commentId = commentIdOf(params);
  const user = await requireReporter(request, context);
  const view = await getReportView(context.db, { commentId, reporterId: user.id });
  if (!view) throw new Response("Comment not found", { status: 404 });
  return json(
    { view, reasons: REPORT_REASONS.map((reason) => ({ reason, label: REPORT_REASON_LABELS[reason] })) },
    { headers: { "Cache-Control": "private, no-store" } },
  );
}

const ERRORS = {
  "already-reported": "You have already reported this comment.",
  "not-reportable": "This comment cannot be reported any more: the moderators have dealt with it.",
  "not-found": "This comment no longer exists.",
  "own-comment": "You cannot report your own comment.",
  restricted: "Your account cannot report comments while it is suspended or banned.",
  "details-required": "Please tell the moderators what is wrong with it.",
  unconfirmed: UNCONFIRMED,
} as const;

export async function action({ params, request, context }: ActionFunctionArgs) {
  const commentId = commentIdOf(params);
  const user = await requireReporter(request, context);
  const form = await readForm(request);
  const values = { reason: formText(form, "reason"), details: formText(form, "details") };
  const parsed = parseForm(reportSchema, values);
  if (!parsed.ok) return json({ errors: parsed.errors, values, formError: null }, { status: 400 });
  const result = await reportComment(context.db, { commentId, reporterId: user.id, clientIp: context.clientIp, ...parsed.data });
  if (!result.ok) {
    if (result.error === "rate-limited") {
      const minutes = Math.max(1, Math.ceil(result.retryAfterSeconds / 60));
      return json(
        { errors: {}, values, formError: `You have sent many reports in a short time. Please try again in ${minutes} minute${minutes === 1 ? "" : "s"}.` },
        { status: 429, headers: retryAfter(result.retryAfterSeconds) },
      );
    }
    const status =
      result.error === "restricted" || result.error === "own-comment" || result.error === "unconfirmed"
        ? 403
        : result.error === "details-required"
          ? 400
          : 409;
    return json({ errors: {}, values, formError: ERRORS[result.error] }, { status });
  }
  return redirect(`/comments/${commentId}/report`, { status: 303 });
}

export default function ReportCommentRoute() {
  const { view, reasons } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const navigation = useNavigation();
  const articlePath = `/articles/${view.article.slug}`;
  const errors: Partial<Record<string, string>> = actionData?.errors ?? {};
  const values = actionData?.values ?? { reason: "", details: "" };
  return (
    <section className="account-page" aria-labelledby="report-title">
      <h1 id="report-title" className="page-title">
        Report a comment
      </h1>
      {view.state === "reported" ? (
        <div className="notice" role="status">
          <p>Thank you: you reported this comment. A moderator will look at it.</p>
        </div>
      ) : view.state === "closed" ? (
        <p>This comment cannot be reported: it is not published, it is your own, or the moderators have already reviewed it.</p>
      ) : (
        <>
          <p>
            On <Link to={`${articlePath}#comment-${view.comment.id}`}>{view.article.title}</Link>, {view.comment.authorName} wrote:
          </p>
          <blockquote className="comment__content report-quote" dangerouslySetInnerHTML={{ __html: view.comment.bodyHtml }} />
          <Form method="post" noValidate className="account-form">
            <ErrorSummary form="report" errors={errors} labels={{ reason: "Reason", details: "Details" }} formError={actionData?.formError} />
            <fieldset id="report-reason" tabIndex={-1} aria-describedby={errors.reason ? "report-reason-error" : undefined}>
              <legend>Why are you reporting it?</legend>
              {reasons.map(({ reason, label }) => (
                <p key={reason} className="settings-choice">
                  <input type="radio" id={`report-reason-${reason}`} name="reason" value={reason} defaultChecked={values.reason === reason} />{" "}
                  <label htmlFor={`report-reason-${reason}`}>{label}</label>
                </p>
              ))}
              {errors.reason ? (
                <span id="report-reason-error" className="field-error">
                  {errors.reason}
                </span>
              ) : null}
            </fieldset>
            <p className="account-field">
              <label htmlFor="report-details">Details (needed for “Something else”)</label>
              <textarea
                id="report-details"
                name="details"
                rows={4}
                maxLength={1000}
                defaultValue={values.details}
                aria-invalid={errors.details ? true : undefined}
                aria-describedby={errors.details ? "report-details-error" : undefined}
              />
              {errors.details ? (
                <span id="report-details-error" className="field-error">
                  {errors.details}
                </span>
              ) : null}
            </p>
            <p>
              <button type="submit" className="button" aria-busy={navigation.state === "submitting" || undefined}>
                Send the report
              </button>
            </p>
          </Form>
        </>
      )}
      <p>
        <Link to={articlePath}>Back to “{view.article.title}”</Link>
      </p>
    </section>
  );
}
