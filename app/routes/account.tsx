import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction, HeadersFunction } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { ErrorSummary, Field, Notice } from "~/components/AccountFields";
import { DateTime } from "~/components/DateTime";
import {
  changeEmailSchema,
  changePasswordSchema,
  deleteAccountSchema,
  displayNameSchema,
  echoValues,
  PASSWORD_MIN_LENGTH,
} from "~/lib/account-forms";
import { formText, linkBase, retryAfter } from "~/composition/account-http.server";
import { waitText } from "~/lib/account-messages";
import { ROLE_LABELS } from "~/lib/roles";
import { endSession, getCurrentSession, requireUser } from "~/composition/session.server";
import { formValues, parseForm } from "~/lib/validation";
import {
  changeDisplayName,
  changePassword,
  deleteAccount,
  requestEmailChange,
  resendVerification,
} from "~/models/accounts.server";
import { endOtherSessions, endUserSession, listUserSessions } from "~/models/sessions.server";
import { findAccountById } from "~/models/users.server";
import { getNotifyRepliesDefault, setNotifyRepliesDefault } from "~/models/follows.server";
import { ensureFeedToken } from "~/models/feeds.server";
import { personalFeedPath } from "~/lib/feed-paths";
import { publicUrl } from "~/lib/urls.server";
import { readForm } from "~/lib/forms.server";
import { listIgnoredMembers, unignoreMember } from "~/models/ignores.server";
import { parseId } from "~/lib/params";
import { pageHeaders } from "~/lib/route-headers";
import { getDisclosureDefaults, listTickerChoices, saveDisclosureDefault } from "~/models/disclosures.server";
import { POSITION_CHOICES, isDisclosurePosition } from "~/lib/disclosure";

// Its 429 keeps the action's Retry-After.
export const headers: HeadersFunction = pageHeaders;

export const meta: MetaFunction = () => [{ title: "Your account: Assay" }];

const NOTICES: Record<string, string> = {
  name: "Your display name has been changed, on your comments too.",
  "email-sent": "We have sent a link to the new address. Your address changes once you follow it (within 24 hours).",
  "verification-sent": "We have sent you a new link to confirm your address.",
  verified: "Thank you: your email address is confirmed.",
  password: "Your password has been changed. Every other session of your account has ended.",
  "session-ended": "That session has ended.",
  "sessions-ended": "Every other session of your account has ended.",
  "reply-default": "Your choice for replies to your comments has been saved.",
  "disclosure-default": "Your usual answer has been saved. It fills in the disclosure on your next comment that mentions the company.",
  "disclosure-forgotten": "That usual answer is forgotten.",
  unignored: "You no longer ignore that member.",
  "feed-reset": "Your personal feed has a new address. The old one no longer works: give the new one to your feed reader.",
};

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireUser(request, context);
  const { db } = context;
  const current = await getCurrentSession(request, context);
  const account = await findAccountById(db, user.id);
  if (!account) throw redirect("/login", { status: 303 });
  const [sessions, notifyRepliesDefault, disclosureDefaults, tickerChoices, ignored] = await Promise.all([
    listUserSessions(db, user.id, current?.session.id ?? null),
    getNotifyRepliesDefault(db, user.id),
    getDisclosureDefaults(db, user.id),
    listTickerChoices(db),
    listIgnoredMembers(db, user.id),
  ]);
  // The personal feed's secret address, made the first time the member looks.
  const feedToken = await ensureFeedToken(db, user.id);
  return json({
    account: {
      id: account.id,
      displayName: account.displayName,
      // The owner's own address, on the owner's own page only.
      email: account.email,
      emailVerified: account.emailVerified,
      role: account.role,
      joinedAt: account.createdAt.toISOString(),
    },
    sessions,
    notifyRepliesDefault,
    // The member's own holdings: on their own page only, never shown to anyone else.
    disclosureDefaults,
    tickerChoices,
    ignored,
    personalFeed: { rss: publicUrl(context, personalFeedPath(feedToken, "rss")), atom: publicUrl(context, personalFeedPath(feedToken, "atom")) },
    notice: NOTICES[new URL(request.url).searchParams.get("notice") ?? ""] ?? null,
  });
}

type Intent =
  | "name"
  | "email"
  | "resend-verification"
  | "password"
  | "end-session"
  | "end-other-sessions"
  | "delete"
  | "reply-default"
  | "disclosure-default"
  | "unignore";

