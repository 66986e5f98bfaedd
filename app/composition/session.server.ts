// Who is asking: the session cookie, checked through Lucia, and the guards every
// loader and action starts with.
//
//   const user = await requireUser(request, context);             // a guest goes to /login?redirectTo=…
//   const mod = await requireRole(request, context, "moderator"); // a lower role gets 403
//   await requireAnonymous(request, context);                     // a member is sent home
import type { AppLoadContext } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Cookie, type Session } from "lucia";
import type { DB } from "../../db/connection";
import type { Role } from "../../db/schema";
import { getLucia, SESSION_COOKIE_NAME, SESSION_DAYS } from "./lucia.server";
import { getSessionUserAndThreadFollow } from "../models/sessions.server";
import type { ArticleFollowState } from "../models/follows.server";
import { MemberMemo } from "./member-memo.server";
import { hasRole } from "../lib/roles";
import { loginPath, returnPath } from "../lib/safe-redirect";
import { VIEWER_TOKENS, type ViewerTemplate } from "../lib/viewer-template";

export { SESSION_COOKIE_NAME };
export type { Role };

const SESSION_MS = SESSION_DAYS * 24 * 60 * 60 * 1000;

export interface CurrentUser {
  id: number;
  displayName: string;
  role: Role;
  emailVerified: boolean;
  /** Members whose comments are collapsed for this one. */
  ignoredUserIds: number[];
  /** Unread notifications (the header's badge), as of this request's session check. */
  unreadNotifications: number;
}

type Context = Pick<AppLoadContext, "db" | "viewerTemplate">;

interface SessionState {
  user: CurrentUser | null;
  session: Session | null;
  /** The token from the cookie, when there was one (valid or not). */
  token: string | null;
}

// One check per page: a page's loaders run in parallel, each with its own copy of
// the Request (Remix strips ?index and ?_data) but one load context, so the check
// is kept on the context. Only for GET and HEAD: an action checks afresh, since it
// may change the session before the page's loaders run in the same request.
// Kept with the cookie's token it checked, so a context reused for another
// browser (a test, a script) never answers with someone else's session.
const checked = new WeakMap<object, { token: string | null; state: Promise<SessionState> }>();

export function readSessionToken(db: DB, request: Request): string | null {
  return sessionTokenOf(db, request.headers.get("Cookie"));
}

export function sessionTokenOf(db: DB, header: string | null | undefined): string | null {
  if (!header?.includes(`${SESSION_COOKIE_NAME}=`)) return null;
  const token = getLucia(db).readSessionCookie(header);
  return token && /^[a-z0-9]{16,128}$/.test(token) ? token : null;
}

async function checkSession(db: DB, token: string | null): Promise<SessionState> {
  if (!token) return { user: null, session: null, token: null };
  const { user, session } = await getLucia(db).validateSession(token);
  if (!user || !session) return { user: null, session: null, token };
  return {
    user: {
      id: user.id,
      displayName: user.displayName,
      role: user.role,
      emailVerified: user.emailVerified,
      ignoredUserIds: user.ignoredUserIds,
      unreadNotifications: user.unreadNotifications,
    },
    session,
    token,
  };
}

function sessionState(context: Context, request: Request): Promise<SessionState> {
  // A member page's template (app/composition/member-pages.server.ts): a made-up
  // member whose name, id and count are tokens, never anyone's session.
  if (context.viewerTemplate) return Promise.resolve({ user: templateUser(context.viewerTemplate), session: null, token: null });
  const token = readSessionToken(context.db, request);
  if (request.method !== "GET" && request.method !== "HEAD") return checkSession(context.db, token);
  const kept = checked.get(context);
  if (kept && kept.token === token) return kept.state;
  const state = checkSession(context.db, token);
  checked.set(context, { token, state });
  return state;
}

function templateUser(viewer: ViewerTemplate): CurrentUser {
  return {
    // Strings where numbers go: the template's holes put the real numbers in (app/lib/viewer-template.ts).
    id: VIEWER_TOKENS.id as unknown as number,
    displayName: VIEWER_TOKENS.name,
    role: viewer.role,
    emailVerified: viewer.emailVerified,
    ignoredUserIds: [...viewer.ignoredUserIds],
    unreadNotifications: viewer.hasUnread ? (VIEWER_TOKENS.unread as unknown as number) : 0,
  };
}

/**
 * The member behind a Cookie header and their follow state of the article at
 * `slug`, for a page served without its loaders (a member's article page from its
 * template), with the Set-Cookie the root loader would send. Remembered by `memo`
 * (see member-memo.server.ts) between pages; one statement when not remembered, while
 * the session is in the first half of its life; otherwise Lucia checks it as on
 * every page (ending it when over, extending it in its second half), and the
 * one read is made again for the follow state. Null: no valid session (the page is then rendered in
 * full, which clears the cookie).
 */
