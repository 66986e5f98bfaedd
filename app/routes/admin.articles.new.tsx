import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { useActionData, useLoaderData } from "@remix-run/react";
import { ArticleEditor } from "~/components/ArticleEditor";
import { articleFormValues, handleArticleForm } from "~/composition/article-editor.server";
import { requireRole } from "~/composition/session.server";
import { listCategoriesForAdmin } from "~/models/categories.server";
import { listTickers } from "~/models/tickers.server";
import { readForm } from "~/lib/forms.server";

export const meta: MetaFunction = () => [{ title: "New article: Publishing: Assay" }, { name: "robots", content: "noindex" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  await requireRole(request, context, "editor");
  const [categories, tickers] = await Promise.all([listCategoriesForAdmin(context.db), listTickers(context.db)]);
  return json(
    { categories: categories.map((c) => ({ id: c.id, name: c.name })), tickers, values: articleFormValues(null) },
    { headers: { "Cache-Control": "private, no-store" } },
  );
}

export async function action({ request, context }: ActionFunctionArgs) {
  const me = await requireRole(request, context, "editor");
  return handleArticleForm(context.db, await readForm(request), null, { id: me.id, name: me.displayName });
}

export default function NewArticle() {
  const { categories, tickers, values } = useLoaderData<typeof loader>();
  const data = useActionData<typeof action>();
  return (
    <section aria-labelledby="new-title">
      <h1 id="new-title" className="page-title">
        New article
      </h1>
      <ArticleEditor
        key={data?.values.version ?? "new"}
        values={data?.values ?? values}
        errors={data?.errors}
        formError={data?.formError}
        preview={data?.preview}
        categories={categories}
        tickers={tickers}
        status="draft"
        slugLocked={false}
      />
    </section>
  );
}
