// Ignoring a member (Yahoo's Ignore): their comments are collapsed for the one
// who ignores them alone, and their replies do not reach that person's
// notifications. Never shown to anyone else, the ignored member included.
import { sql } from "kysely";
import type { DB } from "../../db/connection";

/** How many members one may ignore: the list travels with every session check. */
export const MAX_IGNORED = 500;

export type IgnoreResult = { ok: true } | { ok: false; error: "self" | "not-found" | "too-many" };

export async function ignoreMember(db: DB, input: { userId: number; ignoredUserId: number }): Promise<IgnoreResult> {
  if (input.userId === input.ignoredUserId) return { ok: false, error: "self" };
  const target = await db.selectFrom("users").select("id").where("id", "=", input.ignoredUserId).where("deleted_at", "is", null).executeTakeFirst();
  if (!target) return { ok: false, error: "not-found" };
  const count = await db.selectFrom("member_ignores").select((eb) => eb.fn.countAll<string>().as("n")).where("user_id", "=", input.userId).executeTakeFirstOrThrow();
  if (Number(count.n) >= MAX_IGNORED) return { ok: false, error: "too-many" };
  await db
    .insertInto("member_ignores")
    .values({ user_id: input.userId, ignored_user_id: input.ignoredUserId })
    .onConflict((oc) => oc.columns(["user_id", "ignored_user_id"]).doNothing())
    .execute();
  // Their replies already in the list stay there, collapsed, but no longer count as
  // unread: the header's badge stays an index-only count (notifications_unread_idx).
  await db
    .updateTable("notifications as n")
    .set({ read_at: sql`now()` })
    .from("comments as c")
    .whereRef("c.id", "=", "n.comment_id")
    .where("n.user_id", "=", input.userId)
    .where("n.read_at", "is", null)
    .where("c.user_id", "=", input.ignoredUserId)
    .execute();
  return { ok: true };
}

export async function unignoreMember(db: DB, input: { userId: number; ignoredUserId: number }): Promise<{ changed: boolean }> {
  const result = await db.deleteFrom("member_ignores").where("user_id", "=", input.userId).where("ignored_user_id", "=", input.ignoredUserId).executeTakeFirst();
  return { changed: Number(result.numDeletedRows) > 0 };
}

export interface IgnoredMember {
  userId: number;
  displayName: string;
  since: string;
}

/** Whom a member ignores, most recent first (for their /account page only). */
export async function listIgnoredMembers(db: DB, userId: number): Promise<IgnoredMember[]> {
  const rows = await db
    .selectFrom("member_ignores as i")
    .innerJoin("users as u", "u.id", "i.ignored_user_id")
    .select(["u.id", "u.display_name", "i.created_at"])
    .where("i.user_id", "=", userId)
    .orderBy("i.created_at", "desc")
    .orderBy("u.id")
    .execute();
  return rows.map((row) => ({ userId: row.id, displayName: row.display_name, since: row.created_at.toISOString() }));
}
