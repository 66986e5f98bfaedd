// Pieces of the account forms (sign-up, log-in, password reset, /account): a
// labelled field with its message beside it, and a focusable error summary that
// takes the focus after a rejected submission. Same conventions as CommentForm.
import { useEffect, useRef, type ReactNode } from "react";

export interface FieldProps {
  /** The form's prefix for ids, so several forms on one page do not clash. */
  form: string;
  name: string;
  label: string;
  type?: "text" | "email" | "password" | "checkbox";
  autoComplete?: string;
  required?: boolean;
  error?: string;
  hint?: ReactNode;
  defaultValue?: string;
}

export const fieldId = (form: string, name: string) => `${form}-${name}`;

export function Field({ form, name, label, type = "text", autoComplete, required, error, hint, defaultValue }: FieldProps) {
  const id = fieldId(form, name);
  const describedBy = [error ? `${id}-error` : null, hint ? `${id}-hint` : null].filter(Boolean).join(" ") || undefined;
  const input = (
    <input
      id={id}
      name={name}
      type={type}
      autoComplete={autoComplete}
      required={required}
      aria-invalid={error ? true : undefined}
      aria-describedby={describedBy}
      defaultValue={type === "password" || type === "checkbox" ? undefined : defaultValue ?? ""}
    />
  );
  return (
    <p className={`account-field account-field--${type}`}>
      {type === "checkbox" ? (
        <label htmlFor={id}>
          {input} {label}
        </label>
      ) : (
        <>
          <label htmlFor={id}>
            {label}
            {required ? (
              <>
                {" "}
                <span className="required">*</span>
              </>
            ) : null}
          </label>
          {input}
        </>
      )}
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

export interface ErrorSummaryProps {
  form: string;
  errors?: Partial<Record<string, string>>;
  labels: Record<string, string>;
  formError?: string | null;
  intro?: string;
}

/** The list of what went wrong, each linking to its field; takes the focus when it appears. */
export function ErrorSummary({ form, errors = {}, labels, formError, intro = "Please correct:" }: ErrorSummaryProps) {
  const ref = useRef<HTMLDivElement>(null);
  const invalid = Object.keys(errors).filter((field) => errors[field]);
  const hasProblem = invalid.length > 0 || Boolean(formError);
  useEffect(() => {
    if (hasProblem) ref.current?.focus();
  }, [hasProblem, errors, formError]);
  if (!hasProblem) return null;
  return (
    <div className="form-errors" role="alert" tabIndex={-1} ref={ref} id={`${form}-errors`}>
      {formError ? <p>{formError}</p> : null}
      {invalid.length ? (
        <>
          <p>{intro}</p>
          <ul>
            {invalid.map((field) => (
              <li key={field}>
                <a
                  href={`#${fieldId(form, field)}`}
                  onClick={(event) => {
                    event.preventDefault();
                    document.getElementById(fieldId(form, field))?.focus();
                  }}
                >
                  {labels[field] ?? field}: {errors[field]}
                </a>
              </li>
            ))}
          </ul>
        </>
      ) : null}
    </div>
  );
}

/** A quiet confirmation after a form went through. */
export function Notice({ children }: { children: ReactNode }) {
  return (
    <div className="notice" role="status">
      {children}
    </div>
  );
}
