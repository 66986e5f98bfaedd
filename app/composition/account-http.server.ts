// Small helpers the account routes share.
import type { LinkBase } from "../models/accounts.server";
import { publicOrigin } from "../lib/urls.server";

/** The origin links in mail point to: the canonical one (see app/lib/urls.server.ts), never the request's Host. */
export function linkBase(context: { publicOrigin?: string }): LinkBase {
  return { origin: publicOrigin(context) };
}

export function retryAfter(seconds: number): HeadersInit {
  return { "Retry-After": String(Math.max(1, Math.ceil(seconds))) };
}

export function formText(form: FormData, name: string): string {
  const value = form.get(name);
  return typeof value === "string" ? value : "";
}
