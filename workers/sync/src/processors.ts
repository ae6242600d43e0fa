/**
 * The sync worker's processors: `sync` (one connection's calendar) on the `sync` queue, and push
 * renewal, disconnect and the catch-up sweep on `maintenance`. The runner has already validated each
 * payload; each processor parses → delegates to its module → returns ids and counts (job results
 * are stored in Redis in clear: never tokens or event bodies).
 */
import type { QueueBinding, QueueProcessors } from '@frontload/jobs';
import type { SyncDeps } from './deps.js';
import { disconnectConnection } from './disconnect.js';
import { renewPush } from './push-channel.js';
import { catchUpSweep } from './sweep.js';
import { syncConnection } from './sync-connection.js';

/** Process name: logger name, heartbeat file and key. */
export const WORKER_NAME = 'worker-sync';

/** Processors of the `sync` queue. */
export function syncProcessors(deps: SyncDeps): QueueProcessors<'sync'> {
  return {
    sync: async ({ connectionId, reason }, job, log) => {
      const retry = job.attemptsMade > 0 || job.stalledCounter > 0;
      const outcome = await syncConnection(deps, connectionId, reason, { retry });
      log.info({ ...outcome, reason }, 'sync done');
      return { ...outcome };
    },
  };
}

/** Processors of the `maintenance` queue. */
export function maintenanceProcessors(deps: SyncDeps): QueueProcessors<'maintenance'> {
  return {
    'renew-push': async ({ connectionId }, _job, log) => {
      const outcome = await renewPush(deps, connectionId);
      log.info({ ...outcome }, 'push channel renewed');
      return { ...outcome };
    },
    disconnect: async ({ connectionId }, _job, log) => {
      const outcome = await disconnectConnection(deps, connectionId, log);
      log.info({ ...outcome }, 'connection disconnected');
      return { ...outcome };
    },
    'catch-up-sweep': async (_payload, _job, log) => {
      const outcome = await catchUpSweep(deps);
      if (Object.values(outcome).some((count) => count > 0)) log.info({ ...outcome }, 'sweep');
      return { ...outcome };
    },
  };
}

/** The queues this process serves. */
export function queueBindings(deps: SyncDeps): QueueBinding[] {
  return [
    { queue: 'sync', processors: syncProcessors(deps) },
    { queue: 'maintenance', processors: maintenanceProcessors(deps) },
  ];
}
