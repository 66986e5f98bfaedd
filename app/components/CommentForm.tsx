// The WordPress-style "Leave a Reply" form. Works as a plain HTML form without
// JavaScript; with it, Remix submits it without a full reload.
import { Form, Link, useNavigation } from "@remix-run/react";
import { useEffect, useRef } from "react";
import { DisclosureFields, SentimentField, useMentionedTickers, type DisclosureState } from "./DisclosureFields";

export const HONEYPOT_FIELD = "assay_website_confirm";
/** The "Notify me of replies" box: "1" when ticked. */
export const NOTIFY_REPLIES_FIELD = "notify_replies";

export type CommentFormField = "comment" | "author" | "email" | "url";

export interface CommentFormProps {
  action: string;
  articlePath: string;
  replyTo: { id: number; authorName: string } | null;
  values?: Partial<Record<CommentFormField, string>>;
  errors?: Partial<Record<CommentFormField, string>>;
  formError?: string | null;
  /** The logged-in member: their name replaces the Name, Email and Website fields. */
  member?: { displayName: string; emailVerified: boolean } | null;
  /** Whether "Notify me of replies" starts ticked: a member's default, off for guests. */
  notifyReplies?: boolean;
  /** Sent back with a refused post: the tickers the comment mentions and the answers chosen. */
  disclosure?: DisclosureState | null;
}

const LOGOUT_FORM_ID = "respond-logout";

const FIELD_LABELS: Record<CommentFormField, string> = {
  comment: "Comment",
  author: "Name",
  email: "Email",
  url: "Website",
};

function FieldError({ field, message }: { field: CommentFormField; message?: string }) {
  if (!message) return null;
  return (
    <span id={`${field}-error`} className="field-error">
      {message}
    </span>
  );
}

