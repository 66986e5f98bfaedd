// /categories/:slug/feed.xml: a category's newest articles as RSS 2.0.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { categoryFeedLoader } from "~/composition/feed-routes.server";

export async function loader(args: LoaderFunctionArgs) {
  return categoryFeedLoader(args, "rss");
}
