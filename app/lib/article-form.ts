// The editor's article form: one zod schema for the server (the authority) and
// its field names for the page. Imported by actions through article-form.server.ts.
import { z } from "zod";
import { SLUG_MAX_LENGTH, SLUG_PATTERN } from "./slugs";

export const ARTICLE_FIELDS = [
  "title",
  "slug",
  "byline",
  "highlights",
  "body",
  "excerpt",
  "newCategories",
  "publishAt",
  "timeZone",
  "commentsOpen",
  "version",
] as const;
export type ArticleField = (typeof ARTICLE_FIELDS)[number];
/** Everything typed, as text, so it can go back into the fields (categories apart). */
export type ArticleFormValues = Record<ArticleField, string> & { categoryIds: string[]; tickerIds?: string[] };

export const articleMessages = {
  titleMissing: "Please give the article a title.",
  titleTooLong: "The title is too long: 300 characters at most.",
  slugInvalid: "Use lower-case letters, digits and single hyphens (e.g. rare-earth-prices), or leave it empty to make one from the title.",
  slugTooLong: `The slug is too long: ${SLUG_MAX_LENGTH} characters at most.`,
  slugTaken: "Another article already uses this slug (now or as an old address). Choose another.",
  bylineTooLong: "The byline is too long: 200 characters at most.",
  highlightTooLong: "Each highlight must be 500 characters at most.",
  tooManyHighlights: "Ten highlights at most.",
  bodyMissing: "Please write the article's body.",
  bodyTooLong: "The body is too long: 200,000 characters at most.",
  excerptTooLong: "The excerpt is too long: 500 characters at most.",
  publishAtInvalid: "Please enter a date and time, like 2026-06-01 09:30, or leave it empty to publish now.",
  categoryUnknown: "One of the chosen categories no longer exists. Choose again.",
  newCategoryInvalid: "Each new category needs a name of 1 to 80 characters with at least one letter or digit; separate several with commas.",
} as const;

export const articleFormSchema = z.object({
  title: z.string().trim().min(1, articleMessages.titleMissing).max(300, articleMessages.titleTooLong),
  slug: z
    .string()
    .trim()
    .toLowerCase()
    .max(SLUG_MAX_LENGTH, articleMessages.slugTooLong)
    .refine((s) => s === "" || SLUG_PATTERN.test(s), articleMessages.slugInvalid),
  byline: z.string().trim().max(200, articleMessages.bylineTooLong),
  highlights: z
    .string()
    .transform((text) =>
      text
        .split(/\r?\n/)
        .map((line) => line.replace(/^\s*(?:[-*•●]\s+)?/, "").trim())
        .filter(Boolean),
    )
    .refine((list) => list.length <= 10, articleMessages.tooManyHighlights)
    .refine((list) => list.every((h) => h.length <= 500), articleMessages.highlightTooLong),
  body: z.string().trim().min(1, articleMessages.bodyMissing).max(200_000, articleMessages.bodyTooLong),
  excerpt: z.string().trim().max(500, articleMessages.excerptTooLong),
  newCategories: z
    .string()
    .transform((text) => text.split(",").map((name) => name.trim()).filter(Boolean))
    .refine((names) => names.every((n) => n.length <= 80 && /[\p{L}\p{N}]/u.test(n)), articleMessages.newCategoryInvalid),
  publishAt: z.string().trim(),
  timeZone: z.string().trim(),
  commentsOpen: z.string().transform((v) => v === "on" || v === "yes"),
  version: z.coerce.number().int().min(0),
});

export type ArticleForm = z.infer<typeof articleFormSchema>;
