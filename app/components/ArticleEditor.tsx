// The editor's article form: works as a plain form (POST, 303, or 400 with every
// field as typed); in a browser with JavaScript it shows times in the editor's
// own time zone and suggests a slug as the title is typed.
import { Form } from "@remix-run/react";
import { useEffect, useState } from "react";
import type { ArticleFormValues } from "~/lib/article-form";
import { slugify } from "~/lib/slugs";

type Errors = Partial<Record<keyof ArticleFormValues | "categoryIds", string>>;

export interface ArticleEditorProps {
  values: ArticleFormValues;
  errors?: Errors;
  formError?: string | null;
  preview?: { title: string; highlights: string[]; bodyHtml: string } | null;
  categories: { id: number; name: string }[];
  /** The editors' ticker list, to tag the article with. */
  tickers?: { id: number; symbol: string; exchange: string; companyName: string }[];
  status: "draft" | "scheduled" | "published" | "unpublished";
  /** Once published the slug stays unless changed by hand. */
  slugLocked: boolean;
}

const LABELS: Record<string, string> = {
  title: "Title",
  slug: "Slug",
  byline: "Byline",
  highlights: "Highlights",
  body: "Body",
  excerpt: "Excerpt",
  categoryIds: "Categories",
  newCategories: "New categories",
  publishAt: "Publish at",
};

function FieldError({ field, errors }: { field: keyof Errors; errors: Errors }) {
  const message = errors[field];
  return message ? (
    <span id={`${field}-error`} className="field-error">
      {message}
    </span>
  ) : null;
}