function problem(
  intent: Intent,
  errors: Partial<Record<string, string>>,
  values: Record<string, string>,
  formError: string | null,
  status = 400,
  headers?: HeadersInit,
) {
  return json({ intent, errors, values, formError }, { status, headers });
}

const done = (notice: string) => redirect(`/account?notice=${notice}`, { status: 303 });

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireUser(request, context);
  const { db } = context;
  const current = await getCurrentSession(request, context);
  const currentToken = current?.session.id ?? null;
  const form = await readForm(request);
  const intent = formText(form, "intent") as Intent;

  switch (intent) {
    case "disclosure-default": {
      const values = formValues(form, ["ticker", "position"] as const);
      const tickerId = parseId(values.ticker);
      const position = values.position === "forget" ? null : values.position;
      if (tickerId === null) return problem(intent, { ticker: "Please choose a company." }, values, null);
      if (position !== null && !isDisclosurePosition(position)) {
        return problem(intent, { position: "Please choose Long, Short, No position or Prefer not to say." }, values, null);
      }
      const saved = await saveDisclosureDefault(db, { userId: user.id, tickerId, position, connected: form.get("connected") === "1" });
      if (!saved.ok) return problem(intent, { ticker: "That company is no longer on the list." }, values, null);
      return done(position === null ? "disclosure-forgotten" : "disclosure-default");
    }
    case "name": {
      const values = formValues(form, ["displayName"] as const);
      const parsed = parseForm(displayNameSchema, values);
      if (!parsed.ok) return problem(intent, parsed.errors, values, null);
      await changeDisplayName(db, { userId: user.id, displayName: parsed.data.displayName });
      return done("name");
    }
    case "email": {
      const values = formValues(form, ["newEmail", "currentPassword"] as const);
      const parsed = parseForm(changeEmailSchema, values);
      if (!parsed.ok) return problem(intent, parsed.errors, echoValues(values), null);
      const result = await requestEmailChange(db, { userId: user.id, ...parsed.data, links: linkBase(context) });
      if (!result.ok) {
        if (result.error === "wrong-password")
          return problem(intent, { currentPassword: "That is not your current password." }, echoValues(values), null);
        if (result.error === "same-email")
          return problem(intent, { newEmail: "That is already your address." }, echoValues(values), null);
        throw redirect("/login", { status: 303 });
      }
      return done("email-sent");
    }
    case "resend-verification": {
      const result = await resendVerification(db, { userId: user.id, links: linkBase(context) });
      if (!result.ok && result.error === "rate-limited") {
        return problem(
          intent,
          {},
          {},
          `We have sent several links already. Please wait ${waitText(result.retryAfterSeconds)}.`,
          429,
          retryAfter(result.retryAfterSeconds),
        );
      }
      return done(result.ok ? "verification-sent" : "verified");
    }
    case "password": {
      const values = formValues(form, ["currentPassword", "newPassword"] as const);
      const parsed = parseForm(changePasswordSchema, values);
      if (!parsed.ok) return problem(intent, parsed.errors, {}, null);
      const result = await changePassword(db, { userId: user.id, ...parsed.data, keepSessionToken: currentToken });
      if (!result.ok) return problem(intent, { currentPassword: "That is not your current password." }, {}, null);
      return done("password");
    }
    case "end-session": {
      const key = formText(form, "session");
      const target = (await listUserSessions(db, user.id, currentToken)).find((s) => s.key === key);
      const ended = target ? await endUserSession(db, user.id, key) : false;
      if (ended && target?.current) {
        return redirect("/login", { status: 303, headers: { "Set-Cookie": await endSession(db, request) } });
      }
      return done("session-ended");
    }
    case "unignore": {
      const ignoredUserId = parseId(formText(form, "member"));
      if (ignoredUserId === null) return problem(intent, {}, {}, "That request was not understood. Please use the forms on this page.");
      await unignoreMember(db, { userId: user.id, ignoredUserId });
      return done("unignored");
    }
    case "reply-default": {
      // The box sends "1" when ticked and nothing when not.
      await setNotifyRepliesDefault(db, user.id, form.get("notifyReplies") === "1");
      return done("reply-default");
    }
    case "end-other-sessions": {
      await endOtherSessions(db, user.id, currentToken);
      return done("sessions-ended");
    }
    case "delete": {
      const values = formValues(form, ["currentPassword", "confirm"] as const);
      const parsed = parseForm(deleteAccountSchema, values);
      if (!parsed.ok) return problem(intent, parsed.errors, {}, null);
      const result = await deleteAccount(db, { userId: user.id, currentPassword: parsed.data.currentPassword });
      if (!result.ok) return problem(intent, { currentPassword: "That is not your current password." }, {}, null);
      return redirect("/login?notice=deleted", { status: 303, headers: { "Set-Cookie": await endSession(db, request) } });
    }
    default:
      return problem("name", {}, {}, "That request was not understood. Please use the forms on this page.");
  }
}

