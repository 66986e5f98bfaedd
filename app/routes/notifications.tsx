import type { ActionFunctionArgs, HeadersFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { DateTime } from "~/components/DateTime";
import { IgnoredCollapse } from "~/components/IgnoredCollapse";
import { readForm } from "~/lib/forms.server";
import { parseId } from "~/lib/params";
import { pageHeaders } from "~/lib/route-headers";
import { requireUser } from "~/composition/session.server";
import { listNotifications, markAllNotificationsRead } from "~/models/notifications.server";

export const meta: MetaFunction = () => [{ title: "Notifications: Assay" }];

// A member's own page: no cache tag, so never kept for anyone.
export const headers: HeadersFunction = pageHeaders;

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireUser(request, context);
  const before = parseId(new URL(request.url).searchParams.get("before"));
  return json(await listNotifications(context.db, { userId: user.id, before }));
}

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireUser(request, context);
  const form = await readForm(request);
  if (form.get("intent") !== "read-all") throw new Response("That request was not understood. Please use the button on the page.", { status: 400 });
  await markAllNotificationsRead(context.db, user.id);
  return redirect("/notifications", { status: 303 });
}

export default function NotificationsRoute() {
  const { notifications, nextBefore } = useLoaderData<typeof loader>();
  const unread = notifications.filter((n) => !n.read).length;
  return (
    <>
      <h1 className="page-title">Notifications</h1>
      <p className="page-lede">Replies to your comments, and new articles in the categories you watch. Opening one marks it read.</p>
      {unread ? (
        <Form method="post" className="notifications__read-all">
          <input type="hidden" name="intent" value="read-all" />
          <button type="submit" className="button button--quiet">
            Mark all as read
          </button>
        </Form>
      ) : null}
      {notifications.length ? (
        <ul className="notification-list">
          {notifications.map((n) => (
            <li key={n.id} className={n.read ? "notification" : "notification notification--unread"}>
              <IgnoredCollapse ignored={n.fromIgnored}>
                {n.read ? null : <span className="badge">Unread</span>}{" "}
                <Link to={`/notifications/${n.id}`} reloadDocument>
                  {n.kind === "reply"
                    ? n.reply
                      ? `${n.reply.authorName} replied to you on “${n.article.title}”`
                      : `A reply to you on “${n.article.title}”`
                    : `New article: “${n.article.title}”`}
                </Link>
                {n.reply?.excerpt ? <p className="notification__excerpt">{n.reply.excerpt}</p> : null}
                <p className="article-card__meta">
                  <DateTime iso={n.createdAt} withTime />
                </p>
              </IgnoredCollapse>
            </li>
          ))}
        </ul>
      ) : (
        <p>
          Nothing yet. Replies to your comments and new articles in the categories you <Link to="/categories">watch</Link> show here.
        </p>
      )}
      {nextBefore ? (
        <nav aria-label="More notifications" className="pager">
          <Link to={`/notifications?before=${nextBefore}`}>Older notifications</Link>
        </nav>
      ) : null}
    </>
  );
}
