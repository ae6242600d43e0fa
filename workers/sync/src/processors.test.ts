import { expectWorkerProcessLifecycle } from '@frontload/worker-runtime/testing';
import { fileURLToPath } from 'node:url';
import { Queue } from 'bullmq';
import { expect } from 'vitest';
import { migrate, openDatabase } from '@frontload/db';
import { createTestDatabase } from '@frontload/testing';
import { redisTest as test } from '@frontload/testing/redis';
import { WORKER_NAME } from './processors.js';
import { SWEEP_SCHEDULER_ID, scheduleSweep } from './schedule.js';

const entry = (name: string) => fileURLToPath(new URL(`./${name}.ts`, import.meta.url));

test('the process boots, its healthcheck passes while it polls, and SIGTERM stops it cleanly', async ({
  redis,
  onTestFinished,
}) => {
  // A migrated Postgres database (as after `npm run db:migrate`): the sweep it schedules reads it.
  const testDb = await createTestDatabase();
  const db = await openDatabase({ url: testDb.url, maxConnections: 1 });
  await migrate(db);
  await db.close();
  onTestFinished(() => testDb.drop());
  await expectWorkerProcessLifecycle({
    env: { DATABASE_URL: testDb.url },
    workerName: WORKER_NAME,
    main: entry('main'),
    healthcheck: entry('healthcheck'),
    redis,
    onTestFinished,
  });
}, 120_000);

test('the sweep scheduler is idempotent: every process start upserts the same one', async ({ redis }) => {
  await scheduleSweep(redis.client, redis.prefix, 60_000);
  await scheduleSweep(redis.client, redis.prefix, 60_000);
  const queue = new Queue('maintenance', { connection: redis.client, prefix: redis.prefix });
  try {
    const schedulers = await queue.getJobSchedulers();
    expect(schedulers.map((s) => [s.key, s.every, s.name])).toEqual([
      [SWEEP_SCHEDULER_ID, 60_000, 'catch-up-sweep'],
    ]);
  } finally {
    await queue.close();
  }
});
