// The links in our mail that work without logging in: unsubscribe (offering the
// lower levels before "nothing", as Discourse does), RFC 8058 one-click
// unsubscribe, and a guest's confirmation of their address (double opt-in).
// A link carries what it is about, signed with the site's mail secret (HMAC), so
// no session is needed and nobody can forge one for someone else. Links carry
// ids only, never an address: a guest's address is read from their comment.
import { createHmac, timingSafeEqual } from "node:crypto";
import { sql } from "kysely";
import type { DB } from "../../db/connection";
import type { FollowLevel } from "../../db/schema";
import { getSiteSecret } from "./secrets.server";

/** What a mail was about, and so what its unsubscribe link can change. */
export type MailLinkSubject =
  /** A member's new-article mail for a category they watch. */
  | { k: "category"; u: number; c: number }
  /** A member's daily or weekly digest. */
  | { k: "digest"; u: number; p: "daily" | "weekly" }
  /** A member's mail for a thread they watch. */
  | { k: "thread"; u: number; a: number }
  /** A member's mail for a reply to their comment m. */
  | { k: "reply"; u: number; m: number }
  /** A guest's mail for a reply to their comment m (the address is the comment's). */
  | { k: "guest"; m: number }
  /** A guest's confirmation link, for the address of their comment m. */
  | { k: "confirm"; m: number };

async function sign(db: DB, body: string): Promise<string> {
  return createHmac("sha256", await getSiteSecret(db, "mail")).update(body).digest("base64url");
}

export async function makeMailToken(db: DB, subject: MailLinkSubject): Promise<string> {
  const body = Buffer.from(JSON.stringify(subject)).toString("base64url");
  return `${body}.${await sign(db, body)}`;
}

function isSubject(value: unknown): value is MailLinkSubject {
  if (!value || typeof value !== "object") return false;
  const v = value as Record<string, unknown>;
  const id = (x: unknown) => Number.isSafeInteger(x) && (x as number) > 0;
  switch (v.k) {
    case "category":
      return id(v.u) && id(v.c);
    case "digest":
      return id(v.u) && (v.p === "daily" || v.p === "weekly");
    case "thread":
      return id(v.u) && id(v.a);
    case "reply":
      return id(v.u) && id(v.m);
    case "guest":
    case "confirm":
      return id(v.m);
    default:
      return false;
  }
}

/** The subject of a token we signed; null for anything else (tampered, truncated, garbage). */
export async function readMailToken(db: DB, token: string): Promise<MailLinkSubject | null> {
  const match = /^([A-Za-z0-9_-]{1,400})\.([A-Za-z0-9_-]{43})$/.exec(token);
  if (!match) return null;
  const expected = Buffer.from(await sign(db, match[1]!));
  const given = Buffer.from(match[2]!);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return null;
  try {
    const subject: unknown = JSON.parse(Buffer.from(match[1]!, "base64url").toString("utf8"));
    return isSubject(subject) ? subject : null;
  } catch {
    return null;
  }
}

/** The choices an unsubscribe page offers, least drastic first; "nothing" is always last. */
export const UNSUBSCRIBE_CHOICES = ["daily", "weekly", "following", "unwatch-thread", "this-comment", "all-replies", "nothing"] as const;
export type UnsubscribeChoice = (typeof UNSUBSCRIBE_CHOICES)[number];

export interface UnsubscribePage {
  subject: MailLinkSubject;
  /** What the mail was about, for the page's heading (a category name, an article title). */
  about: string;
  /** The member's current level for the category (category mail only). */
  level: FollowLevel | null;
  choices: UnsubscribeChoice[];
}

const MAIL_LEVELS_BY_VOLUME: FollowLevel[] = ["watching", "daily", "weekly", "following"];

