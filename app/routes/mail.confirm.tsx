// /mail/confirm?token=…: a guest confirms the address they gave with a comment
// (double opt-in); until then it gets nothing but this link. Opening the link
// shows a button; the POST confirms, so a mail scanner opening links cannot.
import type { ActionFunctionArgs, HeadersFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { formText } from "~/composition/account-http.server";
import { readForm } from "~/lib/forms.server";
import { pageHeaders } from "~/lib/route-headers";
import { checkConfirmToken, confirmGuestAddress } from "~/models/mail-links.server";

export const meta: MetaFunction = () => [{ title: "Confirm your address: Assay" }, { name: "robots", content: "noindex" }];

// No cache tag: never kept in the guest page cache (the page holds its token).
export const headers: HeadersFunction = pageHeaders;

const BAD_LINK = "This link is not valid (it may have been cut short by your mail program). Open it again from the mail, whole.";

export async function loader({ request, context }: LoaderFunctionArgs) {
  const token = new URL(request.url).searchParams.get("token") ?? "";
  const valid = await checkConfirmToken(context.db, token);
  return json({ token: valid ? token : "" }, { status: valid ? 200 : 400, headers: { "Cache-Control": "private, no-store" } });
}

export async function action({ request, context }: ActionFunctionArgs) {
  const form = await readForm(request);
  const result = await confirmGuestAddress(context.db, formText(form, "token"));
  if (!result.ok) {
    const message = result.error === "unsubscribed" ? "This address asked for no mail from us, so none will be sent." : BAD_LINK;
    return json({ done: false, message }, { status: result.error === "unsubscribed" ? 409 : 400 });
  }
  return json({ done: true, message: "Thank you: you will be told by mail of replies to your comments." });
}

export default function ConfirmAddressRoute() {
  const { token } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  return (
    <section className="account-page">
      <h1 className="page-title">Confirm your address</h1>
      {actionData ? (
        <p role={actionData.done ? "status" : "alert"}>{actionData.message}</p>
      ) : !token ? (
        <div className="form-errors" role="alert">
          <p>{BAD_LINK}</p>
        </div>
      ) : (
        <Form method="post" className="account-form">
          <input type="hidden" name="token" value={token} />
          <p>Press the button to be told by mail of replies to your comments.</p>
          <p>
            <button type="submit" className="button">
              Confirm my address
            </button>
          </p>
        </Form>
      )}
    </section>
  );
}
