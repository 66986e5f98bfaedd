// Small helpers the account routes share.
import type { LinkBase } from "../models/accounts.server";
import { publicUrl } from "./urls.server";

/** The origin links in mail point to (PUBLIC_ORIGINS' first entry when set). */
export function linkBase(request: Request): LinkBase {
  return { origin: new URL(publicUrl(request, "/")).origin };
}

export function retryAfter(seconds: number): HeadersInit {
  return { "Retry-After": String(Math.max(1, Math.ceil(seconds))) };
}

export function formText(form: FormData, name: string): string {
  const value = form.get(name);
  return typeof value === "string" ? value : "";
}
