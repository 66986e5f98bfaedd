// The loaders that two feed routes share (RSS and Atom of the same thing).
import type { LoaderFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { listCacheTag } from "../lib/cache-tags";
import { categoryFeedPath, type FeedFormat } from "../lib/feed-paths";
import { categoryFeed, feedAnswer, personalFeed, tickerFeed } from "./feeds.server";
import { getTicker } from "../models/tickers.server";
import { findCategoryRedirect, getCategoryBySlug } from "../models/categories.server";
import { findFeedOwner } from "../models/feeds.server";

/** A category's feed; a renamed or merged category's old feed address answers 301. */
export async function categoryFeedLoader({ params, request, context }: LoaderFunctionArgs, format: FeedFormat): Promise<Response> {
  const slug = params.slug ?? "";
  const category = await getCategoryBySlug(context.db, slug);
  if (!category) {
    const moved = await findCategoryRedirect(context.db, slug);
    if (moved) throw redirect(categoryFeedPath(moved, format), { status: 301 });
    throw new Response("Category not found", { status: 404 });
  }
  // Any change to an article drops every list, this one too.
  return feedAnswer(request, context, await categoryFeed(context, category, format), format, { cacheTag: listCacheTag() });
}

/** A ticker's feed (its tagged articles); an unknown ticker is a 404. */
export async function tickerFeedLoader({ params, request, context }: LoaderFunctionArgs, format: FeedFormat): Promise<Response> {
  const ticker = await getTicker(context.db, params.exchange ?? "", params.symbol ?? "");
  if (!ticker) throw new Response("Ticker not found", { status: 404 });
  return feedAnswer(request, context, await tickerFeed(context, ticker, format), format, { cacheTag: listCacheTag() });
}

/**
 * A member's personal feed. The token in the URL is the only key (a feed reader
 * has no session), so an unknown or reset one is a 404, and the feed never goes
 * to the shared guest cache (its path is not a public feed's) nor to a CDN.
 */
export async function personalFeedLoader({ params, request, context }: LoaderFunctionArgs, format: FeedFormat): Promise<Response> {
  const token = params.token ?? "";
  const owner = await findFeedOwner(context.db, token);
  if (!owner) throw new Response("Feed not found", { status: 404 });
  return feedAnswer(request, context, await personalFeed(context, owner, token, format), format, { personal: true });
}
