// The thread of a news site's article, shown in that site's own page: public/embed.js
// opens this in a frame (/embed?url=PAGE&origin=SITE). It finds the article by the
// page's canonical address; for an address on an allowed host (EMBED_HOSTS) that
// no article has yet, the editors' setting (/admin/embedding) decides: create its
// thread now, or say comments are not open. Any other host is refused, and the
// CSP's frame-ancestors lets only the allowed sites frame it (entry.server.tsx).
//
// The page has no site chrome and no Remix scripts: the Leave a Reply form is the
// article page's, as plain HTML, posting to this page (its own origin), and
// public/embed-frame.js tells the parent page its height.
import type { ActionFunctionArgs, HeadersFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { useActionData, useLoaderData } from "@remix-run/react";
import { CommentForm } from "~/components/CommentForm";
import { ServerHtml } from "~/components/ServerHtml";
import { ThreadPager } from "~/components/ThreadPager";
import { normalizeCanonicalUrl } from "~/lib/canonical-url";
import { articleCacheTag } from "~/lib/cache-tags";
import { handleCommentPost } from "~/composition/comment-post.server";
import { isEmbedHostAllowed } from "~/lib/embed-hosts.server";
import { EMBED_HANDLE } from "~/lib/embed-route";
import { loadArticleView } from "~/composition/article-view.server";
import { readHeldCommentIds } from "~/composition/held-comments.server";
import { CLOSED_MESSAGE } from "~/lib/moderation-text";
import { fetchPagePreview } from "~/lib/page-preview.server";
import { parseId } from "~/lib/params";
import { pageHeaders } from "~/lib/route-headers";
import { getCurrentUser } from "~/composition/session.server";
import { withQuery } from "~/lib/thread-links";
import { publicUrl } from "~/lib/urls.server";
import { getReplyTarget } from "~/models/comments.server";
import { createEmbeddedArticle, findArticleByCanonicalUrl, getEmbedSettings, type EmbeddedArticle } from "~/models/embed.server";

export const handle = EMBED_HANDLE;

export const headers: HeadersFunction = pageHeaders;

export const NOT_OPEN_MESSAGE = "Comments are not open for this page.";
const REFUSED_MESSAGE = "This site may not show the forum's threads.";
const INVALID_MESSAGE = "This page's address could not be read, so its comments cannot be shown.";

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: data && data.state === "open" ? `Comments on “${data.article.title}”: Assay` : "Comments: Assay" },
  { name: "robots", content: "noindex" },
];

interface EmbedTarget {
  /** The page's canonical address (normalized). */
  pageUrl: string;
  /** The only origin the frame tells its height to: the embedding page's (allowed). */
  parentOrigin: string;
  /** This page's own address for that page (the thread's links and the form come back here). */
  embedPath: string;
}

/** The page the frame is for, from its query: null when unreadable; "refused" when its host is not allowed. */
function readTarget(url: URL): EmbedTarget | "refused" | null {
  const pageUrl = normalizeCanonicalUrl(url.searchParams.get("url"));
  if (!pageUrl) return null;
  if (!isEmbedHostAllowed(pageUrl)) return "refused";
  // embed.js says which page holds the frame (its origin); else the article's own site.
  const claimed = url.searchParams.get("origin");
  let parentOrigin = new URL(pageUrl).origin;
  if (claimed) {
    try {
      const origin = new URL(claimed);
      if (origin.origin === claimed && isEmbedHostAllowed(origin)) parentOrigin = origin.origin;
    } catch {
      // not an origin: the page's own stands
    }
  }
  const embedPath = `/embed?url=${encodeURIComponent(pageUrl)}${parentOrigin !== new URL(pageUrl).origin ? `&origin=${encodeURIComponent(parentOrigin)}` : ""}`;
  return { pageUrl, parentOrigin, embedPath };
}

/** The page's article: found, or made now when the editors chose so and the page is really there. */
async function findOrCreate(db: LoaderFunctionArgs["context"]["db"], target: EmbedTarget, dataTitle: string | null): Promise<EmbeddedArticle | null> {
  const found = await findArticleByCanonicalUrl(db, target.pageUrl);
  if (found) return found;
  const settings = await getEmbedSettings(db);
  if (settings.unknownUrls !== "create") return null;
  // The page itself must answer: a made-up address on an allowed host makes no thread.
  const fetched = await fetchPagePreview(target.pageUrl, {
    isAllowed: (u) => isEmbedHostAllowed(u),
    allowLoopback: process.env.EMBED_FETCH_ALLOW_LOOPBACK === "1",
  });
  if (!fetched.ok) {
    console.warn(`[assay] embed: no thread created for ${target.pageUrl}: ${fetched.reason}${fetched.detail ? ` (${fetched.detail})` : ""}`);
    return null;
  }
  // The page's own title first (its OpenGraph, then <title>): the frame's data-title is anyone's to write.
  const title = fetched.preview.title || (dataTitle ?? "").trim();
  const created = await createEmbeddedArticle(db, { url: target.pageUrl, title, description: fetched.preview.description, siteName: fetched.preview.siteName });
  return created.ok ? created.article : null;
}

