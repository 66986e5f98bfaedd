// "Watch this thread" on an article page: POST only (a form that works without
// JavaScript). A guest is asked to log in, and the login starts the watch.
import type { ActionFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { unchangedHeaders } from "~/lib/cache-tags";
import { readForm } from "~/lib/forms.server";
import { getCurrentUser } from "~/composition/session.server";
import { getPublishedArticle } from "~/models/articles.server";
import { formatFollowIntent, setThreadWatch } from "~/models/follows.server";

export async function loader() {
  // The form posts here; a GET (an old bookmark, a crawler) has nothing to show.
  throw new Response("Not found", { status: 404 });
}

export async function action({ params, request, context }: ActionFunctionArgs) {
  const article = await getPublishedArticle(context.db, params.slug ?? "");
  if (!article) throw new Response("Article not found", { status: 404 });
  const form = await readForm(request);
  const watch = form.get("watch");
  if (watch !== "1" && watch !== "0") throw new Response("Use the Watch this thread button on the article page.", { status: 400 });
  const path = `/articles/${article.slug}`;
  const user = await getCurrentUser(request, context);
  // Only what guests see decides the page cache, and a watch changes none of it.
  if (!user) {
    const follow = formatFollowIntent({ kind: "thread", slug: article.slug });
    return redirect(`/login?redirectTo=${encodeURIComponent(`${path}#watch`)}&follow=${encodeURIComponent(follow)}`, { status: 303, headers: unchangedHeaders() });
  }
  await setThreadWatch(context.db, { userId: user.id, articleId: article.id, watch: watch === "1" });
  return redirect(`${path}#watch`, { status: 303, headers: unchangedHeaders() });
}
