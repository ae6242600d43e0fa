/**
 * The planner worker as the worker runtime starts it (main.ts, and the test harnesses that start a
 * planner process): the plan and apply queues, a provider opened for a connection through its
 * refreshing token source, and the weekly plan of every user with a healthy connection kept
 * scheduled in Redis.
 */
import { openConnection } from '@frontload/connections';
import { repositories } from '@frontload/db';
import type { QueueBinding } from '@frontload/jobs';
import type { WorkerRuntime, WorkerRuntimeOptions } from '@frontload/worker-runtime';
import { redisFreeBusyCache } from './free-busy-cache.js';
import { WORKER_NAME, queueBindings } from './processors.js';
import { scheduleWeeklyPlan, scheduleWeeklyPlans } from './weekly-schedule.js';

/** The planner's queues, built from the runtime. */
export function plannerQueues(rt: WorkerRuntime): QueueBinding[] {
  const prefix = rt.env.QUEUE_PREFIX;
  return queueBindings({
    db: rt.db,
    producers: rt.producers,
    now: rt.now,
    providerFor: (connection) => openConnection(rt.connections, connection),
    scheduleWeekly: (userId, zone) => scheduleWeeklyPlan(rt.redis, prefix, userId, zone),
    freeBusyCache: redisFreeBusyCache(rt.redis, prefix),
  });
}

/** Every user's weekly plan, upserted (idempotent). */
export async function plannerSchedules(rt: WorkerRuntime): Promise<void> {
  const users = await repositories(rt.db).connections.weeklyPlanZones();
  await scheduleWeeklyPlans(rt.redis, rt.env.QUEUE_PREFIX, users);
}

export const plannerWorker = {
  name: WORKER_NAME,
  queues: plannerQueues,
  schedules: plannerSchedules,
} satisfies WorkerRuntimeOptions;
