// Articles: open or close each one's comments (auto-close after N days is a rule,
// at /moderation/settings).
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { z } from "~/lib/zod";
import { DateTime } from "~/components/DateTime";
import { formText } from "~/composition/account-http.server";
import { moderationReturnPath, redirectWithNotice, takeNotice } from "~/lib/moderation-notice.server";
import { requireRole } from "~/composition/session.server";
import { listArticlesForModeration, setCommentsOpen } from "~/models/commenting.server";
import { readForm } from "~/lib/forms.server";
import { MAX_ID, parseId } from "~/lib/params";

export const meta: MetaFunction = () => [{ title: "Articles: Moderation: Assay" }, { name: "robots", content: "noindex" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  await requireRole(request, context, "moderator");
  const before = parseId(new URL(request.url).searchParams.get("before")) ?? 0;
  const [page, { notice, headers }] = await Promise.all([
    listArticlesForModeration(context.db, { beforeId: Number.isSafeInteger(before) && before > 0 ? before : null }),
    takeNotice(request),
  ]);
  return json({ ...page, notice, continued: before > 0 }, { headers: { ...headers, "Cache-Control": "private, no-store" } });
}

const toggleSchema = z.object({
  articleId: z.coerce.number().int().positive().max(MAX_ID),
  open: z.enum(["yes", "no"]).transform((v) => v === "yes"),
});

export async function action({ request, context }: ActionFunctionArgs) {
  const me = await requireRole(request, context, "moderator");
  const form = await readForm(request);
  const parsed = toggleSchema.safeParse({ articleId: formText(form, "articleId"), open: formText(form, "open") });
  if (!parsed.success) throw new Response("That request could not be read.", { status: 400 });
  const result = await setCommentsOpen(context.db, { articleId: parsed.data.articleId, open: parsed.data.open, moderatorId: me.id });
  if (!result.ok) throw new Response("No such article.", { status: 404 });
  const back = moderationReturnPath(formText(form, "returnTo") || "/moderation/articles");
  return redirectWithNotice(request, back, parsed.data.open ? "Comments opened." : "Comments closed.");
}

export default function ModerationArticlesRoute() {
  const { articles, nextBeforeId, notice, continued } = useLoaderData<typeof loader>();
  return (
    <section aria-labelledby="articles-title">
      <h1 id="articles-title" className="page-title">
        Articles
      </h1>
      <p className="page-lede">
        Close an article&apos;s comments to stop new ones; what was published stays. Articles can also close by themselves some days after
        publication (see <Link to="/moderation/settings">Rules</Link>).
      </p>
      <div role="status" className={notice ? "notice" : undefined}>
        {notice ? <p>{notice}</p> : null}
      </div>
      <ul className="people-list">
        {articles.map((a) => (
          <li key={a.id}>
            <p>
              <a href={`/articles/${a.slug}`}>{a.title}</a>
              {a.publishedAt ? (
                <>
                  {" "}
                  (published <DateTime iso={a.publishedAt} />)
                </>
              ) : (
                " (draft)"
              )}
              : comments{" "}
              <strong>
                {a.state.open
                  ? "open"
                  : a.state.why === "auto-closed"
                    ? "closed automatically"
                    : "closed by a moderator"}
              </strong>
              {a.state.open && a.state.closesAt ? (
                <>
                  {" "}
                  until <DateTime iso={a.state.closesAt} />
                </>
              ) : null}
              . {a.pendingCount} pending.
            </p>
            <Form method="post">
              <input type="hidden" name="articleId" value={a.id} />
              <input type="hidden" name="returnTo" value={continued ? `/moderation/articles?before=${a.id + 1}` : "/moderation/articles"} />
              {a.state.open || a.state.why === "closed-by-moderator" ? (
                <input type="hidden" name="open" value={a.state.open ? "no" : "yes"} />
              ) : null}
              {a.state.open ? (
                <button type="submit" className="button button--quiet" aria-label={`Close comments on ${a.title}`}>
                  Close comments
                </button>
              ) : a.state.why === "closed-by-moderator" ? (
                <button type="submit" className="button button--quiet" aria-label={`Open comments on ${a.title}`}>
                  Open comments
                </button>
              ) : null}
            </Form>
          </li>
        ))}
      </ul>
      {nextBeforeId || continued ? (
        <nav aria-label="Article pages" className="pager">
          {nextBeforeId ? <Link to={`/moderation/articles?before=${nextBeforeId}`}>Older articles</Link> : null}{" "}
          {continued ? <Link to="/moderation/articles">Newest articles</Link> : null}
        </nav>
      ) : null}
    </section>
  );
}
