// Accounts for moderation tests: rows in `users` written directly (no password
// hashing: these accounts never log in), with the role a test needs.
import type { DB } from "../../db/connection";
import type { Role } from "../../db/schema";

let counter = 0;

export async function createPerson(db: DB, role: Role = "member", name?: string) {
  const n = ++counter;
  const row = await db
    .insertInto("users")
    .values({
      email: `${role}-${n}-${process.pid}@example.com`,
      display_name: name ?? `${role[0]!.toUpperCase()}${role.slice(1)} ${n}`,
      password_hash: "not-a-real-hash",
      role,
      email_verified_at: new Date(),
    })
    .returning(["id", "email", "display_name", "role"])
    .executeTakeFirstOrThrow();
  return { id: row.id, email: row.email!, name: row.display_name, role: row.role };
}
