/** Queue depth sampling, "the pipeline has settled", and Redis memory, for load runs. */
import { waitUntil } from '@frontload/testing';
import type { QueueName } from '@frontload/jobs';
import type { Redis } from 'ioredis';
import type { LoadStack } from './stack.js';

/** Queues a user's change goes through; the pipeline is settled when all are empty. */
export const PIPELINE_QUEUES: QueueName[] = ['sync', 'plan', 'apply', 'maintenance', 'notify'];

/**
 * Jobs a queue still has to run: waiting, prioritized, active and delayed — minus the one delayed
 * job every job scheduler always holds (the weekly plan of each user, the catch-up sweep), which is
 * the next firing, not work outstanding.
 */
async function pending(stack: LoadStack, name: QueueName) {
  const queue = stack.queues[name];
  const c = await queue.getJobCounts('waiting', 'delayed', 'prioritized', 'active');
  const delayed = Math.max(0, (c.delayed ?? 0) - (await queue.getJobSchedulersCount()));
  return { backlog: (c.waiting ?? 0) + (c.prioritized ?? 0) + delayed, active: c.active ?? 0 };
}

export interface QueueDepths {
  /** Per queue: the most jobs seen waiting (incl. debounced plans, not scheduler firings) at one sample. */
  maxBacklog: Record<string, number>;
  /** Per queue: the most jobs seen active at one sample. */
  maxActive: Record<string, number>;
  samples: number;
}

/** Samples every queue's counts every `everyMs` until `stop()`. */
export function sampleQueueDepths(stack: LoadStack, everyMs = 250) {
  const depths: QueueDepths = { maxBacklog: {}, maxActive: {}, samples: 0 };
  let running = true;
  const loop = (async () => {
    while (running) {
      for (const name of PIPELINE_QUEUES) {
        const { backlog, active } = await pending(stack, name);
        depths.maxBacklog[name] = Math.max(depths.maxBacklog[name] ?? 0, backlog);
        depths.maxActive[name] = Math.max(depths.maxActive[name] ?? 0, active);
      }
      depths.samples += 1;
      await new Promise((resolve) => setTimeout(resolve, everyMs));
    }
  })();
  return {
    async stop(): Promise<QueueDepths> {
      running = false;
      await loop;
      return depths;
    },
  };
}

/** Failed jobs per queue (retained failures; the catalogue keeps them a week). */
export async function failedJobs(stack: LoadStack): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const name of PIPELINE_QUEUES) out[name] = await stack.queues[name].getFailedCount();
  return out;
}

/** Reasons of the first failed jobs, for a failure message. */
export async function failureReasons(stack: LoadStack, max = 5): Promise<string[]> {
  const reasons: string[] = [];
  for (const name of PIPELINE_QUEUES) {
    for (const job of await stack.queues[name].getFailed(0, max - 1)) {
      reasons.push(`${name}/${job.name}: ${job.failedReason}`);
    }
  }
  return reasons.slice(0, max);
}

async function busy(stack: LoadStack): Promise<boolean> {
  for (const name of PIPELINE_QUEUES) {
    const { backlog, active } = await pending(stack, name);
    if (backlog + active > 0) return true;
  }
  const { rows } = await stack.db.query<{ n: number }>(
    `select count(*)::int as n from plans where state = 'applying'`,
  );
  return rows[0]!.n > 0;
}

/**
 * Waits until every pipeline queue is empty and no run is applying, continuously for `quietMs`;
 * returns the epoch ms at which that quiet began (when the last work finished, to within 250 ms).
 */
export async function settled(
  stack: LoadStack,
  { timeoutMs, quietMs = 2_000 }: { timeoutMs: number; quietMs?: number },
): Promise<number> {
  let quietSince = Date.now();
  await waitUntil(
    async () => {
      if (await busy(stack)) quietSince = Date.now();
      return Date.now() - quietSince >= quietMs;
    },
    { timeoutMs, intervalMs: 250, what: 'the pipeline to settle' },
  );
  return quietSince;
}

/** Redis `used_memory` in bytes. */
export async function redisUsedMemory(redis: Redis): Promise<number> {
  const info = await redis.info('memory');
  const match = /used_memory:(\d+)/.exec(info);
  if (!match) throw new Error('INFO memory has no used_memory');
  return Number(match[1]);
}
