import type { HeadersFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { ArticleList } from "~/components/ArticleList";
import { listPublishedArticles } from "~/models/articles.server";
import { listCacheTag } from "~/lib/cache-tags";
import { pageHeaders } from "~/lib/route-headers";

export const meta: MetaFunction = () => [
  { title: "Assay: rare earth news and investor discussion" },
  { name: "description", content: "The latest rare earth industry news, with moderated discussion among investors." },
];

// Guests' copies may be cached; any change to an article drops every list.
export const headers: HeadersFunction = pageHeaders;

export async function loader({ request, context }: LoaderFunctionArgs) {
  const cursor = new URL(request.url).searchParams.get("before");
  const page = await listPublishedArticles(context.db, { cursor });
  return json(page, { headers: listCacheTag() });
}

export default function Home() {
  const { articles, nextCursor } = useLoaderData<typeof loader>();
  return (
    <>
      <h1 className="page-title">Latest articles</h1>
      {articles.length ? <ArticleList articles={articles} /> : <p>No articles have been published yet.</p>}
      {nextCursor ? (
        <nav aria-label="More articles" className="pager">
          <Link to={`/?before=${encodeURIComponent(nextCursor)}`}>Older articles</Link>
        </nav>
      ) : null}
    </>
  );
}