/** What the page for this token shows; null when the token is not ours or what it names is gone. */
export async function getUnsubscribePage(db: DB, token: string): Promise<UnsubscribePage | null> {
  const subject = await readMailToken(db, token);
  if (!subject) return null;
  switch (subject.k) {
    case "category": {
      const row = await db
        .selectFrom("categories as c")
        .leftJoin("category_follows as f", (j) => j.onRef("f.category_id", "=", "c.id").on("f.user_id", "=", subject.u))
        .select(["c.name", "f.level"])
        .where("c.id", "=", subject.c)
        .executeTakeFirst();
      if (!row) return null;
      const level = row.level ?? null;
      const from = level ? MAIL_LEVELS_BY_VOLUME.indexOf(level) : -1;
      // Only the levels that send less than the current one (all of them when unknown).
      const lower = (["daily", "weekly", "following"] as const).filter((l) => from < 0 || MAIL_LEVELS_BY_VOLUME.indexOf(l) > from);
      return { subject, about: row.name, level, choices: [...lower, "nothing"] };
    }
    case "digest":
      return {
        subject,
        about: subject.p === "daily" ? "the daily digest" : "the weekly digest",
        level: null,
        choices: [...(subject.p === "daily" ? (["weekly"] as const) : []), "following", "nothing"],
      };
    case "thread": {
      const article = await db.selectFrom("articles").select("title").where("id", "=", subject.a).executeTakeFirst();
      return article ? { subject, about: article.title, level: null, choices: ["unwatch-thread", "nothing"] } : null;
    }
    case "reply":
    case "guest":
    case "confirm": {
      const comment = await db
        .selectFrom("comments as c")
        .innerJoin("articles as a", "a.id", "c.article_id")
        .select(["a.title"])
        .where("c.id", "=", subject.m)
        .executeTakeFirst();
      if (!comment) return null;
      const choices: UnsubscribeChoice[] =
        subject.k === "reply" ? ["this-comment", "all-replies", "nothing"] : subject.k === "guest" ? ["this-comment", "nothing"] : ["nothing"];
      return { subject, about: comment.title, level: null, choices };
    }
  }
}

export type UnsubscribeResult = { ok: true; choice: UnsubscribeChoice } | { ok: false; error: "bad-link" | "bad-choice" };

/** What one click (RFC 8058) does: stop this kind of mail, the least that makes this mail stop. */
export function oneClickChoice(subject: MailLinkSubject): UnsubscribeChoice {
  switch (subject.k) {
    case "category":
    case "digest":
      return "following";
    case "thread":
      return "unwatch-thread";
    case "reply":
      return "all-replies";
    case "guest":
    case "confirm":
      return "nothing";
  }
}

/** A guest's address, from the comment their link names (lower case); null if gone or a member's. */
async function guestAddress(db: DB, commentId: number): Promise<string | null> {
  const row = await db.selectFrom("comments").select(["author_email", "user_id"]).where("id", "=", commentId).executeTakeFirst();
  const email = row && row.user_id === null ? row.author_email.trim().toLowerCase() : "";
  return email || null;
}

