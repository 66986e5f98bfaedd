import type { HeadersFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { ArticleList } from "~/components/ArticleList";
import { listPublishedArticles } from "~/models/articles.server";
import { findCategoryRedirect, getCategoryBySlug } from "~/models/categories.server";
import { listCacheTag } from "~/lib/cache-tags";
import { categoryFeedPath, feedLinks } from "~/lib/feed-paths";
import { pageHeaders } from "~/lib/route-headers";

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: data ? `${data.category.name}: Assay` : "Category not found: Assay" },
  ...(data
    ? feedLinks([
        { title: `Assay: ${data.category.name} (RSS)`, href: categoryFeedPath(data.category.slug, "rss"), format: "rss" },
        { title: `Assay: ${data.category.name} (Atom)`, href: categoryFeedPath(data.category.slug, "atom"), format: "atom" },
      ])
    : []),
];

// Guests' copies may be cached; any change to an article drops every list.
export const headers: HeadersFunction = pageHeaders;

export async function loader({ params, request, context }: LoaderFunctionArgs) {
  const category = await getCategoryBySlug(context.db, params.slug ?? "");
  if (!category) {
    // A renamed or merged category's old address: 301 to where it lives now.
    const moved = await findCategoryRedirect(context.db, params.slug ?? "");
    if (moved) throw redirect(`/categories/${moved}${new URL(request.url).search}`, { status: 301 });
    throw new Response("Category not found", { status: 404 });
  }
  const cursor = new URL(request.url).searchParams.get("before");
  const page = await listPublishedArticles(context.db, { cursor, categoryId: category.id });
  return json(
    { category: { slug: category.slug, name: category.name, description: category.description }, ...page },
    { headers: listCacheTag() },
  );
}

export default function CategoryPage() {
  const { category, articles, nextCursor } = useLoaderData<typeof loader>();
  return (
    <>
      <h1 className="page-title">{category.name}</h1>
      {category.description ? <p className="page-lede">{category.description}</p> : null}
      {articles.length ? <ArticleList articles={articles} /> : <p>No articles in this category yet.</p>}
      {nextCursor ? (
        <nav aria-label="More articles" className="pager">
          <Link to={`/categories/${category.slug}?before=${encodeURIComponent(nextCursor)}`}>Older articles</Link>
        </nav>
      ) : null}
    </>
  );
}
