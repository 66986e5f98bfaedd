// Reading a posted form in an action: whatever arrives, a clear 4xx rather than
// the 500 that request.formData() throwing would make.
//
// - Only web forms: urlencoded or multipart (a JSON body gets 415).
// - A body that cannot be parsed (a broken multipart boundary) gets 400, and so
//   does a file: no form here takes one.
// - NUL bytes (PostgreSQL text cannot hold them) and bytes that were not UTF-8
//   (decoded as U+FFFD, the replacement character) are refused with 400: no
//   browser sends either from what a person typed.
// The size of the body is bounded before it is read, in scripts/body-limit.ts.

export const FORM_TYPES = ["application/x-www-form-urlencoded", "multipart/form-data"] as const;

export const formMessages = {
  wrongType: "This address takes a web form (application/x-www-form-urlencoded or multipart/form-data), nothing else.",
  unreadable: "This form could not be read. Go back to the page, check what you typed and send it again.",
  file: "No form on this site takes a file: send it again without one.",
  badText:
    "This form contained characters that cannot be stored (a NUL byte, or text that is not valid UTF-8). Go back, remove them and send it again.",
} as const;

function mediaType(contentType: string | null): string {
  return (contentType ?? "").split(";")[0]!.trim().toLowerCase();
}

// U+0000, and U+FFFD: what the decoder puts where the bytes were not UTF-8.
const UNSTORABLE = /[\u0000\uFFFD]/;

export async function readForm(request: Request): Promise<FormData> {
  if (!(FORM_TYPES as readonly string[]).includes(mediaType(request.headers.get("Content-Type")))) {
    throw new Response(formMessages.wrongType, { status: 415 });
  }
  let form: FormData;
  try {
    form = await request.formData();
  } catch {
    throw new Response(formMessages.unreadable, { status: 400 });
  }
  for (const [name, value] of form) {
    if (typeof value !== "string") throw new Response(formMessages.file, { status: 400 });
    if (UNSTORABLE.test(name) || (typeof value === "string" && UNSTORABLE.test(value))) {
      throw new Response(formMessages.badText, { status: 400 });
    }
  }
  return form;
}
