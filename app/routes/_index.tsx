import type { HeadersFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { ArticleList } from "~/components/ArticleList";
import { TrendingTickers } from "~/components/TrendingTickers";
import { trendingChangesAt, trendingTickers } from "~/models/tickers.server";
import { listHomeArticles } from "~/models/follows.server";
import { cacheUntilHeader, listCacheTag } from "~/lib/cache-tags";
import { feedLinks, siteFeedPath } from "~/lib/feed-paths";
import { pageHeaders } from "~/lib/route-headers";
import { hasRole } from "~/lib/roles";
import { getCurrentUser } from "~/composition/session.server";

export const meta: MetaFunction = () => [
  { title: "Assay: rare earth news and investor discussion" },
  { name: "description", content: "The latest rare earth industry news, with moderated discussion among investors." },
  ...feedLinks([
    { title: "Assay: latest articles (RSS)", href: siteFeedPath("rss"), format: "rss" },
    { title: "Assay: latest articles (Atom)", href: siteFeedPath("atom"), format: "atom" },
  ]),
];

// Guests' copies may be cached; any change to an article drops every list. A
// member's home page is theirs (their muted categories leave it): never cached.
export const headers: HeadersFunction = pageHeaders;

export async function loader({ request, context }: LoaderFunctionArgs) {
  const cursor = new URL(request.url).searchParams.get("before");
  const user = await getCurrentUser(request, context);
  const [page, trending] = await Promise.all([
    listHomeArticles(context.db, { userId: user?.id ?? null, cursor }),
    // Only on the first page: older pages are for reading back.
    cursor ? Promise.resolve([]) : trendingTickers(context.db),
  ]);
  // An empty site tells whoever can publish where to start.
  const canPublish = user !== null && hasRole(user.role, "editor");
  return json(
    {
      ...page,
      canPublish,
      trending: trending.map((x) => ({ symbol: x.symbol, exchange: x.exchange, companyName: x.companyName, comments: x.comments, bullish: x.bullish, bearish: x.bearish })),
    },
    // A guest's copy is dropped on any write, and also when the 24 hours slide past a counted comment.
    { headers: user ? {} : { ...listCacheTag(), ...cacheUntilHeader(trendingChangesAt(trending)) } },
  );
}

export default function Home() {
  const { articles, nextCursor, canPublish, trending } = useLoaderData<typeof loader>();
  return (
    <>
      <h1 className="page-title">Latest articles</h1>
      <TrendingTickers tickers={trending} />
      {articles.length ? (
        <ArticleList articles={articles} />
      ) : canPublish ? (
        <div className="notice">
          <p>No articles have been published yet. Start here:</p>
          <p>
            <Link to="/admin/articles/new" className="button">
              New article
            </Link>{" "}
            or see every draft in <Link to="/admin/articles">Articles</Link>.
          </p>
        </div>
      ) : (
        <p>No articles have been published yet.</p>
      )}
      {nextCursor ? (
        <nav aria-label="More articles" className="pager">
          <Link to={`/?before=${encodeURIComponent(nextCursor)}`}>Older articles</Link>
        </nav>
      ) : null}
    </>
  );
}
