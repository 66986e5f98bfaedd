// Words the account pages and their tests share.

/** "3 minutes", "1 minute", "45 seconds": how long to wait, for a person. */
export function waitText(seconds: number): string {
  if (seconds < 60) return seconds === 1 ? "1 second" : `${seconds} seconds`;
  const minutes = Math.ceil(seconds / 60);
  return minutes === 1 ? "1 minute" : `${minutes} minutes`;
}

/** The same words for an unknown address and a wrong password. */
export const LOGIN_FAILED_MESSAGE = "The email address or the password is not right. Please try again.";

export function tooManyAttemptsMessage(seconds: number) {
  return (
    `Too many failed log-in attempts. For your safety, logging in is paused for ${waitText(seconds)}. ` +
    "Please try again then, or choose a new password through “Forgot your password?”."
  );
}

export function tooManyRequestsMessage(seconds: number) {
  return `Too many requests from your network. Please try again in ${waitText(seconds)}.`;
}

export const SIGNUP_SENT_MESSAGE =
  "Thank you. We have sent a link to the address you gave: follow it to confirm your address, then log in. (If that address already has an account, the message says so.)";

export const RESET_SENT_MESSAGE =
  "If an account uses that address, we have sent it a link to choose a new password. The link works once, for one hour.";

export const EXPIRED_LINK_MESSAGE = "This link has expired or has already been used.";

export const UNVERIFIED_COMMENT_MESSAGE =
  "Please confirm your email address before commenting: follow the link we sent you, or ask for a new one on your account page.";
