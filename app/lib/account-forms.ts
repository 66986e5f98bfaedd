// Form schemas of the account pages (sign-up, log-in, password reset, /account),
// in the style of app/lib/validation.ts: the server parses FormData with them and
// the messages go beside each field.
import { z } from "./zod";
import { isCommonPassword } from "./common-passwords";
import { NAME_MAX_LENGTH } from "./validation";

export const PASSWORD_MIN_LENGTH = 10;
/** argon2 takes any length; a cap keeps one request from costing much. */
export const PASSWORD_MAX_LENGTH = 200;

export const accountMessages = {
  nameMissing: "Please enter a display name.",
  nameTooLong: `Your display name is too long: ${NAME_MAX_LENGTH} characters at most.`,
  emailMissing: "Please enter your email address.",
  emailInvalid: "Please enter a valid email address, like name@example.com.",
  passwordMissing: "Please enter your password.",
  passwordTooShort: `Please choose a password of at least ${PASSWORD_MIN_LENGTH} characters.`,
  passwordTooLong: `Please choose a password of at most ${PASSWORD_MAX_LENGTH} characters.`,
  passwordCommon: "This password is one of the most common ones, so it is easy to guess. Please choose another.",
  currentPasswordMissing: "Please enter your current password.",
} as const;

const displayName = z
  .string()
  .trim()
  .min(1, accountMessages.nameMissing)
  .max(NAME_MAX_LENGTH, accountMessages.nameTooLong)
  .transform((value) => value.replace(/\s+/g, " "));

export const emailField = z
  .string()
  .trim()
  .min(1, accountMessages.emailMissing)
  .max(254, accountMessages.emailInvalid)
  .pipe(z.email(accountMessages.emailInvalid));

/** A new password: long enough, not among the most common. */
export const newPasswordField = z
  .string()
  .min(1, accountMessages.passwordMissing)
  .min(PASSWORD_MIN_LENGTH, accountMessages.passwordTooShort)
  .max(PASSWORD_MAX_LENGTH, accountMessages.passwordTooLong)
  .refine((value) => !isCommonPassword(value), accountMessages.passwordCommon);

/** A password being checked, not chosen: only present. */
const givenPassword = (message: string) =>
  z
    .string()
    .min(1, message)
    .max(PASSWORD_MAX_LENGTH * 4, message);

export const signupSchema = z
  .object({ displayName, email: emailField, password: newPasswordField })
  .refine((form) => form.password.toLowerCase() !== form.email.toLowerCase(), {
    path: ["password"],
    message: "Please choose a password that is not your email address.",
  });
export const SIGNUP_FIELDS = ["displayName", "email", "password"] as const;

export const loginSchema = z.object({
  email: emailField,
  password: givenPassword(accountMessages.passwordMissing),
});
export const LOGIN_FIELDS = ["email", "password"] as const;

export const forgotPasswordSchema = z.object({ email: emailField });
export const FORGOT_FIELDS = ["email"] as const;

export const resetPasswordSchema = z.object({ password: newPasswordField });
export const RESET_FIELDS = ["password"] as const;

export const displayNameSchema = z.object({ displayName });
export const changeEmailSchema = z.object({
  newEmail: emailField,
  currentPassword: givenPassword(accountMessages.currentPasswordMissing),
});
export const changePasswordSchema = z.object({
  currentPassword: givenPassword(accountMessages.currentPasswordMissing),
  newPassword: newPasswordField,
});
export const deleteAccountSchema = z.object({
  currentPassword: givenPassword(accountMessages.currentPasswordMissing),
  confirm: z.literal("on", { error: "Please tick the box to confirm that you want to delete your account." }),
});

/** Fields whose values never go back to the browser. */
export const SECRET_FIELDS = new Set(["password", "currentPassword", "newPassword"]);

/** The values to send back with errors: everything typed, except passwords. */
export function echoValues<F extends string>(values: Record<F, string>): Partial<Record<F, string>> {
  const out: Partial<Record<F, string>> = {};
  for (const [key, value] of Object.entries(values) as [F, string][]) if (!SECRET_FIELDS.has(key)) out[key] = value;
  return out;
}
