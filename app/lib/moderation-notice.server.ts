// What a moderation action says once it is done ("2 comments approved."), carried
// across the redirect of a form sent without JavaScript (POST, redirect, GET) in a
// short-lived cookie that the next page shows once and clears. With JavaScript the
// action answers with the notice directly and the page shows it in place.
import { createCookie, redirect } from "@remix-run/node";
import { safeRedirect } from "./safe-redirect";

const noticeCookie = createCookie("assay_mod_notice", {
  path: "/moderation",
  httpOnly: true,
  sameSite: "lax",
  maxAge: 60,
});

const MAX_LENGTH = 500;

/** The notice a previous action left, and the Set-Cookie that clears it. */
export async function takeNotice(request: Request): Promise<{ notice: string | null; headers: HeadersInit | undefined }> {
  const header = request.headers.get("Cookie");
  if (!header?.includes("assay_mod_notice=")) return { notice: null, headers: undefined };
  const value: unknown = await noticeCookie.parse(header);
  const notice = typeof value === "string" && value ? value.slice(0, MAX_LENGTH) : null;
  return { notice, headers: { "Set-Cookie": await noticeCookie.serialize("", { maxAge: 0 }) } };
}

/** Where a moderation form comes back to: a moderation page of this site, else the queue. */
export function moderationReturnPath(value: unknown): string {
  const path = safeRedirect(value, "/moderation");
  return path === "/moderation" || path.startsWith("/moderation?") || path.startsWith("/moderation/") ? path : "/moderation";
}

/** Redirect (303) to a moderation page, leaving a notice for it to show. */
export async function redirectWithNotice(request: Request, to: string, notice: string): Promise<Response> {
  const secure = new URL(request.url).protocol === "https:";
  return redirect(moderationReturnPath(to), {
    status: 303,
    headers: { "Set-Cookie": await noticeCookie.serialize(notice.slice(0, MAX_LENGTH), { secure }) },
  });
}
