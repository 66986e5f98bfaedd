// Verified labels beside a member's name: "Staff" and "Company representative —
// <company>, <role>" given by administrators (HotCopper asks reps to say so), and
// "Author" on the article whose byline is theirs (automatic).
//
// Labels are read with the comments themselves (`commentLabelsSql`, a correlated
// subquery on indexed keys), so a page of comments costs no extra statement
// whatever its size. Giving or removing one drops every cached page
// (migration 0015's NOTIFY trigger on member_labels).
//
// Author needs more than a matching name: display names are not unique, so anyone
// could call themselves "Assay newsroom". Only an editor or administrator (who can
// publish), or a member an administrator labelled Staff, is the Author of the
// articles whose byline is their display name.
import { sql } from "kysely";
import type { DB } from "../../db/connection";
import type { LabelKind } from "../../db/schema";
import { LABEL_KINDS } from "../../db/schema";
import { fullLabelText, type CommentLabel } from "../lib/member-labels";
import { logAction, resolveActor } from "./moderation-log.server";

export type { CommentLabel };

export const ROLE_TEXT_MAX = 100;

/**
 * The labels of the comment aliased `c` (its `id`, `article_id`, `user_id`), as a
 * JSON array (null when none), in no order (toCommentLabels orders them).
 * `c` is one of our own aliases, never input.
 */
export function commentLabelsSql(c: string): string {
  // No ORDER BY inside: the plan stays free of sorts (the queue's plan test); toCommentLabels orders them.
  return `(select json_agg(x.label) from (
      select json_build_object('kind', 'author') as label
        from users u join articles a on a.id = ${c}.article_id
       where u.id = ${c}.user_id and u.deleted_at is null and a.byline <> ''
         and lower(trim(a.byline)) = lower(trim(u.display_name))
         and (u.role in ('editor', 'admin') or exists (select 1 from member_labels s where s.user_id = u.id and s.kind = 'staff'))
      union all
      select json_build_object('kind', l.kind, 'symbol', t.symbol, 'exchange', t.exchange, 'companyName', t.company_name, 'role', l.role,
               'mentioned', exists (select 1 from comment_tickers ct where ct.comment_id = ${c}.id and ct.ticker_id = l.ticker_id))
        from member_labels l join users lu on lu.id = l.user_id and lu.deleted_at is null
        left join tickers t on t.id = l.ticker_id
       where l.user_id = ${c}.user_id
    ) x)`;
}

interface RawLabel {
  kind: "author" | LabelKind;
  symbol?: string | null;
  exchange?: string | null;
  companyName?: string | null;
  role?: string | null;
  mentioned?: boolean;
}

const RANK = { author: 0, staff: 1, "company-representative": 2 } as const;

/** The JSON of `commentLabelsSql` as labels (an empty list for none): Author, Staff, then representatives by symbol. */
export function toCommentLabels(value: unknown): CommentLabel[] {
  if (!Array.isArray(value)) return [];
  const sorted = [...(value as RawLabel[])].sort((a, b) => (RANK[a.kind] ?? 3) - (RANK[b.kind] ?? 3) || (a.symbol ?? "").localeCompare(b.symbol ?? ""));
  return sorted.flatMap((l): CommentLabel[] => {
    if (l.kind === "author" || l.kind === "staff") return [{ kind: l.kind }];
    if (l.kind === "company-representative" && l.symbol && l.exchange) {
      return [{ kind: l.kind, symbol: l.symbol, exchange: l.exchange, companyName: l.companyName ?? "", role: l.role ?? "", mentioned: Boolean(l.mentioned) }];
    }
    return [];
  });
}

// --- giving and removing (administrators) -------------------------------------------

export interface GivenLabel {
  id: number;
  userId: number;
  displayName: string;
  kind: LabelKind;
  ticker: { id: number; symbol: string; exchange: string; companyName: string } | null;
  role: string;
  /** How it reads in full: "Staff", "Company representative — Lynas Rare Earths, Investor Relations". */
  text: string;
  grantedBy: string | null;
  createdAt: string;
}

