/**
 * The notifier worker's processors on the `notify` queue: `deliver-webhook`, and the two jobs
 * that create deliveries, `evaluate-alerts` and `connection-lost`. The runner has already
 * validated each payload against the catalogue. Each job is one delivery attempt; the attempt
 * decides and queues the next one itself (see retry-schedule.ts), so BullMQ's own retries only
 * cover a worker that died mid-attempt.
 */
import type { Database } from '@frontload/db';
import type { Producers, QueueBinding, QueueProcessors } from '@frontload/jobs';
import type { TokenVault, UrlPolicy } from '@frontload/security';
import { connectionLostAlert, evaluatePlanAlerts, skipWeekAnnouncement } from './alert-jobs.js';
import { deliverWebhook } from './deliver-webhook.js';

/** Process name: logger name, heartbeat file and key. */
export const WORKER_NAME = 'worker-notifier';

export interface NotifierDeps {
  db: Database;
  vault: TokenVault;
  producers: Producers;
  policy: UrlPolicy;
  now: () => Date;
  random: () => number;
  /** Base URL of the settings page, for the links in each event. */
  publicUrl: string;
  timeoutMs?: number;
}

async function enqueueAll(producers: Producers, deliveryIds: string[]) {
  for (const deliveryId of deliveryIds) await producers.enqueueDeliverWebhook({ deliveryId });
}

/** Processors of the `notify` queue. */
export function notifyProcessors(deps: NotifierDeps): QueueProcessors<'notify'> {
  return {
    'deliver-webhook': async ({ deliveryId, attempt = 1 }, _job, log) => {
      const result = await deliverWebhook(deliveryId, attempt, {
        ...deps,
        scheduleAttempt: async (id, next, delay) => {
          await deps.producers.enqueueDeliverWebhook({ deliveryId: id, attempt: next }, { delay });
        },
      });
      log.info({ deliveryId, attempt, ...result }, 'webhook delivery attempt');
      return result;
    },
    // Deliveries are written before they are queued; a retry of the job re-queues the same ones
    // (their job ids are derived from the delivery id), so a crash in between loses nothing.
    'evaluate-alerts': async (payload) => {
      const result = await evaluatePlanAlerts(deps.db, payload, deps.publicUrl, deps.now());
      await enqueueAll(deps.producers, result.deliveries);
      if (result.deliveries.length > 0) await deps.producers.notifyUser(payload.userId, { kind: 'alerts' });
      return result;
    },
    'skip-week-announced': async (payload) => {
      const result = await skipWeekAnnouncement(deps.db, payload, deps.publicUrl, deps.now());
      await enqueueAll(deps.producers, result.deliveries);
      return result;
    },
    'connection-lost': async ({ connectionId }) => {
      const result = await connectionLostAlert(deps.db, connectionId, deps.publicUrl, deps.now());
      await enqueueAll(deps.producers, result.deliveries);
      // The page shows the connection as lost whether or not a webhook was told.
      if ('userId' in result && result.userId)
        await deps.producers.notifyUser(result.userId, { kind: 'calendar', connectionId });
      return result;
    },
  };
}

/** The queues this process serves. */
export function queueBindings(deps: NotifierDeps): QueueBinding[] {
  return [{ queue: 'notify', processors: notifyProcessors(deps) }];
}
