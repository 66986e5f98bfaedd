// What every reader of an article URL sees alike: the article, and one page of
// its thread rendered to HTML. Built with a fixed number of queries (see
// app/models/threads.server.ts), then kept in memory for the next reader, guest
// or member, until PostgreSQL's NOTIFY says the article or its comments changed
// (the same channel as the guest page cache). A reader with held comments of
// their own gets a thread built for them alone, never stored.
import { renderToStaticMarkup } from "react-dom/server";
import type { DB } from "../../db/connection";
import { CommentThread } from "../components/CommentThread";
import type { ThreadPagination } from "../components/ThreadPager";
import { getPublishedArticle, type ArticleDetail } from "../models/articles.server";
import { getCommentingRules, type CommentingRules } from "../models/commenting.server";
import { getConversationPage, getThreadPage, parseThreadCursor, formatThreadCursor } from "../models/threads.server";
import type { ArticleViewCache } from "./article-view-cache.server";
import { articleTag } from "../lib/tagged-cache";
import { ldComments, type LdComment } from "./structured-data.server";
import { parseId } from "../lib/params";
import { sentimentFor, type SentimentFigures } from "../models/sentiment.server";

export interface ArticleView {
  article: ArticleDetail;
  /** The page of the thread, as HTML ("" when there is nothing to show). */
  threadHtml: string;
  pagination: ThreadPagination;
  /** Whether the article takes comments (and from whom). Closing by age shows within the cache's TTL. */
  commenting: CommentingRules;
  /** The page's approved comments as plain text, for the JSON-LD crawlers read. */
  ldComments: LdComment[];
  /** Bullish / Bearish in the last 7 days beside the 30 days before (approved comments). */
  sentiment: SentimentFigures;
}

export type { ArticleViewCache };

export interface ArticleViewRequest {
  slug: string;
  url: URL;
  /** The viewer's own held comments (from their cookie): makes the view personal. */
  heldCommentIds: number[];
  /** Members the viewer ignores: makes the view personal too (their comments collapsed). */
  ignoredUserIds?: readonly number[];
  /** "guest", or the member's role: views are kept per kind of viewer. */
  viewer: string;
  /** Where the thread's own links (Reply, More replies) lead; default the article page. The embed passes its own. */
  articlePath?: (slug: string) => string;
  /** Kept apart from the article page's views (the links differ): e.g. "embed". */
  variant?: string;
}

export async function loadArticleView(
  db: DB,
  cache: ArticleViewCache | null | undefined,
  input: ArticleViewRequest,
): Promise<ArticleView | null> {
  const after = parseThreadCursor(input.url.searchParams.get("after"));
  const conversationId = parseId(input.url.searchParams.get("thread"));
  const ignoredUserIds = input.ignoredUserIds ?? [];
  const shared = cache && input.heldCommentIds.length === 0 && ignoredUserIds.length === 0 ? cache : null;
  const key = `${input.slug}|${conversationId ?? ""}|${after ? formatThreadCursor(after) : ""}|${input.viewer}${input.variant ? `|${input.variant}` : ""}`;
  const hit = shared?.get(key);
  if (hit) return hit;
  const ticket = shared?.begin() ?? 0;

  const article = await getPublishedArticle(db, input.slug);
  if (!article) return null;
  const options = { after, heldCommentIds: input.heldCommentIds };
  const [conversation, commenting, sentiment] = await Promise.all([
    conversationId ? getConversationPage(db, article.id, conversationId, options) : null,
    getCommentingRules(db, article.id),
    sentimentFor(db, { articleId: article.id }),
  ]);
  const page = conversation ?? (await getThreadPage(db, article.id, { ...options, after: conversationId ? null : after }));
  const articlePath = input.articlePath ? input.articlePath(article.slug) : `/articles/${article.slug}`;
  const view: ArticleView = {
    article,
    threadHtml: page.thread.length ? renderToStaticMarkup(<CommentThread thread={page.thread} articlePath={articlePath} ignoredUserIds={ignoredUserIds} />) : "",
    pagination: {
      nextCursor: page.nextCursor,
      continued: Boolean(after) && !conversationId,
      conversationId: conversation ? conversation.rootId : null,
    },
    commenting,
    ldComments: ldComments(page.thread),
    sentiment: sentiment.article!,
  };
  shared?.store(ticket, key, view, [articleTag(article.id)]);
  return view;
}
