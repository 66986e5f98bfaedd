// Every article for editors: status, title search, categories, comment counts; keyset-paged.
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { DateTime } from "~/components/DateTime";
import { requireRole } from "~/composition/session.server";
import { queryText } from "~/lib/params";
import { ARTICLE_STATUSES, STATUS_LABELS } from "~/lib/article-status";
import { listEditorArticles } from "~/models/publishing.server";

export const meta: MetaFunction = () => [{ title: "Articles: Publishing: Assay" }, { name: "robots", content: "noindex" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  await requireRole(request, context, "editor");
  const url = new URL(request.url);
  const q = queryText(url.searchParams.get("q"), 200);
  const statusParam = url.searchParams.get("status");
  const status = ARTICLE_STATUSES.find((s) => s === statusParam) ?? null;
  const cursor = url.searchParams.get("after");
  const page = await listEditorArticles(context.db, { q, status, cursor });
  return json({ ...page, q, status, continued: Boolean(cursor) }, { headers: { "Cache-Control": "private, no-store" } });
}

export default function AdminArticles() {
  const { articles, nextCursor, counts, q, status, continued } = useLoaderData<typeof loader>();
  const query = (extra: Record<string, string>) => {
    const params = new URLSearchParams({ ...(q ? { q } : {}), ...(status ? { status } : {}), ...extra });
    const text = params.toString();
    return text ? `/admin/articles?${text}` : "/admin/articles";
  };
  return (
    <section aria-labelledby="articles-title">
      <h1 id="articles-title" className="page-title">
        Articles
      </h1>
      <p>
        <Link to="/admin/articles/new" className="button">
          New article
        </Link>
      </p>
      <nav aria-label="Article status" className="queue-tabs">
        <ul>
          <li>
            <Link to={q ? `/admin/articles?q=${encodeURIComponent(q)}` : "/admin/articles"} aria-current={status === null ? "page" : undefined}>
              All
            </Link>
          </li>
          {ARTICLE_STATUSES.map((s) => (
            <li key={s}>
              <Link to={`/admin/articles?${new URLSearchParams({ ...(q ? { q } : {}), status: s })}`} aria-current={status === s ? "page" : undefined}>
                {STATUS_LABELS[s]} ({counts[s]})
              </Link>
            </li>
          ))}
        </ul>
      </nav>
      <Form method="get" role="search" className="search-form">
        {status ? <input type="hidden" name="status" value={status} /> : null}
        <label htmlFor="q">Search titles</label> <input id="q" name="q" type="search" defaultValue={q} />{" "}
        <button type="submit" className="button button--quiet">
          Search
        </button>
      </Form>
      {articles.length ? (
        <table className="admin-table">
          <thead>
            <tr>
              <th scope="col">Title</th>
              <th scope="col">Status</th>
              <th scope="col">Categories</th>
              <th scope="col">Comments (approved / pending)</th>
              <th scope="col">Last change</th>
            </tr>
          </thead>
          <tbody>
            {articles.map((a) => (
              <tr key={a.id}>
                <td>
                  <Link to={`/admin/articles/${a.id}`}>{a.title}</Link>
                </td>
                <td>
                  {STATUS_LABELS[a.status]}
                  {a.status === "scheduled" && a.publishedAt ? (
                    <>
                      {" "}
                      for <DateTime iso={a.publishedAt} withTime />
                    </>
                  ) : null}
                </td>
                <td>{a.categories.map((c) => c.name).join(", ") || "—"}</td>
                <td>
                  {a.approvedCount} / {a.pendingCount}
                </td>
                <td>
                  <DateTime iso={a.updatedAt} withTime />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p>{q || status ? "No articles match." : "No articles yet. Start with New article."}</p>
      )}
      {nextCursor || continued ? (
        <nav aria-label="Article pages" className="pager">
          {nextCursor ? <Link to={query({ after: nextCursor })}>Older changes</Link> : null} {continued ? <Link to={query({})}>Newest</Link> : null}
        </nav>
      ) : null}
    </section>
  );
}
