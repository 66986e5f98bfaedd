// Tickers for editors: the listed companies whose cashtags become links and whose
// pages collect articles and comments. Changing one leaves comments already written as they are.
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { formText } from "~/composition/account-http.server";
import { requireRole } from "~/composition/session.server";
import { readForm } from "~/lib/forms.server";
import { parseId } from "~/lib/params";
import { tickerPath } from "~/lib/ticker-paths";
import { deleteTicker, listTickersForAdmin, saveTicker, type TickerFieldErrors } from "~/models/tickers.server";

export const meta: MetaFunction = () => [{ title: "Tickers: Publishing: Assay" }, { name: "robots", content: "noindex" }];

const NOTICES: Record<string, string> = {
  created: "Ticker added: its cashtags link to its page in comments and articles written from now on.",
  updated: "Ticker saved.",
  deleted: "Ticker deleted.",
};

export async function loader({ request, context }: LoaderFunctionArgs) {
  await requireRole(request, context, "editor");
  const tickers = await listTickersForAdmin(context.db);
  const notice = NOTICES[new URL(request.url).searchParams.get("notice") ?? ""] ?? null;
  return json({ tickers, notice }, { headers: { "Cache-Control": "private, no-store" } });
}

type Values = Record<"symbol" | "exchange" | "companyName" | "aliases", string>;
interface ActionData {
  /** Which form the answer is for: "create", or a ticker id. */
  form: string;
  values: Values;
  errors: TickerFieldErrors;
  formError: string | null;
}

export async function action({ request, context }: ActionFunctionArgs) {
  await requireRole(request, context, "editor");
  const form = await readForm(request);
  const intent = formText(form, "intent");
  const values: Values = {
    symbol: formText(form, "symbol"),
    exchange: formText(form, "exchange"),
    companyName: formText(form, "companyName"),
    aliases: formText(form, "aliases"),
  };
  const id = parseId(formText(form, "id"));
  const key = intent === "create" ? "create" : String(id ?? "");
  const answer = (errors: TickerFieldErrors, formError: string | null, status: number) => json<ActionData>({ form: key, values, errors, formError }, { status });
  if (intent === "create" || (intent === "update" && id !== null)) {
    const result = await saveTicker(context.db, intent === "create" ? null : id, values);
    if (!result.ok) return "errors" in result ? answer(result.errors, null, 400) : answer({}, "That ticker no longer exists.", 404);
    return redirect(`/admin/tickers?notice=${intent === "create" ? "created" : "updated"}`, { status: 303 });
  }
  if (intent === "delete" && id !== null) {
    if (!(await deleteTicker(context.db, id))) return answer({}, "That ticker no longer exists.", 404);
    return redirect("/admin/tickers?notice=deleted", { status: 303 });
  }
  return answer({}, "That request could not be read.", 400);
}

function Field({ id, label, name, value, error, hint }: { id: string; label: string; name: keyof Values; value: string; error?: string; hint?: string }) {
  const described = [hint ? `${id}-hint` : null, error ? `${id}-error` : null].filter(Boolean).join(" ");
  return (
    <p className="field">
      <label htmlFor={id}>{label}</label>
      <input type="text" id={id} name={name} defaultValue={value} aria-invalid={error ? true : undefined} aria-describedby={described || undefined} />
      {hint ? (
        <span id={`${id}-hint`} className="field-hint">
          {hint}
        </span>
      ) : null}
      {error ? (
        <span id={`${id}-error`} className="field-error">
          {error}
        </span>
      ) : null}
    </p>
  );
}

function TickerFields({ prefix, values, errors }: { prefix: string; values: Values; errors: TickerFieldErrors }) {
  return (
    <>
      <Field id={`${prefix}-symbol`} label="Symbol" name="symbol" value={values.symbol} error={errors.symbol} />
      <Field id={`${prefix}-exchange`} label="Exchange" name="exchange" value={values.exchange} error={errors.exchange} />
      <Field id={`${prefix}-company`} label="Company name" name="companyName" value={values.companyName} error={errors.companyName} />
      <Field
        id={`${prefix}-aliases`}
        label="Aliases"
        name="aliases"
        value={values.aliases}
        error={errors.aliases}
        hint="Other spellings a cashtag may use, separated by commas: LYC.AX"
      />
    </>
  );
}

export default function AdminTickers() {
  const { tickers, notice } = useLoaderData<typeof loader>();
  const data = useActionData<typeof action>();
  const answer = (key: string) => (data && data.form === key ? data : null);
  const create = answer("create");
  const empty: Values = { symbol: "", exchange: "", companyName: "", aliases: "" };
  return (
    <section aria-labelledby="tickers-title">
      <h1 id="tickers-title" className="page-title">
        Tickers
      </h1>
      <div role="status" className={notice ? "notice" : undefined}>
        {notice ? <p>{notice}</p> : null}
      </div>
      <p className="page-lede">
        A cashtag of a ticker listed here ($LYC, $LYC.AX, $ASX:LYC) becomes a link to its page in comments and articles. A symbol listed on two
        exchanges links only when the exchange is written ($ASX:LYC).
      </p>
      <h2>New ticker</h2>
      {create?.formError ? (
        <div className="form-errors" role="alert">
          <p>{create.formError}</p>
        </div>
      ) : null}
      <Form method="post" className="category-form">
        <input type="hidden" name="intent" value="create" />
        <TickerFields prefix="new" values={create?.values ?? empty} errors={create?.errors ?? {}} />
        <button type="submit" className="button">
          Add ticker
        </button>
      </Form>
      <h2>All tickers</h2>
      {tickers.length === 0 ? <p>No tickers yet.</p> : null}
      <ul className="category-admin-list">
        {tickers.map((t) => {
          const a = answer(String(t.id));
          const values: Values = a?.values ?? { symbol: t.symbol, exchange: t.exchange, companyName: t.companyName, aliases: t.aliases.join(", ") };
          return (
            <li key={t.id}>
              <h3>
                <Link to={tickerPath(t)}>
                  ${t.symbol} ({t.exchange})
                </Link>{" "}
                {t.companyName}
              </h3>
              <p className="field-hint">
                {t.articles} tagged {t.articles === 1 ? "article" : "articles"} · {t.mentions} {t.mentions === 1 ? "comment mentions" : "comments mention"} it
              </p>
              {a?.formError ? (
                <div className="form-errors" role="alert">
                  <p>{a.formError}</p>
                </div>
              ) : null}
              <Form method="post" className="category-form">
                <input type="hidden" name="intent" value="update" />
                <input type="hidden" name="id" value={t.id} />
                <TickerFields prefix={`t${t.id}`} values={values} errors={a?.errors ?? {}} />
                <button type="submit" className="button">
                  Save ${t.symbol}
                </button>
              </Form>
              <Form method="post">
                <input type="hidden" name="intent" value="delete" />
                <input type="hidden" name="id" value={t.id} />
                <button type="submit" className="button button--quiet">
                  Delete ${t.symbol}
                </button>
              </Form>
            </li>
          );
        })}
      </ul>
    </section>
  );
}
