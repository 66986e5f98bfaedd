// A comment's permanent address, /comments/:id: sends the reader to the page of its
// thread that shows it (a thread of thousands is read a page at a time), at its anchor.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { readHeldCommentIds } from "~/composition/held-comments.server";
import { commentLocation } from "~/models/threads.server";
import { parseId } from "~/lib/params";

export async function loader({ params, request, context }: LoaderFunctionArgs) {
  const id = parseId(params.commentId);
  const location = id !== null ? await commentLocation(context.db, id) : null;
  // A held comment exists only for the browser that posted it.
  const visible = location && (!location.held || (await readHeldCommentIds(context.db, request)).includes(id!));
  if (!location || !visible) throw new Response("Comment not found", { status: 404 });
  return redirect(location.href, { status: 302 });
}

// A page route, not a resource route, so an unknown id gets the site's 404 page, not bare text.
export default function CommentPermalink() {
  return null;
}
