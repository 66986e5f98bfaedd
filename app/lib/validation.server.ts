// The comment form's schema for server-only code (actions). A route that imports
// it from here keeps zod (about 90 KB gzip) out of the browser's bundle: Remix
// drops `.server` modules from it, and with them everything they import.
export { COMMENT_FIELDS, formValues, guestCommentSchema, parseForm } from "./validation";
