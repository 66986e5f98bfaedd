// Categories for editors: create, rename (the old slug redirects), describe,
// merge one into another (its articles move), delete an empty one.
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { formText } from "~/composition/account-http.server";
import { requireRole } from "~/composition/session.server";
import { readForm } from "~/lib/forms.server";
import { parseId } from "~/lib/params";
import {
  createCategory,
  deleteCategory,
  listCategoriesForAdmin,
  mergeCategories,
  updateCategory,
  type CategoryError,
} from "~/models/categories.server";

export const meta: MetaFunction = () => [{ title: "Categories: Publishing: Assay" }, { name: "robots", content: "noindex" }];

const NOTICES: Record<string, string> = {
  created: "Category created.",
  updated: "Category saved.",
  merged: "Categories merged: the articles moved, and the old address redirects.",
  deleted: "Category deleted.",
};

const ERRORS: Record<CategoryError, string> = {
  "slug-taken": "Another category uses this slug (now or as an old address). Choose another.",
  "slug-invalid": "Use lower-case letters, digits and single hyphens, or leave the slug empty to make one from the name.",
  "not-found": "That category no longer exists.",
  "not-empty": "Only a category without articles can be deleted: merge it into another instead.",
  "same-category": "Choose two different categories to merge.",
};

export async function loader({ request, context }: LoaderFunctionArgs) {
  await requireRole(request, context, "editor");
  const categories = await listCategoriesForAdmin(context.db);
  const notice = NOTICES[new URL(request.url).searchParams.get("notice") ?? ""] ?? null;
  return json({ categories, notice }, { headers: { "Cache-Control": "private, no-store" } });
}

type Values = Record<string, string>;
interface ActionData {
  /** Which form the answer is for: "create", or a category id. */
  form: string;
  values: Values;
  errors: Partial<Record<"name" | "slug" | "description" | "into", string>>;
  formError: string | null;
}

function invalid(form: string, values: Values, errors: ActionData["errors"], formError: string | null = null, status = 400) {
  return json<ActionData>({ form, values, errors, formError }, { status });
}

function checkFields(values: Values): ActionData["errors"] {
  const errors: ActionData["errors"] = {};
  if (!values.name?.trim()) errors.name = "Please give the category a name.";
  else if (values.name.trim().length > 80) errors.name = "The name is too long: 80 characters at most.";
  if ((values.description ?? "").length > 1000) errors.description = "The description is too long: 1,000 characters at most.";
  if ((values.slug ?? "").length > 100) errors.slug = "The slug is too long: 100 characters at most.";
  return errors;
}

export async function action({ request, context }: ActionFunctionArgs) {
  await requireRole(request, context, "editor");
  const form = await readForm(request);
  const intent = formText(form, "intent");
  const values: Values = {
    name: formText(form, "name"),
    slug: formText(form, "slug").trim().toLowerCase(),
    description: formText(form, "description"),
    into: formText(form, "into"),
  };
  const id = parseId(formText(form, "id")) ?? 0;
  const formKey = intent === "create" ? "create" : String(id);
  if (intent !== "create" && id === 0) return invalid(formKey, values, {}, "That request could not be read.");
  switch (intent) {
    case "create":
    case "update": {
      const errors = checkFields(values);
      if (Object.keys(errors).length) return invalid(formKey, values, errors);
      const input = { name: values.name!, slug: values.slug!, description: values.description! };
      const result = intent === "create" ? await createCategory(context.db, input) : await updateCategory(context.db, { id, ...input });
      if (!result.ok) {
        return result.error === "slug-taken" || result.error === "slug-invalid"
          ? invalid(formKey, values, { slug: ERRORS[result.error] })
          : invalid(formKey, values, {}, ERRORS[result.error], 404);
      }
      return redirect(`/admin/categories?notice=${intent === "create" ? "created" : "updated"}`, { status: 303 });
    }
    case "merge": {
      const into = parseId(values.into) ?? 0;
      if (into === 0) return invalid(formKey, values, { into: "Choose the category to merge into." });
      const result = await mergeCategories(context.db, { fromId: id, intoId: into });
      if (!result.ok) return invalid(formKey, values, result.error === "same-category" ? { into: ERRORS[result.error] } : {}, ERRORS[result.error]);
      return redirect("/admin/categories?notice=merged", { status: 303 });
    }
    case "delete": {
      const result = await deleteCategory(context.db, id);
      if (!result.ok) return invalid(formKey, values, {}, ERRORS[result.error], result.error === "not-found" ? 404 : 409);
      return redirect("/admin/categories?notice=deleted", { status: 303 });
    }
    default:
      return invalid(formKey, values, {}, "That request could not be read.");
  }
}