export function CommentForm({
  action,
  articlePath,
  replyTo,
  values = {},
  errors = {},
  formError,
  member = null,
  notifyReplies = false,
  disclosure = null,
}: CommentFormProps) {
  const mentioned = useMentionedTickers(disclosure);
  const navigation = useNavigation();
  const summaryRef = useRef<HTMLDivElement>(null);
  const formRef = useRef<HTMLFormElement>(null);
  const submitting = navigation.state === "submitting" && navigation.formAction === action;
  const sent = useRef(false);
  const invalid = (Object.keys(errors) as CommentFormField[]).filter((field) => errors[field]);
  const hasProblem = invalid.length > 0 || Boolean(formError);

  // After a rejected submission, move focus to the summary so keyboard and
  // screen-reader users land on what went wrong.
  useEffect(() => {
    if (hasProblem) summaryRef.current?.focus();
  }, [hasProblem, errors, formError]);

  // Clear the fields once a comment went through (a rejected one keeps them).
  useEffect(() => {
    if (submitting) sent.current = true;
    else if (navigation.state === "idle" && sent.current) {
      sent.current = false;
      if (!hasProblem) formRef.current?.reset();
    }
  }, [submitting, navigation.state, hasProblem]);

  const describedBy = (field: CommentFormField, extra?: string) =>
    [errors[field] ? `${field}-error` : null, extra].filter(Boolean).join(" ") || undefined;

  return (
    <section id="respond" className="respond" aria-labelledby="reply-title">
      <h2 id="reply-title" className="respond__title">
        {replyTo ? `Reply to ${replyTo.authorName}` : "Leave a Reply"}
        {replyTo ? (
          <small className="respond__cancel">
            <Link to={`${articlePath}#respond`} preventScrollReset>
              Cancel reply
            </Link>
          </small>
        ) : null}
      </h2>
      {member && !member.emailVerified ? (
        <p className="logged-in-as">
          Logged in as <Link to="/account">{member.displayName}</Link>.{" "}
          <button type="submit" form={LOGOUT_FORM_ID} className="link-button">
            Log out?
          </button>{" "}
          Please confirm your email address before commenting: follow the link we sent you, or{" "}
          <Link to="/account">ask for a new one</Link>.
        </p>
      ) : (
        <Form method="post" action={action} noValidate className="comment-form" ref={formRef}>
          {member ? (
            <p className="logged-in-as">
              Logged in as <Link to="/account">{member.displayName}</Link>.{" "}
              <button type="submit" form={LOGOUT_FORM_ID} className="link-button">
                Log out?
              </button>{" "}
              <span className="required-field-message">
                Required fields are marked <span className="required">*</span>
              </span>
            </p>
          ) : (
            <p className="comment-notes">
              <span id="email-notes">Your email address will not be published.</span>{" "}
              <span className="required-field-message">
                Required fields are marked <span className="required">*</span>
              </span>
            </p>
          )}
          {hasProblem ? (
            <div className="form-errors" role="alert" tabIndex={-1} ref={summaryRef}>
              {formError ? <p>{formError}</p> : null}
              {invalid.length ? (
                <>
                  <p>Your comment was not posted. Please correct:</p>
                  <ul>
                    {invalid.map((field) => (
                      <li key={field}>
                        <a
                          href={`#${field}`}
                          onClick={(event) => {
                            // Following the link scrolls; focusing the field lets the person type at once.
                            event.preventDefault();
                            document.getElementById(field)?.focus();
                          }}
                        >
                          {FIELD_LABELS[field]}: {errors[field]}
                        </a>
                      </li>
                    ))}
                  </ul>
                </>
              ) : null}
            </div>
          ) : null}
          <p className="comment-form-comment">
            <label htmlFor="comment">
              Comment <span className="required">*</span>
            </label>
            <textarea
              id="comment"
              name="comment"
              rows={8}
              required
              aria-invalid={errors.comment ? true : undefined}
              aria-describedby={describedBy("comment", "comment-hint")}
              defaultValue={values.comment ?? ""}
              onChange={(event) => mentioned.onCommentInput(event.currentTarget.value)}
            />
            <span id="comment-hint" className="field-hint">
              Markdown works: **bold**, *italic*, [links](https://example.com), lists and quotes.
            </span>
            <FieldError field="comment" message={errors.comment} />
          </p>
          {member ? null : (
            <>
              <p className="comment-form-author">
                <label htmlFor="author">
                  Name <span className="required">*</span>
                </label>
                <input
                  id="author"
                  name="author"
                  type="text"
                  autoComplete="name"
                  required
                  aria-invalid={errors.author ? true : undefined}
                  aria-describedby={describedBy("author")}
                  defaultValue={values.author ?? ""}
                />
                <FieldError field="author" message={errors.author} />
              </p>
              <p className="comment-form-email">
                <label htmlFor="email">
                  Email <span className="required">*</span>
                </label>
                <input
                  id="email"
                  name="email"
                  type="email"
                  autoComplete="email"
                  required
                  aria-invalid={errors.email ? true : undefined}
                  aria-describedby={describedBy("email", "email-notes")}
                  defaultValue={values.email ?? ""}
                />
                <FieldError field="email" message={errors.email} />
              </p>
              <p className="comment-form-url">
                <label htmlFor="url">Website</label>
                <input
                  id="url"
                  name="url"
                  type="url"
                  autoComplete="url"
                  aria-invalid={errors.url ? true : undefined}
                  aria-describedby={describedBy("url")}
                  defaultValue={values.url ?? ""}
                />
                <FieldError field="url" message={errors.url} />
              </p>
            </>
          )}
          {/* After who is writing: the questions about what they hold, then how they see it. */}
          <DisclosureFields state={mentioned.state} />
          <SentimentField key={disclosure?.sentiment ?? ""} value={disclosure?.sentiment ?? ""} />
          {/* Honeypot: hidden from people and assistive technology; bots fill it in. */}
          <div className="hp-field" aria-hidden="true">
            <label htmlFor={HONEYPOT_FIELD}>Leave this field empty</label>
            <input id={HONEYPOT_FIELD} name={HONEYPOT_FIELD} type="text" tabIndex={-1} autoComplete="off" defaultValue="" />
          </div>
          <p className="comment-form-notify">
            <input
              id={NOTIFY_REPLIES_FIELD}
              name={NOTIFY_REPLIES_FIELD}
              type="checkbox"
              value="1"
              defaultChecked={notifyReplies}
              aria-describedby="notify-replies-hint"
            />{" "}
            <label htmlFor={NOTIFY_REPLIES_FIELD} className="comment-form-notify__label">
              Notify me of replies
            </label>
            <span id="notify-replies-hint" className="field-hint">
              {member
                ? "By mail and on your notifications page. Your default is in your account settings."
                : "By mail to the address above. We first send a link to confirm it; nothing else until you follow it."}
            </span>
          </p>
          <input type="hidden" name="comment_parent" value={replyTo ? String(replyTo.id) : "0"} />
          <p className="form-submit">
            <button type="submit" className="button" aria-busy={submitting || undefined}>
              {submitting ? "Posting…" : "Post Comment"}
            </button>
          </p>
        </Form>
      )}
      {member ? (
        // "Log out?" above submits this form (a POST: logging out changes state).
        <Form id={LOGOUT_FORM_ID} method="post" action="/logout" aria-hidden="true" hidden>
          <input type="hidden" name="redirectTo" value={`${articlePath}#respond`} />
        </Form>
      ) : null}
    </section>
  );
}
