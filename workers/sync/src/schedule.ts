/**
 * The sweep's job scheduler. `upsertJobScheduler` is idempotent, so every sync worker process calls
 * it at start (and the worker runtime again whenever Redis has lost it), and there is still one
 * scheduler (and one sweep per interval) however many run.
 */
import { JOBS } from '@frontload/jobs';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';

/** The scheduler id; stored in Redis, never rename it. */
export const SWEEP_SCHEDULER_ID = 'catch-up-sweep';

export async function scheduleSweep(connection: Redis, prefix: string, everyMs: number): Promise<void> {
  const queue = new Queue(JOBS['catch-up-sweep'].queue, { connection, prefix });
  try {
    const { attempts, backoff, removeOnComplete, removeOnFail } = JOBS['catch-up-sweep'].defaults;
    await queue.upsertJobScheduler(
      SWEEP_SCHEDULER_ID,
      { every: everyMs },
      { name: 'catch-up-sweep', data: {}, opts: { attempts, backoff, removeOnComplete, removeOnFail } },
    );
  } finally {
    await queue.close();
  }
}
