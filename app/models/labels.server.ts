// Verified labels beside a member's name: "Staff" and "Company representative —
// <company>, <role>" given by administrators (HotCopper asks reps to say so), and
// "Author" on the article whose byline is theirs (by display name, automatic).
// (Not yet shown in the thread: see the t13c report.)
import { sql } from "kysely";
import type { DB } from "../../db/connection";
import type { LabelKind } from "../../db/schema";

export type MemberLabel =
  | { kind: "author" }
  | { kind: "staff" }
  | { kind: "company-representative"; tickerId: number; symbol: string; exchange: string; companyName: string; role: string };

export type GrantResult = { ok: true } | { ok: false; error: "not-allowed" | "not-found" | "role-too-long" };

/** Give a label (administrators only); giving it again changes nothing. */
export async function grantLabel(
  db: DB,
  input: { adminId: number; userId: number; kind: LabelKind; tickerId?: number | null; role?: string },
): Promise<GrantResult> {
  const admin = await db.selectFrom("users").select("role").where("id", "=", input.adminId).executeTakeFirst();
  if (admin?.role !== "admin") return { ok: false, error: "not-allowed" };
  const role = (input.role ?? "").trim();
  if (role.length > 100) return { ok: false, error: "role-too-long" };
  const tickerId = input.kind === "company-representative" ? input.tickerId ?? null : null;
  if (input.kind === "company-representative" && tickerId === null) return { ok: false, error: "not-found" };
  const [user, ticker] = await Promise.all([
    db.selectFrom("users").select("id").where("id", "=", input.userId).where("deleted_at", "is", null).executeTakeFirst(),
    tickerId === null ? Promise.resolve({ id: 0 }) : db.selectFrom("tickers").select("id").where("id", "=", tickerId).executeTakeFirst(),
  ]);
  if (!user || !ticker) return { ok: false, error: "not-found" };
  await sql`
    insert into member_labels (user_id, kind, ticker_id, role, granted_by)
    values (${input.userId}, ${input.kind}, ${tickerId}, ${role}, ${input.adminId})
    on conflict (user_id, kind, coalesce(ticker_id, 0)) do update set role = excluded.role`.execute(db);
  return { ok: true };
}

export async function revokeLabel(db: DB, input: { userId: number; kind: LabelKind; tickerId?: number | null }): Promise<{ changed: boolean }> {
  let query = db.deleteFrom("member_labels").where("user_id", "=", input.userId).where("kind", "=", input.kind);
  query = input.tickerId ? query.where("ticker_id", "=", input.tickerId) : query.where("ticker_id", "is", null);
  const result = await query.executeTakeFirst();
  return { changed: Number(result.numDeletedRows) > 0 };
}

/** The labels of these members on one article's comments, in one query: Author first, then Staff, then representative. */
export async function labelsOnArticle(db: DB, articleId: number, userIds: readonly number[]): Promise<Map<number, MemberLabel[]>> {
  const labels = new Map<number, MemberLabel[]>();
  const ids = [...new Set(userIds)].slice(0, 1000);
  if (ids.length === 0) return labels;
  const rows = await sql<{
    user_id: number;
    kind: "author" | LabelKind;
    ticker_id: number | null;
    symbol: string | null;
    exchange: string | null;
    company_name: string | null;
    role: string;
  }>`
    select u.id as user_id, 'author' as kind, null::int as ticker_id, null as symbol, null as exchange, null as company_name, '' as role
      from users u join articles a on a.id = ${articleId} and lower(trim(a.byline)) = lower(trim(u.display_name))
     where u.id = any(${ids}::int[]) and u.deleted_at is null
    union all
    select l.user_id, l.kind, l.ticker_id, t.symbol, t.exchange, t.company_name, l.role
      from member_labels l left join tickers t on t.id = l.ticker_id
     where l.user_id = any(${ids}::int[])
     order by user_id, kind, ticker_id`.execute(db);
  const rank = { author: 0, staff: 1, "company-representative": 2 } as const;
  for (const row of [...rows.rows].sort((a, b) => a.user_id - b.user_id || rank[a.kind] - rank[b.kind])) {
    const label: MemberLabel =
      row.kind === "company-representative"
        ? { kind: row.kind, tickerId: row.ticker_id!, symbol: row.symbol!, exchange: row.exchange!, companyName: row.company_name!, role: row.role }
        : { kind: row.kind };
    labels.set(row.user_id, [...(labels.get(row.user_id) ?? []), label]);
  }
  return labels;
}

/**
 * How a label reads beside the name. A representative's comment that mentions their
 * company's ticker shows it in full; elsewhere "Company representative".
 */
export function labelText(label: MemberLabel, mentionedTickerIds: readonly number[] = []): string {
  switch (label.kind) {
    case "author":
      return "Author";
    case "staff":
      return "Staff";
    case "company-representative":
      return mentionedTickerIds.includes(label.tickerId)
        ? `Company representative — ${label.companyName}${label.role ? `, ${label.role}` : ""}`
        : "Company representative";
  }
}
