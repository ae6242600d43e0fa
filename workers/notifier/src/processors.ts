/**
 * The notifier worker's processors: `deliver-webhook` on the `notify` queue. The runner has already
 * validated each payload against the catalogue. Each job is one delivery attempt; the attempt
 * decides and queues the next one itself (see retry-schedule.ts), so BullMQ's own retries only
 * cover a worker that died mid-attempt.
 */
import type { Database } from '@frontload/db';
import type { Producers, QueueBinding, QueueProcessors } from '@frontload/jobs';
import type { TokenVault, UrlPolicy } from '@frontload/security';
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
  timeoutMs?: number;
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
  };
}

/** The queues this process serves. */
export function queueBindings(deps: NotifierDeps): QueueBinding[] {
  return [{ queue: 'notify', processors: notifyProcessors(deps) }];
}