/** Apply an unsubscribe choice (from the page, or the one-click POST). Pending mail it stops is skipped too. */
export async function unsubscribe(db: DB, token: string, choice: string | "one-click"): Promise<UnsubscribeResult> {
  const page = await getUnsubscribePage(db, token);
  if (!page) return { ok: false, error: "bad-link" };
  const { subject } = page;
  const wanted = choice === "one-click" ? oneClickChoice(subject) : (choice as UnsubscribeChoice);
  if (choice !== "one-click" && !page.choices.includes(wanted)) return { ok: false, error: "bad-choice" };
  await db.transaction().execute(async (trx) => {
    if (subject.k === "guest" || subject.k === "confirm") {
      const email = await guestAddress(trx, subject.m);
      if (!email) return;
      if (wanted === "this-comment") {
        await trx.updateTable("comments").set({ notify_replies: false }).where("id", "=", subject.m).execute();
        return;
      }
      await trx
        .insertInto("guest_mail_addresses")
        .values({ email, unsubscribed_at: new Date() })
        .onConflict((oc) => oc.column("email").doUpdateSet({ unsubscribed_at: sql`coalesce(guest_mail_addresses.unsubscribed_at, now())` }))
        .execute();
      await trx.updateTable("comments").set({ notify_replies: false }).where("user_id", "is", null).where(sql`lower(author_email)`, "=", email).execute();
      await trx.updateTable("mail_deliveries").set({ status: "skipped" }).where("recipient", "=", email).where("status", "=", "pending").execute();
      return;
    }
    const userId = subject.u;
    const skipPending = (kinds: ("article" | "digest" | "thread" | "reply")[], extra?: { column: "category_id" | "article_id"; value: number }) => {
      let q = trx.updateTable("mail_deliveries").set({ status: "skipped" }).where("user_id", "=", userId).where("status", "=", "pending").where("kind", "in", kinds);
      if (extra) q = q.where(extra.column, "=", extra.value);
      return q.execute();
    };
    switch (wanted) {
      case "daily":
      case "weekly":
      case "following": {
        if (subject.k === "category") {
          await trx
            .insertInto("category_follows")
            .values({ user_id: userId, category_id: subject.c, level: wanted })
            .onConflict((oc) => oc.columns(["user_id", "category_id"]).doUpdateSet({ level: wanted, updated_at: new Date() }))
            .execute();
          await skipPending(["article"], { column: "category_id", value: subject.c });
        } else if (subject.k === "digest") {
          await trx
            .updateTable("category_follows")
            .set({ level: wanted, updated_at: new Date() })
            .where("user_id", "=", userId)
            .where("level", "=", subject.p)
            .execute();
          if (wanted === "following") await skipPending(["digest"]);
        }
        return;
      }
      case "unwatch-thread":
        if (subject.k === "thread") {
          await trx.deleteFrom("thread_watches").where("user_id", "=", userId).where("article_id", "=", subject.a).execute();
          await skipPending(["thread"], { column: "article_id", value: subject.a });
        }
        return;
      case "this-comment":
        if (subject.k === "reply") {
          await trx.updateTable("comments").set({ notify_replies: false }).where("id", "=", subject.m).where("user_id", "=", userId).execute();
        }
        return;
      case "all-replies":
        await trx.updateTable("comments").set({ notify_replies: false }).where("user_id", "=", userId).execute();
        await trx.updateTable("users").set({ notify_replies_default: false }).where("id", "=", userId).execute();
        await skipPending(["reply"]);
        return;
      case "nothing":
        // No mail at all: what sends mail drops to the level that sends none
        // (the categories stay on the Following page and in the feed).
        await trx
          .updateTable("category_follows")
          .set({ level: "following", updated_at: new Date() })
          .where("user_id", "=", userId)
          .where("level", "in", ["watching", "daily", "weekly"])
          .execute();
        await trx.deleteFrom("thread_watches").where("user_id", "=", userId).execute();
        await trx.updateTable("comments").set({ notify_replies: false }).where("user_id", "=", userId).execute();
        await trx.updateTable("users").set({ notify_replies_default: false }).where("id", "=", userId).execute();
        await skipPending(["article", "digest", "thread", "reply"]);
        return;
    }
  });
  return { ok: true, choice: wanted };
}

export type ConfirmResult = { ok: true } | { ok: false; error: "bad-link" | "unsubscribed" };

/** A guest followed their confirmation link: their address may now be told of replies. */
export async function confirmGuestAddress(db: DB, token: string): Promise<ConfirmResult> {
  const subject = await readMailToken(db, token);
  if (!subject || subject.k !== "confirm") return { ok: false, error: "bad-link" };
  const email = await guestAddress(db, subject.m);
  if (!email) return { ok: false, error: "bad-link" };
  const row = await db
    .insertInto("guest_mail_addresses")
    .values({ email, confirmed_at: new Date() })
    .onConflict((oc) => oc.column("email").doUpdateSet({ confirmed_at: sql`coalesce(guest_mail_addresses.confirmed_at, now())` }))
    .returning("unsubscribed_at")
    .executeTakeFirstOrThrow();
  return row.unsubscribed_at ? { ok: false, error: "unsubscribed" } : { ok: true };
}

/** Is the confirmation link valid (for the page that shows its button)? */
export async function checkConfirmToken(db: DB, token: string): Promise<boolean> {
  const subject = await readMailToken(db, token);
  return subject?.k === "confirm" && (await guestAddress(db, subject.m)) !== null;
}
