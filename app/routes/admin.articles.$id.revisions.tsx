// An article's revisions: who saved what and when; compare one with the current
// text; restore one (which is itself a new revision).
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { DateTime } from "~/components/DateTime";
import { compareRevision } from "~/composition/revision-diff.server";
import { requireRole } from "~/composition/session.server";
import { getArticleForEditing, getRevision, listRevisions, restoreRevision } from "~/models/publishing.server";
import { parseId } from "~/lib/params";
import { readForm } from "~/lib/forms.server";

export const meta: MetaFunction = () => [{ title: "Revisions: Publishing: Assay" }, { name: "robots", content: "noindex" }];

// Ids past what PostgreSQL's integer holds are no id at all (a 404, never a 500).
const positive = parseId;

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  await requireRole(request, context, "editor");
  const id = positive(params.id);
  const article = id ? await getArticleForEditing(context.db, id) : null;
  if (!article) throw new Response("No such article.", { status: 404 });
  const compareVersion = positive(new URL(request.url).searchParams.get("compare"));
  const [revisions, revision] = await Promise.all([
    listRevisions(context.db, article.id),
    compareVersion ? getRevision(context.db, article.id, compareVersion) : null,
  ]);
  if (compareVersion && !revision) throw new Response("No such revision.", { status: 404 });
  return json(
    {
      article: { id: article.id, title: article.title, version: article.version },
      revisions,
      comparison: revision ? { version: revision.version, authorName: revision.authorName, createdAt: revision.createdAt, fields: compareRevision(revision, article) } : null,
    },
    { headers: { "Cache-Control": "private, no-store" } },
  );
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const me = await requireRole(request, context, "editor");
  const id = positive(params.id);
  if (!id) throw new Response("No such article.", { status: 404 });
  const form = await readForm(request);
  const version = positive(String(form.get("revision") ?? ""));
  const expectedVersion = Number(form.get("version"));
  if (!version || !Number.isSafeInteger(expectedVersion)) return json({ error: "That request could not be read." }, { status: 400 });
  const result = await restoreRevision(context.db, { articleId: id, version, expectedVersion, actor: { id: me.id, name: me.displayName } });
  if (result.ok) return redirect(`/admin/articles/${id}?notice=restored`, { status: 303 });
  if (result.error === "not-found") throw new Response("No such revision.", { status: 404 });
  if (result.error === "conflict") {
    return json({ error: `${result.current.savedBy} saved the article meanwhile (now version ${result.current.version}); nothing was restored. Compare again.` }, { status: 409 });
  }
  return json({ error: Object.values(result.errors).join(" ") || "That revision cannot be restored as it is." }, { status: 400 });
}

const KIND_LABELS: Record<string, string> = { save: "Saved", publish: "Published", unpublish: "Unpublished", restore: "Restored", import: "Imported" };

export default function Revisions() {
  const { article, revisions, comparison } = useLoaderData<typeof loader>();
  const data = useActionData<typeof action>();
  return (
    <section aria-labelledby="revisions-title">
      <h1 id="revisions-title" className="page-title">
        Revisions of “{article.title}”
      </h1>
      <p>
        <Link to={`/admin/articles/${article.id}`}>Back to the article</Link> (version {article.version})
      </p>
      {data?.error ? (
        <div className="form-errors" role="alert">
          <p>{data.error}</p>
        </div>
      ) : null}
      {comparison ? (
        <section aria-labelledby="compare-title" className="revision-compare">
          <h2 id="compare-title">
            Version {comparison.version} ({comparison.authorName}, <DateTime iso={comparison.createdAt} withTime />) compared with the current text
          </h2>
          <p className="field-hint">Removed since that version is struck through; added since is underlined.</p>
          {comparison.fields.map((f) => (
            <div key={f.field} className="revision-field">
              <h3>
                {f.field}
                {f.changed ? "" : " (unchanged)"}
              </h3>
              {f.changed ? (
                <pre className="revision-diff">
                  {f.parts.map((p, i) =>
                    p.kind === "added" ? (
                      <ins key={i}>{p.text}</ins>
                    ) : p.kind === "removed" ? (
                      <del key={i}>{p.text}</del>
                    ) : (
                      <span key={i}>{p.text}</span>
                    ),
                  )}
                </pre>
              ) : null}
            </div>
          ))}
          <Form method="post">
            <input type="hidden" name="revision" value={comparison.version} />
            <input type="hidden" name="version" value={article.version} />
            <button type="submit" className="button">
              Restore version {comparison.version}
            </button>
          </Form>
        </section>
      ) : null}
      <table className="admin-table">
        <thead>
          <tr>
            <th scope="col">Version</th>
            <th scope="col">What</th>
            <th scope="col">Who</th>
            <th scope="col">When</th>
            <th scope="col">Title</th>
            <th scope="col">
              <span className="visually-hidden">Compare</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {revisions.map((r) => (
            <tr key={r.version}>
              <td>{r.version}</td>
              <td>
                {KIND_LABELS[r.kind] ?? r.kind}
                {r.restoredFrom ? ` version ${r.restoredFrom}` : ""}
              </td>
              <td>{r.authorName}</td>
              <td>
                <DateTime iso={r.createdAt} withTime />
              </td>
              <td>{r.title}</td>
              <td>{r.version === article.version ? "current" : <Link to={`?compare=${r.version}`}>Compare with current</Link>}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
