import type { HeadersFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { tickerPath } from "~/lib/ticker-paths";
import { CategoryLinks } from "~/components/CategoryLinks";
import { DateTime } from "~/components/DateTime";
import { FOLLOW_LEVEL_TEXT, FOLLOWING_PAGE_LEVELS } from "~/lib/follow-levels";
import { isValidInstant } from "~/lib/params";
import { pageHeaders } from "~/lib/route-headers";
import { requireUser } from "~/composition/session.server";
import { getFollowingPage } from "~/models/follows.server";

export const meta: MetaFunction = () => [{ title: "Following: Assay" }];

// A member's own page: no cache tag, so never kept for anyone (and sent `private, no-store`).
export const headers: HeadersFunction = pageHeaders;

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireUser(request, context);
  const url = new URL(request.url);
  const cursor = url.searchParams.get("before");
  // Older pages keep the "new since" their first page had (that visit moved it on).
  const sinceParam = url.searchParams.get("since");
  const since = cursor && sinceParam && isValidInstant(sinceParam) ? new Date(sinceParam) : undefined;
  // The first page is the visit: what comes after now is new next time.
  const page = await getFollowingPage(context.db, { userId: user.id, cursor, since, visit: cursor ? undefined : new Date() });
  return json(page);
}

function newCommentsText(count: number) {
  if (count === 0) return "no new comments";
  return count === 1 ? "1 new comment" : `${count.toLocaleString("en-US")} new comments`;
}

export default function FollowingRoute() {
  const { articles, nextCursor, since, categories, tickers } = useLoaderData<typeof loader>();
  const followed = [...categories, ...tickers].filter((c) => FOLLOWING_PAGE_LEVELS.includes(c.level));
  const newCount = articles.filter((a) => a.isNew).length;
  return (
    <>
      <h1 className="page-title">Following</h1>
      <p className="page-lede">
        The newest articles of the categories and tickers you watch or follow.{" "}
        {since ? (
          <>
            Marked new: since your last visit, <DateTime iso={since} withTime />.
          </>
        ) : (
          "Your first visit: everything is new."
        )}
      </p>
      {categories.length ? (
        <section aria-labelledby="your-categories" className="following-categories">
          <h2 id="your-categories" className="follow-form__heading">
            Your categories
          </h2>
          <ul className="following-categories__list">
            {categories.map((c) => (
              <li key={c.slug}>
                <Link to={`/categories/${c.slug}#follow`}>{c.name}</Link>: {FOLLOW_LEVEL_TEXT[c.level].label}
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      {tickers.length ? (
        <section aria-labelledby="your-tickers" className="following-categories">
          <h2 id="your-tickers" className="follow-form__heading">
            Your tickers
          </h2>
          <ul className="following-categories__list">
            {tickers.map((t) => (
              <li key={`${t.exchange}:${t.symbol}`}>
                <Link to={`${tickerPath(t)}#follow`}>
                  ${t.symbol} ({t.exchange}) {t.companyName}
                </Link>
                : {FOLLOW_LEVEL_TEXT[t.level].label}
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      {followed.length === 0 ? (
        <p>
          You do not watch or follow any category yet. Choose some on <Link to="/categories">Categories</Link>.
        </p>
      ) : articles.length === 0 ? (
        <p>No articles in your categories yet.</p>
      ) : (
        <>
          {newCount ? <p className="visually-hidden">{newCount === 1 ? "1 new article" : `${newCount} new articles`} on this page.</p> : null}
          <ul className="article-list">
            {articles.map((article) => (
              <li key={article.slug} className={article.isNew ? "article-card article-card--new" : "article-card"}>
                <article>
                  <h2 className="article-card__title">
                    {article.isNew ? <span className="badge">New</span> : null} <Link to={`/articles/${article.slug}`}>{article.title}</Link>
                  </h2>
                  <p className="article-card__meta">
                    <DateTime iso={article.publishedAt} />
                    {" · "}
                    <Link to={`/articles/${article.slug}#comments`}>
                      {article.approvedCommentCount === 1 ? "1 comment" : `${article.approvedCommentCount.toLocaleString("en-US")} comments`}
                    </Link>
                    {article.approvedCommentCount > 0 ? `, ${newCommentsText(article.newCommentCount)}` : null}
                  </p>
                  <p className="article-card__excerpt">{article.excerpt}</p>
                  <CategoryLinks categories={article.categories} />
                </article>
              </li>
            ))}
          </ul>
        </>
      )}
      {nextCursor ? (
        <nav aria-label="More articles" className="pager">
          <Link to={`/following?before=${encodeURIComponent(nextCursor)}${since ? `&since=${encodeURIComponent(since)}` : ""}`}>Older articles</Link>
        </nav>
      ) : null}
    </>
  );
}
