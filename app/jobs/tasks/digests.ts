// The crontab's digests: members who chose the daily or weekly digest for a
// category get one mail listing what is new there, only when something is.
import type { Task } from "graphile-worker";
import type { DB } from "../../../db/connection";
import { fanOutDigests } from "../../models/mail-fanout.server";

export function createDigest(deps: { db: DB; now?: () => Date }, period: "daily" | "weekly"): Task {
  return async (_payload, helpers) => {
    const queued = await fanOutDigests(deps.db, period, deps.now?.() ?? new Date());
    if (queued) helpers.logger.info(`${period} digest: ${queued} mails queued`);
  };
}
