// Roles rank member < moderator < editor < admin: a role may do everything the
// roles below it may (an editor moderates, as on WordPress). Safe for the browser.
import { ROLES, type Role } from "./vocabulary";

export { ROLES, type Role };

export function isRole(value: unknown): value is Role {
  return typeof value === "string" && (ROLES as readonly string[]).includes(value);
}

/** Does `role` reach at least `minimum`? */
export function hasRole(role: Role, minimum: Role): boolean {
  return ROLES.indexOf(role) >= ROLES.indexOf(minimum);
}

export const ROLE_LABELS: Record<Role, string> = {
  member: "Member",
  moderator: "Moderator",
  editor: "Editor",
  admin: "Administrator",
};

/**
 * May someone with role `actor` edit, unapprove, spam, trash or delete a comment
 * whose author has role `author` (null: a guest or a deleted account)? Comments by
 * editors and administrators are theirs to answer for: only someone of at least
 * the author's role may change them (a moderator may still approve and reply).
 */
export function mayChangeCommentOf(actor: Role, author: Role | null): boolean {
  if (author === null || !hasRole(author, "editor")) return true;
  return hasRole(actor, author);
}
