// /feeds/:token/atom.xml: a member's personal feed as Atom (see feed-routes.server.ts).
import type { LoaderFunctionArgs } from "@remix-run/node";
import { personalFeedLoader } from "~/composition/feed-routes.server";

export async function loader(args: LoaderFunctionArgs) {
  return personalFeedLoader(args, "atom");
}
