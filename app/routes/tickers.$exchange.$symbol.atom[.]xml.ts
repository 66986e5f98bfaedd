// /tickers/:exchange/:symbol/atom.xml: a ticker's newest tagged articles as Atom.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { tickerFeedLoader } from "~/composition/feed-routes.server";

export async function loader(args: LoaderFunctionArgs) {
  return tickerFeedLoader(args, "atom");
}
