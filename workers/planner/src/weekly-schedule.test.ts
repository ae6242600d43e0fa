import { Queue } from 'bullmq';
import { expect } from 'vitest';
import { redisTest as test } from '@frontload/testing/redis';
import { scheduleWeeklyPlan, weeklyPlanSchedulerId } from './weekly-schedule.js';

test('each user gets one weekly plan on Sunday 18:00 in their own zone, moved when the zone changes', async ({
  redis,
}) => {
  await scheduleWeeklyPlan(redis.client, redis.prefix, 'user-1', 'Europe/Berlin');
  await scheduleWeeklyPlan(redis.client, redis.prefix, 'user-1', 'Europe/Berlin');
  await scheduleWeeklyPlan(redis.client, redis.prefix, 'user-2', 'America/New_York');
  const queue = new Queue('plan', { connection: redis.client, prefix: redis.prefix });
  try {
    const schedulers = await queue.getJobSchedulers();
    expect(schedulers.map((s) => s.key).sort()).toEqual([
      weeklyPlanSchedulerId('user-1'),
      weeklyPlanSchedulerId('user-2'),
    ]);
    const berlin = schedulers.find((s) => s.key === weeklyPlanSchedulerId('user-1'));
    expect(berlin).toMatchObject({ pattern: '0 18 * * 0', tz: 'Europe/Berlin' });
    // The next run is a Sunday at 18:00 Berlin time.
    const next = new Date(berlin!.next!);
    const local = new Intl.DateTimeFormat('en-GB', {
      timeZone: 'Europe/Berlin',
      weekday: 'short',
      hour: '2-digit',
      minute: '2-digit',
      hour12: false,
    }).format(next);
    expect(local).toBe('Sun 18:00');
    await scheduleWeeklyPlan(redis.client, redis.prefix, 'user-1', 'Asia/Kolkata');
    const moved = (await queue.getJobSchedulers()).find((s) => s.key === weeklyPlanSchedulerId('user-1'));
    expect(moved?.tz).toBe('Asia/Kolkata');
  } finally {
    await queue.close();
  }
});
