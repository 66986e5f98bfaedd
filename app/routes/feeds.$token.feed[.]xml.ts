// /feeds/:token/feed.xml: a member's personal feed as RSS 2.0 (see feed-routes.server.ts).
import type { LoaderFunctionArgs } from "@remix-run/node";
import { personalFeedLoader } from "~/composition/feed-routes.server";

export async function loader(args: LoaderFunctionArgs) {
  return personalFeedLoader(args, "rss");
}
