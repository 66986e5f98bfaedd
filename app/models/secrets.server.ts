// Site secrets (cookie signing, IP hashing, mail links). From the environment when set;
// otherwise generated once and kept in Postgres, so every app instance behind a
// load balancer signs and hashes alike without any configuration.
import { createHmac, randomBytes } from "node:crypto";
import type { DB } from "../../db/connection";

const cache = new Map<string, string>();

const ENV_NAMES = { cookie: "SESSION_SECRET", "ip-hash": "IP_HASH_SECRET", mail: "MAIL_LINK_SECRET" } as const;

export async function getSiteSecret(db: DB, name: keyof typeof ENV_NAMES): Promise<string> {
  const fromEnv = process.env[ENV_NAMES[name]];
  if (fromEnv) return fromEnv;
  const cached = cache.get(name);
  if (cached) return cached;
  await db
    .insertInto("site_secrets")
    .values({ name, value: randomBytes(32).toString("base64url") })
    .onConflict((oc) => oc.column("name").doNothing())
    .execute();
  const row = await db.selectFrom("site_secrets").select("value").where("name", "=", name).executeTakeFirstOrThrow();
  // Secrets never change once written, so one read per process is enough.
  cache.set(name, row.value);
  return row.value;
}

/** A keyed hash of the poster's IP address: comparable, not reversible. */
export async function hashIp(db: DB, ip: string): Promise<string> {
  const secret = await getSiteSecret(db, "ip-hash");
  return createHmac("sha256", secret).update(ip).digest("base64url").slice(0, 32);
}
