// Remembers, in a signed cookie, the comments this browser posted that are still
// held, so the poster sees them in place ("awaiting moderation") and nobody else does.
import { createCookie, type Cookie } from "@remix-run/node";
import type { DB } from "../../db/connection";
import { getSiteSecret } from "../models/secrets.server";

const MAX_REMEMBERED = 50;
let cookie: Cookie | undefined;

async function heldCookie(db: DB): Promise<Cookie> {
  if (!cookie) {
    cookie = createCookie("assay_held", {
      secrets: [await getSiteSecret(db, "cookie")],
      httpOnly: true,
      sameSite: "lax",
      path: "/",
      maxAge: 60 * 60 * 24 * 30,
    });
  }
  return cookie;
}

export async function readHeldCommentIds(db: DB, request: Request): Promise<number[]> {
  const header = request.headers.get("Cookie");
  if (!header?.includes("assay_held=")) return [];
  const value: unknown = await (await heldCookie(db)).parse(header);
  return Array.isArray(value) ? value.filter((id): id is number => Number.isInteger(id)) : [];
}

/** A Set-Cookie header that adds one held comment to those this browser remembers. */
export async function rememberHeldComment(db: DB, request: Request, commentId: number): Promise<string> {
  const ids = (await readHeldCommentIds(db, request)).filter((id) => id !== commentId);
  ids.push(commentId);
  // Over https (behind a proxy too, with TRUST_PROXY) it must also work inside a news
  // site's page (/embed): SameSite=None, Secure, and Partitioned (kept for that site
  // alone, CHIPS). Over plain http (local development): SameSite=Lax, as before.
  const secure = new URL(request.url).protocol === "https:";
  const thirdParty = secure ? ({ sameSite: "none", partitioned: true } as const) : {};
  return (await heldCookie(db)).serialize(ids.slice(-MAX_REMEMBERED), { secure, ...thirdParty });
}
