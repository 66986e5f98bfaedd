import { describe, expect, it } from "vitest";
import { commentMessages, guestCommentSchema, parseForm } from "~/lib/validation";

const valid = { comment: "Good piece.", author: "Ann", email: "ann@example.com", url: "" };

describe("the guest comment form", () => {
  it("accepts a complete form and trims what was typed", () => {
    const result = parseForm(guestCommentSchema, { ...valid, author: "  Ann  ", url: " https://ann.example.com/ " });
    expect(result).toEqual({
      ok: true,
      data: { comment: "Good piece.", author: "Ann", email: "ann@example.com", url: "https://ann.example.com/" },
    });
  });

  it("gives each missing field its own message", () => {
    const result = parseForm(guestCommentSchema, { comment: "  ", author: "", email: "", url: "" });
    expect(result).toEqual({
      ok: false,
      errors: {
        comment: commentMessages.commentMissing,
        author: commentMessages.nameMissing,
        email: commentMessages.emailMissing,
      },
    });
  });

  it.each(["ann", "ann@", "@example.com", "ann@example", "ann example@x.com"])("refuses the malformed email %s", (email) => {
    const result = parseForm(guestCommentSchema, { ...valid, email });
    expect(result.ok ? null : result.errors.email).toBe(commentMessages.emailInvalid);
  });

  it.each(["ftp://example.com", "javascript:alert(1)", "example.com", "http://", "data:text/html,x"])(
    "refuses the website %s",
    (url) => {
      const result = parseForm(guestCommentSchema, { ...valid, url });
      expect(result.ok ? null : result.errors.url).toBe(commentMessages.websiteInvalid);
    },
  );

  it("limits the comment to 10,000 characters and the name to 100", () => {
    expect(parseForm(guestCommentSchema, { ...valid, comment: "x".repeat(10_000) }).ok).toBe(true);
    const long = parseForm(guestCommentSchema, { ...valid, comment: "x".repeat(10_001), author: "n".repeat(101) });
    expect(long).toEqual({
      ok: false,
      errors: { comment: commentMessages.commentTooLong, author: commentMessages.nameTooLong },
    });
    expect(parseForm(guestCommentSchema, { ...valid, author: "n".repeat(100) }).ok).toBe(true);
  });
});
