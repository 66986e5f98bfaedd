// Server-only entry to the article form's schema (keeps zod out of the editor's bundle).
export { ARTICLE_FIELDS, articleFormSchema, articleMessages } from "./article-form";
