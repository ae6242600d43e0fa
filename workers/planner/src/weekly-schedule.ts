/**
 * The weekly plan of each user: Sunday at 18:00 in the user's zone, for the week ahead (issue 6:
 * "on a weekly schedule per user in their zone"). One BullMQ job scheduler per user, upserted after
 * every plan, so a change of zone moves it and any number of planner processes keep exactly one; the
 * worker runtime upserts every user's again when Redis has lost them (see worker.ts).
 */
import { JOBS } from '@frontload/jobs';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';

/** Sunday 18:00, as a cron pattern read in the user's zone. */
export const WEEKLY_PLAN_PATTERN = '0 18 * * 0';

export const weeklyPlanSchedulerId = (userId: string) => `weekly-plan-${userId}`;

export async function scheduleWeeklyPlan(
  connection: Redis,
  prefix: string,
  userId: string,
  zone: string,
): Promise<void> {
  await scheduleWeeklyPlans(connection, prefix, [{ userId, zone }]);
}

/**
 * Upserts the weekly plan of each user given (the worker runtime passes every user with a healthy
 * connection after Redis lost its schedulers), a few at a time.
 */
export async function scheduleWeeklyPlans(
  connection: Redis,
  prefix: string,
  users: readonly { userId: string; zone: string }[],
): Promise<void> {
  const queue = new Queue(JOBS.plan.queue, { connection, prefix });
  try {
    const { attempts, backoff, removeOnComplete, removeOnFail } = JOBS.plan.defaults;
    for (let i = 0; i < users.length; i += UPSERTS_AT_ONCE) {
      await Promise.all(
        users.slice(i, i + UPSERTS_AT_ONCE).map(({ userId, zone }) =>
          queue.upsertJobScheduler(
            weeklyPlanSchedulerId(userId),
            { pattern: WEEKLY_PLAN_PATTERN, tz: zone },
            {
              name: 'plan',
              data: { userId, reason: 'schedule' },
              opts: { attempts, backoff, removeOnComplete, removeOnFail },
            },
          ),
        ),
      );
    }
  } finally {
    await queue.close();
  }
}

/** Upserts sent to Redis together when scheduling many users. */
const UPSERTS_AT_ONCE = 50;
