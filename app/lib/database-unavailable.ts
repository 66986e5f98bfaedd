// The words of the 503 page shown while the database is away (see
// database-unavailable.server.ts); here so the error page in the browser bundle can use them too.
export const DATABASE_UNAVAILABLE_TITLE = "The forum is briefly unavailable";
export const DATABASE_UNAVAILABLE_TEXT =
  "Its database cannot be reached just now, which usually lasts only a few seconds. " +
  "Please try again in a moment. If you were sending a form, it may not have been saved: go back and send it again.";