export async function memberForArticlePage(
  db: DB,
  cookieHeader: string,
  slug: string,
  secure: boolean,
  memo: MemberMemo | null = null,
): Promise<{ user: CurrentUser; follow: ArticleFollowState; setCookie: string | null } | null> {
  const token = sessionTokenOf(db, cookieHeader);
  if (!token) return null;
  // Lucia's own test (validateSession): extended once less than half of its time is left.
  const settled = (expiresAt: number) => expiresAt - Date.now() > SESSION_MS / 2;
  const key = memo ? MemberMemo.key(token, slug) : "";
  const kept = memo?.get(key);
  if (kept && settled(kept.sessionExpiresAt)) return { user: kept.user, follow: kept.follow, setCookie: null };
  const ticket = memo?.begin() ?? 0;
  const read = await getSessionUserAndThreadFollow(db, token, slug);
  if (read && settled(read.session.expiresAt.getTime())) {
    const { id, attributes } = read.user;
    const user: CurrentUser = { id, ...attributes };
    memo?.store(ticket, key, { user, follow: read.follow, sessionExpiresAt: read.session.expiresAt.getTime() });
    return { user, follow: read.follow, setCookie: null };
  }
  const { user, session } = await checkSession(db, token);
  if (!user || !session) return null;
  // The follow state by the same read, now that Lucia has extended (or kept) the session.
  const again = await getSessionUserAndThreadFollow(db, token, slug);
  if (!again) return null;
  return { user, follow: again.follow, setCookie: session.fresh ? serialize({ secure }, getLucia(db).createSessionCookie(session.id)) : null };
}

/** The session behind a request, if it is valid. */
export async function getCurrentSession(
  request: Request,
  context: Context,
): Promise<{ user: CurrentUser; session: Session } | null> {
  const { user, session } = await sessionState(context, request);
  return user && session ? { user, session } : null;
}

export async function getCurrentUser(request: Request, context: Context): Promise<CurrentUser | null> {
  return (await sessionState(context, request)).user;
}

/** The signed-in user, or a redirect to /login that comes back here afterwards. */
export async function requireUser(request: Request, context: Context): Promise<CurrentUser> {
  const user = await getCurrentUser(request, context);
  if (!user) throw redirect(loginPath(returnPath(request)), { status: 303 });
  return user;
}

/** A user with at least `role` (member < moderator < editor < admin); a lower role gets 403. */
export async function requireRole(request: Request, context: Context, role: Role): Promise<CurrentUser> {
  const user = await requireUser(request, context);
  if (!hasRole(user.role, role)) {
    throw new Response("You do not have permission to open this page.", { status: 403, statusText: "Forbidden" });
  }
  return user;
}

/** For /login, /signup and the like: a signed-in user is sent home instead. */
export async function requireAnonymous(request: Request, context: Context, to = "/"): Promise<void> {
  if (await getCurrentUser(request, context)) throw redirect(to, { status: 303 });
}

// --- cookies -----------------------------------------------------------------

/**
 * Over https (behind a proxy too, with TRUST_PROXY): `SameSite=None; Secure;
 * Partitioned`, so the session also works inside a news site's page (/embed), as a
 * cookie kept apart for that site (CHIPS); on the forum itself it is an ordinary
 * cookie of the forum. Over plain http (local development) SameSite=Lax, as ever.
 */
function serialize(request: Request | { secure: boolean }, cookie: Cookie): string {
  // By shape, not instanceof: the server's bundle and Remix's may each hold a Request class.
  const secure = "url" in request ? new URL(request.url).protocol === "https:" : request.secure;
  if (!secure) return new Cookie(cookie.name, cookie.value, { ...cookie.attributes, secure }).serialize();
  return `${new Cookie(cookie.name, cookie.value, { ...cookie.attributes, secure, sameSite: "none" }).serialize()}; Partitioned`;
}

/**
 * Start a session for a user who just proved who they are: always a new session
 * id, and the one this browser had before (if any) ends. Returns the Set-Cookie value.
 */
export async function startSession(db: DB, request: Request, userId: number): Promise<string> {
  const lucia = getLucia(db);
  const previous = readSessionToken(db, request);
  if (previous) await lucia.invalidateSession(previous);
  await lucia.deleteExpiredSessions();
  const session = await lucia.createSession(userId, { userAgent: request.headers.get("User-Agent") ?? "" });
  return serialize(request, lucia.createSessionCookie(session.id));
}

/** End this browser's session (log out). Returns the Set-Cookie value that clears the cookie. */
export async function endSession(db: DB, request: Request): Promise<string> {
  const lucia = getLucia(db);
  const token = readSessionToken(db, request);
  if (token) await lucia.invalidateSession(token);
  return serialize(request, lucia.createBlankSessionCookie());
}

/**
 * The Set-Cookie a page should send about the session, if any: the cookie again
 * when Lucia just extended the session (sliding expiry), a blank one when the
 * browser holds a cookie for a session that is over. The root loader sends it.
 */
export async function sessionCookieUpdate(request: Request, context: Context): Promise<string | null> {
  const hasCookie = request.headers.get("Cookie")?.includes(`${SESSION_COOKIE_NAME}=`) ?? false;
  if (!hasCookie || context.viewerTemplate) return null;
  const { session } = await sessionState(context, request);
  const lucia = getLucia(context.db);
  if (!session) return serialize(request, lucia.createBlankSessionCookie());
  if (session.fresh) return serialize(request, lucia.createSessionCookie(session.id));
  return null;
}
