import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { ErrorSummary, Field } from "~/components/AccountFields";
import { PASSWORD_MIN_LENGTH, RESET_FIELDS, resetPasswordSchema } from "~/lib/account-forms";
import { formText } from "~/composition/account-http.server";
import { EXPIRED_LINK_MESSAGE } from "~/lib/account-messages";
import { endSession } from "~/composition/session.server";
import { formValues, parseForm } from "~/lib/validation";
import { checkToken, resetPassword } from "~/models/accounts.server";
import { readForm } from "~/lib/forms.server";

export const meta: MetaFunction = () => [{ title: "Choose a new password: Assay" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const token = new URL(request.url).searchParams.get("token") ?? "";
  const valid = await checkToken(context.db, token, "reset-password");
  return json({ valid, token: valid ? token : "" });
}

export async function action({ request, context }: ActionFunctionArgs) {
  const { db } = context;
  const form = await readForm(request);
  const token = formText(form, "token");
  const values = formValues(form, RESET_FIELDS);
  const parsed = parseForm(resetPasswordSchema, values);
  if (!parsed.ok) return json({ errors: parsed.errors, formError: null, expired: false }, { status: 400 });
  const result = await resetPassword(db, { token, newPassword: parsed.data.password });
  if (!result.ok) return json({ errors: {}, formError: EXPIRED_LINK_MESSAGE, expired: true }, { status: 400 });
  // Every session of the account ended, this browser's too.
  const cookie = await endSession(db, request);
  return redirect("/login?notice=reset", { status: 303, headers: { "Set-Cookie": cookie } });
}

export default function ResetPasswordRoute() {
  const { valid, token } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const navigation = useNavigation();
  const errors: Partial<Record<string, string>> = actionData?.errors ?? {};
  if (!valid || actionData?.expired) {
    return (
      <section className="account-page">
        <h1 className="page-title">Choose a new password</h1>
        <div className="form-errors" role="alert">
          <p>{EXPIRED_LINK_MESSAGE}</p>
        </div>
        <p className="account-links">
          <Link to="/forgot-password">Ask for a new link</Link>
        </p>
      </section>
    );
  }
  return (
    <section className="account-page">
      <h1 className="page-title">Choose a new password</h1>
      <Form method="post" noValidate className="account-form">
        <ErrorSummary form="reset" errors={errors} labels={{ password: "New password" }} formError={actionData?.formError} />
        <Field
          form="reset"
          name="password"
          label="New password"
          type="password"
          autoComplete="new-password"
          required
          error={errors.password}
          hint={`At least ${PASSWORD_MIN_LENGTH} characters, and not one of the most common passwords.`}
        />
        <input type="hidden" name="token" value={token} />
        <p>
          <button type="submit" className="button" aria-busy={navigation.state === "submitting" || undefined}>
            Save the new password
          </button>
        </p>
      </Form>
    </section>
  );
}
