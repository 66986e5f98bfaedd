// RFC 8058 one-click unsubscribe: the URL in every mail's List-Unsubscribe
// header. Mail providers (Gmail, Yahoo) POST `List-Unsubscribe=One-Click` here
// from their own servers, with no session and no Origin: scripts/server.ts
// exempts this one path from the origin check; the signed token is the
// authority, and it changes only what it names (the least that stops this mail).
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { unsubscribe } from "~/models/mail-links.server";

// Someone opening the URL in a browser gets the page with the choices.
export async function loader({ request }: LoaderFunctionArgs) {
  const token = new URL(request.url).searchParams.get("token") ?? "";
  return redirect(`/mail/unsubscribe?token=${encodeURIComponent(token)}`, { status: 303 });
}

export async function action({ request, context }: ActionFunctionArgs) {
  if (request.method !== "POST") return new Response("Use POST.", { status: 405, headers: { Allow: "POST" } });
  const token = new URL(request.url).searchParams.get("token") ?? "";
  const result = await unsubscribe(context.db, token, "one-click");
  const headers = { "Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store" };
  if (!result.ok) return new Response("This unsubscribe link is not valid.", { status: 400, headers });
  return new Response("Unsubscribed.", { status: 200, headers });
}