function labelQuery(db: DB) {
  return db
    .selectFrom("member_labels as l")
    .innerJoin("users as u", "u.id", "l.user_id")
    .leftJoin("tickers as t", "t.id", "l.ticker_id")
    .leftJoin("users as g", "g.id", "l.granted_by")
    .select([
      "l.id",
      "l.user_id",
      "u.display_name",
      "l.kind",
      "l.ticker_id",
      "t.symbol",
      "t.exchange",
      "t.company_name",
      "l.role",
      "g.display_name as granted_by_name",
      "l.created_at",
    ])
    .where("u.deleted_at", "is", null);
}

type LabelRow = Awaited<ReturnType<ReturnType<typeof labelQuery>["execute"]>>[number];

function toGivenLabel(row: LabelRow): GivenLabel {
  const ticker =
    row.ticker_id !== null && row.symbol && row.exchange
      ? { id: row.ticker_id, symbol: row.symbol, exchange: row.exchange, companyName: row.company_name ?? "" }
      : null;
  const label: CommentLabel =
    row.kind === "company-representative" && ticker
      ? { kind: row.kind, symbol: ticker.symbol, exchange: ticker.exchange, companyName: ticker.companyName, role: row.role, mentioned: true }
      : { kind: "staff" };
  return {
    id: row.id,
    userId: row.user_id,
    displayName: row.display_name,
    kind: row.kind,
    ticker,
    role: row.role,
    text: fullLabelText(label),
    grantedBy: row.granted_by_name,
    createdAt: row.created_at.toISOString(),
  };
}

/** Every label given, members in name order (for /admin/labels). */
export async function listLabels(db: DB): Promise<GivenLabel[]> {
  const rows = await labelQuery(db).orderBy(sql`lower(u.display_name)`).orderBy("l.id").execute();
  return rows.map(toGivenLabel);
}

/** One member's labels (their profile; the administrators' block there). */
export async function labelsOfMember(db: DB, userId: number): Promise<GivenLabel[]> {
  const rows = await labelQuery(db).where("l.user_id", "=", userId).orderBy("l.kind", "desc").orderBy("l.id").execute();
  return rows.map(toGivenLabel);
}

export interface MemberCandidate {
  id: number;
  displayName: string;
  joinedAt: string;
}

export type FindMemberResult =
  | { ok: true; member: MemberCandidate }
  | { ok: false; error: "empty" | "not-found" }
  | { ok: false; error: "ambiguous"; candidates: MemberCandidate[] };

