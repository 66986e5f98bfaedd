// Outgoing mail through nodemailer. With SMTP_URL set (e.g.
// smtps://user:pass@smtp.example.com:465), mail goes to that server; without it,
// nodemailer builds the message and we keep it in the `outbox` table, which
// developers read at /dev/outbox (never shown in production).
import nodemailer, { type Transporter } from "nodemailer";
import type { DB } from "../../db/connection";
import { storeOutboxMail } from "./outbox.server";

export interface MailMessage {
  to: string;
  subject: string;
  text: string;
  /** The HTML part; without one it is made from the text. */
  html?: string;
  /** Extra headers (List-Unsubscribe, List-Unsubscribe-Post, List-Id). */
  headers?: Record<string, string>;
}

export const MAIL_FROM_DEFAULT = "Assay <no-reply@assay.invalid>";

let smtp: { url: string; transport: Transporter } | undefined;
let pooled: { key: string; transport: Transporter } | undefined;
const jsonTransport = nodemailer.createTransport({ jsonTransport: true });

function smtpTransport(url: string): Transporter {
  if (!smtp || smtp.url !== url) smtp = { url, transport: nodemailer.createTransport(url) };
  return smtp.transport;
}

/** The workers' transport: a pool of SMTP connections, one per concurrent sender. */
function pooledTransport(url: string, maxConnections: number): Transporter {
  const key = `${maxConnections} ${url}`;
  if (!pooled || pooled.key !== key) {
    pooled?.transport.close();
    pooled = {
      key,
      transport: nodemailer.createTransport({
        url,
        pool: true,
        maxConnections,
        maxMessages: Infinity,
        // Bounded waits: a send never outlasts its delivery's lease (app/models/mail-deliveries.server.ts).
        connectionTimeout: 10_000,
        greetingTimeout: 10_000,
        socketTimeout: 15_000,
      }),
    };
  }
  return pooled.transport;
}

/** Close the pooled SMTP connections (a worker stopping). */
export function closeMailPool(): void {
  pooled?.transport.close();
  pooled = undefined;
}

/** Is /dev/outbox open? Outside production only (ASSAY_DEV_OUTBOX=1 opens it for the end-to-end tests). */
export function outboxPageEnabled(env: NodeJS.ProcessEnv = process.env): boolean {
  return env.NODE_ENV !== "production" || env.ASSAY_DEV_OUTBOX === "1";
}

const HTML_ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]!);
}

/** A plain-text mail as simple HTML: paragraphs, line breaks, and its URLs as links. */
export function textToHtml(text: string): string {
  const paragraphs = text.split(/\n{2,}/).map((p) =>
    escapeHtml(p)
      .replace(/https?:\/\/[^\s<]+/g, (url) => `<a href="${url}">${url}</a>`)
      .replace(/\n/g, "<br>\n"),
  );
  return `<!doctype html><html><body>${paragraphs.map((p) => `<p>${p}</p>`).join("\n")}</body></html>`;
}

function envelope(message: MailMessage, env: NodeJS.ProcessEnv) {
  return {
    from: env.MAIL_FROM ?? MAIL_FROM_DEFAULT,
    to: message.to,
    subject: message.subject,
    text: message.text,
    html: message.html ?? textToHtml(message.text),
    headers: message.headers,
  };
}

/**
 * Send a message. Over SMTP the message is handed to nodemailer and this returns
 * without waiting for the server, so a request that sends mail for some answers
 * and not others (a reset for a known email) takes no longer than one that does
 * not; delivery failures are logged. Into the outbox it is written before returning.
 */
export async function sendMail(db: DB, message: MailMessage, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const mail = envelope(message, env);
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

export class MailSendError extends Error {
  constructor(
    message: string,
    /** The server refused this message for good (a 5xx answer): retrying will not help. */
    readonly permanent: boolean,
  ) {
    super(message);
  }
}

/**
 * Send a message and wait until the SMTP server accepted it (the job worker's
 * way: it records the delivery only then). Throws MailSendError. Without
 * SMTP_URL the message goes to the outbox.
 */
export async function deliverMail(
  db: DB,
  message: MailMessage,
  options: { maxConnections?: number; env?: NodeJS.ProcessEnv } = {},
): Promise<void> {
  const env = options.env ?? process.env;
  const mail = envelope(message, env);
  if (!env.SMTP_URL) {
    await jsonTransport.sendMail(mail);
    await storeOutboxMail(db, message);
    return;
  }
  try {
    await pooledTransport(env.SMTP_URL, options.maxConnections ?? 4).sendMail(mail);
  } catch (error) {
    const code = (error as { responseCode?: unknown }).responseCode;
    throw new MailSendError(error instanceof Error ? error.message : String(error), typeof code === "number" && code >= 500);
  }
}
