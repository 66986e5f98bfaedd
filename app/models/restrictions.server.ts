// People: suspending and banning members, blocking guests by email or IP hash,
// and the check the moderation pipeline makes before a comment is stored.
// Every change runs in one transaction with its log entry; the rows it depends
// on (the member, the restriction) are locked first.
import { sql } from "kysely";
import type { DB } from "../../db/connection";
import { ROLES, type GuestBlockKind, type RestrictionKind, type Role } from "../../db/schema";
import { logAction, logActions, resolveActor, type Actor, type LogInput } from "./moderation-log.server";

export type PostingBlock =
  | { kind: "banned"; reason: string }
  | { kind: "suspended"; reason: string; until: Date }
  | { kind: "guest-email" }
  | { kind: "guest-ip" };

/** Why this person may not post now, or null. Members are checked by account; guests by email and IP hash. */
export async function getPostingBlock(
  db: DB,
  who: { userId: number | null; email: string; ipHash: string },
): Promise<PostingBlock | null> {
  if (who.userId !== null) {
    const row = await db
      .selectFrom("member_restrictions")
      .select(["kind", "until", "reason"])
      .where("user_id", "=", who.userId)
      .where((eb) => eb.or([eb("kind", "=", "ban"), eb("until", ">", sql<Date>`now()`)]))
      .executeTakeFirst();
    if (!row) return null;
    return row.kind === "ban" ? { kind: "banned", reason: row.reason } : { kind: "suspended", reason: row.reason, until: row.until! };
  }
  const candidates: { kind: GuestBlockKind; value: string }[] = [];
  if (who.email.trim()) candidates.push({ kind: "email", value: who.email.trim().toLowerCase() });
  if (who.ipHash) candidates.push({ kind: "ip", value: who.ipHash });
  if (candidates.length === 0) return null;
  const rows = await db
    .selectFrom("blocked_guests")
    .select("kind")
    .where((eb) => eb.or(candidates.map((c) => eb.and([eb("kind", "=", c.kind), eb("value", "=", c.value)]))))
    .execute();
  if (rows.some((row) => row.kind === "email")) return { kind: "guest-email" };
  if (rows.some((row) => row.kind === "ip")) return { kind: "guest-ip" };
  return null;
}

/** Can someone with role `actor` restrict someone with role `target`? Only a lower role: moderators never restrict admins. */
export function mayRestrict(actor: Role, target: Role): boolean {
  return ROLES.indexOf(actor) > ROLES.indexOf(target);
}

type PeopleError = "not-found" | "not-allowed" | "self" | "invalid-until" | "member-comment" | "no-ip";

export type RestrictResult = { ok: true; spammed: number } | { ok: false; error: PeopleError };

async function actorWithRole(db: DB, moderatorId: number): Promise<(Actor & { role: Role }) | null> {
  const row = await db.selectFrom("users").select(["display_name", "role"]).where("id", "=", moderatorId).where("deleted_at", "is", null).executeTakeFirst();
  return row ? { id: moderatorId, name: row.display_name, role: row.role } : null;
}

/** Send pending comments matching `where` to Spam, with one log entry each. Returns how many. */
async function spamPending(
  trx: DB,
  filter: { userId: number } | { guestEmail: string } | { guestIpHash: string },
  actor: Actor,
  reason: string,
): Promise<number> {
  let query = trx
    .updateTable("comments")
    .set({ status: "spam", held_reason: `Author blocked: ${reason}`.slice(0, 500), updated_at: new Date() })
    .where("status", "=", "pending");
  if ("userId" in filter) query = query.where("user_id", "=", filter.userId);
  else if ("guestEmail" in filter) query = query.where("user_id", "is", null).where(sql`lower(author_email)`, "=", filter.guestEmail);
  else query = query.where("user_id", "is", null).where("ip_hash", "=", filter.guestIpHash);
  const moved = await query.returning(["id", "article_id", "user_id", "author_name", "author_email"]).execute();
  const entries: LogInput[] = moved.map((comment) => ({ actor, action: "spam", comment, before: "pending", after: "spam", reason }));
  await logActions(trx, entries);
  return moved.length;
}

