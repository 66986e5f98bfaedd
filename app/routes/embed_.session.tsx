// The frame trades the log-in popup's one-time ticket (app/routes/embed_.login.tsx)
// for a session cookie of its own: inside a news site's page the browser keeps the
// forum's cookies apart (partitioned, or blocked unless partitioned), so the
// popup's own log-in is not seen there. A POST from the frame (its own origin:
// the origin check stands); a ticket works once, for a minute.
import type { ActionFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { formText } from "~/composition/account-http.server";
import { readForm } from "~/lib/forms.server";
import { startSession } from "~/composition/session.server";
import { redeemLoginTicket } from "~/models/embed.server";

export async function loader() {
  return json({ error: "Send the ticket with POST." }, { status: 405, headers: { Allow: "POST" } });
}

export async function action({ request, context }: ActionFunctionArgs) {
  const form = await readForm(request);
  const userId = await redeemLoginTicket(context.db, formText(form, "ticket"));
  if (userId === null) return json({ ok: false, error: "This log-in has expired or was already used. Log in again." }, { status: 400 });
  const cookie = await startSession(context.db, request, userId);
  return json({ ok: true }, { headers: { "Set-Cookie": cookie, "Cache-Control": "private, no-store" } });
}