function commentsHeading(count: number) {
  if (count === 0) return "No comments yet";
  return count === 1 ? "1 comment" : `${count.toLocaleString("en-US")} comments`;
}

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { db } = context;
  const url = new URL(request.url);
  const target = readTarget(url);
  if (target === null) return json({ state: "invalid" as const, message: INVALID_MESSAGE, parentOrigin: null }, { status: 400 });
  if (target === "refused") return json({ state: "refused" as const, message: REFUSED_MESSAGE, parentOrigin: null }, { status: 403 });
  const notOpen = () => json({ state: "closed" as const, message: NOT_OPEN_MESSAGE, parentOrigin: target.parentOrigin }, { status: 404 });

  const found = await findOrCreate(db, target, url.searchParams.get("title"));
  if (!found) return notOpen();
  // A reader without JavaScript follows the <noscript> link here: the article page is the better place.
  if (request.headers.get("Sec-Fetch-Dest") === "document") throw redirect(`/articles/${found.slug}#comments`, { status: 303 });

  const [heldCommentIds, user] = await Promise.all([readHeldCommentIds(db, request), getCurrentUser(request, context)]);
  const view = await loadArticleView(db, context.articleViews, {
    slug: found.slug,
    url,
    heldCommentIds,
    ignoredUserIds: user?.ignoredUserIds ?? [],
    viewer: user ? user.role : "guest",
    articlePath: () => target.embedPath,
    variant: `embed ${target.embedPath}`,
  });
  if (!view) return notOpen();
  const threadElementId = "embed-thread";
  context.fragments?.set(threadElementId, view.threadHtml);
  const replyToId = parseId(url.searchParams.get("replytocom"));
  const replyTo = replyToId ? await getReplyTarget(db, view.article.id, replyToId) : null;
  return json(
    {
      state: "open" as const,
      parentOrigin: target.parentOrigin,
      embedPath: target.embedPath,
      article: { title: view.article.title, approvedCommentCount: view.article.approvedCommentCount },
      forumUrl: publicUrl(context, `/articles/${view.article.slug}#comments`),
      threadElementId,
      threadHtml: context.fragments ? null : view.threadHtml,
      pagination: view.pagination,
      commenting: view.commenting,
      member: user ? { displayName: user.displayName, emailVerified: user.emailVerified } : null,
      replyTo,
    },
    { headers: articleCacheTag(view.article.id) },
  );
}

export async function action({ request, context }: ActionFunctionArgs) {
  // Refusals are answered in the frame's own page (its loader says why), not the site's error page.
  const refusal = (message: string, status: number) => json({ errors: {}, values: {}, formError: message }, { status });
  const target = readTarget(new URL(request.url));
  if (target === null) return refusal(INVALID_MESSAGE, 400);
  if (target === "refused") return refusal(REFUSED_MESSAGE, 403);
  // A comment goes only to an article that exists; the first view made it, if it was to be made.
  const article = await findArticleByCanonicalUrl(context.db, target.pageUrl);
  if (!article) return refusal(NOT_OPEN_MESSAGE, 404);
  // Back to the frame, never to the article page: it may not be framed.
  return handleCommentPost(request, context, {
    articleId: article.id,
    pagePath: target.embedPath,
    commentHref: (search, commentId) => `${search ? `${withQuery(target.embedPath)}${search.slice(1)}` : target.embedPath}#comment-${commentId}`,
  });
}

/** The frame's script: its height to the parent page (that origin only), the log-in popup, links out in a new tab. */
function FrameScript({ parentOrigin }: { parentOrigin: string | null }) {
  return <script src="/embed-frame.js" data-parent-origin={parentOrigin ?? ""} />;
}

export default function EmbedRoute() {
  const data = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  if (data.state !== "open") {
    return (
      <>
        <p className="embed-notice" id="respond">
          {data.message}
        </p>
        <FrameScript parentOrigin={data.parentOrigin} />
      </>
    );
  }
  const { article, embedPath, replyTo, member, commenting } = data;
  const formAction = replyTo ? `${withQuery(embedPath)}replytocom=${replyTo.id}` : embedPath;
  return (
    <section id="comments" className="comments embed-comments" aria-labelledby="comments-heading">
      <h2 id="comments-heading" className="comments__heading">
        {commentsHeading(article.approvedCommentCount)}
      </h2>
      <p className="embed-discuss">
        <a href={data.forumUrl} target="_blank" rel="noopener">
          Discuss on the forum
        </a>
      </p>
      {data.pagination.conversationId !== null ? <p className="comments__context">One conversation, on its own.</p> : null}
      <ServerHtml id={data.threadElementId} html={data.threadHtml} />
      <ThreadPager articlePath={embedPath} pagination={data.pagination} />
      {!commenting.open ? (
        <p id="respond" className="comments__closed">
          {CLOSED_MESSAGE}
        </p>
      ) : commenting.membersOnly && !member ? (
        <p id="respond" className="comments__members-only">
          Only members can comment here.{" "}
          <a href="/embed/login" target="_blank" data-assay-login="">
            Log in
          </a>{" "}
          or{" "}
          <a href="/signup" target="_blank" rel="noopener">
            sign up
          </a>{" "}
          to join the discussion.
        </p>
      ) : (
        <>
          {member ? null : (
            <p className="embed-login">
              A member?{" "}
              <a href="/embed/login" target="_blank" data-assay-login="">
                Log in
              </a>{" "}
              to comment with your account.
            </p>
          )}
          <CommentForm
            action={formAction}
            articlePath={embedPath}
            replyTo={replyTo}
            values={actionData?.values}
            errors={actionData?.errors}
            formError={actionData?.formError}
            disclosure={actionData && "disclosure" in actionData ? actionData.disclosure : null}
            member={member}
          />
        </>
      )}
      <FrameScript parentOrigin={data.parentOrigin} />
    </section>
  );
}
