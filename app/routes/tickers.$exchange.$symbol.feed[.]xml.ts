// /tickers/:exchange/:symbol/feed.xml: a ticker's newest tagged articles as RSS 2.0.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { tickerFeedLoader } from "~/composition/feed-routes.server";

export async function loader(args: LoaderFunctionArgs) {
  return tickerFeedLoader(args, "rss");
}
