// RSS 2.0 and Atom documents, written by the `feed` package, and their HTTP
// answer: ETag and Last-Modified, 304 to a reader that has this version. Every
// URL comes from the configured public origin (never the Host header). Entries
// carry names, dates and sanitized HTML only: no email address, since the
// models never read one for a feed.
import { Feed, type Item } from "feed";
import type { DB } from "../../db/connection";
import { CACHE_TAG_HEADER } from "../lib/cache-tags";
import { FEED_TYPES, categoryFeedPath, commentsFeedPath, personalFeedPath, siteFeedPath, tickerFeedPath, type FeedFormat } from "../lib/feed-paths";
import { tickerPath } from "../lib/ticker-paths";
import type { Ticker } from "../models/tickers.server";
import { makeEtag, notModified } from "../lib/conditional-get";
import { publicUrl } from "../lib/urls.server";
import type { CategoryDetail } from "../models/categories.server";
import { followsChangedAt, listFeedArticles, listFeedComments, listPersonalFeedArticles, type FeedArticle, type FeedComment } from "../models/feeds.server";

type Context = { publicOrigin?: string };
type LoadContext = Context & { db: DB };

/** What a feed without entries says it last changed (a fixed date, so its ETag and Last-Modified hold still). */
const NEVER = new Date(Date.UTC(2025, 0, 1));

const bothFormats = (path: (format: FeedFormat) => string) => ({ rss: path("rss"), atom: path("atom") });

export async function siteFeed(context: LoadContext, format: FeedFormat): Promise<FeedDocument> {
  const articles = await listFeedArticles(context.db);
  return {
    title: "Assay: latest articles",
    description: "The latest rare earth industry news, with moderated discussion among investors.",
    pagePath: "/",
    selfPath: siteFeedPath(format),
    feedPaths: bothFormats(siteFeedPath),
    items: articleItems(context, articles),
    updated: newest(articles.map((a) => a.updatedAt), NEVER),
  };
}

export async function categoryFeed(context: LoadContext, category: CategoryDetail, format: FeedFormat): Promise<FeedDocument> {
  const articles = await listFeedArticles(context.db, { categoryId: category.id });
  return {
    title: `Assay: ${category.name}`,
    description: category.description || `The latest articles in ${category.name}.`,
    pagePath: `/categories/${category.slug}`,
    selfPath: categoryFeedPath(category.slug, format),
    feedPaths: bothFormats((f) => categoryFeedPath(category.slug, f)),
    items: articleItems(context, articles),
    updated: newest(articles.map((a) => a.updatedAt), NEVER),
  };
}

/** A ticker's feed: the newest articles tagged with it, as a category's. */
export async function tickerFeed(context: LoadContext, ticker: Ticker, format: FeedFormat): Promise<FeedDocument> {
  const articles = await listFeedArticles(context.db, { tickerId: ticker.id });
  return {
    title: `Assay: $${ticker.symbol} (${ticker.exchange}) ${ticker.companyName}`,
    description: `The latest articles about ${ticker.companyName} ($${ticker.symbol} on ${ticker.exchange}).`,
    pagePath: tickerPath(ticker),
    selfPath: tickerFeedPath(ticker, format),
    feedPaths: bothFormats((f) => tickerFeedPath(ticker, f)),
    items: articleItems(context, articles),
    updated: newest(articles.map((a) => a.updatedAt), NEVER),
  };
}

export async function commentsFeed(context: LoadContext, article: FeedArticle): Promise<FeedDocument> {
  const comments = await listFeedComments(context.db, article.id);
  return {
    title: `Comments on ${article.title}: Assay`,
    description: `The newest published comments on ${article.title}.`,
    pagePath: `/articles/${article.slug}`,
    selfPath: commentsFeedPath(article.slug),
    feedPaths: { rss: commentsFeedPath(article.slug) },
    items: commentItems(context, article, comments),
    updated: newest([article.updatedAt, ...comments.map((c) => c.updatedAt)], NEVER),
  };
}

export async function personalFeed(context: LoadContext, owner: { userId: number; displayName: string }, token: string, format: FeedFormat): Promise<FeedDocument> {
  const [articles, followsChanged] = await Promise.all([listPersonalFeedArticles(context.db, owner.userId), followsChangedAt(context.db, owner.userId)]);
  return {
    title: `Assay: what ${owner.displayName} follows`,
    description: "The newest articles of the categories you watch or follow on Assay.",
    pagePath: "/following",
    selfPath: personalFeedPath(token, format),
    feedPaths: bothFormats((f) => personalFeedPath(token, f)),
    items: articleItems(context, articles),
    updated: newest([...articles.map((a) => a.updatedAt), ...(followsChanged ? [followsChanged] : [])], NEVER),
  };
}

