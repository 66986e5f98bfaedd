import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { formText } from "~/composition/account-http.server";
import { EXPIRED_LINK_MESSAGE } from "~/lib/account-messages";
import { getCurrentUser } from "~/composition/session.server";
import { checkToken, verifyEmail } from "~/models/accounts.server";
import { readForm } from "~/lib/forms.server";

export const meta: MetaFunction = () => [{ title: "Confirm your email address: Assay" }];

// Opening the link shows a button; the token is used by the POST. Mail scanners
// that open every link therefore cannot use it up before the person does.
export async function loader({ request, context }: LoaderFunctionArgs) {
  const token = new URL(request.url).searchParams.get("token") ?? "";
  const valid = await checkToken(context.db, token, "verify-email");
  return json({ valid, token: valid ? token : "" });
}

export async function action({ request, context }: ActionFunctionArgs) {
  const form = await readForm(request);
  const result = await verifyEmail(context.db, formText(form, "token"));
  if (!result.ok) {
    const message =
      result.error === "email-taken"
        ? "That address now belongs to another account, so it could not be confirmed for yours."
        : EXPIRED_LINK_MESSAGE;
    return json({ formError: message }, { status: result.error === "email-taken" ? 409 : 400 });
  }
  const user = await getCurrentUser(request, context);
  return redirect(user ? "/account?notice=verified" : "/login?notice=verified", { status: 303 });
}

export default function VerifyEmailRoute() {
  const { valid, token } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  if (!valid || actionData?.formError) {
    return (
      <section className="account-page">
        <h1 className="page-title">Confirm your email address</h1>
        <div className="form-errors" role="alert">
          <p>{actionData?.formError ?? EXPIRED_LINK_MESSAGE}</p>
        </div>
        <p className="account-links">
          Log in and ask for a new link on <Link to="/account">your account page</Link>.
        </p>
      </section>
    );
  }
  return (
    <section className="account-page">
      <h1 className="page-title">Confirm your email address</h1>
      <Form method="post" className="account-form">
        <input type="hidden" name="token" value={token} />
        <p>
          <button type="submit" className="button">
            Confirm my email address
          </button>
        </p>
      </Form>
    </section>
  );
}
