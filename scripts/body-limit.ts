// A request body's size is known before it is read: Content-Length above the
// limit gets 413 at once, from the headers alone, and the body is never read.
// A body without a length (chunked) could not be bounded that way and gets
// 411; browsers send a length with every form. Comments are 10,000 characters at
// most: the limit leaves room for a far longer one to be refused with that
// message beside the form (and everything typed kept) instead of a bare 413.
import type { NextFunction, Request, Response } from "express";

export const MAX_BODY_BYTES = 4 * 2 ** 20;
const LINGER_MS = 1_000;

const page = (title: string, text: string) =>
  `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${title}</title></head>` +
  `<body><main><h1>${title}</h1><p>${text}</p></main></body></html>`;

export function bodyLimit(maxBytes = MAX_BODY_BYTES) {
  return function bodyLimitMiddleware(req: Request, res: Response, next: NextFunction): void {
    const length = req.get("content-length");
    const refuse = (status: number, title: string, text: string) => {
      // Node closes a connection whose request body was not read once the answer is
      // sent; until then nothing more is read, and it is closed in any case soon after.
      res.once("finish", () => {
        req.pause();
        setTimeout(() => req.socket.destroy(), LINGER_MS).unref();
      });
      res.status(status).set("Cache-Control", "no-store").type("html").send(page(title, text));
    };
    if (length === undefined) {
      if (req.get("transfer-encoding")) {
        return refuse(411, "Length required", "Send the form again from its page: this request did not say how long it was.");
      }
      return next();
    }
    if (!/^\d{1,15}$/.test(length)) return refuse(400, "Bad request", "This request's length could not be read.");
    if (Number(length) > maxBytes) {
      return refuse(
        413,
        "Too large",
        `What was sent is larger than this site accepts (${maxBytes / 2 ** 20} MB). Comments can be at most 10,000 characters.`,
      );
    }
    next();
  };
}
