// Lucia v3 over our own Kysely adapter. One Lucia per database handle (the app
// has one; tests have one per file).
import { Lucia, TimeSpan } from "lucia";
import type { DB } from "../../db/connection";
import { KyselySessionAdapter, type SessionAttributes, type UserAttributes } from "../models/sessions.server";

/** The guest page cache treats any request carrying this cookie as personal. */
export const SESSION_COOKIE_NAME = "assay_session";
/** Sessions last 30 days and slide: Lucia extends one used in its second half by another 30 days. */
export const SESSION_DAYS = 30;

function createLucia(db: DB) {
  return new Lucia(new KyselySessionAdapter(db), {
    sessionExpiresIn: new TimeSpan(SESSION_DAYS, "d"),
    sessionCookie: {
      name: SESSION_COOKIE_NAME,
      expires: true,
      // `secure` is decided per request (https or not) when the cookie is written.
      attributes: { sameSite: "lax", path: "/", secure: false },
    },
    getSessionAttributes: (attributes) => ({ userAgent: attributes.userAgent }),
    getUserAttributes: (attributes) => ({
      displayName: attributes.displayName,
      role: attributes.role,
      emailVerified: attributes.emailVerified,
      ignoredUserIds: attributes.ignoredUserIds,
    }),
  });
}

export type AssayLucia = ReturnType<typeof createLucia>;

declare module "lucia" {
  interface Register {
    Lucia: AssayLucia;
    UserId: number;
    DatabaseSessionAttributes: SessionAttributes;
    DatabaseUserAttributes: UserAttributes;
  }
}

const instances = new WeakMap<DB, AssayLucia>();

export function getLucia(db: DB): AssayLucia {
  let lucia = instances.get(db);
  if (!lucia) {
    lucia = createLucia(db);
    instances.set(db, lucia);
  }
  return lucia;
}
