// Where the feeds live (app/routes/*[.]xml.ts). Safe to import anywhere: the
// guest page cache reads PUBLIC_FEED_PATH to keep the public feeds like pages,
// and the pages read these to advertise their feeds.

/** The public feeds, the same for every reader: kept by the guest page cache. A personal feed never matches. */
export const PUBLIC_FEED_PATH = /^\/(?:(?:feed|atom)\.xml|categories\/[^/]+\/(?:feed|atom)\.xml|tickers\/[^/]+\/[^/]+\/(?:feed|atom)\.xml|articles\/[^/]+\/comments\.xml)$/;

export const FEED_TYPES = { rss: "application/rss+xml", atom: "application/atom+xml" } as const;
export type FeedFormat = keyof typeof FEED_TYPES;

export const siteFeedPath = (format: FeedFormat) => (format === "rss" ? "/feed.xml" : "/atom.xml");
export const categoryFeedPath = (slug: string, format: FeedFormat) => `/categories/${slug}/${format === "rss" ? "feed" : "atom"}.xml`;
export const tickerFeedPath = (ticker: { exchange: string; symbol: string }, format: FeedFormat) =>
  `/tickers/${encodeURIComponent(ticker.exchange)}/${encodeURIComponent(ticker.symbol)}/${format === "rss" ? "feed" : "atom"}.xml`;
export const commentsFeedPath = (articleSlug: string) => `/articles/${articleSlug}/comments.xml`;
export const personalFeedPath = (token: string, format: FeedFormat) => `/feeds/${token}/${format === "rss" ? "feed" : "atom"}.xml`;

/** `<link rel="alternate">` entries for a route's `meta` export (Remix renders them in <head>). */
export function feedLinks(feeds: { title: string; href: string; format: FeedFormat }[]) {
  return feeds.map((f) => ({ tagName: "link" as const, rel: "alternate", type: FEED_TYPES[f.format], title: f.title, href: f.href }));
}
