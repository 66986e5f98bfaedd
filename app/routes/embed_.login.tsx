// The log-in popup's last page. A member in the frame (the forum inside a news
// site's page) clicks "Log in": public/embed-frame.js opens /embed/login in a
// popup, on the forum as a site of its own, where /login works as ever. Once
// logged in, this page hands the frame a one-time ticket by postMessage (to the
// frame's window, which opened it, and to this origin only) and closes; the frame
// trades it for a session of its own (/embed/session), since the browser keeps the
// frame's cookies apart from the forum's (partitioned), and reloads.
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { useEffect, useState } from "react";
import { requireUser } from "~/composition/session.server";
import { issueLoginTicket } from "~/models/embed.server";

export const meta: MetaFunction = () => [{ title: "Logged in: Assay" }, { name: "robots", content: "noindex" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  // A guest logs in first (/login comes back here).
  const user = await requireUser(request, context);
  const ticket = await issueLoginTicket(context.db, user.id);
  return json({ ticket, displayName: user.displayName }, { headers: { "Cache-Control": "private, no-store" } });
}

export default function EmbedLoginRoute() {
  const { ticket, displayName } = useLoaderData<typeof loader>();
  const [handed, setHanded] = useState<boolean | null>(null);
  useEffect(() => {
    // The frame that opened this popup is on this origin: only a window of this origin may read the ticket.
    const opener = window.opener as Window | null;
    if (!opener) return setHanded(false);
    opener.postMessage({ type: "assay:login", ticket }, window.location.origin);
    setHanded(true);
    window.close();
  }, [ticket]);
  return (
    <section className="error-page" aria-live="polite">
      <h1>You are logged in</h1>
      <p>
        Welcome back, {displayName}.{" "}
        {handed === false
          ? "Go back to the page you were reading and reload it to comment with your account."
          : "You can close this window and go back to the page you were reading."}
      </p>
      <p>
        <Link to="/">Go to the forum</Link>
      </p>
    </section>
  );
}
