// /atom.xml: the newest articles as Atom (app/composition/feeds.server.ts). Kept for guests
// by the page cache and dropped, as every list is, when any article changes.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { listCacheTag } from "~/lib/cache-tags";
import { feedAnswer, siteFeed } from "~/composition/feeds.server";

export async function loader({ request, context }: LoaderFunctionArgs) {
  return feedAnswer(request, context, await siteFeed(context, "atom"), "atom", { cacheTag: listCacheTag() });
}
