import { Link } from "@remix-run/react";
import { CategoryLinks } from "./CategoryLinks";
import { DateTime } from "./DateTime";

export interface ArticleListItem {
  slug: string;
  title: string;
  excerpt: string;
  publishedAt: string;
  categories: { slug: string; name: string }[];
  approvedCommentCount: number;
}

function commentCountText(count: number) {
  if (count === 0) return "No comments yet";
  return count === 1 ? "1 comment" : `${count.toLocaleString("en-US")} comments`;
}

export function ArticleList({ articles }: { articles: ArticleListItem[] }) {
  return (
    <ul className="article-list">
      {articles.map((article) => (
        <li key={article.slug} className="article-card">
          <article>
            <h2 className="article-card__title">
              <Link to={`/articles/${article.slug}`}>{article.title}</Link>
            </h2>
            <p className="article-card__meta">
              <DateTime iso={article.publishedAt} />
              {" · "}
              <Link to={`/articles/${article.slug}#comments`}>{commentCountText(article.approvedCommentCount)}</Link>
            </p>
            <p className="article-card__excerpt">{article.excerpt}</p>
            <CategoryLinks categories={article.categories} />
          </article>
        </li>
      ))}
    </ul>
  );
}
