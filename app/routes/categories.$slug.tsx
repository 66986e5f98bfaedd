import type { ActionFunctionArgs, HeadersFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { ArticleList } from "~/components/ArticleList";
import { CategoryFollowForm } from "~/components/FollowControls";
import { listPublishedArticles } from "~/models/articles.server";
import { findCategoryRedirect, getCategoryBySlug } from "~/models/categories.server";
import { countFollowers, formatFollowIntent, getCategoryFollow, parseFollowChoice, setCategoryFollow } from "~/models/follows.server";
import { listCacheTag, unchangedHeaders } from "~/lib/cache-tags";
import { readForm } from "~/lib/forms.server";
import { categoryFeedPath, feedLinks } from "~/lib/feed-paths";
import { pageHeaders } from "~/lib/route-headers";
import { getCurrentUser } from "~/composition/session.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: data ? `${data.category.name}: Assay` : "Category not found: Assay" },
  ...(data
    ? feedLinks([
        { title: `Assay: ${data.category.name} (RSS)`, href: categoryFeedPath(data.category.slug, "rss"), format: "rss" },
        { title: `Assay: ${data.category.name} (Atom)`, href: categoryFeedPath(data.category.slug, "atom"), format: "atom" },
      ])
    : []),
];

// Guests' copies may be cached; any change to an article drops every list. A member's page is theirs.
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
  const user = await getCurrentUser(request, context);
  const [page, followerCount, level] = await Promise.all([
    listPublishedArticles(context.db, { cursor, categoryId: category.id }),
    countFollowers(context.db, category.id),
    user ? getCategoryFollow(context.db, user.id, category.id) : Promise.resolve(null),
  ]);
  return json(
    { category: { slug: category.slug, name: category.name, description: category.description }, followerCount, level, ...page },
    { headers: user ? {} : listCacheTag() },
  );
}

/** A follow button: a member's level is set; a guest is asked to log in, and the login sets it. */
export async function action({ params, request, context }: ActionFunctionArgs) {
  const category = await getCategoryBySlug(context.db, params.slug ?? "");
  if (!category) throw new Response("Category not found", { status: 404 });
  const form = await readForm(request);
  const level = parseFollowChoice(form.get("level"));
  if (!level) throw new Response("Choose one of the follow levels on the category page.", { status: 400 });
  const path = `/categories/${category.slug}`;
  const user = await getCurrentUser(request, context);
  if (!user) {
    const follow = formatFollowIntent({ kind: "category", slug: category.slug, level });
    // Nothing a guest sees changed: the cached pages of this address stay.
    return redirect(`/login?redirectTo=${encodeURIComponent(path)}&follow=${encodeURIComponent(follow)}`, { status: 303, headers: unchangedHeaders() });
  }
  await setCategoryFollow(context.db, { userId: user.id, categoryId: category.id, level });
  return redirect(`${path}#follow`, { status: 303 });
}

export default function CategoryPage() {
  const { category, articles, nextCursor, followerCount, level } = useLoaderData<typeof loader>();
  return (
    <>
      <h1 className="page-title">{category.name}</h1>
      {category.description ? <p className="page-lede">{category.description}</p> : null}
      <p className="article-card__meta">
        {followerCount === 1 ? "1 follower" : `${followerCount.toLocaleString("en-US")} followers`} ·{" "}
        <Link to="/categories">All categories</Link>
      </p>
      <section id="follow" className="follow">
        <CategoryFollowForm action={`/categories/${category.slug}`} current={level} categoryName={category.name} />
      </section>
      {articles.length ? <ArticleList articles={articles} /> : <p>No articles in this category yet.</p>}
      {nextCursor ? (
        <nav aria-label="More articles" className="pager">
          <Link to={`/categories/${category.slug}?before=${encodeURIComponent(nextCursor)}`}>Older articles</Link>
        </nav>
      ) : null}
    </>
  );
}
