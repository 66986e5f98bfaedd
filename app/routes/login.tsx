import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction, HeadersFunction } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { ErrorSummary, Field, Notice } from "~/components/AccountFields";
import { LOGIN_FIELDS, loginSchema } from "~/lib/account-forms";
import { formText, retryAfter } from "~/composition/account-http.server";
import { LOGIN_FAILED_MESSAGE, tooManyAttemptsMessage } from "~/lib/account-messages";
import { safeRedirect } from "~/lib/safe-redirect";
import { getCurrentUser, startSession } from "~/composition/session.server";
import { formValues, parseForm } from "~/lib/validation";
import { logIn } from "~/models/accounts.server";
import { applyFollowIntent, formatFollowIntent, parseFollowIntent } from "~/models/follows.server";
import { FOLLOW_LEVEL_TEXT } from "~/lib/follow-levels";
import { readForm } from "~/lib/forms.server";
import { pageHeaders } from "~/lib/route-headers";

// Its 429 keeps the action's Retry-After.
export const headers: HeadersFunction = pageHeaders;

export const meta: MetaFunction = () => [{ title: "Log in: Assay" }];

const NOTICES: Record<string, string> = {
  verified: "Thank you: your email address is confirmed. You can log in now.",
  reset: "Your password has been changed, and every session of your account has ended. Please log in with the new password.",
  deleted: "Your account has been deleted. Your comments stay in their threads, signed “[deleted]”.",
};

export async function loader({ request, context }: LoaderFunctionArgs) {
  const url = new URL(request.url);
  const redirectTo = safeRedirect(url.searchParams.get("redirectTo"));
  if (await getCurrentUser(request, context)) throw redirect(redirectTo, { status: 303 });
  const notice = NOTICES[url.searchParams.get("notice") ?? ""] ?? null;
  // A follow button a guest pressed: done by the login below (shown, so nobody is surprised).
  const intent = parseFollowIntent(url.searchParams.get("follow"));
  const follow = intent
    ? {
        value: formatFollowIntent(intent),
        text:
          intent.kind === "thread"
            ? "Log in to watch this thread: you come back to it watching."
            : intent.level === "none"
              ? "Log in to stop following this category."
              : `Log in to follow this category (${FOLLOW_LEVEL_TEXT[intent.level].label}): you come back to it having done so.`,
      }
    : null;
  return json({ redirectTo, notice, follow });
}

export async function action({ request, context }: ActionFunctionArgs) {
  const { db } = context;
  const form = await readForm(request);
  const redirectTo = safeRedirect(formText(form, "redirectTo"));
  const values = formValues(form, LOGIN_FIELDS);
  const echo = { email: values.email };
  const parsed = parseForm(loginSchema, values);
  if (!parsed.ok) return json({ errors: parsed.errors, values: echo, formError: null }, { status: 400 });

  const result = await logIn(db, { email: parsed.data.email, password: parsed.data.password, clientIp: context.clientIp });
  if (!result.ok) {
    if (result.error === "rate-limited") {
      return json(
        { errors: {}, values: echo, formError: tooManyAttemptsMessage(result.retryAfterSeconds) },
        { status: 429, headers: retryAfter(result.retryAfterSeconds) },
      );
    }
    return json({ errors: {}, values: echo, formError: LOGIN_FAILED_MESSAGE }, { status: 400 });
  }
  const cookie = await startSession(db, request, result.userId);
  const intent = parseFollowIntent(formText(form, "follow"));
  if (intent) await applyFollowIntent(db, result.userId, intent);
  return redirect(redirectTo, { status: 303, headers: { "Set-Cookie": cookie } });
}

const LABELS = { email: "Email", password: "Password" };

export default function LoginRoute() {
  const { redirectTo, notice, follow } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const navigation = useNavigation();
  const errors: Partial<Record<string, string>> = actionData?.errors ?? {};
  const signupLink = redirectTo !== "/" ? `/signup?redirectTo=${encodeURIComponent(redirectTo)}` : "/signup";
  return (
    <section className="account-page">
      <h1 className="page-title">Log in</h1>
      {notice ? (
        <Notice>
          <p>{notice}</p>
        </Notice>
      ) : null}
      {follow ? (
        <Notice>
          <p>{follow.text}</p>
        </Notice>
      ) : null}
      <Form method="post" noValidate className="account-form">
        <ErrorSummary form="login" errors={errors} labels={LABELS} formError={actionData?.formError} />
        <Field
          form="login"
          name="email"
          label="Email"
          type="email"
          autoComplete="email"
          required
          error={errors.email}
          defaultValue={actionData?.values.email}
        />
        <Field
          form="login"
          name="password"
          label="Password"
          type="password"
          autoComplete="current-password"
          required
          error={errors.password}
        />
        <input type="hidden" name="redirectTo" value={redirectTo} />
        {follow ? <input type="hidden" name="follow" value={follow.value} /> : null}
        <p>
          <button type="submit" className="button" aria-busy={navigation.state === "submitting" || undefined}>
            Log in
          </button>
        </p>
      </Form>
      <p className="account-links">
        <Link to="/forgot-password">Forgot your password?</Link> · No account yet? <Link to={signupLink}>Sign up</Link>
      </p>
    </section>
  );
}
