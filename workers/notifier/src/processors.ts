/**
 * The notifier worker's processors: `deliver-webhook` on the `notify` queue. The runner has already
 * validated each payload against the catalogue. Signed deliveries land with issue 7 (overload
 * alerts); until then each job is logged with its ids and fails visibly with FL_JOB_NOT_IMPLEMENTED
 * instead of completing having sent nothing.
 */
import { JobNotImplementedError, type QueueBinding, type QueueProcessors } from '@frontload/jobs';

/** Process name: logger name, heartbeat file and key. */
export const WORKER_NAME = 'worker-notifier';

const PLANNED_IN = 'issue 7: overload alerts';

/** Processors of the `notify` queue. */
export function notifyProcessors(): QueueProcessors<'notify'> {
  return {
    'deliver-webhook': async ({ deliveryId }, _job, log) => {
      log.info({ deliveryId }, 'webhook delivery requested');
      throw new JobNotImplementedError('deliver-webhook', PLANNED_IN);
    },
  };
}

/** The queues this process serves. */
export function queueBindings(): QueueBinding[] {
  return [{ queue: 'notify', processors: notifyProcessors() }];
}
