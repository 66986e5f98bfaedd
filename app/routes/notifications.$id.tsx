// Opening a notification: it is marked read, and the member goes where it leads.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { requireUser } from "~/composition/session.server";
import { openNotification } from "~/models/notifications.server";

export async function loader({ params, request, context }: LoaderFunctionArgs) {
  const user = await requireUser(request, context);
  const opened = await openNotification(context.db, { userId: user.id, id: params.id ?? "" });
  // Someone else's notification is as good as none.
  if (!opened) throw new Response("Notification not found", { status: 404 });
  return redirect(opened.href, { status: 303 });
}

// A page route, so an unknown id gets the site's 404 page.
export default function OpenNotification() {
  return null;
}
