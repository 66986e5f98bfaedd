// The administrators' form that gives a member a verified label (on /admin/labels
// and in the Labels block of a member's page). A plain POST form to /admin/labels.
import { Form } from "@remix-run/react";

export interface LabelFormValues {
  member: string;
  kind: string;
  tickerId: string;
  role: string;
}

export type LabelFormErrors = Partial<Record<"member" | "kind" | "ticker" | "role", string>>;

function FieldError({ id, error }: { id: string; error?: string }) {
  return error ? (
    <span id={id} className="field-error">
      {error}
    </span>
  ) : null;
}

export function LabelForm({
  idPrefix,
  tickers,
  values,
  errors = {},
  returnTo,
  memberFixed,
}: {
  idPrefix: string;
  tickers: { id: number; symbol: string; exchange: string; companyName: string }[];
  values: LabelFormValues;
  errors?: LabelFormErrors;
  /** Where to come back to when it is given (a member's page); default /admin/labels. */
  returnTo?: string;
  /** The member is known (their page): sent as a hidden field. */
  memberFixed?: boolean;
}) {
  const id = (name: string) => `${idPrefix}-${name}`;
  const described = (name: keyof LabelFormErrors, hint?: string) =>
    [hint, errors[name] ? id(`${name}-error`) : null].filter(Boolean).join(" ") || undefined;
  return (
    <Form method="post" action="/admin/labels" className="category-form" noValidate>
      <input type="hidden" name="intent" value="give" />
      {returnTo ? <input type="hidden" name="returnTo" value={returnTo} /> : null}
      {memberFixed ? (
        <input type="hidden" name="member" value={values.member} />
      ) : (
        <p className="field">
          <label htmlFor={id("member")}>Member</label>
          <input
            type="text"
            id={id("member")}
            name="member"
            defaultValue={values.member}
            aria-invalid={errors.member ? true : undefined}
            aria-describedby={described("member", id("member-hint"))}
          />
          <span id={id("member-hint")} className="field-hint">
            Their display name, or the link to their profile (/users/12).
          </span>
          <FieldError id={id("member-error")} error={errors.member} />
        </p>
      )}
      <fieldset aria-describedby={described("kind")}>
        <legend>Label</legend>
        <p>
          <label>
            <input type="radio" name="kind" value="company-representative" defaultChecked={values.kind !== "staff"} /> Company representative
          </label>
        </p>
        <p>
          <label>
            <input type="radio" name="kind" value="staff" defaultChecked={values.kind === "staff"} /> Staff
          </label>
        </p>
        <FieldError id={id("kind-error")} error={errors.kind} />
      </fieldset>
      <p className="field">
        <label htmlFor={id("ticker")}>Company (for a representative)</label>
        <select
          id={id("ticker")}
          name="tickerId"
          defaultValue={values.tickerId}
          aria-invalid={errors.ticker ? true : undefined}
          aria-describedby={described("ticker")}
        >
          <option value="">Choose the company</option>
          {tickers.map((t) => (
            <option key={t.id} value={String(t.id)}>
              {t.companyName} (${t.symbol}, {t.exchange})
            </option>
          ))}
        </select>
        <FieldError id={id("ticker-error")} error={errors.ticker} />
      </p>
      <p className="field">
        <label htmlFor={id("role")}>Role (for a representative)</label>
        <input
          type="text"
          id={id("role")}
          name="role"
          defaultValue={values.role}
          aria-invalid={errors.role ? true : undefined}
          aria-describedby={described("role", id("role-hint"))}
        />
        <span id={id("role-hint")} className="field-hint">
          What they do for the company, as readers will see it: Investor Relations.
        </span>
        <FieldError id={id("role-error")} error={errors.role} />
      </p>
      <button type="submit" className="button">
        Give the label
      </button>
    </Form>
  );
}
