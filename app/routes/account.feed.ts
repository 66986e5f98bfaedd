// POST /account/feed: a new secret for the member's personal feed. The old URL
// stops working at once (a 404), for whoever had it. Back to /account, which shows the new one.
import type { ActionFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { requireUser } from "~/composition/session.server";
import { resetFeedToken } from "~/models/feeds.server";

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireUser(request, context);
  await resetFeedToken(context.db, user.id);
  return redirect("/account?notice=feed-reset", { status: 303 });
}
