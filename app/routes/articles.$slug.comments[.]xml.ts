// /articles/:slug/comments.xml: an article's newest published comments as RSS 2.0.
// Kept for guests by the page cache and dropped, as the article page is, when a
// comment there is approved, edited, hidden or removed.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { articleCacheTag } from "~/lib/cache-tags";
import { commentsFeedPath } from "~/lib/feed-paths";
import { commentsFeed, feedAnswer } from "~/composition/feeds.server";
import { getFeedArticle } from "~/models/feeds.server";
import { findArticleRedirect } from "~/models/publishing.server";

export async function loader({ params, request, context }: LoaderFunctionArgs) {
  const slug = params.slug ?? "";
  const article = await getFeedArticle(context.db, slug);
  if (!article) {
    // A moved article's feed moved with it.
    const moved = await findArticleRedirect(context.db, slug);
    if (moved) throw redirect(commentsFeedPath(moved), { status: 301 });
    throw new Response("Article not found", { status: 404 });
  }
  return feedAnswer(request, context, await commentsFeed(context, article), "rss", { cacheTag: articleCacheTag(article.id) });
}