/** The local wall-clock value of an instant, for a datetime-local field in the browser's zone. */
function browserLocal(iso: string): string {
  const d = new Date(iso);
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

export function ArticleEditor({ values, errors = {}, formError, preview, categories, tickers = [], status, slugLocked }: ArticleEditorProps) {
  const [timeZone, setTimeZone] = useState(values.timeZone || "UTC");
  const [publishAt, setPublishAt] = useState(values.publishAt);
  const [title, setTitle] = useState(values.title);
  const [slug, setSlug] = useState(values.slug);
  const [slugTouched, setSlugTouched] = useState(slugLocked || values.slug !== "");
  useEffect(() => {
    const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    if (!zone || zone === timeZone) return;
    // The server rendered UTC's clock: show the same instant on the browser's.
    if (values.publishAt && timeZone === "UTC") setPublishAt(browserLocal(`${values.publishAt}:00Z`));
    setTimeZone(zone);
    // Only once, after the first render in the browser.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);
  const invalid = Object.keys(errors) as (keyof Errors)[];
  const describedBy = (field: keyof Errors, hint?: string) => [errors[field] ? `${field}-error` : null, hint].filter(Boolean).join(" ") || undefined;
  const chosen = new Set(values.categoryIds);
  const tagged = new Set(values.tickerIds ?? []);

  return (
    <>
      {formError || invalid.length ? (
        <div className="form-errors" role="alert">
          {formError ? <p>{formError}</p> : null}
          {invalid.length ? (
            <>
              <p>The article was not saved. Please check:</p>
              <ul>
                {invalid.map((field) => (
                  <li key={field}>
                    <a href={`#${field}`}>
                      {LABELS[field] ?? field}: {errors[field]}
                    </a>
                  </li>
                ))}
              </ul>
            </>
          ) : null}
        </div>
      ) : null}
      <Form method="post" className="editor-form" noValidate>
        <input type="hidden" name="version" value={values.version} />
        <input type="hidden" name="timeZone" value={timeZone} />
        <p className="field">
          <label htmlFor="title">Title *</label>
          <input
            id="title"
            name="title"
            type="text"
            required
            maxLength={300}
            value={title}
            onChange={(e) => {
              setTitle(e.target.value);
              if (!slugTouched) setSlug(slugify(e.target.value));
            }}
            aria-invalid={errors.title ? true : undefined}
            aria-describedby={describedBy("title")}
          />
          <FieldError field="title" errors={errors} />
        </p>
        <p className="field">
          <label htmlFor="slug">Slug</label>
          <input
            id="slug"
            name="slug"
            type="text"
            value={slug}
            onChange={(e) => {
              setSlug(e.target.value);
              setSlugTouched(true);
            }}
            aria-invalid={errors.slug ? true : undefined}
            aria-describedby={describedBy("slug", "slug-hint")}
          />
          <span id="slug-hint" className="field-hint">
            The address: /articles/{slug || slugify(title) || "…"}.{" "}
            {slugLocked
              ? "Published: it stays as it is unless you change it here; the old address then redirects."
              : "Made from the title if left empty."}
          </span>
          <FieldError field="slug" errors={errors} />
        </p>
        <p className="field">
          <label htmlFor="byline">Byline</label>
          <input id="byline" name="byline" type="text" defaultValue={values.byline} aria-describedby={describedBy("byline")} />
          <FieldError field="byline" errors={errors} />
        </p>
        <p className="field">
          <label htmlFor="highlights">Highlights</label>
          <textarea
            id="highlights"
            name="highlights"
            rows={4}
            defaultValue={values.highlights}
            aria-invalid={errors.highlights ? true : undefined}
            aria-describedby={describedBy("highlights", "highlights-hint")}
          />
          <span id="highlights-hint" className="field-hint">
            One per line, up to ten.
          </span>
          <FieldError field="highlights" errors={errors} />
        </p>
        <p className="field">
          <label htmlFor="body">Body *</label>
          <textarea
            id="body"
            name="body"
            rows={18}
            required
            defaultValue={values.body}
            aria-invalid={errors.body ? true : undefined}
            aria-describedby={describedBy("body", "body-hint")}
          />
          <span id="body-hint" className="field-hint">
            Markdown: blank lines between paragraphs, ## for a heading, - for a list, [text](https://…) for a link.
          </span>
          <FieldError field="body" errors={errors} />
        </p>
        <p className="field">
          <label htmlFor="excerpt">Excerpt</label>
          <textarea id="excerpt" name="excerpt" rows={3} defaultValue={values.excerpt} aria-describedby={describedBy("excerpt", "excerpt-hint")} />
          <span id="excerpt-hint" className="field-hint">
            Shown in lists and to search engines. Left empty, it is the start of the body.
          </span>
          <FieldError field="excerpt" errors={errors} />
        </p>
        <fieldset className="field" id="tickerIds">
          <legend>Tickers</legend>
          <input type="hidden" name="tickersOffered" value="1" />
          {tickers.length ? (
            <ul className="checkbox-list">
              {tickers.map((t) => (
                <li key={t.id}>
                  <label>
                    <input type="checkbox" name="tickerIds" value={t.id} defaultChecked={tagged.has(String(t.id))} /> ${t.symbol} ({t.exchange}) {t.companyName}
                  </label>
                </li>
              ))}
            </ul>
          ) : (
            <p className="field-hint">No tickers yet: editors add them under Tickers.</p>
          )}
        </fieldset>
        <fieldset className="field" id="categoryIds" aria-describedby={describedBy("categoryIds")}>
          <legend>Categories</legend>
          {categories.length ? (
            <ul className="checkbox-list">
              {categories.map((c) => (
                <li key={c.id}>
                  <label>
                    <input type="checkbox" name="categoryIds" value={c.id} defaultChecked={chosen.has(String(c.id))} /> {c.name}
                  </label>
                </li>
              ))}
            </ul>
          ) : (
            <p className="field-hint">No categories yet: create some below.</p>
          )}
          <FieldError field="categoryIds" errors={errors} />
          <label htmlFor="newCategories">New categories</label>
          <input
            id="newCategories"
            name="newCategories"
            type="text"
            defaultValue={values.newCategories}
            aria-invalid={errors.newCategories ? true : undefined}
            aria-describedby={describedBy("newCategories", "newCategories-hint")}
          />
          <span id="newCategories-hint" className="field-hint">
            Names separated by commas; created when you save, and added to this article.
          </span>
          <FieldError field="newCategories" errors={errors} />
        </fieldset>
        <p className="field">
          <label htmlFor="publishAt">Publish at</label>
          <input
            id="publishAt"
            name="publishAt"
            type="datetime-local"
            value={publishAt}
            onChange={(e) => setPublishAt(e.target.value)}
            aria-invalid={errors.publishAt ? true : undefined}
            aria-describedby={describedBy("publishAt", "publishAt-hint")}
          />
          <span id="publishAt-hint" className="field-hint">
            Times are in your time zone, <strong data-testid="time-zone">{timeZone}</strong> (stored as UTC). Leave empty and press Publish to
            publish now; a time in the future schedules it.
          </span>
          <FieldError field="publishAt" errors={errors} />
        </p>
        <p className="field">
          <label>
            <input type="checkbox" name="commentsOpen" defaultChecked={values.commentsOpen === "on"} /> Comments open
          </label>
        </p>
        <p className="editor-actions">
          <button type="submit" name="intent" value="preview" className="button button--quiet">
            Preview
          </button>{" "}
          <button type="submit" name="intent" value="save" className="button button--quiet">
            {status === "draft" ? "Save draft" : "Save"}
          </button>{" "}
          {status !== "published" ? (
            <button type="submit" name="intent" value="publish" className="button">
              {status === "scheduled" ? "Publish (at the time above, or now)" : "Publish"}
            </button>
          ) : null}
        </p>
      </Form>
      {preview ? (
        <section className="editor-preview" aria-labelledby="preview-heading">
          <h2 id="preview-heading">Preview</h2>
          <article className="article">
            <header className="article__header">
              <h1 className="article__title">{preview.title}</h1>
            </header>
            {preview.highlights.length ? (
              <section className="highlights" aria-label="Highlights">
                <h2 className="highlights__heading">Highlights</h2>
                <ul>
                  {preview.highlights.map((h, i) => (
                    <li key={i}>{h}</li>
                  ))}
                </ul>
              </section>
            ) : null}
            <div className="article__body" dangerouslySetInnerHTML={{ __html: preview.bodyHtml }} />
          </article>
        </section>
      ) : null}
    </>
  );
}
