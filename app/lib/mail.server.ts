// Outgoing mail through nodemailer. With SMTP_URL set (e.g.
// smtps://user:pass@smtp.example.com:465), mail goes to that server; without it,
// nodemailer builds the message and we keep it in the `outbox` table, which
// developers read at /dev/outbox (never shown in production).
import nodemailer, { type Transporter } from "nodemailer";
import type { DB } from "../../db/connection";
import { storeOutboxMail } from "../models/outbox.server";

export interface MailMessage {
  to: string;
  subject: string;
  text: string;
}

export const MAIL_FROM_DEFAULT = "Assay <no-reply@assay.invalid>";

let smtp: { url: string; transport: Transporter } | undefined;
const jsonTransport = nodemailer.createTransport({ jsonTransport: true });

function smtpTransport(url: string): Transporter {
  if (!smtp || smtp.url !== url) smtp = { url, transport: nodemailer.createTransport(url) };
  return smtp.transport;
}

/** Is /dev/outbox open? Outside production only (ASSAY_DEV_OUTBOX=1 opens it for the end-to-end tests). */
export function outboxPageEnabled(env: NodeJS.ProcessEnv = process.env): boolean {
  return env.NODE_ENV !== "production" || env.ASSAY_DEV_OUTBOX === "1";
}

/**
 * Send a message. Over SMTP the message is handed to nodemailer and this returns
 * without waiting for the server, so a request that sends mail for some answers
 * and not others (a reset for a known email) takes no longer than one that does
 * not; delivery failures are logged. Into the outbox it is written before returning.
 */
export async function sendMail(db: DB, message: MailMessage, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const mail = { from: env.MAIL_FROM ?? MAIL_FROM_DEFAULT, to: message.to, subject: message.subject, text: message.text };
  if (env.SMTP_URL) {
    smtpTransport(env.SMTP_URL)
      .sendMail(mail)
      .catch((error: unknown) => {
        console.error(
          `[assay] mail to ${message.to.replace(/^[^@]*/, "…")} not sent: ${
            error instanceof Error ? error.message : String(error)
          }`,
        );
      });
    return;
  }
  // Built by nodemailer all the same, so a malformed address fails here as it would over SMTP.
  await jsonTransport.sendMail(mail);
  await storeOutboxMail(db, message);
}
