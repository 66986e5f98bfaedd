// /categories/:slug/atom.xml: a category's newest articles as Atom.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { categoryFeedLoader } from "~/composition/feed-routes.server";

export async function loader(args: LoaderFunctionArgs) {
  return categoryFeedLoader(args, "atom");
}
