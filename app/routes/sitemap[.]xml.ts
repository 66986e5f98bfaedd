// /sitemap.xml: the home page, every published article (with its last change) and
// every category. Absolute URLs from the configured public origin.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { listSitemapArticles } from "~/models/articles.server";
import { listCategories } from "~/models/categories.server";
import { publicUrl } from "~/lib/urls.server";

function xml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

export async function loader({ context }: LoaderFunctionArgs) {
  const [articles, categories] = await Promise.all([listSitemapArticles(context.db), listCategories(context.db)]);
  const entry = (path: string, lastModified?: string) =>
    `<url><loc>${xml(publicUrl(context, path))}</loc>${lastModified ? `<lastmod>${lastModified}</lastmod>` : ""}</url>`;
  const body = [
    `<?xml version="1.0" encoding="UTF-8"?>`,
    `<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">`,
    entry("/", articles[0]?.lastModified),
    ...articles.map((a) => entry(`/articles/${a.slug}`, a.lastModified)),
    ...categories.map((c) => entry(`/categories/${c.slug}`)),
    `</urlset>`,
  ].join("\n");
  return new Response(body, {
    headers: { "Content-Type": "application/xml; charset=utf-8", "Cache-Control": "public, max-age=300" },
  });
}
