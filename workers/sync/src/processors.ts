/**
 * The sync worker's processors: `sync` (calendar sync per connection) and the `maintenance` jobs
 * (push renewal, catch-up sweeps). The runner has already validated each payload against the
 * catalogue. The real work lands with issue 5 (accounts and sync); until then each job is logged
 * with its ids and fails visibly with FL_JOB_NOT_IMPLEMENTED instead of completing having done nothing.
 */
import { JobNotImplementedError, type QueueBinding, type QueueProcessors } from '@frontload/jobs';

/** Process name: logger name, heartbeat file and key. */
export const WORKER_NAME = 'worker-sync';

const PLANNED_IN = 'issue 5: accounts and sync';

/** Processors of the `sync` queue. */
export function syncProcessors(): QueueProcessors<'sync'> {
  return {
    sync: async ({ connectionId, reason }, _job, log) => {
      log.info({ connectionId, reason }, 'sync requested');
      throw new JobNotImplementedError('sync', PLANNED_IN);
    },
  };
}

/** Processors of the `maintenance` queue. */
export function maintenanceProcessors(): QueueProcessors<'maintenance'> {
  return {
    'renew-push': async ({ connectionId }, _job, log) => {
      log.info({ connectionId }, 'push renewal requested');
      throw new JobNotImplementedError('renew-push', PLANNED_IN);
    },
    'catch-up-sweep': async (_payload, _job, log) => {
      log.info('catch-up sweep requested');
      throw new JobNotImplementedError('catch-up-sweep', PLANNED_IN);
    },
  };
}

/** The queues this process serves. */
export function queueBindings(): QueueBinding[] {
  return [
    { queue: 'sync', processors: syncProcessors() },
    { queue: 'maintenance', processors: maintenanceProcessors() },
  ];
}
