import type { ActionFunctionArgs, HeadersFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { SentimentBar, hasSentiment } from "~/components/SentimentBar";
import { sentimentFor } from "~/models/sentiment.server";
import { json, redirect } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { CategoryFollowForm } from "~/components/FollowControls";
import { IgnoredCollapse } from "~/components/IgnoredCollapse";
import { parseFollowChoice } from "~/models/follows.server";
import {
  countTickerFollowers,
  getTicker,
  getTickerFollow,
  listTickerArticles,
  listTickerComments,
  setTickerFollow,
} from "~/models/tickers.server";
import { listCacheTag, unchangedHeaders } from "~/lib/cache-tags";
import { readForm } from "~/lib/forms.server";
import { feedLinks, tickerFeedPath } from "~/lib/feed-paths";
import { pageHeaders } from "~/lib/route-headers";
import { getCurrentUser } from "~/composition/session.server";
import { tickerLabel, tickerPath } from "~/lib/ticker-paths";

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: data ? `${tickerLabel(data.ticker)} ${data.ticker.companyName}: Assay` : "Ticker not found: Assay" },
  ...(data
    ? feedLinks([
        { title: `Assay: ${tickerLabel(data.ticker)} (RSS)`, href: tickerFeedPath(data.ticker, "rss"), format: "rss" },
        { title: `Assay: ${tickerLabel(data.ticker)} (Atom)`, href: tickerFeedPath(data.ticker, "atom"), format: "atom" },
      ])
    : []),
];

// Guests' copies may be cached (approving a comment or changing an article drops every
// list); a member's page shows their follow level and is theirs.
export const headers: HeadersFunction = pageHeaders;

async function findTicker(context: LoaderFunctionArgs["context"], params: LoaderFunctionArgs["params"]) {
  const ticker = await getTicker(context.db, params.exchange ?? "", params.symbol ?? "");
  if (!ticker) throw new Response("Ticker not found", { status: 404 });
  return ticker;
}

export async function loader({ params, request, context }: LoaderFunctionArgs) {
  const ticker = await findTicker(context, params);
  // One address per ticker: /tickers/asx/lyc goes to /tickers/ASX/LYC.
  const url = new URL(request.url);
  if (url.pathname !== tickerPath(ticker)) throw redirect(`${tickerPath(ticker)}${url.search}`, { status: 301 });
  const cursor = url.searchParams.get("before");
  const user = await getCurrentUser(request, context);
  const [articles, page, followerCount, level, sentiment] = await Promise.all([
    listTickerArticles(context.db, ticker.id),
    listTickerComments(context.db, ticker.id, { cursor }),
    countTickerFollowers(context.db, ticker.id),
    user ? getTickerFollow(context.db, user.id, ticker.id) : Promise.resolve(null),
    sentimentFor(context.db, { tickerIds: [ticker.id] }),
  ]);
  return json(
    {
      ticker: { symbol: ticker.symbol, exchange: ticker.exchange, companyName: ticker.companyName, aliases: ticker.aliases },
      articles,
      // A member's page (never cached) collapses the comments of members they ignore.
      comments: page.comments.map((c) => ({ ...c, ignored: c.userId !== null && (user?.ignoredUserIds.includes(c.userId) ?? false) })),
      nextCursor: page.nextCursor,
      paged: cursor !== null,
      followerCount,
      level,
      sentiment: sentiment.tickers[ticker.id] ?? null,
    },
    { headers: user ? {} : listCacheTag() },
  );
}

/** A follow button, as on a category: a guest is sent to log in first. */
export async function action({ params, request, context }: ActionFunctionArgs) {
  const ticker = await findTicker(context, params);
  const form = await readForm(request);
  const level = parseFollowChoice(form.get("level"));
  if (!level) throw new Response("Choose one of the follow levels on the ticker page.", { status: 400 });
  const path = tickerPath(ticker);
  const user = await getCurrentUser(request, context);
  if (!user) {
    return redirect(`/login?redirectTo=${encodeURIComponent(path)}`, { status: 303, headers: unchangedHeaders() });
  }
  await setTickerFollow(context.db, { userId: user.id, tickerId: ticker.id, level });
  return redirect(`${path}#follow`, { status: 303 });
}

export default function TickerPage() {
  const { ticker, articles, comments, nextCursor, paged, followerCount, level, sentiment } = useLoaderData<typeof loader>();
  const path = tickerPath(ticker);
  return (
    <>
      <h1 className="page-title">
        ${ticker.symbol} <span className="page-title__sub">{ticker.exchange}</span>
      </h1>
      <p className="page-lede">{ticker.companyName}</p>
      <p className="article-card__meta">
        {followerCount === 1 ? "1 follower" : `${followerCount.toLocaleString("en-US")} followers`}
        {ticker.aliases.length ? ` · Also written ${ticker.aliases.map((a) => `$${a}`).join(", ")}` : ""}
      </p>
      <section id="follow" className="follow">
        <CategoryFollowForm action={path} current={level} categoryName={`$${ticker.symbol}`} />
      </section>
      {sentiment && hasSentiment(sentiment) ? <SentimentBar figures={sentiment} subject={`$${ticker.symbol}`} /> : null}
      {paged ? null : (
        <section aria-labelledby="ticker-articles">
          <h2 id="ticker-articles">Articles about ${ticker.symbol}</h2>
          {articles.length ? (
            <ul className="ticker-articles">
              {articles.map((a) => (
                <li key={a.slug}>
                  <Link to={`/articles/${a.slug}`}>{a.title}</Link>{" "}
                  <time className="article-card__meta" dateTime={a.publishedAt}>
                    {new Date(a.publishedAt).toLocaleDateString("en-GB", { timeZone: "UTC" })}
                  </time>
                </li>
              ))}
            </ul>
          ) : (
            <p>No articles tagged with ${ticker.symbol} yet.</p>
          )}
        </section>
      )}
      <section aria-labelledby="ticker-comments">
        <h2 id="ticker-comments">Latest comments mentioning ${ticker.symbol}</h2>
        {comments.length ? (
          <ol className="ticker-comments">
            {comments.map((c) => (
              <li key={c.id} className={c.ignored ? "comment comment--ignored" : "comment"}>
                <IgnoredCollapse ignored={c.ignored}>
                  <p className="comment__meta">
                    <strong>{c.authorName}</strong> on <Link to={`/comments/${c.id}`}>{c.articleTitle}</Link>{" "}
                    <time dateTime={c.createdAt}>{new Date(c.createdAt).toLocaleString("en-GB", { timeZone: "UTC" })} UTC</time>
                  </p>
                  <div className="comment__body" dangerouslySetInnerHTML={{ __html: c.bodyHtml }} />
                </IgnoredCollapse>
              </li>
            ))}
          </ol>
        ) : (
          <p>No approved comments mention ${ticker.symbol} yet.</p>
        )}
        {nextCursor ? (
          <nav aria-label="More comments" className="pager">
            <Link to={`${path}?before=${encodeURIComponent(nextCursor)}`}>Older comments</Link>
          </nav>
        ) : null}
      </section>
    </>
  );
}
