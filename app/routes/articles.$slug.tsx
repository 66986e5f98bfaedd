import type { ActionFunctionArgs, HeadersFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Link, useActionData, useLoaderData } from "@remix-run/react";
import { CategoryLinks } from "~/components/CategoryLinks";
import { CommentForm } from "~/components/CommentForm";
import { ServerHtml } from "~/components/ServerHtml";
import { JsonLd } from "~/components/JsonLd";
import { ThreadPager } from "~/components/ThreadPager";
import { DateTime } from "~/components/DateTime";
import { ShareLinks } from "~/components/ShareLinks";
import { getPublishedArticle } from "~/models/articles.server";
import { getReplyTarget } from "~/models/comments.server";
import { CLOSED_MESSAGE } from "~/lib/moderation-text";
import { articleJsonLdText, loadArticleView } from "~/composition/article-view.server";
import { articleCacheTag } from "~/lib/cache-tags";
import { handleCommentPost } from "~/composition/comment-post.server";
import { readHeldCommentIds } from "~/composition/held-comments.server";
import { getCurrentUser } from "~/composition/session.server";
import { publicUrl } from "~/lib/urls.server";
import { newsArticleJsonLd } from "~/composition/structured-data.server";
import { findArticleRedirect } from "~/models/publishing.server";
import { getArticleFollowState } from "~/models/follows.server";
import { templateFollowState } from "~/lib/viewer-template";
import { WatchThreadForm } from "~/components/FollowControls";
import { parseId } from "~/lib/params";
import { pageHeaders } from "~/lib/route-headers";
import { feedLinks } from "~/lib/feed-paths";
import { SentimentBar, hasSentiment } from "~/components/SentimentBar";

export const meta: MetaFunction<typeof loader> = ({ data }) => {
  if (!data) return [{ title: "Article not found: Assay" }];
  const { article, shareUrl } = data;
  return [
    { title: `${article.title}: Assay` },
    { name: "description", content: article.excerpt },
    { tagName: "link", rel: "canonical", href: shareUrl },
    { property: "og:site_name", content: "Assay" },
    { property: "og:title", content: article.title },
    { property: "og:type", content: "article" },
    { property: "og:url", content: shareUrl },
    { property: "og:description", content: article.excerpt },
    { property: "article:published_time", content: article.publishedAt },
    { property: "article:modified_time", content: article.updatedAt },
    ...article.categories.map((c) => ({ property: "article:section", content: c.name })),
    { name: "twitter:card", content: "summary" },
    { name: "twitter:title", content: article.title },
    { name: "twitter:description", content: article.excerpt },
    ...feedLinks([{ title: `Comments on ${article.title} (RSS)`, href: `${shareUrl}/comments.xml`, format: "rss" }]),
  ];
};

function replyToParam(url: URL): number | null {
  return parseId(url.searchParams.get("replytocom"));
}

const THREAD_ELEMENT_ID = "comment-thread";
const JSON_LD_ELEMENT_ID = "article-json-ld";

// Guests' copies of this page may be cached (app/composition/page-cache.server.ts): the
// loader names the article, and any change to it or its comments drops them.
export const headers: HeadersFunction = pageHeaders;

export async function loader({ params, request, context }: LoaderFunctionArgs) {
  const { db } = context;
  const url = new URL(request.url);
  const [heldCommentIds, user] = await Promise.all([readHeldCommentIds(db, request), getCurrentUser(request, context)]);
  // The article and one page of its thread (keyset, a fixed number of queries), or one
  // conversation alone, rendered once and shared by every reader until it changes.
  const view = await loadArticleView(db, context.articleViews, {
    slug: params.slug ?? "",
    url,
    heldCommentIds,
    ignoredUserIds: user?.ignoredUserIds ?? [],
    viewer: user ? user.role : "guest",
  });
  if (!view) {
    // An old address of an article that moved: 301 to where it lives now.
    const moved = await findArticleRedirect(db, params.slug ?? "");
    if (moved) throw redirect(`/articles/${moved}${url.search}`, { status: 301 });
    throw new Response("Article not found", { status: 404 });
  }
  const { article } = view;
  const shareUrl = publicUrl(context, `/articles/${article.slug}`);
  context.fragments?.set(THREAD_ELEMENT_ID, view.threadHtml);
  // What crawlers read: the article and the page's comments as text (as big as the thread's text), also once.
  if (context.fragments) context.fragments.set(JSON_LD_ELEMENT_ID, articleJsonLdText(view, shareUrl));
  const replyToId = replyToParam(url);
  // The member's own part of the page: watching this thread, and their "Notify me of replies" default.
  const [replyTo, follow] = await Promise.all([
    replyToId ? getReplyTarget(db, article.id, replyToId) : null,
    // A template's made-up member (app/composition/member-pages.server.ts) has the state it was made with.
    user ? (context.viewerTemplate ? templateFollowState(context.viewerTemplate) : getArticleFollowState(db, user.id, article.id)) : null,
  ]);
  const { commenting } = view;
  return json(
    {
      member: user ? { displayName: user.displayName, emailVerified: user.emailVerified } : null,
      follow,
      commenting,
      article,
      // In a document the thread goes in the page only (see ServerHtml); in data, here.
      threadHtml: context.fragments ? null : view.threadHtml,
      pagination: view.pagination,
      sentiment: view.sentiment,
      replyTo,
      shareUrl,
      jsonLd: context.fragments ? null : newsArticleJsonLd({ article, url: shareUrl, comments: view.ldComments }),
    },
    { headers: articleCacheTag(article.id) },
  );
}

