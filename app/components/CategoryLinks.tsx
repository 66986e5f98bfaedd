import { Link } from "@remix-run/react";

export function CategoryLinks({ categories }: { categories: { slug: string; name: string }[] }) {
  if (categories.length === 0) return null;
  return (
    <p className="categories">
      <span className="categories__label">Categories: </span>
      {categories.map((category, index) => (
        <span key={category.slug}>
          {index > 0 ? ", " : null}
          <Link to={`/categories/${category.slug}`} rel="tag">
            {category.name}
          </Link>
        </span>
      ))}
    </p>
  );
}
