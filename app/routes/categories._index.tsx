import type { HeadersFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { FOLLOW_LEVEL_TEXT } from "~/lib/follow-levels";
import { listCacheTag } from "~/lib/cache-tags";
import { pageHeaders } from "~/lib/route-headers";
import { getCurrentUser } from "~/composition/session.server";
import { listCategoryIndex, listFollowedCategories } from "~/models/follows.server";

export const meta: MetaFunction = () => [
  { title: "Categories: Assay" },
  { name: "description", content: "Every category of Assay, with its articles and followers." },
];

// Guests' copies may be cached (a list: any article change drops it); a member's page is theirs.
export const headers: HeadersFunction = pageHeaders;

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await getCurrentUser(request, context);
  const [categories, followed] = await Promise.all([
    listCategoryIndex(context.db),
    user ? listFollowedCategories(context.db, user.id) : Promise.resolve([]),
  ]);
  const levels = Object.fromEntries(followed.map((f) => [f.slug, f.level]));
  return json({ categories, levels, member: user !== null }, { headers: user ? {} : listCacheTag() });
}

const plural = (n: number, one: string, many: string) => `${n.toLocaleString("en-US")} ${n === 1 ? one : many}`;

export default function CategoriesIndex() {
  const { categories, levels, member } = useLoaderData<typeof loader>();
  return (
    <>
      <h1 className="page-title">Categories</h1>
      <p className="page-lede">
        Follow the categories you hold positions in: open one to choose how you hear of its articles.
        {member ? (
          <>
            {" "}
            What you follow is on <Link to="/following">your Following page</Link>.
          </>
        ) : null}
      </p>
      {categories.length ? (
        <ul className="category-index">
          {categories.map((category) => {
            const level = levels[category.slug];
            return (
              <li key={category.slug} className="category-index__item">
                <h2 className="category-index__name">
                  <Link to={`/categories/${category.slug}`}>{category.name}</Link>
                </h2>
                {category.description ? <p className="category-index__description">{category.description}</p> : null}
                <p className="article-card__meta">
                  {plural(category.articleCount, "article", "articles")} · {plural(category.followerCount, "follower", "followers")}
                  {level ? <> · You: <strong>{FOLLOW_LEVEL_TEXT[level].label}</strong></> : null}
                </p>
              </li>
            );
          })}
        </ul>
      ) : (
        <p>There are no categories yet.</p>
      )}
    </>
  );
}
