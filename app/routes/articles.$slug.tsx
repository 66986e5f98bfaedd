import type { ActionFunctionArgs, HeadersFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Link, useActionData, useLoaderData } from "@remix-run/react";
import { CategoryLinks } from "~/components/CategoryLinks";
import { CommentForm, HONEYPOT_FIELD, NOTIFY_REPLIES_FIELD } from "~/components/CommentForm";
import { ServerHtml } from "~/components/ServerHtml";
import { ThreadPager } from "~/components/ThreadPager";
import { DateTime } from "~/components/DateTime";
import { ShareLinks } from "~/components/ShareLinks";
import { getPublishedArticle } from "~/models/articles.server";
import { getReplyTarget, postComment } from "~/models/comments.server";
import { CLOSED_MESSAGE } from "~/lib/moderation-text";
import { loadArticleView } from "~/lib/article-view.server";
import { articleCacheTag, UNCHANGED_HEADER, unchangedHeaders } from "~/lib/cache-tags";
import { readHeldCommentIds, rememberHeldComment } from "~/lib/held-comments.server";
import { hashIp } from "~/lib/secrets.server";
import { getCurrentUser } from "~/lib/session.server";
import { UNVERIFIED_COMMENT_MESSAGE } from "~/lib/account-messages";
import { getUserEmail } from "~/models/users.server";
import { publicUrl } from "~/lib/urls.server";
import { newsArticleJsonLd } from "~/lib/structured-data.server";
import { findArticleRedirect } from "~/models/publishing.server";
import { commentLocation } from "~/models/threads.server";
import { getArticleFollowState } from "~/models/follows.server";
import { WatchThreadForm } from "~/components/FollowControls";
import { COMMENT_FIELDS, formValues, guestCommentSchema, parseForm } from "~/lib/validation.server";
import { readForm } from "~/lib/forms.server";
import { parseId } from "~/lib/params";
import { pageHeaders } from "~/lib/route-headers";

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
    { "script:ld+json": data.jsonLd },
  ];
};

const DUPLICATE_MESSAGE = "Duplicate comment detected; it looks as though you've already said that!";
const PARENT_MESSAGE =
  "The comment you are replying to is not on this article, or no longer exists. Your comment was not posted; you can post it as a new comment.";

function replyToParam(url: URL): number | null {
  return parseId(url.searchParams.get("replytocom"));
}

const THREAD_ELEMENT_ID = "comment-thread";

// Guests' copies of this page may be cached (scripts/page-cache-http.ts): the
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
  const replyToId = replyToParam(url);
  const replyTo = replyToId ? await getReplyTarget(db, article.id, replyToId) : null;
  const { commenting } = view;
  // The member's own part of the page: watching this thread, and their "Notify me of replies" default.
  const follow = user ? await getArticleFollowState(db, user.id, article.id) : null;
  return json(
    {
      member: user ? { displayName: user.displayName, emailVerified: user.emailVerified } : null,
      follow,
      commenting,
      article,
      // In a document the thread goes in the page only (see ServerHtml); in data, here.
      threadHtml: context.fragments ? null : view.threadHtml,
      pagination: view.pagination,
      replyTo,
      shareUrl,
      jsonLd: newsArticleJsonLd({ article, url: shareUrl, comments: view.ldComments }),
    },
    { headers: articleCacheTag(article.id) },
  );
}

export async function action({ params, request, context }: ActionFunctionArgs) {
  const { db } = context;
  const article = await getPublishedArticle(db, params.slug ?? "");
  if (!article) throw new Response("Article not found", { status: 404 });
  const articlePath = `/articles/${article.slug}`;
  const form = await readForm(request);

  // A bot filled the hidden field: pretend all went well and keep nothing.
  const honeypot = form.get(HONEYPOT_FIELD);
  if (typeof honeypot === "string" && honeypot.trim() !== "") return redirect(`${articlePath}#comments`, { headers: unchangedHeaders() });

  const values = formValues(form, COMMENT_FIELDS);
  // "Notify me of replies": ticked or not, as sent (members' box starts ticked by their default).
  const notifyReplies = form.get(NOTIFY_REPLIES_FIELD) === "1";
  const user = await getCurrentUser(request, context);
  if (user && !user.emailVerified) return json({ errors: {}, values, notifyReplies, formError: UNVERIFIED_COMMENT_MESSAGE }, { status: 403 });
  const memberEmail = user ? await getUserEmail(db, user.id) : null;
  // A member signs with their account: the name and email come from it, not from the form.
  const submitted = user && memberEmail ? { ...values, author: user.displayName, email: memberEmail, url: "" } : values;
  const parsed = parseForm(guestCommentSchema, submitted);
  if (!parsed.ok) return json({ errors: parsed.errors, values, notifyReplies, formError: null }, { status: 400 });

  const parentText = String(form.get("comment_parent") ?? "0").trim();
  const parentNumber = parentText === "0" || parentText === "" ? 0 : parseId(parentText);
  if (parentNumber === null) {
    return json({ errors: {}, values, notifyReplies, formError: PARENT_MESSAGE }, { status: 400 });
  }
  const result = await postComment(db, {
    articleId: article.id,
    parentId: parentNumber === 0 ? null : parentNumber,
    authorName: parsed.data.author,
    authorEmail: parsed.data.email,
    authorUrl: parsed.data.url,
    body: parsed.data.comment,
    ipHash: await hashIp(db, context.clientIp),
    userAgent: request.headers.get("User-Agent") ?? "",
    userId: user && memberEmail ? user.id : null,
    notifyReplies,
  });
  if (!result.ok) {
    switch (result.error) {
      case "duplicate":
        return json({ errors: {}, values, notifyReplies, formError: DUPLICATE_MESSAGE }, { status: 409 });
      case "parent-not-found":
        return json({ errors: {}, values, notifyReplies, formError: PARENT_MESSAGE }, { status: 400 });
      case "article-not-found":
        throw new Response("Article not found", { status: 404 });
      default: {
        // A moderation rule refused it: say why beside the form, keep what was typed.
        const rateLimited = result.error === "rate-limited";
        const headers = rateLimited && result.retryAfterSeconds ? { "Retry-After": String(result.retryAfterSeconds) } : undefined;
        return json({ errors: {}, values, notifyReplies, formError: result.message }, { status: rateLimited ? 429 : 403, headers });
      }
    }
  }
  const headers = new Headers();
  if (result.status === "pending") {
    headers.append("Set-Cookie", await rememberHeldComment(db, request, result.commentId));
    // Held: only its poster sees it (by the cookie), so guests' cached pages stay right.
    headers.set(UNCHANGED_HEADER, "1");
  }
  // To the page of the thread that shows it: a long thread's new comment is not on page one.
  const location = await commentLocation(db, result.commentId);
  return redirect(location?.href ?? `${articlePath}#comment-${result.commentId}`, { status: 303, headers });
}

function commentsHeading(count: number, title: string) {
  if (count === 0) return `No comments yet on “${title}”`;
  return `${count === 1 ? "1 comment" : `${count.toLocaleString("en-US")} comments`} on “${title}”`;
}

export default function ArticleRoute() {
  const { article, threadHtml, pagination, replyTo, shareUrl, member, commenting, follow } = useLoaderData<typeof loader>();
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
          />
        )}
      </section>
    </article>
  );
}