export interface FeedDocument {
  title: string;
  description: string;
  /** The page the feed follows (the home page, a category, an article). */
  pagePath: string;
  /** This feed's own path and the other format's, if any. */
  selfPath: string;
  feedPaths: Partial<Record<FeedFormat, string>>;
  items: Item[];
  /** When anything in it last changed: the feed's `updated`, and Last-Modified. */
  updated: Date;
}

/** Entries for articles: the excerpt as summary, the full (sanitized) body as content. */
export function articleItems(context: Context, articles: FeedArticle[]): Item[] {
  return articles.map((a) => {
    const link = publicUrl(context, `/articles/${a.slug}`);
    return {
      title: a.title,
      id: link,
      guid: link,
      link,
      date: a.updatedAt,
      published: a.publishedAt,
      description: a.excerpt,
      content: a.bodyHtml,
      author: a.byline ? [{ name: a.byline }] : undefined,
      category: a.categories.map((c) => ({ name: c.name, term: c.slug, domain: publicUrl(context, `/categories/${c.slug}`) })),
    };
  });
}

/** Entries for an article's comments, each linking to its permalink (/comments/:id finds its page). */
export function commentItems(context: Context, article: FeedArticle, comments: FeedComment[]): Item[] {
  return comments.map((c) => {
    const link = publicUrl(context, `/comments/${c.id}`);
    return {
      title: `${c.authorName} on ${article.title}`,
      id: link,
      guid: link,
      link,
      date: c.updatedAt,
      published: c.createdAt,
      content: c.bodyHtml,
      author: [{ name: c.authorName }],
    };
  });
}

/** The newest change among these dates, or `fallback` when there are none. */
export function newest(dates: Date[], fallback: Date): Date {
  return dates.reduce((max, d) => (d > max ? d : max), fallback);
}

export function renderFeed(context: Context, doc: FeedDocument, format: FeedFormat): string {
  const feedLinks: Record<string, string> = {};
  for (const [kind, path] of Object.entries(doc.feedPaths)) if (path) feedLinks[kind] = publicUrl(context, path);
  const feed = new Feed({
    title: doc.title,
    description: doc.description,
    id: publicUrl(context, doc.selfPath),
    link: publicUrl(context, doc.pagePath),
    language: "en",
    updated: doc.updated,
    generator: "Assay",
    // Atom wants an author for every entry; entries without a byline inherit this one.
    author: { name: "Assay", link: publicUrl(context, "/") },
    feed: publicUrl(context, doc.selfPath),
    feedLinks,
    favicon: publicUrl(context, "/favicon.svg"),
  });
  for (const item of doc.items) feed.addItem(item);
  return format === "rss" ? feed.rss2() : feed.atom1();
}

/** A feed document as its HTTP answer (200 or 304). */
export function feedAnswer(request: Request, context: Context, doc: FeedDocument, format: FeedFormat, options: FeedAnswerOptions = {}): Response {
  return feedResponse(request, renderFeed(context, doc, format), format, doc.updated, options);
}

export interface FeedAnswerOptions {
  /** Cache tag for the guest page cache (app/lib/cache-tags.ts); none: never kept (a personal feed). */
  cacheTag?: Record<string, string>;
  /** A secret URL: no shared cache may keep it. */
  personal?: boolean;
}

/**
 * The feed as an HTTP answer, or 304 when the reader's If-None-Match / If-Modified-Since
 * says it has this version. The ETag is the page cache's (a hash of the body), so a
 * reader revalidates the same way whether the feed came from memory or was rendered.
 */
export function feedResponse(request: Request, xml: string, format: FeedFormat, updated: Date, options: FeedAnswerOptions = {}): Response {
  const etag = makeEtag(Buffer.from(xml, "utf8"));
  const lastModified = updated.toUTCString();
  const headers: Record<string, string> = {
    "Content-Type": `${FEED_TYPES[format]}; charset=utf-8`,
    ETag: etag,
    "Last-Modified": lastModified,
    "Cache-Control": options.personal ? "private, no-cache" : "public, max-age=0, must-revalidate",
    ...(options.personal ? { "X-Robots-Tag": "noindex" } : {}),
    ...(options.cacheTag ?? {}),
  };
  const conditions = { ifNoneMatch: request.headers.get("If-None-Match") ?? undefined, ifModifiedSince: request.headers.get("If-Modified-Since") ?? undefined };
  if (notModified(conditions, etag, lastModified)) {
    delete headers["Content-Type"];
    delete headers[CACHE_TAG_HEADER];
    return new Response(null, { status: 304, headers });
  }
  return new Response(xml, { status: 200, headers });
}
