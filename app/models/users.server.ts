// Users: creating accounts, reading them, and the public profile at /users/:id.
// An email address leaves this module only towards its owner (getUserEmail) and
// the mailer; the public profile never carries it.
import { sql } from "kysely";
import type { DB } from "../../db/connection";
import { ROLES, type Role } from "../../db/schema";
import { hashPassword } from "../lib/passwords.server";
import type { CommentLabel } from "../lib/member-labels";
import { commentLabelsSql, labelsOfMember, toCommentLabels, type GivenLabel } from "./labels.server";

export { ROLES, type Role };

/** What a deleted account's name becomes, and how its comments are signed. */
export const DELETED_NAME = "[deleted]";

export interface NewUserInput {
  email: string;
  displayName: string;
  password: string;
  role?: Role;
  /** True for accounts an operator creates (the command line, the demo seed). */
  emailVerified?: boolean;
}

export type CreateUserResult = { ok: true; userId: number } | { ok: false; error: "email-taken" };

/** Create an account. The email is unique whatever its case. */
export async function createUser(db: DB, input: NewUserInput): Promise<CreateUserResult> {
  const passwordHash = await hashPassword(input.password);
  const row = await db
    .insertInto("users")
    .values({
      email: input.email.trim(),
      display_name: input.displayName.trim(),
      password_hash: passwordHash,
      role: input.role ?? "member",
      email_verified_at: input.emailVerified ? new Date() : null,
    })
    .onConflict((oc) => oc.expression(sql`lower(email)`).doNothing())
    .returning("id")
    .executeTakeFirst();
  return row ? { ok: true, userId: row.id } : { ok: false, error: "email-taken" };
}

export interface AccountRow {
  id: number;
  email: string;
  displayName: string;
  role: Role;
  emailVerified: boolean;
  passwordHash: string;
  createdAt: Date;
}

/** A live (not deleted) account by email, any case. For the domain only: it carries the hash. */
export async function findAccountByEmail(db: DB, email: string): Promise<AccountRow | null> {
  return toAccount(
    await db
      .selectFrom("users")
      .select(["id", "email", "display_name", "role", "email_verified_at", "password_hash", "created_at"])
      .where(sql`lower(email)`, "=", email.trim().toLowerCase())
      .where("deleted_at", "is", null)
      .executeTakeFirst(),
  );
}

export async function findAccountById(db: DB, userId: number): Promise<AccountRow | null> {
  return toAccount(
    await db
      .selectFrom("users")
      .select(["id", "email", "display_name", "role", "email_verified_at", "password_hash", "created_at"])
      .where("id", "=", userId)
      .where("deleted_at", "is", null)
      .executeTakeFirst(),
  );
}

function toAccount(
  row:
    | {
        id: number;
        email: string | null;
        display_name: string;
        role: Role;
        email_verified_at: Date | null;
        password_hash: string | null;
        created_at: Date;
      }
    | undefined,
): AccountRow | null {
  if (!row || row.email === null || row.password_hash === null) return null;
  return {
    id: row.id,
    email: row.email,
    displayName: row.display_name,
    role: row.role,
    emailVerified: row.email_verified_at !== null,
    passwordHash: row.password_hash,
    createdAt: row.created_at,
  };
}

/** The owner's own address (for /account and for signing their comments). */
export async function getUserEmail(db: DB, userId: number): Promise<string | null> {
  const row = await db
    .selectFrom("users")
    .select("email")
    .where("id", "=", userId)
    .where("deleted_at", "is", null)
    .executeTakeFirst();
  return row?.email ?? null;
}

export async function setUserRole(db: DB, userId: number, role: Role): Promise<boolean> {
  const result = await db
    .updateTable("users")
    .set({ role })
    .where("id", "=", userId)
    .where("deleted_at", "is", null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

export interface PublicProfile {
  id: number;
  displayName: string;
  joinedAt: string;
  approvedCommentCount: number;
  /** What administrators verified about them (Staff, Company representative), in full. */
  labels: Pick<GivenLabel, "id" | "kind" | "text">[];
  /** The latest approved comments, newest first, each with the labels it shows beside the name. */
  comments: { id: number; articleSlug: string; articleTitle: string; bodyHtml: string; createdAt: string; labels: CommentLabel[] }[];
}

export const PROFILE_COMMENT_LIMIT = 20;

/** What anyone may see of a member: name, join date, approved comments. Never the email. */
export async function getPublicProfile(db: DB, userId: number): Promise<PublicProfile | null> {
  const user = await db
    .selectFrom("users")
    .select(["id", "display_name", "created_at"])
    .where("id", "=", userId)
    .where("deleted_at", "is", null)
    .executeTakeFirst();
  if (!user) return null;
  function approvedOf() {
    return db
      .selectFrom("comments")
      .innerJoin("articles", "articles.id", "comments.article_id")
      .where("comments.user_id", "=", userId)
      .where("comments.status", "=", "approved")
      // Hidden by reports pending review: not shown on the profile either.
      .where("comments.hidden_at", "is", null)
      .where("articles.published_at", "is not", null)
      .where("articles.published_at", "<=", sql<Date>`now()`);
  }
  const [count, comments, labels] = await Promise.all([
    approvedOf()
      .select((eb) => eb.fn.countAll<number>().as("count"))
      .executeTakeFirstOrThrow(),
    approvedOf()
      .select(["comments.id", "comments.body_html", "comments.created_at", "articles.slug", "articles.title"])
      .select(sql<unknown>`${sql.raw(commentLabelsSql("comments"))}`.as("labels"))
      .orderBy("comments.created_at", "desc")
      .orderBy("comments.id", "desc")
      .limit(PROFILE_COMMENT_LIMIT)
      .execute(),
    labelsOfMember(db, userId),
  ]);
  return {
    id: user.id,
    displayName: user.display_name,
    joinedAt: user.created_at.toISOString(),
    approvedCommentCount: count.count,
    labels: labels.map((l) => ({ id: l.id, kind: l.kind, text: l.text })),
    comments: comments.map((c) => ({
      id: c.id,
      articleSlug: c.slug,
      articleTitle: c.title,
      bodyHtml: c.body_html,
      createdAt: c.created_at.toISOString(),
      labels: toCommentLabels(c.labels),
    })),
  };
}