/**
 * Ban a member (no end) or suspend them until a date, with a reason. A ban also
 * sends their pending comments to Spam. Only a higher role may do it.
 */
export async function restrictMember(
  db: DB,
  input: { moderatorId: number; userId: number; kind: RestrictionKind; until?: Date | null; reason: string },
): Promise<RestrictResult> {
  const reason = input.reason.trim();
  if (input.kind === "suspension" && (!input.until || input.until.getTime() <= Date.now())) return { ok: false, error: "invalid-until" };
  if (input.userId === input.moderatorId) return { ok: false, error: "self" };
  return db.transaction().execute(async (trx) => {
    const target = await trx.selectFrom("users").select(["id", "role"]).where("id", "=", input.userId).where("deleted_at", "is", null).forUpdate().executeTakeFirst();
    if (!target) return { ok: false, error: "not-found" } as const;
    const actor = await actorWithRole(trx, input.moderatorId);
    if (!actor || !mayRestrict(actor.role, target.role)) return { ok: false, error: "not-allowed" } as const;
    const until = input.kind === "ban" ? null : input.until!;
    await trx
      .insertInto("member_restrictions")
      .values({ user_id: target.id, kind: input.kind, until, reason, created_by: actor.id })
      .onConflict((oc) => oc.column("user_id").doUpdateSet({ kind: input.kind, until, reason, created_by: actor.id, created_at: new Date() }))
      .execute();
    const spammed = input.kind === "ban" ? await spamPending(trx, { userId: target.id }, actor, reason) : 0;
    await logAction(trx, {
      actor,
      action: input.kind === "ban" ? "ban" : "suspend",
      targetUserId: target.id,
      reason,
      details: { until: until?.toISOString() ?? null, pendingSentToSpam: spammed },
    });
    return { ok: true, spammed } as const;
  });
}

/** Restrict the member who wrote a comment (from an item of the queue). */
export async function restrictCommentAuthor(
  db: DB,
  input: { moderatorId: number; commentId: number; kind: RestrictionKind; until?: Date | null; reason: string },
): Promise<RestrictResult | { ok: false; error: "guest-comment" }> {
  const comment = await db.selectFrom("comments").select("user_id").where("id", "=", input.commentId).executeTakeFirst();
  if (!comment) return { ok: false, error: "not-found" };
  if (comment.user_id === null) return { ok: false, error: "guest-comment" };
  return restrictMember(db, { moderatorId: input.moderatorId, userId: comment.user_id, kind: input.kind, until: input.until, reason: input.reason });
}

/** End a member's ban or suspension. */
export async function liftRestriction(
  db: DB,
  input: { moderatorId: number; userId: number; reason?: string },
): Promise<{ ok: true } | { ok: false; error: "not-found" | "not-allowed" }> {
  return db.transaction().execute(async (trx) => {
    const target = await trx.selectFrom("users").select(["id", "role"]).where("id", "=", input.userId).forUpdate().executeTakeFirst();
    const restriction = await trx.selectFrom("member_restrictions").select(["kind"]).where("user_id", "=", input.userId).forUpdate().executeTakeFirst();
    if (!target || !restriction) return { ok: false, error: "not-found" } as const;
    const actor = await actorWithRole(trx, input.moderatorId);
    if (!actor || !mayRestrict(actor.role, target.role)) return { ok: false, error: "not-allowed" } as const;
    await trx.deleteFrom("member_restrictions").where("user_id", "=", target.id).execute();
    await logAction(trx, { actor, action: "lift-restriction", targetUserId: target.id, reason: input.reason ?? "", details: { was: restriction.kind } });
    return { ok: true } as const;
  });
}

/**
 * Block the guest who wrote a comment, by their email or by their IP hash. Their
 * pending comments (matching the same email or IP hash) go to Spam.
 */
