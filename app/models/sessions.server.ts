// Sessions: our Lucia v3 adapter over Kysely, and the session list of /account.
//
// The cookie holds a random token; the `sessions` table keys each session by the
// token's SHA-256, so a copy of the table cannot be replayed as a cookie. Lucia
// hands the adapter the token, the adapter hashes it. `getUserSessions` (which
// Lucia uses to list a user's sessions) returns sessions by their stored key;
// `deleteSession` accepts either a token or such a key.
import { sql } from "kysely";
import type { Adapter, DatabaseSession, DatabaseUser } from "lucia";
import { poolOf, type DB } from "../../db/connection";
import type { Role } from "../../db/schema";
import { hashToken } from "../lib/tokens.server";
import type { ArticleFollowState } from "./follows.server";

/** What Lucia keeps with a session (see app/composition/lucia.server.ts). */
export interface SessionAttributes {
  userAgent: string;
}

/** What Lucia reads of a user with its session. No email: it is not needed to serve a page. */
export interface UserAttributes {
  displayName: string;
  role: Role;
  emailVerified: boolean;
  /** Members this one ignores: read with the session, so every page can collapse their comments at no extra query. */
  ignoredUserIds: number[];
  /** The header's badge, read with the session too (an index-only count, notifications_unread_idx). */
  unreadNotifications: number;
}

const STORED_KEY = /^[0-9a-f]{64}$/;

// The session and its user in one statement (Lucia's read, and the member pages' below).
function sessionAndUser(db: DB, sessionId: string) {
  return db
    .selectFrom("sessions")
    .leftJoin("users", (join) => join.onRef("users.id", "=", "sessions.user_id").on("users.deleted_at", "is", null))
    .select([
      "sessions.user_id",
      "sessions.expires_at",
      "sessions.user_agent",
      "users.id as uid",
      "users.display_name",
      "users.role",
      "users.email_verified_at",
      sql<number[] | null>`(select array_agg(i.ignored_user_id) from member_ignores i where i.user_id = users.id)`.as("ignored_user_ids"),
      sql<string | null>`(select count(*) from notifications n where n.user_id = users.id and n.read_at is null)`.as("unread_notifications"),
    ])
    .where("sessions.id", "=", hashToken(sessionId));
}

type SessionRow = {
  user_id: number;
  expires_at: Date;
  user_agent: string;
  uid: number | null;
  display_name: string | null;
  role: Role | null;
  email_verified_at: Date | null;
  ignored_user_ids: number[] | null;
  unread_notifications: string | null;
};

function sessionOfRow(sessionId: string, row: SessionRow): DatabaseSession {
  return { id: sessionId, userId: row.user_id, expiresAt: row.expires_at, attributes: { userAgent: row.user_agent } };
}

function userOfRow(row: SessionRow): DatabaseUser | null {
  if (row.uid === null || row.display_name === null || row.role === null) return null;
  return {
    id: row.uid,
    attributes: {
      displayName: row.display_name,
      role: row.role,
      emailVerified: row.email_verified_at !== null,
      ignoredUserIds: row.ignored_user_ids ?? [],
      unreadNotifications: Number(row.unread_notifications ?? 0),
    },
  };
}

/**
 * Lucia's read of a session with its user, and the user's follow state of the
 * article at `slug`, in one statement: a member's article page from its template
 * (app/composition/member-pages.server.ts) costs this one round trip. Only reads:
 * whether the session is still good (or due to be extended) is for the caller to
 * see, and Lucia to act on.
 */
export async function getSessionUserAndThreadFollow(
  db: DB,
  sessionId: string,
  slug: string,
): Promise<{ session: DatabaseSession; user: DatabaseUser; follow: ArticleFollowState } | null> {
  const query = sessionAndUser(db, sessionId).select([
    "users.notify_replies_default",
    sql<boolean>`exists (select 1 from thread_watches w join articles a on a.id = w.article_id where w.user_id = users.id and a.slug = ${slug})`.as("watching_thread"),
  ]);
  // A named (prepared) statement on each connection: planning this join took six
  // times as long as running it, on every member's page. Kysely has no names, so
  // straight to its pool, with the same type parsers; through Kysely when there is
  // no pool of ours (a database handle with plugins, such as the bench's statement count).
  const pool = poolOf(db);
  const compiled = query.compile();
  const row: Awaited<ReturnType<typeof query.executeTakeFirst>> = pool
    ? (await pool.query({ name: "assay_session_user_thread_follow", text: compiled.sql, values: compiled.parameters as unknown[] })).rows[0]
    : await query.executeTakeFirst();
  const user = row ? userOfRow(row) : null;
  if (!row || !user) return null;
  return {
    session: sessionOfRow(sessionId, row),
    user,
    follow: { watchingThread: Boolean(row.watching_thread), notifyRepliesDefault: row.notify_replies_default ?? true },
  };
}

