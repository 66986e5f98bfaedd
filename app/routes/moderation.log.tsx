// The moderation log: every action, newest first, filterable by moderator and by
// the comment's author (a guest's email, or a member). Read-only, like the table.
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { DateTime } from "~/components/DateTime";
import { requireRole } from "~/composition/session.server";
import { listLogModerators, listModerationLog } from "~/models/moderation-log.server";
import { parseId, queryText } from "~/lib/params";

export const meta: MetaFunction = () => [{ title: "Log: Moderation: Assay" }, { name: "robots", content: "noindex" }];

function positiveInt(value: string | null): number | null {
  return parseId(value);
}

export async function loader({ request, context }: LoaderFunctionArgs) {
  await requireRole(request, context, "moderator");
  const url = new URL(request.url);
  const filter = {
    moderatorId: positiveInt(url.searchParams.get("moderator")),
    authorUserId: positiveInt(url.searchParams.get("authorUser")),
    authorEmail: queryText(url.searchParams.get("author"), 254).trim() || null,
  };
  const [page, moderators] = await Promise.all([
    listModerationLog(context.db, { ...filter, before: positiveInt(url.searchParams.get("before")) }),
    listLogModerators(context.db),
  ]);
  const query = new URLSearchParams();
  if (filter.moderatorId) query.set("moderator", String(filter.moderatorId));
  if (filter.authorUserId) query.set("authorUser", String(filter.authorUserId));
  if (filter.authorEmail) query.set("author", filter.authorEmail);
  return json(
    { ...page, moderators, filter, filterQuery: query.toString(), continued: url.searchParams.has("before") },
    { headers: { "Cache-Control": "private, no-store" } },
  );
}

function withQuery(base: string, extra: Record<string, string>) {
  const query = new URLSearchParams(base);
  for (const [key, value] of Object.entries(extra)) query.set(key, value);
  return `/moderation/log?${query.toString()}`;
}

export default function ModerationLogRoute() {
  const { entries, nextBefore, moderators, filter, filterQuery, continued } = useLoaderData<typeof loader>();
  const filtered = Boolean(filterQuery);
  return (
    <section aria-labelledby="log-title">
      <h1 id="log-title" className="page-title">
        Moderation log
      </h1>
      <p className="page-lede">Every moderation action, newest first. Entries can be added, never changed or removed.</p>
      <Form method="get" className="log-filter">
        <p className="queue-field queue-field--inline">
          <label htmlFor="log-moderator">Moderator</label>
          <select id="log-moderator" name="moderator" defaultValue={filter.moderatorId ? String(filter.moderatorId) : ""}>
            <option value="">Anyone</option>
            {moderators.map((m) => (
              <option key={m.id} value={m.id}>
                {m.name}
              </option>
            ))}
          </select>
        </p>
        <p className="queue-field queue-field--inline">
          <label htmlFor="log-author">Comment author&apos;s email (guest)</label>
          <input id="log-author" name="author" type="email" defaultValue={filter.authorEmail ?? ""} />
        </p>
        {filter.authorUserId ? <input type="hidden" name="authorUser" value={filter.authorUserId} /> : null}
        <p>
          <button type="submit" className="button button--quiet">
            Filter
          </button>{" "}
          {filtered ? <Link to="/moderation/log">Show everything</Link> : null}
        </p>
      </Form>
      {entries.length ? (
        <div className="log-table-wrap">
          <table className="log-table">
            <caption className="visually-hidden">Moderation actions, newest first</caption>
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">Who</th>
                <th scope="col">What</th>
                <th scope="col">Comment</th>
                <th scope="col">Author</th>
                <th scope="col">Status</th>
                <th scope="col">Reason</th>
              </tr>
            </thead>
            <tbody>
              {entries.map((e) => (
                <tr key={e.id}>
                  <td>
                    <DateTime iso={e.createdAt} withTime />
                  </td>
                  <td>{e.moderatorId ? <Link to={withQuery(filterQuery, { moderator: String(e.moderatorId) })}>{e.moderatorName}</Link> : e.moderatorName}</td>
                  <td>
                    {e.actionLabel}
                    {e.target ? ` ${e.target.name}` : ""}
                  </td>
                  <td>
                    {e.commentId ? (
                      e.article ? (
                        <a href={`/articles/${e.article.slug}#comment-${e.commentId}`}>#{e.commentId}</a>
                      ) : (
                        `#${e.commentId}`
                      )
                    ) : e.article ? (
                      <a href={`/articles/${e.article.slug}`}>{e.article.title}</a>
                    ) : null}
                  </td>
                  <td>
                    {e.author?.kind === "member" ? (
                      <Link to={`/moderation/log?authorUser=${e.author.userId}`}>{e.author.name}</Link>
                    ) : e.author?.kind === "guest" ? (
                      <>
                        {e.author.name}{" "}
                        {e.author.email ? <Link to={`/moderation/log?author=${encodeURIComponent(e.author.email)}`}>{e.author.email}</Link> : null}
                      </>
                    ) : null}
                  </td>
                  <td>{e.statusBefore || e.statusAfter ? `${e.statusBefore ?? "new"} → ${e.statusAfter ?? "deleted"}` : ""}</td>
                  <td>{e.reason}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : (
        <p>No entries{filtered ? " match this filter" : " yet"}.</p>
      )}
      {nextBefore || continued ? (
        <nav aria-label="Log pages" className="pager">
          {nextBefore ? <Link to={withQuery(filterQuery, { before: String(nextBefore) })}>Older entries</Link> : null}{" "}
          {continued ? <Link to={filterQuery ? `/moderation/log?${filterQuery}` : "/moderation/log"}>Newest entries</Link> : null}
        </nav>
      ) : null}
    </section>
  );
}
