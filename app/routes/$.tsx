import type { LoaderFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { findPermalinkRedirect } from "~/models/permalinks.server";

// Any address no other route claims: an imported article's old permalink answers
// 301 to the article; anything else is a real 404, rendered by the root error boundary.
export async function loader({ request, context }: LoaderFunctionArgs) {
  const url = new URL(request.url);
  const slug = await findPermalinkRedirect(context.db, url.pathname);
  if (slug) throw redirect(`/articles/${slug}`, { status: 301 });
  throw new Response("Not found", { status: 404 });
}

export default function NotFound() {
  return null;
}
