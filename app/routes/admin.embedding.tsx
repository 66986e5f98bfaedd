// Embedding, for editors: which news sites may show the forum's threads (EMBED_HOSTS,
// set where the server starts), the snippet for their article template, and the
// choice for a page address no article has yet.
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { formText } from "~/composition/account-http.server";
import { embedFrameAncestors, embedHostsFromEnv } from "~/lib/embed-hosts.server";
import { readForm } from "~/lib/forms.server";
import { requireRole } from "~/composition/session.server";
import { publicUrl } from "~/lib/urls.server";
import { getEmbedSettings, saveEmbedSettings, UNKNOWN_URL_CHOICES, type UnknownUrlChoice } from "~/models/embed.server";

export const meta: MetaFunction = () => [{ title: "Embedding: Publishing: Assay" }, { name: "robots", content: "noindex" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  await requireRole(request, context, "editor");
  const settings = await getEmbedSettings(context.db);
  const hosts = embedFrameAncestors();
  const saved = new URL(request.url).searchParams.get("notice");
  return json(
    {
      unknownUrls: settings.unknownUrls,
      hosts: embedHostsFromEnv().length ? hosts.split(" ") : [],
      scriptUrl: publicUrl(context, "/embed.js"),
      embedUrl: publicUrl(context, "/embed"),
      notice: saved === "saved" ? "Setting saved." : saved === "unchanged" ? "Nothing changed." : null,
    },
    { headers: { "Cache-Control": "private, no-store" } },
  );
}

export async function action({ request, context }: ActionFunctionArgs) {
  const me = await requireRole(request, context, "editor");
  const form = await readForm(request);
  const choice = formText(form, "unknownUrls");
  if (!(UNKNOWN_URL_CHOICES as readonly string[]).includes(choice)) {
    return json({ error: "Choose what happens for a page that has no thread yet." }, { status: 400 });
  }
  const { changed } = await saveEmbedSettings(context.db, { settings: { unknownUrls: choice as UnknownUrlChoice }, editorId: me.id });
  return redirect(`/admin/embedding?notice=${changed ? "saved" : "unchanged"}`, { status: 303 });
}

export default function AdminEmbeddingRoute() {
  const data = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const snippet = `<div id="assay-thread" data-url="CANONICAL URL" data-title="TITLE"></div>
<script src="${data.scriptUrl}" async></script>
<noscript><a href="${data.embedUrl}?url=CANONICAL%20URL">Discuss on the forum</a></noscript>`;
  return (
    <section aria-labelledby="embedding-title">
      <h1 id="embedding-title" className="page-title">
        Embedding
      </h1>
      <p className="page-lede">The news site shows each article&apos;s thread and its Leave a Reply form under the article, in its own page.</p>
      <div role="status" className={data.notice ? "notice" : undefined}>
        {data.notice ? <p>{data.notice}</p> : null}
      </div>
      <h2>Sites allowed to embed</h2>
      {data.hosts.length ? (
        <ul id="embed-hosts">
          {data.hosts.map((host) => (
            <li key={host}>
              <code>{host}</code>
            </li>
          ))}
        </ul>
      ) : (
        <p id="embed-hosts">None: embedding is off. The administrator sets EMBED_HOSTS where the server starts (see the README).</p>
      )}
      <h2>The snippet for the article template</h2>
      <pre className="embed-snippet">
        <code>{snippet}</code>
      </pre>
      <Form method="post" noValidate className="settings-form">
        {actionData?.error ? (
          <div className="form-errors" role="alert">
            <p>{actionData.error}</p>
          </div>
        ) : null}
        <fieldset>
          <legend>A page on an allowed site that has no thread yet</legend>
          <p className="settings-choice">
            <input type="radio" id="embed-unknown-create" name="unknownUrls" value="create" defaultChecked={data.unknownUrls === "create"} />{" "}
            <label htmlFor="embed-unknown-create">Create its article and thread on first view (from the page&apos;s title and OpenGraph description)</label>
          </p>
          <p className="settings-choice">
            <input type="radio" id="embed-unknown-closed" name="unknownUrls" value="closed" defaultChecked={data.unknownUrls === "closed"} />{" "}
            <label htmlFor="embed-unknown-closed">Show “Comments are not open for this page” (default)</label>
          </p>
        </fieldset>
        <p>
          <button type="submit" className="button">
            Save
          </button>
        </p>
      </Form>
    </section>
  );
}
