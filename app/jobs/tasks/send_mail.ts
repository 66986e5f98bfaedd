// A mail sender: claims batches of due deliveries and sends them one at a time
// through the pooled SMTP transport, recording each as sent right after (see
// app/models/mail-deliveries.server.ts). WORKER_CONCURRENCY senders run at once,
// one job per slot (job key send_mail:<slot>); a sender that used its time
// budget with work left queues itself again, so other jobs get their turn.
import type { Task } from "graphile-worker";
import type { DB } from "../../../db/connection";
import { deliverMail, MailSendError } from "../../models/mail.server";
import {
  claimDeliveries,
  LEASE_CUTOFF_SECONDS,
  MailRenderer,
  markFailed,
  markSent,
  markSkipped,
  nextDueAt,
  releaseDeliveries,
  releaseExpiredLeases,
} from "../../models/mail-deliveries.server";
import { workerConcurrency } from "../../models/mail-fanout.server";
import { addJob } from "../queue.server";

const BATCH = 25;
const BUDGET_MS = 20_000;

export interface SendMailDeps {
  db: DB;
  env?: NodeJS.ProcessEnv;
}

export function createSendMail(deps: SendMailDeps): Task {
  return async (payload, helpers) => {
    const slot = Number((payload as { slot?: unknown } | null)?.slot ?? 0);
    const env = deps.env ?? process.env;
    const maxConnections = workerConcurrency(env);
    const started = Date.now();
    let sent = 0;
    let failed = 0;
    await releaseExpiredLeases(deps.db);
    for (;;) {
      if (Date.now() - started > BUDGET_MS) {
        await addJob(deps.db, "send_mail", { slot }, { jobKey: `send_mail:${slot}`, jobKeyMode: "replace", priority: 1 });
        break;
      }
      const batch = await claimDeliveries(deps.db, BATCH);
      if (!batch.length) {
        // Nothing due now: one sender comes back when something falls due (a
        // retry, a dead sender's lease), sooner than the crontab's minute.
        const at = await nextDueAt(deps.db);
        if (at && at.getTime() - Date.now() < 10 * 60_000) {
          await addJob(deps.db, "send_mail", { slot: 0 }, { jobKey: "send_mail:later", jobKeyMode: "replace", priority: 1, runAt: at });
        }
        break;
      }
      const claimedAt = Date.now();
      const renderer = new MailRenderer(deps.db);
      for (let i = 0; i < batch.length; i++) {
        const delivery = batch[i]!;
        // Near the end of the lease another sender may take these: give them back instead.
        if (Date.now() - claimedAt > LEASE_CUTOFF_SECONDS * 1000) {
          await releaseDeliveries(deps.db, batch.slice(i).map((d) => d.id));
          break;
        }
        const message = await renderer.render(delivery);
        if (!message) {
          await markSkipped(deps.db, delivery.id);
          continue;
        }
        try {
          await deliverMail(deps.db, message, { maxConnections, env });
        } catch (error) {
          const permanent = error instanceof MailSendError && error.permanent;
          const status = await markFailed(deps.db, delivery, error instanceof Error ? error.message : String(error), permanent);
          failed++;
          helpers.logger.warn(`mail ${delivery.id} (${delivery.kind}) not sent, ${status === "failed" ? "given up" : "will retry"}: ${String(error)}`);
          continue;
        }
        await markSent(deps.db, delivery.id);
        sent++;
      }
    }
    if (sent || failed) helpers.logger.info(`sender ${slot}: ${sent} sent, ${failed} failed`);
  };
}