export async function blockGuestOfComment(
  db: DB,
  input: { moderatorId: number | null; commentId: number; kind: GuestBlockKind; reason: string },
): Promise<RestrictResult> {
  const reason = input.reason.trim();
  return db.transaction().execute(async (trx) => {
    const comment = await trx
      .selectFrom("comments")
      .select(["id", "article_id", "user_id", "author_name", "author_email", "ip_hash"])
      .where("id", "=", input.commentId)
      .forUpdate()
      .executeTakeFirst();
    if (!comment) return { ok: false, error: "not-found" } as const;
    if (comment.user_id !== null) return { ok: false, error: "member-comment" } as const;
    const value = input.kind === "email" ? comment.author_email.trim().toLowerCase() : comment.ip_hash;
    if (!value) return { ok: false, error: input.kind === "ip" ? "no-ip" : "not-found" } as const;
    const actor = await resolveActor(trx, input.moderatorId);
    await trx
      .insertInto("blocked_guests")
      .values({ kind: input.kind, value, reason, created_by: actor.id })
      .onConflict((oc) => oc.columns(["kind", "value"]).doUpdateSet({ reason, created_by: actor.id, created_at: new Date() }))
      .execute();
    const spammed = await spamPending(trx, input.kind === "email" ? { guestEmail: value } : { guestIpHash: value }, actor, reason);
    await logAction(trx, {
      actor,
      action: input.kind === "email" ? "block-email" : "block-ip",
      comment,
      reason,
      details: { pendingSentToSpam: spammed },
    });
    return { ok: true, spammed } as const;
  });
}

export async function unblockGuest(
  db: DB,
  input: { moderatorId: number | null; blockId: number; reason?: string },
): Promise<{ ok: true } | { ok: false; error: "not-found" }> {
  return db.transaction().execute(async (trx) => {
    const removed = await trx.deleteFrom("blocked_guests").where("id", "=", input.blockId).returning(["kind", "value"]).executeTakeFirst();
    if (!removed) return { ok: false, error: "not-found" } as const;
    const actor = await resolveActor(trx, input.moderatorId);
    await logAction(trx, {
      actor,
      action: "unblock",
      reason: input.reason ?? "",
      // An email is kept (moderators see it); an IP hash only in part.
      details: { kind: removed.kind, value: removed.kind === "email" ? removed.value : `${removed.value.slice(0, 8)}…` },
    });
    return { ok: true } as const;
  });
}

export interface RestrictedMember {
  userId: number;
  name: string;
  role: Role;
  kind: RestrictionKind;
  until: string | null;
  reason: string;
  byName: string | null;
  since: string;
}

export interface BlockedGuest {
  id: number;
  kind: GuestBlockKind;
  /** The email, or the start of the IP hash. */
  label: string;
  reason: string;
  byName: string | null;
  since: string;
}

/** Current restrictions (suspensions that ended are left out), newest first. */
export async function listRestrictions(db: DB): Promise<{ members: RestrictedMember[]; guests: BlockedGuest[] }> {
  const [members, guests] = await Promise.all([
    db
      .selectFrom("member_restrictions as r")
      .innerJoin("users as u", "u.id", "r.user_id")
      .leftJoin("users as by", "by.id", "r.created_by")
      .select(["r.user_id", "u.display_name", "u.role", "r.kind", "r.until", "r.reason", "by.display_name as by_name", "r.created_at"])
      .where((eb) => eb.or([eb("r.kind", "=", "ban"), eb("r.until", ">", sql<Date>`now()`)]))
      .orderBy("r.created_at", "desc")
      .limit(500)
      .execute(),
    db
      .selectFrom("blocked_guests as b")
      .leftJoin("users as by", "by.id", "b.created_by")
      .select(["b.id", "b.kind", "b.value", "b.reason", "by.display_name as by_name", "b.created_at"])
      .orderBy("b.created_at", "desc")
      .limit(500)
      .execute(),
  ]);
  return {
    members: members.map((row) => ({
      userId: row.user_id,
      name: row.display_name,
      role: row.role,
      kind: row.kind,
      until: row.until?.toISOString() ?? null,
      reason: row.reason,
      byName: row.by_name,
      since: row.created_at.toISOString(),
    })),
    guests: guests.map((row) => ({
      id: row.id,
      kind: row.kind,
      label: row.kind === "email" ? row.value : `IP ${row.value.slice(0, 8)}…`,
      reason: row.reason,
      byName: row.by_name,
      since: row.created_at.toISOString(),
    })),
  };
}
