// Roles rank member < moderator < editor < admin: a role may do everything the
// roles below it may (an editor moderates, as on WordPress). Safe for the browser.
import { ROLES, type Role } from "../../db/schema";

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
