/**
 * The sync worker as the worker runtime starts it (main.ts, and the test harnesses that start a sync
 * process): the sync and maintenance queues, and the catch-up sweep's job scheduler kept in Redis.
 */
import { openConnection } from '@frontload/connections';
import type { QueueBinding } from '@frontload/jobs';
import type { WorkerRuntime, WorkerRuntimeOptions } from '@frontload/worker-runtime';
import { DEFAULT_TUNING, type SyncTuning } from './deps.js';
import { WORKER_NAME, queueBindings } from './processors.js';
import { scheduleSweep } from './schedule.js';

/** The sync worker's queues, built from the runtime. */
export function syncQueues(rt: WorkerRuntime, tuning: SyncTuning = DEFAULT_TUNING): QueueBinding[] {
  return queueBindings({
    db: rt.db,
    producers: rt.producers,
    vault: rt.vault,
    oauth: rt.oauth,
    providerFor: (connection) => openConnection(rt.connections, connection),
    now: rt.now,
    pushPublicUrl: rt.env.PUSH_PUBLIC_URL,
    tuning,
  });
}

/** The catch-up sweep's job scheduler, upserted (idempotent). */
export async function syncSchedules(rt: WorkerRuntime): Promise<void> {
  await scheduleSweep(rt.redis, rt.env.QUEUE_PREFIX, DEFAULT_TUNING.sweepEveryMs);
}

export const syncWorker = {
  name: WORKER_NAME,
  queues: (rt: WorkerRuntime) => syncQueues(rt),
  schedules: syncSchedules,
} satisfies WorkerRuntimeOptions;
