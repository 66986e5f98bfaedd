import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction, HeadersFunction } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { ErrorSummary, Field, Notice } from "~/components/AccountFields";
import { HONEYPOT_FIELD } from "~/components/CommentForm";
import { echoValues, PASSWORD_MIN_LENGTH, SIGNUP_FIELDS, signupSchema } from "~/lib/account-forms";
import { linkBase, retryAfter } from "~/composition/account-http.server";
import { SIGNUP_SENT_MESSAGE, tooManyRequestsMessage } from "~/lib/account-messages";
import { requireAnonymous } from "~/composition/session.server";
import { formValues, parseForm } from "~/lib/validation";
import { signUp } from "~/models/accounts.server";
import { readForm } from "~/lib/forms.server";
import { pageHeaders } from "~/lib/route-headers";

// Its 429 keeps the action's Retry-After.
export const headers: HeadersFunction = pageHeaders;

export const meta: MetaFunction = () => [{ title: "Sign up: Assay" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  await requireAnonymous(request, context);
  return json({ sent: new URL(request.url).searchParams.get("sent") === "1" });
}

export async function action({ request, context }: ActionFunctionArgs) {
  await requireAnonymous(request, context);
  const { db } = context;
  const form = await readForm(request);
  // A bot filled the hidden field: answer as for everyone, create nothing.
  const honeypot = form.get(HONEYPOT_FIELD);
  if (typeof honeypot === "string" && honeypot.trim() !== "") return redirect("/signup?sent=1", { status: 303 });

  const values = formValues(form, SIGNUP_FIELDS);
  const parsed = parseForm(signupSchema, values);
  if (!parsed.ok) return json({ errors: parsed.errors, values: echoValues(values), formError: null }, { status: 400 });
  const result = await signUp(db, { ...parsed.data, clientIp: context.clientIp, links: linkBase(context) });
  if (!result.ok) {
    return json(
      { errors: {}, values: echoValues(values), formError: tooManyRequestsMessage(result.retryAfterSeconds) },
      { status: 429, headers: retryAfter(result.retryAfterSeconds) },
    );
  }
  // The same answer whether the address was new or already had an account.
  return redirect("/signup?sent=1", { status: 303 });
}

const LABELS = { displayName: "Display name", email: "Email", password: "Password" };

export default function SignupRoute() {
  const { sent } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const navigation = useNavigation();
  const errors: Partial<Record<string, string>> = actionData?.errors ?? {};
  const values: Partial<Record<string, string>> = actionData?.values ?? {};
  if (sent) {
    return (
      <section className="account-page">
        <h1 className="page-title">Check your email</h1>
        <Notice>
          <p>{SIGNUP_SENT_MESSAGE}</p>
        </Notice>
        <p className="account-links">
          <Link to="/login">Log in</Link>
        </p>
      </section>
    );
  }
  return (
    <section className="account-page">
      <h1 className="page-title">Sign up</h1>
      <p className="page-lede">An account lets you comment under your name without typing it each time.</p>
      <Form method="post" noValidate className="account-form">
        <ErrorSummary form="signup" errors={errors} labels={LABELS} formError={actionData?.formError} />
        <p className="comment-notes">
          Required fields are marked <span className="required">*</span>
        </p>
        <Field
          form="signup"
          name="displayName"
          label="Display name"
          autoComplete="nickname"
          required
          error={errors.displayName}
          hint="Shown with your comments."
          defaultValue={values.displayName}
        />
        <Field
          form="signup"
          name="email"
          label="Email"
          type="email"
          autoComplete="email"
          required
          error={errors.email}
          hint="Never shown to anyone. We send a link to confirm it."
          defaultValue={values.email}
        />
        <Field
          form="signup"
          name="password"
          label="Password"
          type="password"
          autoComplete="new-password"
          required
          error={errors.password}
          hint={`At least ${PASSWORD_MIN_LENGTH} characters, and not one of the most common passwords.`}
        />
        {/* Honeypot: hidden from people and assistive technology; bots fill it in. */}
        <div className="hp-field" aria-hidden="true">
          <label htmlFor={HONEYPOT_FIELD}>Leave this field empty</label>
          <input id={HONEYPOT_FIELD} name={HONEYPOT_FIELD} type="text" tabIndex={-1} autoComplete="off" defaultValue="" />
        </div>
        <p>
          <button type="submit" className="button" aria-busy={navigation.state === "submitting" || undefined}>
            Sign up
          </button>
        </p>
      </Form>
      <p className="account-links">
        Already have an account? <Link to="/login">Log in</Link>
      </p>
    </section>
  );
}
