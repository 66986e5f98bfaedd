import { describe, expect, it } from "vitest";
import { echoValues, loginSchema, newPasswordField, signupSchema } from "~/lib/account-forms";
import { isCommonPassword } from "~/lib/common-passwords";
import { hasRole, isRole, ROLES } from "~/lib/roles";
import { loginPath, returnPath, safeRedirect } from "~/lib/safe-redirect";
import { parseForm } from "~/lib/validation";
import { hashPassword, verifyPassword } from "~/lib/passwords.server";

describe("safeRedirect: back to our own site only", () => {
  it.each([
    ["/account", "/account"],
    ["/articles/some-slug?replytocom=4#respond", "/articles/some-slug?replytocom=4#respond"],
    ["/a/b/../c", "/a/c"],
    ["/search?q=%2F%2Fnot-a-host", "/search?q=%2F%2Fnot-a-host"],
  ])("keeps %s", (input, expected) => {
    expect(safeRedirect(input)).toBe(expected);
  });

  it.each([
    "//evil.com",
    "//evil.com/account",
    "https://evil.com",
    "http://evil.com/",
    "javascript:alert(1)",
    "/\\evil.com",
    "\\\\evil.com",
    "/\\/evil.com",
    "/\t/evil.com",
    "/\n/evil.com",
    " /account",
    "/%2F%2Fevil.com",
    "/%5Cevil.com",
    "evil.com",
    "account",
    "",
    "/%E0%A4%A",
  ])("refuses %j", (input) => {
    expect(safeRedirect(input)).toBe("/");
  });

  it("refuses what is not a string, and uses the fallback given", () => {
    expect(safeRedirect(null)).toBe("/");
    expect(safeRedirect(undefined, "/account")).toBe("/account");
    expect(safeRedirect(["/account"])).toBe("/");
  });

  it("builds the log-in link with the way back, leaving Remix's own parameters out", () => {
    expect(returnPath(new Request("http://x/account?tab=1&_data=routes%2Faccount&index"))).toBe("/account?tab=1");
    expect(loginPath("/moderation?status=pending")).toBe("/login?redirectTo=%2Fmoderation%3Fstatus%3Dpending");
    expect(loginPath("//evil.com")).toBe("/login");
    expect(loginPath("/")).toBe("/login");
  });
});

describe("roles", () => {
  it("rank member < moderator < editor < admin", () => {
    expect(ROLES).toEqual(["member", "moderator", "editor", "admin"]);
    expect(hasRole("editor", "moderator")).toBe(true);
    expect(hasRole("admin", "editor")).toBe(true);
    expect(hasRole("moderator", "moderator")).toBe(true);
    expect(hasRole("member", "moderator")).toBe(false);
    expect(hasRole("moderator", "editor")).toBe(false);
    expect(hasRole("editor", "admin")).toBe(false);
    expect(isRole("admin")).toBe(true);
    expect(isRole("root")).toBe(false);
  });
});

describe("passwords", () => {
  it("must be 10 characters or more and not among the most common", () => {
    expect(newPasswordField.safeParse("short").success).toBe(false);
    expect(newPasswordField.safeParse("123456789").success).toBe(false);
    for (const common of ["1234567890", "Password123", "qwertyuiop", "aaaaaaaaaaaa", "abcabcabcabc", "qwertyuiop12", "iloveyou123"]) {
      expect(isCommonPassword(common), common).toBe(true);
      expect(newPasswordField.safeParse(common).success, common).toBe(false);
    }
    expect(newPasswordField.safeParse("ore grade of baiyun obo").success).toBe(true);
    expect(newPasswordField.safeParse("x".repeat(201)).success).toBe(false);
  });

  it("are hashed with argon2id and verified; a missing hash still takes the time of a check", async () => {
    const hash = await hashPassword("ore grade of baiyun obo");
    expect(hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(await verifyPassword(hash, "ore grade of baiyun obo")).toBe(true);
    expect(await verifyPassword(hash, "ore grade of baiyun ob")).toBe(false);
    expect(await verifyPassword("not a hash", "anything")).toBe(false);
    const started = performance.now();
    expect(await verifyPassword(null, "anything")).toBe(false);
    expect(await verifyPassword(null, "anything")).toBe(false);
    // Two argon2id checks at 19 MiB take well over a millisecond each.
    expect(performance.now() - started).toBeGreaterThan(5);
  });
});

describe("account form schemas", () => {
  it("give one message per field, and never send passwords back", () => {
    const result = parseForm(signupSchema, { displayName: "", email: "nope", password: "short" });
    expect(result).toEqual({
      ok: false,
      errors: {
        displayName: "Please enter a display name.",
        email: "Please enter a valid email address, like name@example.com.",
        password: "Please choose a password of at least 10 characters.",
      },
    });
    expect(echoValues({ displayName: "Ada", email: "a@b.co", password: "secret", currentPassword: "x", newPassword: "y" })).toEqual({
      displayName: "Ada",
      email: "a@b.co",
    });
  });

  it("refuse a password equal to the email, and trim names and addresses", () => {
    const same = parseForm(signupSchema, { displayName: "Ada", email: "ada.lovelace@example.com", password: "ADA.LOVELACE@example.com" });
    expect(same.ok).toBe(false);
    const good = parseForm(signupSchema, { displayName: "  Ada   King ", email: " ada@example.com ", password: "analytical engine" });
    expect(good).toEqual({ ok: true, data: { displayName: "Ada King", email: "ada@example.com", password: "analytical engine" } });
    expect(parseForm(loginSchema, { email: "ada@example.com", password: "" })).toMatchObject({ ok: false, errors: { password: "Please enter your password." } });
  });
});