/** "Firefox on Linux"-ish, from a user agent, without any library. */
function browserName(userAgent: string): string {
  if (!userAgent) return "Unknown browser";
  const browser = /Edg\//.test(userAgent)
    ? "Edge"
    : /Firefox\//.test(userAgent)
    ? "Firefox"
    : /Chrome\/|Chromium\//.test(userAgent)
    ? "Chrome"
    : /Safari\//.test(userAgent)
    ? "Safari"
    : "A browser";
  const system = /Android/.test(userAgent)
    ? "Android"
    : /iPhone|iPad/.test(userAgent)
    ? "iOS"
    : /Windows/.test(userAgent)
    ? "Windows"
    : /Mac OS X/.test(userAgent)
    ? "macOS"
    : /Linux/.test(userAgent)
    ? "Linux"
    : null;
  return system ? `${browser} on ${system}` : browser;
}

export default function AccountRoute() {
  const { account, sessions, personalFeed, notice, notifyRepliesDefault, disclosureDefaults, tickerChoices, ignored } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const errorsFor = (intent: Intent): Partial<Record<string, string>> => (actionData?.intent === intent ? actionData.errors : {});
  const formErrorFor = (intent: Intent) => (actionData?.intent === intent ? actionData.formError : null);
  const valuesFor = (intent: Intent): Partial<Record<string, string>> => (actionData?.intent === intent ? actionData.values : {});
  const others = sessions.filter((s) => !s.current).length;

  return (
    <section className="account-page">
      <h1 className="page-title">Your account</h1>
      <p className="page-lede">
        {ROLE_LABELS[account.role]} since <DateTime iso={account.joinedAt} />.{" "}
        <Link to={`/users/${account.id}`}>Your public profile</Link>
      </p>
      {notice ? (
        <Notice>
          <p>{notice}</p>
        </Notice>
      ) : null}

      <section className="account-section" aria-labelledby="name-heading">
        <h2 id="name-heading">Display name</h2>
        <Form method="post" noValidate className="account-form">
          <ErrorSummary
            form="name"
            errors={errorsFor("name")}
            labels={{ displayName: "Display name" }}
            formError={formErrorFor("name")}
          />
          <input type="hidden" name="intent" value="name" />
          <Field
            form="name"
            name="displayName"
            label="Display name"
            autoComplete="nickname"
            required
            error={errorsFor("name").displayName}
            hint="Shown with your comments."
            defaultValue={valuesFor("name").displayName ?? account.displayName}
          />
          <p>
            <button type="submit" className="button">
              Save the name
            </button>
          </p>
        </Form>
      </section>

      <section className="account-section" aria-labelledby="email-heading">
        <h2 id="email-heading">Email address</h2>
        <p>
          Your address is <strong>{account.email}</strong>{" "}
          {account.emailVerified ? "(confirmed)." : "(not confirmed yet: you can comment once it is)."}
        </p>
        {!account.emailVerified ? (
          <Form method="post" className="account-form">
            <ErrorSummary form="resend" labels={{}} formError={formErrorFor("resend-verification")} />
            <input type="hidden" name="intent" value="resend-verification" />
            <button type="submit" className="button button--quiet">
              Send me a new confirmation link
            </button>
          </Form>
        ) : null}
        <Form method="post" noValidate className="account-form">
          <ErrorSummary
            form="email"
            errors={errorsFor("email")}
            labels={{ newEmail: "New email address", currentPassword: "Current password" }}
            formError={formErrorFor("email")}
          />
          <input type="hidden" name="intent" value="email" />
          <Field
            form="email"
            name="newEmail"
            label="New email address"
            type="email"
            autoComplete="email"
            required
            error={errorsFor("email").newEmail}
            hint="We send a link to the new address; it replaces the current one once you follow it."
            defaultValue={valuesFor("email").newEmail}
          />
          <Field
            form="email"
            name="currentPassword"
            label="Current password"
            type="password"
            autoComplete="current-password"
            required
            error={errorsFor("email").currentPassword}
          />
          <p>
            <button type="submit" className="button">
              Change the address
            </button>
          </p>
        </Form>
      </section>

      <section className="account-section" aria-labelledby="password-heading">
        <h2 id="password-heading">Password</h2>
        <Form method="post" noValidate className="account-form">
          <ErrorSummary
            form="password"
            errors={errorsFor("password")}
            labels={{ currentPassword: "Current password", newPassword: "New password" }}
            formError={formErrorFor("password")}
          />
          <input type="hidden" name="intent" value="password" />
          <Field
            form="password"
            name="currentPassword"
            label="Current password"
            type="password"
            autoComplete="current-password"
            required
            error={errorsFor("password").currentPassword}
          />
          <Field
            form="password"
            name="newPassword"
            label="New password"
            type="password"
            autoComplete="new-password"
            required
            error={errorsFor("password").newPassword}
            hint={`At least ${PASSWORD_MIN_LENGTH} characters. Your other sessions end when it changes.`}
          />
          <p>
            <button type="submit" className="button">
              Change the password
            </button>
          </p>
        </Form>
      </section>

      <section className="account-section" aria-labelledby="replies-heading">
        <h2 id="replies-heading">Replies to your comments</h2>
        <Form method="post" className="account-form">
          <input type="hidden" name="intent" value="reply-default" />
          <p className="account-field account-field--checkbox">
            <input id="notifyReplies" name="notifyReplies" type="checkbox" value="1" defaultChecked={notifyRepliesDefault} />{" "}
            <label htmlFor="notifyReplies" className="inline-label">
              Notify me of replies to my comments (the box on the comment form starts ticked)
            </label>
          </p>
          <p className="field-hint">You can still change it on each comment. What you follow is on <Link to="/following">Following</Link>.</p>
          <p>
            <button type="submit" className="button">
              Save
            </button>
          </p>
        </Form>
      </section>

      <section className="account-section" aria-labelledby="disclosures-heading">
        <h2 id="disclosures-heading">Your usual disclosures</h2>
        <p className="field-hint">
          When your comment mentions a company, the form asks your position in it. Your usual answers fill it in for you; you can
          still change them on each comment. This list is yours alone: others only see what you disclose on each comment.
        </p>
        {disclosureDefaults.length ? (
          <ul className="account-list">
            {disclosureDefaults.map((d) => (
              <li key={d.tickerId}>
                ${d.symbol} ({d.companyName}, {d.exchange}): {POSITION_CHOICES.find((c) => c.value === d.position)?.label}
                {d.connected ? "; paid by or connected to the company" : ""}{" "}
                <Form method="post" className="inline-form">
                  <input type="hidden" name="intent" value="disclosure-default" />
                  <input type="hidden" name="ticker" value={d.tickerId} />
                  <input type="hidden" name="position" value="forget" />
                  <button type="submit" className="link-button" aria-label={`Forget your usual answer for $${d.symbol}`}>
                    Forget
                  </button>
                </Form>
              </li>
            ))}
          </ul>
        ) : (
          <p>You have no usual answers yet.</p>
        )}
        {tickerChoices.length ? (
          <Form method="post" className="account-form" noValidate>
            <input type="hidden" name="intent" value="disclosure-default" />
            <ErrorSummary form="disclosure" errors={errorsFor("disclosure-default")} labels={{ ticker: "Company", position: "Position" }} />
            <p className="account-field">
              <label htmlFor="disclosure-ticker">Company</label>
              <select id="disclosure-ticker" name="ticker" defaultValue={valuesFor("disclosure-default").ticker ?? ""}>
                <option value="">Choose…</option>
                {tickerChoices.map((t) => (
                  <option key={t.id} value={t.id}>
                    ${t.symbol}: {t.companyName} ({t.exchange})
                  </option>
                ))}
              </select>
            </p>
            <fieldset>
              <legend>Your position</legend>
              {POSITION_CHOICES.map((c) => (
                <span key={c.value}>
                  <input type="radio" id={`disclosure-position-${c.value}`} name="position" value={c.value} defaultChecked={valuesFor("disclosure-default").position === c.value} />{" "}
                  <label htmlFor={`disclosure-position-${c.value}`} className="inline-label">
                    {c.label}
                  </label>{" "}
                </span>
              ))}
            </fieldset>
            <p className="account-field account-field--checkbox">
              <input id="disclosure-connected" name="connected" type="checkbox" value="1" />{" "}
              <label htmlFor="disclosure-connected" className="inline-label">
                I am paid by or connected to this company
              </label>
            </p>
            <p>
              <button type="submit" className="button">
                Save usual answer
              </button>
            </p>
          </Form>
        ) : null}
      </section>

      <section className="account-section" aria-labelledby="sessions-heading">
        <h2 id="sessions-heading">Where you are logged in</h2>
        <ul className="session-list">
          {sessions.map((session) => (
            <li key={session.key}>
              <span>
                {browserName(session.userAgent)}, since <DateTime iso={session.createdAt} withTime />
                {session.current ? <strong> (this browser)</strong> : null}
              </span>
              <Form method="post">
                <input type="hidden" name="intent" value="end-session" />
                <input type="hidden" name="session" value={session.key} />
                <button type="submit" className="link-button">
                  {session.current ? "Log out here" : "End this session"}
                </button>
              </Form>
            </li>
          ))}
        </ul>
        {others > 0 ? (
          <Form method="post">
            <input type="hidden" name="intent" value="end-other-sessions" />
            <button type="submit" className="button button--quiet">
              End every other session
            </button>
          </Form>
        ) : null}
      </section>

      <section className="account-section" aria-labelledby="feed-heading">
        <h2 id="feed-heading">Your personal feed</h2>
        <p>
          The newest articles of the categories you watch or follow, for your feed reader. The address is secret: anyone who
          has it can read the feed, so keep it to yourself.
        </p>
        <dl className="feed-addresses">
          <dt>RSS</dt>
          <dd>
            <code>{personalFeed.rss}</code>
          </dd>
          <dt>Atom</dt>
          <dd>
            <code>{personalFeed.atom}</code>
          </dd>
        </dl>
        <form method="post" action="/account/feed">
          <p>
            <button type="submit" className="button button--quiet">
              Give my feed a new address
            </button>{" "}
            The current address stops working at once.
          </p>
        </form>
      </section>

      <section className="account-section" aria-labelledby="ignored-heading">
        <h2 id="ignored-heading">Members you ignore</h2>
        <p>Their comments are collapsed for you alone, and their replies do not notify you. No one else sees this list.</p>
        {formErrorFor("unignore") ? (
          <div className="form-errors" role="alert">
            <p>{formErrorFor("unignore")}</p>
          </div>
        ) : null}
        {ignored.length ? (
          <ul className="ignored-members">
            {ignored.map((member) => (
              <li key={member.userId}>
                <Form method="post">
                  <input type="hidden" name="intent" value="unignore" />
                  <input type="hidden" name="member" value={member.userId} />
                  <Link to={`/users/${member.userId}`}>{member.displayName}</Link>, since <DateTime iso={member.since} />{" "}
                  <button type="submit" className="button button--quiet" aria-label={`Stop ignoring ${member.displayName}`}>
                    Stop ignoring
                  </button>
                </Form>
              </li>
            ))}
          </ul>
        ) : (
          <p>You ignore no one. To ignore a member, open their page from their name on a comment.</p>
        )}
      </section>

      <section className="account-section" aria-labelledby="delete-heading">
        <h2 id="delete-heading">Delete your account</h2>
        <p>
          Your name, email address and password are erased. Your comments stay in their threads, signed “[deleted]”. This cannot
          be undone.
        </p>
        <Form method="post" noValidate className="account-form">
          <ErrorSummary
            form="delete"
            errors={errorsFor("delete")}
            labels={{ currentPassword: "Current password", confirm: "Confirmation" }}
            formError={formErrorFor("delete")}
          />
          <input type="hidden" name="intent" value="delete" />
          <Field
            form="delete"
            name="currentPassword"
            label="Current password"
            type="password"
            autoComplete="current-password"
            required
            error={errorsFor("delete").currentPassword}
          />
          <Field
            form="delete"
            name="confirm"
            label="Yes, delete my account"
            type="checkbox"
            error={errorsFor("delete").confirm}
          />
          <p>
            <button type="submit" className="button button--danger">
              Delete my account
            </button>
          </p>
        </Form>
      </section>
    </section>
  );
}
