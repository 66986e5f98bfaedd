// People: the members suspended or banned, the guests blocked, and lifting either.
// Restricting someone starts from an item of the queue (where their comment is).
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { z } from "~/lib/zod";
import { DateTime } from "~/components/DateTime";
import { formText } from "~/composition/account-http.server";
import { redirectWithNotice, takeNotice } from "~/lib/moderation-notice.server";
import { ROLE_LABELS } from "~/lib/roles";
import { requireRole } from "~/composition/session.server";
import { liftRestriction, listRestrictions, unblockGuest } from "~/models/restrictions.server";
import { readForm } from "~/lib/forms.server";
import { MAX_ID } from "~/lib/params";

export const meta: MetaFunction = () => [{ title: "People: Moderation: Assay" }, { name: "robots", content: "noindex" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  await requireRole(request, context, "moderator");
  const [restrictions, { notice, headers }] = await Promise.all([listRestrictions(context.db), takeNotice(request)]);
  return json({ ...restrictions, notice }, { headers: { ...headers, "Cache-Control": "private, no-store" } });
}

const liftSchema = z.object({
  intent: z.enum(["lift", "unblock"]),
  id: z.coerce.number().int().positive().max(MAX_ID),
  reason: z.string().trim().max(500),
});

export async function action({ request, context }: ActionFunctionArgs) {
  const me = await requireRole(request, context, "moderator");
  const form = await readForm(request);
  const parsed = liftSchema.safeParse({ intent: formText(form, "intent"), id: formText(form, "id"), reason: formText(form, "reason") });
  if (!parsed.success) return json({ formError: "That request could not be read; please try again." }, { status: 400 });
  const { intent, id, reason } = parsed.data;
  if (intent === "lift") {
    const result = await liftRestriction(context.db, { moderatorId: me.id, userId: id, reason });
    if (!result.ok) {
      const formError = result.error === "not-allowed" ? "Only someone with a higher role than this member's can lift it." : "That restriction is already over.";
      return json({ formError }, { status: result.error === "not-allowed" ? 403 : 404 });
    }
    return redirectWithNotice(request, "/moderation/people", "Restriction lifted: the member may comment again.");
  }
  const result = await unblockGuest(context.db, { moderatorId: me.id, blockId: id, reason });
  if (!result.ok) return json({ formError: "That block was already lifted." }, { status: 404 });
  return redirectWithNotice(request, "/moderation/people", "Block lifted.");
}

function LiftForm({ intent, id, label }: { intent: "lift" | "unblock"; id: number; label: string }) {
  return (
    <Form method="post" className="people-lift">
      <input type="hidden" name="intent" value={intent} />
      <input type="hidden" name="id" value={id} />
      <label htmlFor={`${intent}-${id}-reason`} className="visually-hidden">
        Reason for the log ({label})
      </label>
      <input id={`${intent}-${id}-reason`} name="reason" type="text" maxLength={500} placeholder="Reason (optional)" />{" "}
      <button type="submit" className="button button--quiet">
        {label}
      </button>
    </Form>
  );
}

export default function ModerationPeopleRoute() {
  const { members, guests, notice } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  return (
    <section aria-labelledby="people-title">
      <h1 id="people-title" className="page-title">
        People
      </h1>
      <p className="page-lede">
        Suspend or ban a member, or block a guest, from any of their comments in the <Link to="/moderation">queue</Link>. Moderators can
        restrict only people of a lower role: never an administrator.
      </p>
      <div role="status" className={notice ? "notice" : undefined}>
        {notice ? <p>{notice}</p> : null}
      </div>
      {actionData?.formError ? (
        <div className="form-errors" role="alert">
          <p>{actionData.formError}</p>
        </div>
      ) : null}
      <h2>Members suspended or banned</h2>
      {members.length ? (
        <ul className="people-list">
          {members.map((m) => (
            <li key={m.userId}>
              <p>
                <Link to={`/moderation/log?authorUser=${m.userId}`}>{m.name}</Link> ({ROLE_LABELS[m.role]}):{" "}
                <strong>{m.kind === "ban" ? "banned" : "suspended"}</strong>
                {m.until ? (
                  <>
                    {" "}
                    until <DateTime iso={m.until} />
                  </>
                ) : null}
                . Reason: {m.reason}. By {m.byName ?? "the system"} on <DateTime iso={m.since} />.
              </p>
              <LiftForm intent="lift" id={m.userId} label={`Lift the ${m.kind === "ban" ? "ban" : "suspension"} of ${m.name}`} />
            </li>
          ))}
        </ul>
      ) : (
        <p>No member is suspended or banned.</p>
      )}
      <h2>Guests blocked</h2>
      {guests.length ? (
        <ul className="people-list">
          {guests.map((g) => (
            <li key={g.id}>
              <p>
                {g.kind === "email" ? "Email" : "IP address"} <strong>{g.label}</strong>. Reason: {g.reason}. By {g.byName ?? "the system"} on{" "}
                <DateTime iso={g.since} />.
              </p>
              <LiftForm intent="unblock" id={g.id} label={`Unblock ${g.label}`} />
            </li>
          ))}
        </ul>
      ) : (
        <p>No guest is blocked.</p>
      )}
    </section>
  );
}