export async function action({ params, request, context }: ActionFunctionArgs) {
  const article = await getPublishedArticle(context.db, params.slug ?? "");
  if (!article) throw new Response("Article not found", { status: 404 });
  const articlePath = `/articles/${article.slug}`;
  return handleCommentPost(request, context, {
    articleId: article.id,
    pagePath: articlePath,
    commentHref: (search, commentId) => `${articlePath}${search}#comment-${commentId}`,
  });
}

// One formatter for every render (toLocaleString makes a new one each call).
const countFormat = new Intl.NumberFormat("en-US");

function commentsHeading(count: number, title: string) {
  if (count === 0) return `No comments yet on “${title}”`;
  return `${count === 1 ? "1 comment" : `${countFormat.format(count)} comments`} on “${title}”`;
}

export default function ArticleRoute() {
  const { article, threadHtml, pagination, replyTo, shareUrl, member, commenting, follow, sentiment, jsonLd } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const articlePath = `/articles/${article.slug}`;
  const formAction = replyTo ? `${articlePath}?replytocom=${replyTo.id}` : articlePath;
  return (
    <article className="article">
      <header className="article__header">
        <h1 className="article__title">{article.title}</h1>
        <p className="article__meta">
          {article.byline ? <span className="article__byline">{article.byline} · </span> : null}
          <DateTime iso={article.publishedAt} />
        </p>
      </header>
      {article.highlights.length ? (
        <section className="highlights" aria-labelledby="highlights-heading">
          <h2 id="highlights-heading" className="highlights__heading">
            Highlights
          </h2>
          <ul>
            {article.highlights.map((highlight) => (
              <li key={highlight}>{highlight}</li>
            ))}
          </ul>
        </section>
      ) : null}
      <div className="article__body" dangerouslySetInnerHTML={{ __html: article.bodyHtml }} />
      <ShareLinks url={shareUrl} title={article.title} />
      <CategoryLinks categories={article.categories} />
      <WatchThreadForm action={`${articlePath}/watch`} watching={follow ? follow.watchingThread : null} />
      <section id="comments" className="comments" aria-labelledby="comments-heading">
        <h2 id="comments-heading" className="comments__heading">
          {commentsHeading(article.approvedCommentCount, article.title)}
        </h2>
        {hasSentiment(sentiment) ? <SentimentBar figures={sentiment} subject="this article" /> : null}
        {pagination.conversationId !== null ? (
          <p className="comments__context">One conversation, on its own.</p>
        ) : null}
        <ServerHtml id={THREAD_ELEMENT_ID} html={threadHtml} />
        <ThreadPager articlePath={articlePath} pagination={pagination} />
        {/* The moderation rules decide on every post; this only spares a form that would be refused. */}
        {!commenting.open ? (
          <p id="respond" className="comments__closed">
            {CLOSED_MESSAGE}
          </p>
        ) : commenting.membersOnly && !member ? (
          <p id="respond" className="comments__members-only">
            Only members can comment here. <Link to={`/login?redirectTo=${encodeURIComponent(articlePath)}`}>Log in</Link> or{" "}
            <Link to="/signup">sign up</Link> to join the discussion.
          </p>
        ) : (
          <CommentForm
            action={formAction}
            articlePath={articlePath}
            replyTo={replyTo}
            values={actionData?.values}
            errors={actionData?.errors}
            formError={actionData?.formError}
            member={member}
            notifyReplies={actionData ? actionData.notifyReplies : (follow?.notifyRepliesDefault ?? false)}
            disclosure={actionData && "disclosure" in actionData ? actionData.disclosure : null}
          />
        )}
      </section>
      <JsonLd id={JSON_LD_ELEMENT_ID} json={jsonLd} />
    </article>
  );
}
