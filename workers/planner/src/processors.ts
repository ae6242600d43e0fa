/**
 * The planner worker's processors: `plan` (per user) and `apply`/`undo` (a plan run through the
 * operation ledger). The runner has already validated each payload against the catalogue. The real
 * work lands with issue 6 (rewrite pipeline, on the engine of issue 4); until then each job is
 * logged with its ids and fails visibly with FL_JOB_NOT_IMPLEMENTED instead of completing having
 * done nothing.
 */
import { JobNotImplementedError, type QueueBinding, type QueueProcessors } from '@frontload/jobs';

/** Process name: logger name, heartbeat file and key. */
export const WORKER_NAME = 'worker-planner';

const PLANNED_IN = 'issue 6: rewrite pipeline';

/** Processors of the `plan` queue. */
export function planProcessors(): QueueProcessors<'plan'> {
  return {
    plan: async ({ userId, reason, requestedAt }, _job, log) => {
      log.info({ userId, reason, requestedAt }, 'plan requested');
      throw new JobNotImplementedError('plan', PLANNED_IN);
    },
  };
}

/** Processors of the `apply` queue. */
export function applyProcessors(): QueueProcessors<'apply'> {
  return {
    apply: async ({ runId }, _job, log) => {
      log.info({ runId }, 'apply requested');
      throw new JobNotImplementedError('apply', PLANNED_IN);
    },
    undo: async ({ runId }, _job, log) => {
      log.info({ runId }, 'undo requested');
      throw new JobNotImplementedError('undo', PLANNED_IN);
    },
  };
}

/** The queues this process serves. */
export function queueBindings(): QueueBinding[] {
  return [
    { queue: 'plan', processors: planProcessors() },
    { queue: 'apply', processors: applyProcessors() },
  ];
}
