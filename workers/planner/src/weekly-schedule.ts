/**
 * The weekly plan of each user: Sunday at 18:00 in the user's zone, for the week ahead (issue 6:
 * "on a weekly schedule per user in their zone"). One BullMQ job scheduler per user, upserted after
 * every plan, so a change of zone moves it and any number of planner processes keep exactly one.
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
  const queue = new Queue(JOBS.plan.queue, { connection, prefix });
  try {
    const { attempts, backoff, removeOnComplete, removeOnFail } = JOBS.plan.defaults;
    await queue.upsertJobScheduler(
      weeklyPlanSchedulerId(userId),
      { pattern: WEEKLY_PLAN_PATTERN, tz: zone },
      {
        name: 'plan',
        data: { userId, reason: 'schedule' },
        opts: { attempts, backoff, removeOnComplete, removeOnFail },
      },
    );
  } finally {
    await queue.close();
  }
}
