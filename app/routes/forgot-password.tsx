import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction, HeadersFunction } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { ErrorSummary, Field, Notice } from "~/components/AccountFields";
import { HONEYPOT_FIELD } from "~/components/CommentForm";
import { FORGOT_FIELDS, forgotPasswordSchema } from "~/lib/account-forms";
import { linkBase, retryAfter } from "~/composition/account-http.server";
import { RESET_SENT_MESSAGE, tooManyRequestsMessage } from "~/lib/account-messages";
import { formValues, parseForm } from "~/lib/validation";
import { requestPasswordReset } from "~/models/accounts.server";
import { readForm } from "~/lib/forms.server";
import { pageHeaders } from "~/lib/route-headers";

// Its 429 keeps the action's Retry-After.
export const headers: HeadersFunction = pageHeaders;

export const meta: MetaFunction = () => [{ title: "Forgot your password?: Assay" }];

export async function loader({ request }: LoaderFunctionArgs) {
  return json({ sent: new URL(request.url).searchParams.get("sent") === "1" });
}

export async function action({ request, context }: ActionFunctionArgs) {
  const form = await readForm(request);
  const honeypot = form.get(HONEYPOT_FIELD);
  if (typeof honeypot === "string" && honeypot.trim() !== "") return redirect("/forgot-password?sent=1", { status: 303 });
  const values = formValues(form, FORGOT_FIELDS);
  const parsed = parseForm(forgotPasswordSchema, values);
  if (!parsed.ok) return json({ errors: parsed.errors, values, formError: null }, { status: 400 });
  const result = await requestPasswordReset(context.db, {
    email: parsed.data.email,
    clientIp: context.clientIp,
    links: linkBase(context),
  });
  if (!result.ok) {
    return json(
      { errors: {}, values, formError: tooManyRequestsMessage(result.retryAfterSeconds) },
      { status: 429, headers: retryAfter(result.retryAfterSeconds) },
    );
  }
  // The same answer for a known and an unknown address.
  return redirect("/forgot-password?sent=1", { status: 303 });
}

export default function ForgotPasswordRoute() {
  const { sent } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const navigation = useNavigation();
  const errors: Partial<Record<string, string>> = actionData?.errors ?? {};
  return (
    <section className="account-page">
      <h1 className="page-title">Forgot your password?</h1>
      {sent ? (
        <Notice>
          <p>{RESET_SENT_MESSAGE}</p>
        </Notice>
      ) : (
        <p className="page-lede">Type the email address of your account, and we will send it a link to choose a new password.</p>
      )}
      <Form method="post" noValidate className="account-form">
        <ErrorSummary form="forgot" errors={errors} labels={{ email: "Email" }} formError={actionData?.formError} />
        <Field
          form="forgot"
          name="email"
          label="Email"
          type="email"
          autoComplete="email"
          required
          error={errors.email}
          defaultValue={actionData?.values.email}
        />
        <div className="hp-field" aria-hidden="true">
          <label htmlFor={HONEYPOT_FIELD}>Leave this field empty</label>
          <input id={HONEYPOT_FIELD} name={HONEYPOT_FIELD} type="text" tabIndex={-1} autoComplete="off" defaultValue="" />
        </div>
        <p>
          <button type="submit" className="button" aria-busy={navigation.state === "submitting" || undefined}>
            Send me a link
          </button>
        </p>
      </Form>
      <p className="account-links">
        <Link to="/login">Back to log in</Link>
      </p>
    </section>
  );
}
