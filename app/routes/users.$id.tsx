import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { DateTime } from "~/components/DateTime";
import { getPublicProfile } from "~/models/users.server";
import { parseId } from "~/lib/params";

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: data ? `${data.profile.displayName}: Assay` : "Member not found: Assay" },
];

// Anyone may see a member's name, join date and approved comments; never the email.
export async function loader({ params, context }: LoaderFunctionArgs) {
  const id = parseId(params.id);
  if (id === null) throw new Response("Member not found", { status: 404 });
  const profile = await getPublicProfile(context.db, id);
  if (!profile) throw new Response("Member not found", { status: 404 });
  return json({ profile });
}

export default function UserProfileRoute() {
  const { profile } = useLoaderData<typeof loader>();
  const count = profile.approvedCommentCount;
  return (
    <section className="profile">
      <h1 className="page-title">{profile.displayName}</h1>
      <p className="page-lede">
        Member since <DateTime iso={profile.joinedAt} />.{" "}
        {count === 1 ? "1 approved comment" : `${count.toLocaleString("en-US")} approved comments`}.
      </p>
      {profile.comments.length ? (
        <>
          <h2>{count > profile.comments.length ? "Latest comments" : "Comments"}</h2>
          <ol className="profile-comments">
            {profile.comments.map((comment) => (
              <li key={comment.id}>
                <p className="article-card__meta">
                  On <Link to={`/articles/${comment.articleSlug}`}>{comment.articleTitle}</Link>,{" "}
                  <a href={`/comments/${comment.id}`}>
                    <DateTime iso={comment.createdAt} withTime />
                  </a>
                </p>
                <div className="comment__content" dangerouslySetInnerHTML={{ __html: comment.bodyHtml }} />
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
