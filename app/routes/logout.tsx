import type { ActionFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { formText } from "~/composition/account-http.server";
import { safeRedirect } from "~/lib/safe-redirect";
import { endSession } from "~/composition/session.server";
import { readForm } from "~/lib/forms.server";

// Logging out changes state, so it is a POST (which the origin check guards); a
// GET only goes home.
export async function loader() {
  return redirect("/", { status: 303 });
}

export async function action({ request, context }: ActionFunctionArgs) {
  const form = await readForm(request);
  const cookie = await endSession(context.db, request);
  return redirect(safeRedirect(formText(form, "redirectTo")), { status: 303, headers: { "Set-Cookie": cookie } });
}