function Field({ id, label, name, value, error, textarea }: { id: string; label: string; name: string; value: string; error?: string; textarea?: boolean }) {
  const props = {
    id,
    name,
    defaultValue: value,
    "aria-invalid": error ? true : undefined,
    "aria-describedby": error ? `${id}-error` : undefined,
  } as const;
  return (
    <p className="field">
      <label htmlFor={id}>{label}</label>
      {textarea ? <textarea rows={2} {...props} /> : <input type="text" {...props} />}
      {error ? (
        <span id={`${id}-error`} className="field-error">
          {error}
        </span>
      ) : null}
    </p>
  );
}

export default function AdminCategories() {
  const { categories, notice } = useLoaderData<typeof loader>();
  const data = useActionData<typeof action>();
  const answer = (key: string) => (data && data.form === key ? data : null);
  const create = answer("create");
  return (
    <section aria-labelledby="categories-title">
      <h1 id="categories-title" className="page-title">
        Categories
      </h1>
      <div role="status" className={notice ? "notice" : undefined}>
        {notice ? <p>{notice}</p> : null}
      </div>
      <h2>New category</h2>
      {create?.formError ? (
        <div className="form-errors" role="alert">
          <p>{create.formError}</p>
        </div>
      ) : null}
      <Form method="post" className="category-form">
        <input type="hidden" name="intent" value="create" />
        <Field id="new-name" label="Name *" name="name" value={create?.values.name ?? ""} error={create?.errors.name} />
        <Field id="new-slug" label="Slug (made from the name if empty)" name="slug" value={create?.values.slug ?? ""} error={create?.errors.slug} />
        <Field id="new-description" label="Description" name="description" value={create?.values.description ?? ""} error={create?.errors.description} textarea />
        <button type="submit" className="button">
          Create category
        </button>
      </Form>
      <h2>All categories</h2>
      {categories.length === 0 ? <p>No categories yet.</p> : null}
      <ul className="people-list">
        {categories.map((c) => {
          const mine = answer(String(c.id));
          return (
            <li key={c.id}>
              <h3>
                <a href={`/categories/${c.slug}`}>{c.name}</a> ({c.articleCount} {c.articleCount === 1 ? "article" : "articles"})
              </h3>
              {c.oldSlugs.length ? <p className="field-hint">Old addresses that redirect here: {c.oldSlugs.join(", ")}</p> : null}
              {mine?.formError ? (
                <div className="form-errors" role="alert">
                  <p>{mine.formError}</p>
                </div>
              ) : null}
              <Form method="post" className="category-form">
                <input type="hidden" name="intent" value="update" />
                <input type="hidden" name="id" value={c.id} />
                <Field id={`name-${c.id}`} label="Name *" name="name" value={mine?.values.name ?? c.name} error={mine?.errors.name} />
                <Field id={`slug-${c.id}`} label="Slug" name="slug" value={mine?.values.slug ?? c.slug} error={mine?.errors.slug} />
                <Field
                  id={`description-${c.id}`}
                  label="Description"
                  name="description"
                  value={mine?.values.description ?? c.description}
                  error={mine?.errors.description}
                  textarea
                />
                <button type="submit" className="button button--quiet" aria-label={`Save ${c.name}`}>
                  Save
                </button>
              </Form>
              {categories.length > 1 ? (
                <Form method="post" className="inline-form">
                  <input type="hidden" name="intent" value="merge" />
                  <input type="hidden" name="id" value={c.id} />
                  <label htmlFor={`into-${c.id}`}>Merge {c.name} into</label>{" "}
                  <select id={`into-${c.id}`} name="into" defaultValue="" aria-describedby={mine?.errors.into ? `into-${c.id}-error` : undefined}>
                    <option value="">Choose…</option>
                    {categories
                      .filter((o) => o.id !== c.id)
                      .map((o) => (
                        <option key={o.id} value={o.id}>
                          {o.name}
                        </option>
                      ))}
                  </select>{" "}
                  <button type="submit" className="button button--quiet">
                    Merge
                  </button>
                  {mine?.errors.into ? (
                    <span id={`into-${c.id}-error`} className="field-error">
                      {mine.errors.into}
                    </span>
                  ) : null}
                </Form>
              ) : null}
              {c.articleCount === 0 ? (
                <Form method="post" className="inline-form">
                  <input type="hidden" name="intent" value="delete" />
                  <input type="hidden" name="id" value={c.id} />
                  <button type="submit" className="button button--danger" aria-label={`Delete ${c.name}`}>
                    Delete
                  </button>
                </Form>
              ) : null}
            </li>
          );
        })}
      </ul>
    </section>
  );
}
