// Verified labels, for administrators: give a member "Company representative" (a
// listed company and their role) or "Staff", and remove one. Members are found by
// display name or profile link, never by email. "Author" is not given here: it
// follows the article's byline.
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { DateTime } from "~/components/DateTime";
import { LabelForm, type LabelFormErrors, type LabelFormValues } from "~/components/LabelForm";
import { formText } from "~/composition/account-http.server";
import { readForm } from "~/lib/forms.server";
import { parseId } from "~/lib/params";
import { safeRedirect } from "~/lib/safe-redirect";
import { requireRole } from "~/composition/session.server";
import { giveLabel, listLabels, removeLabel, type MemberCandidate } from "~/models/labels.server";
import { listTickers } from "~/models/tickers.server";

export const meta: MetaFunction = () => [{ title: "Labels: Assay" }, { name: "robots", content: "noindex" }];

const NOTICES: Record<string, string> = {
  given: "Label given: it shows beside the member's name on their comments.",
  removed: "Label removed.",
};

export async function loader({ request, context }: LoaderFunctionArgs) {
  await requireRole(request, context, "admin");
  const url = new URL(request.url);
  const [labels, tickers] = await Promise.all([listLabels(context.db), listTickers(context.db)]);
  // From a member's page: their profile link fills in the form.
  const memberId = parseId(url.searchParams.get("member"));
  return json(
    {
      labels,
      tickers: tickers.map((t) => ({ id: t.id, symbol: t.symbol, exchange: t.exchange, companyName: t.companyName })),
      notice: NOTICES[url.searchParams.get("notice") ?? ""] ?? null,
      member: memberId !== null ? `/users/${memberId}` : "",
    },
    { headers: { "Cache-Control": "private, no-store" } },
  );
}

interface ActionData {
  values: LabelFormValues;
  errors: LabelFormErrors;
  candidates: MemberCandidate[];
  formError: string | null;
}

/** Back to the member's page when the form was sent from there, else here. */
function backTo(form: FormData, notice: string): string {
  const returnTo = safeRedirect(formText(form, "returnTo"), "");
  if (returnTo.startsWith("/users/")) return `${returnTo}#labels`;
  return `/admin/labels?notice=${notice}`;
}

export async function action({ request, context }: ActionFunctionArgs) {
  const admin = await requireRole(request, context, "admin");
  const form = await readForm(request);
  const intent = formText(form, "intent");
  const values: LabelFormValues = {
    member: formText(form, "member"),
    kind: formText(form, "kind"),
    tickerId: formText(form, "tickerId"),
    role: formText(form, "role"),
  };
  const answer = (status: number, data: Partial<ActionData>) =>
    json<ActionData>({ values, errors: {}, candidates: [], formError: null, ...data }, { status });
  if (intent === "give") {
    const result = await giveLabel(context.db, { adminId: admin.id, ...values });
    if (!result.ok) {
      if (result.error === "not-allowed") throw new Response("Only administrators give labels.", { status: 403 });
      return answer(400, { errors: result.errors, candidates: result.candidates });
    }
    return redirect(backTo(form, "given"), { status: 303 });
  }
  if (intent === "remove") {
    const labelId = parseId(formText(form, "labelId"));
    const result = labelId === null ? ({ ok: false, error: "not-found" } as const) : await removeLabel(context.db, { adminId: admin.id, labelId });
    if (!result.ok) {
      if (result.error === "not-allowed") throw new Response("Only administrators remove labels.", { status: 403 });
      return answer(404, { formError: "That label was already removed." });
    }
    return redirect(backTo(form, "removed"), { status: 303 });
  }
  return answer(400, { formError: "That request could not be read. Please use the forms on this page." });
}

export default function AdminLabels() {
  const { labels, tickers, notice, member } = useLoaderData<typeof loader>();
  const data = useActionData<typeof action>();
  const values: LabelFormValues = data?.values ?? { member, kind: "company-representative", tickerId: "", role: "" };
  return (
    <section aria-labelledby="labels-title">
      <h1 id="labels-title" className="page-title">
        Labels
      </h1>
      <div role="status" className={notice ? "notice" : undefined}>
        {notice ? <p>{notice}</p> : null}
      </div>
      <p className="page-lede">
        A label shows beside a member&rsquo;s name on every comment they write. A company representative&rsquo;s label reads in full (&ldquo;Company
        representative — Lynas Rare Earths, Investor Relations&rdquo;) on that company&rsquo;s ticker page and wherever their comment mentions its
        ticker, and as &ldquo;Company representative ($LYC)&rdquo; elsewhere. &ldquo;Author&rdquo; needs no label: an editor, administrator or Staff
        member whose display name is an article&rsquo;s byline is its Author.
      </p>
      {data?.formError ? (
        <div className="form-errors" role="alert">
          <p>{data.formError}</p>
        </div>
      ) : null}
      <h2>Give a label</h2>
      {data && Object.keys(data.errors).length ? (
        <div className="form-errors" role="alert">
          <p>The label was not given: see the fields below.</p>
        </div>
      ) : null}
      <LabelForm idPrefix="label" tickers={tickers} values={values} errors={data?.errors} />
      {data?.candidates.length ? (
        <section aria-labelledby="candidates-title">
          <h3 id="candidates-title">Members of that name</h3>
          <ul>
            {data.candidates.map((c) => (
              <li key={c.id}>
                <Link to={`/users/${c.id}`}>{c.displayName}</Link>, /users/{c.id}, member since <DateTime iso={c.joinedAt} />
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      <h2>Labels given</h2>
      {labels.length === 0 ? <p>No labels yet.</p> : null}
      <ul className="label-admin-list">
        {labels.map((l) => (
          <li key={l.id}>
            <Link to={`/users/${l.userId}`}>{l.displayName}</Link>
            <span className="member-label">{l.text}</span>
            <span className="field-hint">
              given {l.grantedBy ? `by ${l.grantedBy} ` : ""}on <DateTime iso={l.createdAt} />
            </span>
            <Form method="post">
              <input type="hidden" name="intent" value="remove" />
              <input type="hidden" name="labelId" value={l.id} />
              <button type="submit" className="button button--quiet" aria-label={`Remove the label ${l.text} from ${l.displayName}`}>
                Remove
              </button>
            </Form>
          </li>
        ))}
      </ul>
    </section>
  );
}
