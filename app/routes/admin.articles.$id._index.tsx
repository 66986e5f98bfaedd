// Edit one article: the form, plus unpublish / publish again, and its revisions.
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { ArticleEditor } from "~/components/ArticleEditor";
import { DateTime } from "~/components/DateTime";
import { articleFormValues, handleArticleForm } from "~/composition/article-editor.server";
import { requireRole } from "~/composition/session.server";
import { listCategoriesForAdmin } from "~/models/categories.server";
import { listTickers } from "~/models/tickers.server";
import { getArticleForEditing, republishArticle, unpublishArticle } from "~/models/publishing.server";
import { parseId } from "~/lib/params";
import { readForm } from "~/lib/forms.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: data ? `Edit “${data.article.title}”: Publishing: Assay` : "Article not found: Assay" },
  { name: "robots", content: "noindex" },
];

const NOTICES: Record<string, string> = {
  saved: "Saved.",
  published: "Published: readers can see it now.",
  scheduled: "Scheduled: it appears at the time shown.",
  unpublished: "Unpublished: readers no longer see it or its comments; both are kept.",
  republished: "Published again, with its comments.",
  restored: "Revision restored (as a new revision).",
};

function articleId(params: { id?: string }): number {
  const id = parseId(params.id);
  if (id === null) throw new Response("No such article.", { status: 404 });
  return id;
}

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  await requireRole(request, context, "editor");
  const id = articleId(params);
  const [article, categories, tickers] = await Promise.all([getArticleForEditing(context.db, id), listCategoriesForAdmin(context.db), listTickers(context.db)]);
  if (!article) throw new Response("No such article.", { status: 404 });
  const notice = NOTICES[new URL(request.url).searchParams.get("notice") ?? ""] ?? null;
  return json(
    { article, values: articleFormValues(article), categories: categories.map((c) => ({ id: c.id, name: c.name })), tickers, notice },
    { headers: { "Cache-Control": "private, no-store" } },
  );
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const me = await requireRole(request, context, "editor");
  const id = articleId(params);
  const form = await readForm(request);
  const intent = String(form.get("intent") ?? "");
  const actor = { id: me.id, name: me.displayName };
  if (intent === "unpublish" || intent === "republish") {
    const expectedVersion = Number(form.get("version"));
    const input = { articleId: id, expectedVersion, actor };
    const result = intent === "unpublish" ? await unpublishArticle(context.db, input) : await republishArticle(context.db, input);
    if (result.ok) return redirect(`/admin/articles/${id}?notice=${intent === "unpublish" ? "unpublished" : "republished"}`, { status: 303 });
    if (result.error === "not-found") throw new Response("No such article.", { status: 404 });
    const message =
      result.error === "conflict"
        ? `${result.current.savedBy} changed this article meanwhile; nothing was done. Look at it again and retry.`
        : "That does not apply to the article as it is now.";
    return json({ values: null, errors: {}, formError: message, preview: null }, { status: 409 });
  }
  return handleArticleForm(context.db, form, id, actor);
}

export default function EditArticle() {
  const { article, values, categories, tickers, notice } = useLoaderData<typeof loader>();
  const data = useActionData<typeof action>();
  return (
    <section aria-labelledby="edit-title">
      <h1 id="edit-title" className="page-title">
        Edit article
      </h1>
      <div role="status" className={notice ? "notice" : undefined}>
        {notice ? <p>{notice}</p> : null}
      </div>
      <p className="article-state">
        Status: <strong>{article.status}</strong>
        {article.publishedAt ? (
          <>
            {" "}
            ({article.status === "scheduled" ? "appears" : "published"} <DateTime iso={article.publishedAt} withTime />)
          </>
        ) : null}
        . Version {article.version}. {article.status === "published" ? <a href={`/articles/${article.slug}`}>View as a reader</a> : null}{" "}
        <Link to={`/admin/articles/${article.id}/revisions`}>Revisions</Link>
      </p>
      {article.status === "published" || article.status === "scheduled" || article.status === "unpublished" ? (
        <Form method="post" className="inline-form">
          <input type="hidden" name="version" value={article.version} />
          {article.status === "unpublished" ? (
            <button type="submit" name="intent" value="republish" className="button button--quiet">
              Publish again
            </button>
          ) : (
            <button type="submit" name="intent" value="unpublish" className="button button--danger">
              Unpublish
            </button>
          )}
        </Form>
      ) : null}
      <ArticleEditor
        key={`${article.version}-${data?.values?.version ?? ""}`}
        values={data?.values ?? values}
        errors={data?.errors}
        formError={data?.formError}
        preview={data?.preview}
        categories={categories}
        tickers={tickers}
        status={article.status}
        slugLocked={article.firstPublishedAt !== null}
      />
    </section>
  );
}
