// The development outbox: mail kept in the database when SMTP_URL is not set, and
// shown at /dev/outbox outside production.
import type { DB } from "../../db/connection";

export interface OutboxMail {
  id: number;
  to: string;
  subject: string;
  text: string;
  createdAt: string;
}

export async function storeOutboxMail(db: DB, mail: { to: string; subject: string; text: string }): Promise<number> {
  const row = await db
    .insertInto("outbox")
    .values({ to_address: mail.to, subject: mail.subject, text_body: mail.text })
    .returning("id")
    .executeTakeFirstOrThrow();
  return row.id;
}

export async function listOutboxMail(db: DB, options: { limit?: number } = {}): Promise<OutboxMail[]> {
  const rows = await db
    .selectFrom("outbox")
    .select(["id", "to_address", "subject", "text_body", "created_at"])
    .orderBy("created_at", "desc")
    .orderBy("id", "desc")
    .limit(Math.min(options.limit ?? 50, 200))
    .execute();
  return rows.map((row) => ({
    id: row.id,
    to: row.to_address,
    subject: row.subject,
    text: row.text_body,
    createdAt: row.created_at.toISOString(),
  }));
}
