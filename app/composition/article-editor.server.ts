// The editor's form on the server: read what was typed, check it with the form's
// schema, and turn the intent (save, publish, preview) into a call to the domain.
// Routes stay thin: they only guard, call this and return what it says.
import { json, redirect } from "@remix-run/node";
import type { DB } from "../../db/connection";
import type { Actor } from "../models/moderation-log.server";
import { saveEditedArticle, type EditorArticle, type SaveResult } from "../models/publishing.server";
import { cashtagMentions } from "../models/tickers.server";
import { ARTICLE_FIELDS, articleFormSchema, articleMessages } from "../lib/article-form.server";
import type { ArticleFormValues } from "../lib/article-form";
import { renderArticleMarkdown } from "../lib/markdown.server";
import { isTimeZone, utcToZonedLocal, zonedLocalToUtc } from "../lib/time-zone";
import { parseId } from "../lib/params";
import { formValues, parseForm } from "../lib/validation";

export type EditorIntent = "save" | "publish" | "preview";

export interface EditorActionData {
  values: ArticleFormValues;
  errors: Partial<Record<keyof ArticleFormValues | "categoryIds", string>>;
  formError: string | null;
  preview: { title: string; highlights: string[]; bodyHtml: string } | null;
}

/** The form's values for an article being edited (times on the editor's clock, UTC until the browser says). */
export function articleFormValues(article: EditorArticle | null, timeZone = "UTC"): ArticleFormValues {
  const publishAt = article?.publishedAt ?? article?.withdrawnPublishedAt ?? null;
  return {
    title: article?.title ?? "",
    slug: article?.slug ?? "",
    byline: article?.byline ?? "",
    highlights: (article?.highlights ?? []).join("\n"),
    body: article?.bodyMarkdown ?? "",
    excerpt: article?.excerptIsCustom ? article.excerpt : "",
    newCategories: "",
    publishAt: publishAt && article?.status === "scheduled" ? utcToZonedLocal(new Date(publishAt), timeZone) : "",
    timeZone,
    commentsOpen: article === null || article.commentsOpen ? "on" : "",
    version: String(article?.version ?? 0),
    categoryIds: (article?.categoryIds ?? []).map(String),
    tickerIds: (article?.tickerIds ?? []).map(String),
  };
}

const CONFLICT = (who: string, version: number) =>
  `${who} saved this article while you were editing it (now version ${version}). Nothing was saved; your text is below as you typed it. ` +
  `Compare it with theirs under Revisions; saving again will make yours the current version (theirs stays in the revisions).`;

function fail(values: ArticleFormValues, errors: EditorActionData["errors"], status: number, formError: string | null = null) {
  return json<EditorActionData>({ values, errors, formError, preview: null }, { status });
}

/**
 * Handle a POST of the editor's form for a new (articleId null) or existing article.
 * Returns a redirect on success, else the values with per-field messages.
 */
export async function handleArticleForm(db: DB, form: FormData, articleId: number | null, actor: Actor): Promise<Response> {
  const raw = formValues(form, ARTICLE_FIELDS);
  const values: ArticleFormValues = {
    ...raw,
    categoryIds: form.getAll("categoryIds").filter((v): v is string => typeof v === "string"),
    tickerIds: form.getAll("tickerIds").filter((v): v is string => typeof v === "string"),
  };
  const intentText = String(form.get("intent") ?? "save");
  const intent: EditorIntent = intentText === "publish" || intentText === "preview" ? intentText : "save";

  const parsed = parseForm(articleFormSchema, raw);
  const errors: EditorActionData["errors"] = parsed.ok ? {} : { ...parsed.errors };
  // Ids PostgreSQL's integer can hold (a larger one is an error there, not "no such category").
  const chosenIds = values.categoryIds.map((v) => parseId(v));
  if (chosenIds.some((id) => id === null)) errors.categoryIds = articleMessages.categoryUnknown;
  const categoryIds = chosenIds.filter((id): id is number => id !== null);
  // A ticker that is not (or no longer) in the list is simply not tagged.
  const tickerIds = (values.tickerIds ?? []).map((v) => parseId(v)).filter((id): id is number => id !== null);
  const timeZone = isTimeZone(raw.timeZone) ? raw.timeZone : "UTC";
  let publishAt: Date | null = null;
  if (raw.publishAt.trim()) {
    publishAt = zonedLocalToUtc(raw.publishAt, timeZone);
    if (!publishAt) errors.publishAt = articleMessages.publishAtInvalid;
  }
  if (!parsed.ok || Object.keys(errors).length) return fail(values, errors, 400);
  const data = parsed.data;

  if (intent === "preview") {
    // Exactly what readers will get: the same renderer and sanitizer as a save.
    return json<EditorActionData>({
      values,
      errors: {},
      formError: null,
      preview: {
        title: data.title,
        highlights: data.highlights,
        bodyHtml: renderArticleMarkdown(data.body, { cashtagHref: (await cashtagMentions(db, data.body)).hrefFor }),
      },
    });
  }

  const result: SaveResult = await saveEditedArticle(db, {
    articleId,
    expectedVersion: data.version,
    actor,
    fields: {
      title: data.title,
      slug: data.slug,
      byline: data.byline,
      highlights: data.highlights,
      bodyMarkdown: data.body,
      excerpt: data.excerpt,
      categoryIds,
      newCategoryNames: data.newCategories,
      commentsOpen: data.commentsOpen,
      // Only a form that offered the ticker list changes the tags.
      tickerIds: form.has("tickersOffered") ? tickerIds : undefined,
    },
    publish: intent === "publish" ? { mode: "publish", at: publishAt } : { mode: "keep", at: publishAt },
  });
  if (result.ok) {
    const notice = intent === "publish" ? (result.status === "scheduled" ? "scheduled" : "published") : "saved";
    return redirect(`/admin/articles/${result.id}?notice=${notice}`, { status: 303 });
  }
  switch (result.error) {
    case "not-found":
      throw new Response("No such article.", { status: 404 });
    case "invalid":
      return fail(values, result.errors, 400);
    case "conflict":
      return fail({ ...values, version: String(result.current.version) }, {}, 409, CONFLICT(result.current.savedBy, result.current.version));
  }
}
