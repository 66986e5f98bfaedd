import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { readForm } from "~/lib/forms.server";
import { getCurrentUser, requireUser } from "~/composition/session.server";
import { ignoreMember, unignoreMember } from "~/models/ignores.server";
import { DateTime } from "~/components/DateTime";
import { IgnoredCollapse } from "~/components/IgnoredCollapse";
import { getPublicProfile } from "~/models/users.server";
import { parseId } from "~/lib/params";

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: data ? `${data.profile.displayName}: Assay` : "Member not found: Assay" },
];

// Anyone may see a member's name, join date and approved comments; never the email.
// A signed-in member also sees whether they ignore this one (a personal page then).
export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const id = parseId(params.id);
  if (id === null) throw new Response("Member not found", { status: 404 });
  const [profile, viewer] = await Promise.all([getPublicProfile(context.db, id), getCurrentUser(request, context)]);
  if (!profile) throw new Response("Member not found", { status: 404 });
  const ignore = viewer && viewer.id !== id ? { ignoring: viewer.ignoredUserIds.includes(id) } : null;
  return json({ profile, ignore }, viewer ? { headers: { "Cache-Control": "private, no-store" } } : undefined);
}

const IGNORE_ERRORS = {
  self: "You cannot ignore yourself.",
  "not-found": "There is no such member.",
  "too-many": "You already ignore 500 members: please stop ignoring someone first.",
} as const;

/** Ignore or stop ignoring this member (for the signed-in member alone). */
export async function action({ request, params, context }: ActionFunctionArgs) {
  const user = await requireUser(request, context);
  const id = parseId(params.id);
  if (id === null) throw new Response("Member not found", { status: 404 });
  const form = await readForm(request);
  const intent = form.get("intent");
  if (intent === "unignore") {
    await unignoreMember(context.db, { userId: user.id, ignoredUserId: id });
    return redirect(`/users/${id}`, { status: 303 });
  }
  if (intent !== "ignore") return json({ formError: "That request was not understood. Please use the button on this page." }, { status: 400 });
  const result = await ignoreMember(context.db, { userId: user.id, ignoredUserId: id });
  if (!result.ok) {
    if (result.error === "not-found") throw new Response("Member not found", { status: 404 });
    return json({ formError: IGNORE_ERRORS[result.error] }, { status: 400 });
  }
  return redirect(`/users/${id}`, { status: 303 });
}

export default function UserProfileRoute() {
  const { profile, ignore } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const count = profile.approvedCommentCount;
  const ignoring = ignore?.ignoring ?? false;
  return (
    <section className="profile">
      <h1 className="page-title">{profile.displayName}</h1>
      <p className="page-lede">
        Member since <DateTime iso={profile.joinedAt} />.{" "}
        {count === 1 ? "1 approved comment" : `${count.toLocaleString("en-US")} approved comments`}.
      </p>
      {actionData?.formError ? (
        <div className="form-errors" role="alert">
          <p>{actionData.formError}</p>
        </div>
      ) : null}
      {ignore ? (
        <Form method="post" className="profile__ignore">
          <input type="hidden" name="intent" value={ignore.ignoring ? "unignore" : "ignore"} />
          {ignore.ignoring ? <p className="profile__ignoring">You ignore this member: their comments are collapsed for you, here and everywhere, and their replies do not notify you.</p> : null}
          <button type="submit" className="button button--secondary">
            {ignore.ignoring ? "Stop ignoring" : "Ignore this member"}
          </button>
        </Form>
      ) : null}
      {profile.comments.length ? (
        <>
          <h2>{count > profile.comments.length ? "Latest comments" : "Comments"}</h2>
          <ol className="profile-comments">
            {profile.comments.map((comment) => (
              <li key={comment.id}>
                {/* A member one ignores: their page still lists their comments, each collapsed. */}
                <IgnoredCollapse ignored={ignoring}>
                  <p className="article-card__meta">
                    On <Link to={`/articles/${comment.articleSlug}`}>{comment.articleTitle}</Link>,{" "}
                    <a href={`/comments/${comment.id}`}>
                      <DateTime iso={comment.createdAt} withTime />
                    </a>
                  </p>
                  <div className="comment__content" dangerouslySetInnerHTML={{ __html: comment.bodyHtml }} />
                </IgnoredCollapse>
              </li>
            ))}
          </ol>
        </>
      ) : (
        <p>No approved comments yet.</p>
      )}
    </section>
  );
}
