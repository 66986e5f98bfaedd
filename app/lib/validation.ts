// Form schemas shared by the server (the authority) and the browser (hints only).
import { z } from "./zod";

export const COMMENT_MAX_LENGTH = 10_000;
export const NAME_MAX_LENGTH = 100;

export const commentMessages = {
  commentMissing: "Please type your comment.",
  commentTooLong: `Comments can be at most ${COMMENT_MAX_LENGTH.toLocaleString("en-US")} characters.`,
  nameMissing: "Please enter your name.",
  nameTooLong: `Your name is too long: ${NAME_MAX_LENGTH} characters at most.`,
  emailMissing: "Please enter your email address.",
  emailInvalid: "Please enter a valid email address, like name@example.com.",
  websiteInvalid: "Please enter a website address that starts with http:// or https://, or leave it empty.",
} as const;

const httpUrl = z
  .string()
  .trim()
  .max(2000, commentMessages.websiteInvalid)
  .refine((value) => {
    if (value === "") return true;
    try {
      const url = new URL(value);
      return (url.protocol === "http:" || url.protocol === "https:") && url.hostname.includes(".");
    } catch {
      return false;
    }
  }, commentMessages.websiteInvalid);

const commentBody = z
  .string()
  .trim()
  .min(1, commentMessages.commentMissing)
  .max(COMMENT_MAX_LENGTH, commentMessages.commentTooLong);

/** The guest's "Leave a Reply" form (WordPress's field names). */
export const guestCommentSchema = z.object({
  comment: commentBody,
  author: z.string().trim().min(1, commentMessages.nameMissing).max(NAME_MAX_LENGTH, commentMessages.nameTooLong),
  email: z
    .string()
    .trim()
    .min(1, commentMessages.emailMissing)
    .max(254, commentMessages.emailInvalid)
    .pipe(z.email(commentMessages.emailInvalid)),
  url: httpUrl,
});

export type CommentField = keyof z.infer<typeof guestCommentSchema>;
export const COMMENT_FIELDS: CommentField[] = ["comment", "author", "email", "url"];

export type CommentFormValues = Record<CommentField, string>;
export type FieldErrors<F extends string> = Partial<Record<F, string>>;

export type ParseResult<T, F extends string> =
  | { ok: true; data: T }
  | { ok: false; errors: FieldErrors<F> };

/** Parse a form with a schema, keeping the first message of each field. */
export function parseForm<S extends z.ZodObject>(
  schema: S,
  values: Record<string, unknown>,
): ParseResult<z.infer<S>, Extract<keyof z.infer<S>, string>> {
  const result = schema.safeParse(values);
  if (result.success) return { ok: true, data: result.data };
  const errors: Record<string, string> = {};
  for (const issue of result.error.issues) {
    const field = String(issue.path[0] ?? "form");
    errors[field] ??= issue.message;
  }
  return { ok: false, errors: errors as FieldErrors<Extract<keyof z.infer<S>, string>> };
}

/** The text values of a form, with anything missing as "" (so they can go back into the fields). */
export function formValues<F extends string>(formData: FormData, fields: readonly F[]): Record<F, string> {
  const values = {} as Record<F, string>;
  for (const field of fields) {
    const value = formData.get(field);
    values[field] = typeof value === "string" ? value : "";
  }
  return values;
}
