import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { useActionData, useLoaderData } from "@remix-run/react";
import { CategoryLinks } from "~/components/CategoryLinks";
import { CommentForm, HONEYPOT_FIELD } from "~/components/CommentForm";
import { CommentThread } from "~/components/CommentThread";
import { DateTime } from "~/components/DateTime";
import { ShareLinks } from "~/components/ShareLinks";
import { getPublishedArticle } from "~/models/articles.server";
import { buildThread, getReplyTarget, getThreadComments, postComment } from "~/models/comments.server";
import { readHeldCommentIds, rememberHeldComment } from "~/lib/held-comments.server";
import { hashIp } from "~/lib/secrets.server";
import { publicUrl } from "~/lib/urls.server";
import { COMMENT_FIELDS, formValues, guestCommentSchema, parseForm } from "~/lib/validation";

export const meta: MetaFunction<typeof loader> = ({ data }) => {
  if (!data) return [{ title: "Article not found: Assay" }];
  return [
    { title: `${data.article.title}: Assay` },
    { name: "description", content: data.article.excerpt },
    { property: "og:title", content: data.article.title },
    { property: "og:type", content: "article" },
    { property: "og:url", content: data.shareUrl },
    { property: "og:description", content: data.article.excerpt },
  ];
};

const DUPLICATE_MESSAGE = "Duplicate comment detected; it looks as though you've already said that!";
const PARENT_MESSAGE =
  "The comment you are replying to is not on this article, or no longer exists. Your comment was not posted; you can post it as a new comment.";

function replyToParam(url: URL): number | null {
  const value = Number(url.searchParams.get("replytocom"));
  return Number.isInteger(value) && value > 0 ? value : null;
}

export async function loader({ params, request, context }: LoaderFunctionArgs) {
  const { db } = context;
  const article = await getPublishedArticle(db, params.slug ?? "");
  if (!article) throw new Response("Article not found", { status: 404 });
  const url = new URL(request.url);
  const heldCommentIds = await readHeldCommentIds(db, request);
  const comments = await getThreadComments(db, article.id, { heldCommentIds });
  const replyToId = replyToParam(url);
  const replyTo = replyToId ? await getReplyTarget(db, article.id, replyToId) : null;
  return json({
    article,
    thread: buildThread(comments),
    replyTo,
    shareUrl: publicUrl(request, `/articles/${article.slug}`),
  });
}

export async function action({ params, request, context }: ActionFunctionArgs) {
  const { db } = context;
  const article = await getPublishedArticle(db, params.slug ?? "");
  if (!article) throw new Response("Article not found", { status: 404 });
  const articlePath = `/articles/${article.slug}`;
  const form = await request.formData();

  // A bot filled the hidden field: pretend all went well and keep nothing.
  const honeypot = form.get(HONEYPOT_FIELD);
  if (typeof honeypot === "string" && honeypot.trim() !== "") return redirect(`${articlePath}#comments`);

  const values = formValues(form, COMMENT_FIELDS);
  const parsed = parseForm(guestCommentSchema, values);
  if (!parsed.ok) return json({ errors: parsed.errors, values, formError: null }, { status: 400 });

  const parentText = String(form.get("comment_parent") ?? "0");
  const parentNumber = Number(parentText);
  if (!Number.isInteger(parentNumber) || parentNumber < 0) {
    return json({ errors: {}, values, formError: PARENT_MESSAGE }, { status: 400 });
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
  });
  if (!result.ok) {
    switch (result.error) {
      case "duplicate":
        return json({ errors: {}, values, formError: DUPLICATE_MESSAGE }, { status: 409 });
      case "parent-not-found":
        return json({ errors: {}, values, formError: PARENT_MESSAGE }, { status: 400 });
      case "article-not-found":
        throw new Response("Article not found", { status: 404 });
    }
  }
  const headers = new Headers();
  if (result.status === "pending") {
    headers.append("Set-Cookie", await rememberHeldComment(db, request, result.commentId));
  }
  return redirect(`${articlePath}#comment-${result.commentId}`, { status: 303, headers });
}

function commentsHeading(count: number, title: string) {
  if (count === 0) return `No comments yet on “${title}”`;
  return `${count === 1 ? "1 comment" : `${count.toLocaleString("en-US")} comments`} on “${title}”`;
}

export default function ArticleRoute() {
  const { article, thread, replyTo, shareUrl } = useLoaderData<typeof loader>();
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
      <section id="comments" className="comments" aria-labelledby="comments-heading">
        <h2 id="comments-heading" className="comments__heading">
          {commentsHeading(article.approvedCommentCount, article.title)}
        </h2>
        {thread.length ? <CommentThread thread={thread} articlePath={articlePath} /> : null}
        <CommentForm
          action={formAction}
          articlePath={articlePath}
          replyTo={replyTo}
          values={actionData?.values}
          errors={actionData?.errors}
          formError={actionData?.formError}
        />
      </section>
    </article>
  );
}
