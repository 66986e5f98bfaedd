import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { Fragment } from "react";
import { DateTime } from "~/components/DateTime";
import { outboxPageEnabled } from "~/models/mail.server";
import { listOutboxMail } from "~/models/outbox.server";

export const meta: MetaFunction = () => [{ title: "Outbox (development): Assay" }, { name: "robots", content: "noindex" }];

// The mail Assay would have sent, for developers. Not in production: it shows
// everyone's links and addresses.
export async function loader({ context }: LoaderFunctionArgs) {
  if (!outboxPageEnabled()) throw new Response("Not found", { status: 404 });
  return json({ mails: await listOutboxMail(context.db, { limit: 50 }) }, { headers: { "Cache-Control": "no-store" } });
}

/** The mail's text with its links clickable. */
function TextWithLinks({ text }: { text: string }) {
  const parts = text.split(/(https?:\/\/[^\s]+)/g);
  return (
    <>
      {parts.map((part, index) =>
        /^https?:\/\//.test(part) ? (
          <a key={index} href={part}>
            {part}
          </a>
        ) : (
          <Fragment key={index}>{part}</Fragment>
        ),
      )}
    </>
  );
}

export default function OutboxRoute() {
  const { mails } = useLoaderData<typeof loader>();
  return (
    <section>
      <h1 className="page-title">Outbox</h1>
      <p className="page-lede">
        Mail kept here because no SMTP server is configured (set <code>SMTP_URL</code> to send it). Newest first; this page does
        not exist in production.
      </p>
      {mails.length === 0 ? <p>No mail yet.</p> : null}
      {mails.map((mail) => (
        <article key={mail.id} className="outbox-mail" aria-labelledby={`mail-${mail.id}`}>
          <h2 id={`mail-${mail.id}`}>{mail.subject}</h2>
          <p className="article-card__meta">
            To {mail.to}, <DateTime iso={mail.createdAt} withTime />
          </p>
          <pre>
            <TextWithLinks text={mail.text} />
          </pre>
        </article>
      ))}
    </section>
  );
}
