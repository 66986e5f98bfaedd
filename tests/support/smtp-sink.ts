// A real SMTP server (the smtp-server package) that keeps what it is sent, for
// the mail tests and the fan-out bench. `refuse` makes it answer the next
// messages with an error, as a server under load or a full mailbox would.
import { SMTPServer } from "smtp-server";

export interface SunkMail {
  to: string[];
  raw: string;
  headers: Map<string, string>;
  /** The text/plain part, decoded. */
  text: string;
  /** The text/html part, decoded. */
  html: string;
}

export interface SmtpSink {
  readonly url: string;
  readonly port: number;
  readonly mails: SunkMail[];
  /** Refuse the next `count` messages with this SMTP code (4xx: try later; 5xx: for good). */
  refuse(count: number, code?: number): void;
  clear(): void;
  stop(): Promise<void>;
}

function decodeQuotedPrintable(body: string): string {
  return Buffer.from(
    body.replace(/=\r?\n/g, "").replace(/=([0-9A-F]{2})/gi, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16))),
    "latin1",
  ).toString("utf8");
}

function decodePart(part: string): { type: string; body: string } {
  const split = part.indexOf("\r\n\r\n");
  const head = part.slice(0, split);
  const body = part.slice(split + 4);
  const type = /content-type:\s*([^;\r\n]+)/i.exec(head)?.[1]?.toLowerCase() ?? "";
  const encoding = /content-transfer-encoding:\s*(\S+)/i.exec(head)?.[1]?.toLowerCase() ?? "7bit";
  const decoded =
    encoding === "quoted-printable" ? decodeQuotedPrintable(body) : encoding === "base64" ? Buffer.from(body, "base64").toString("utf8") : body;
  return { type, body: decoded };
}

/** Headers (unfolded, names lower case) and the text and HTML parts of a raw message. */
export function parseMail(raw: string, to: string[] = []): SunkMail {
  const split = raw.indexOf("\r\n\r\n");
  const head = raw.slice(0, split).replace(/\r\n[ \t]+/g, " ");
  const headers = new Map<string, string>();
  for (const line of head.split("\r\n")) {
    const colon = line.indexOf(":");
    if (colon > 0) headers.set(line.slice(0, colon).toLowerCase(), line.slice(colon + 1).trim());
  }
  const boundary = /boundary="?([^";]+)"?/i.exec(headers.get("content-type") ?? "")?.[1];
  let text = "";
  let html = "";
  const parts = boundary ? raw.slice(split + 4).split(`--${boundary}`).slice(1, -1) : [raw];
  for (const part of parts) {
    const { type, body } = decodePart(part.replace(/^\r\n/, ""));
    if (type === "text/plain") text = body;
    if (type === "text/html") html = body;
  }
  return { to, raw, headers, text, html };
}

export async function startSmtpSink(options: { keepRaw?: boolean } = {}): Promise<SmtpSink> {
  const mails: SunkMail[] = [];
  let refusals: { left: number; code: number } = { left: 0, code: 451 };
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS"],
    logger: false,
    maxClients: 200,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (c: Buffer) => chunks.push(c));
      stream.on("end", () => {
        if (refusals.left > 0) {
          refusals.left--;
          const error = Object.assign(new Error("Try again later"), { responseCode: refusals.code });
          return callback(error);
        }
        const to = session.envelope.rcptTo.map((r) => r.address.toLowerCase());
        if (options.keepRaw === false) mails.push({ to, raw: "", headers: new Map(), text: "", html: "" });
        else mails.push(parseMail(Buffer.concat(chunks).toString("utf8"), to));
        callback();
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
  // A client that dies mid-message (the bench SIGKILLs the worker) resets its
  // connection: that message was not received, which is all that matters here.
  server.on("error", (error: NodeJS.ErrnoException) => {
    if (error.code !== "ECONNRESET" && error.code !== "EPIPE") console.error(`[smtp sink] ${error.message}`);
  });
  const port = (server.server.address() as { port: number }).port;
  return {
    url: `smtp://127.0.0.1:${port}`,
    port,
    mails,
    refuse(count, code = 451) {
      refusals = { left: count, code };
    },
    clear() {
      mails.length = 0;
    },
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