const PROFILE_LINK = /^(?:https?:\/\/[^/\s]+)?\/users\/(\d{1,10})\/?(?:[?#].*)?$/i;

/**
 * The member an administrator means: by their profile link (`/users/12`, or the
 * whole address), or by display name (any case). Names are not unique: several
 * members of that name are offered by profile link and join date, never by email.
 */
export async function findMember(db: DB, text: string): Promise<FindMemberResult> {
  const wanted = text.trim();
  if (!wanted) return { ok: false, error: "empty" };
  const base = db.selectFrom("users").select(["id", "display_name", "created_at"]).where("deleted_at", "is", null);
  const link = PROFILE_LINK.exec(wanted);
  const id = link ? Number(link[1]) : NaN;
  const rows = link
    ? Number.isSafeInteger(id) && id <= 2_147_483_647
      ? await base.where("id", "=", id).execute()
      : []
    : await base.where(sql`lower(trim(display_name))`, "=", wanted.toLowerCase()).orderBy("created_at").limit(11).execute();
  const candidates = rows.map((r) => ({ id: r.id, displayName: r.display_name, joinedAt: r.created_at.toISOString() }));
  if (candidates.length === 0) return { ok: false, error: "not-found" };
  if (candidates.length > 1) return { ok: false, error: "ambiguous", candidates: candidates.slice(0, 10) };
  return { ok: true, member: candidates[0]! };
}

export interface GiveLabelInput {
  adminId: number;
  /** A display name or a profile link. */
  member: string;
  kind: string;
  /** The company a representative speaks for (a ticker's id, as the form sends it). */
  tickerId: string | number | null;
  role: string;
}

export type LabelFieldErrors = Partial<Record<"member" | "kind" | "ticker" | "role", string>>;

export type GiveLabelResult =
  | { ok: true; label: GivenLabel }
  | { ok: false; error: "not-allowed" }
  | { ok: false; error: "invalid"; errors: LabelFieldErrors; candidates: MemberCandidate[] };

async function isAdmin(db: DB, userId: number): Promise<boolean> {
  const row = await db.selectFrom("users").select("role").where("id", "=", userId).where("deleted_at", "is", null).executeTakeFirst();
  return row?.role === "admin";
}

/**
 * Give a label (administrators only). Giving it again changes only the role text.
 * Logged in the moderation log, in the same transaction.
 */
export async function giveLabel(db: DB, input: GiveLabelInput): Promise<GiveLabelResult> {
  if (!(await isAdmin(db, input.adminId))) return { ok: false, error: "not-allowed" };
  const errors: LabelFieldErrors = {};
  let candidates: MemberCandidate[] = [];
  const found = await findMember(db, input.member);
  if (!found.ok) {
    if (found.error === "empty") errors.member = "Enter the member's display name or the link to their profile.";
    else if (found.error === "not-found") errors.member = "No member has that display name or profile link.";
    else if (found.error === "ambiguous") {
      errors.member = "Several members have that name: enter the link to the right one's profile (below).";
      candidates = found.candidates;
    }
  }
  const kind = (LABEL_KINDS as readonly string[]).includes(input.kind) ? (input.kind as LabelKind) : null;
  if (!kind) errors.kind = "Choose Company representative or Staff.";
  const role = input.role.trim();
  let tickerId: number | null = null;
  if (kind === "company-representative") {
    const id = Number(input.tickerId);
    const ticker = Number.isSafeInteger(id) && id > 0 ? await db.selectFrom("tickers").select("id").where("id", "=", id).executeTakeFirst() : undefined;
    if (!ticker) errors.ticker = "Choose the company this member speaks for.";
    else tickerId = ticker.id;
    if (!role) errors.role = "Say what the representative does for the company, such as Investor Relations.";
  }
  if (role.length > ROLE_TEXT_MAX) errors.role = `Keep the role under ${ROLE_TEXT_MAX} characters (it has ${role.length}).`;
  if (!found.ok || !kind || Object.keys(errors).length) return { ok: false, error: "invalid", errors, candidates };
  const userId = found.member.id;
  const actor = await resolveActor(db, input.adminId);
  const label = await db.transaction().execute(async (trx) => {
    const row = await sql<{ id: number }>`
      insert into member_labels (user_id, kind, ticker_id, role, granted_by)
      values (${userId}, ${kind}, ${tickerId}, ${kind === "staff" ? "" : role}, ${input.adminId})
      on conflict (user_id, kind, coalesce(ticker_id, 0)) do update set role = excluded.role, granted_by = excluded.granted_by
      returning id`.execute(trx);
    const given = toGivenLabel(await labelQuery(trx).where("l.id", "=", row.rows[0]!.id).executeTakeFirstOrThrow());
    await logAction(trx, {
      actor,
      action: "give-label",
      targetUserId: userId,
      reason: given.text,
      details: { kind, tickerId, role: given.role },
    });
    return given;
  });
  return { ok: true, label };
}

export type RemoveLabelResult = { ok: true; label: GivenLabel } | { ok: false; error: "not-allowed" | "not-found" };

/** Remove a label (administrators only), logged. */
export async function removeLabel(db: DB, input: { adminId: number; labelId: number }): Promise<RemoveLabelResult> {
  if (!(await isAdmin(db, input.adminId))) return { ok: false, error: "not-allowed" };
  const actor = await resolveActor(db, input.adminId);
  return db.transaction().execute(async (trx) => {
    const row = await labelQuery(trx).where("l.id", "=", input.labelId).forUpdate("l").executeTakeFirst();
    if (!row) return { ok: false, error: "not-found" } as const;
    const label = toGivenLabel(row);
    await trx.deleteFrom("member_labels").where("id", "=", label.id).execute();
    await logAction(trx, { actor, action: "remove-label", targetUserId: label.userId, reason: label.text, details: { kind: label.kind, tickerId: label.ticker?.id ?? null } });
    return { ok: true, label } as const;
  });
}