export class KyselySessionAdapter implements Adapter {
  constructor(private readonly db: DB) {}

  async getSessionAndUser(sessionId: string): Promise<[DatabaseSession | null, DatabaseUser | null]> {
    const row = await sessionAndUser(this.db, sessionId).executeTakeFirst();
    if (!row) return [null, null];
    return [sessionOfRow(sessionId, row), userOfRow(row)];
  }

  async getUserSessions(userId: number): Promise<DatabaseSession[]> {
    const rows = await this.db
      .selectFrom("sessions")
      .select(["id", "user_id", "expires_at", "user_agent"])
      .where("user_id", "=", userId)
      .orderBy("created_at", "desc")
      .execute();
    return rows.map((row) => ({
      id: row.id,
      userId: row.user_id,
      expiresAt: row.expires_at,
      attributes: { userAgent: row.user_agent },
    }));
  }

  async setSession(session: DatabaseSession): Promise<void> {
    await this.db
      .insertInto("sessions")
      .values({
        id: hashToken(session.id),
        user_id: session.userId,
        expires_at: session.expiresAt,
        user_agent: (session.attributes.userAgent ?? "").slice(0, 300),
      })
      .execute();
  }

  async updateSessionExpiration(sessionId: string, expiresAt: Date): Promise<void> {
    await this.db.updateTable("sessions").set({ expires_at: expiresAt }).where("id", "=", hashToken(sessionId)).execute();
  }

  async deleteSession(sessionId: string): Promise<void> {
    const keys = STORED_KEY.test(sessionId) ? [hashToken(sessionId), sessionId] : [hashToken(sessionId)];
    await this.db.deleteFrom("sessions").where("id", "in", keys).execute();
  }

  async deleteUserSessions(userId: number): Promise<void> {
    await this.db.deleteFrom("sessions").where("user_id", "=", userId).execute();
  }

  async deleteExpiredSessions(): Promise<void> {
    await this.db
      .deleteFrom("sessions")
      .where("expires_at", "<=", sql<Date>`now()`)
      .execute();
  }
}

/** A session as /account lists it. `key` is the stored key (the token's hash), never the token. */
export interface SessionSummary {
  key: string;
  createdAt: string;
  expiresAt: string;
  userAgent: string;
  current: boolean;
}

export async function listUserSessions(db: DB, userId: number, currentToken: string | null): Promise<SessionSummary[]> {
  const currentKey = currentToken ? hashToken(currentToken) : null;
  const rows = await db
    .selectFrom("sessions")
    .select(["id", "created_at", "expires_at", "user_agent"])
    .where("user_id", "=", userId)
    .where("expires_at", ">", sql<Date>`now()`)
    .orderBy("created_at", "desc")
    .execute();
  return rows.map((row) => ({
    key: row.id,
    createdAt: row.created_at.toISOString(),
    expiresAt: row.expires_at.toISOString(),
    userAgent: row.user_agent,
    current: row.id === currentKey,
  }));
}

/** End one of a user's sessions by its key; false when it is not theirs (or gone). */
export async function endUserSession(db: DB, userId: number, key: string): Promise<boolean> {
  if (!STORED_KEY.test(key)) return false;
  const result = await db.deleteFrom("sessions").where("id", "=", key).where("user_id", "=", userId).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

/** End every session of a user except the one holding `keepToken` (if any). */
export async function endOtherSessions(db: DB, userId: number, keepToken: string | null): Promise<number> {
  let query = db.deleteFrom("sessions").where("user_id", "=", userId);
  if (keepToken) query = query.where("id", "<>", hashToken(keepToken));
  const result = await query.executeTakeFirst();
  return Number(result.numDeletedRows);
}
