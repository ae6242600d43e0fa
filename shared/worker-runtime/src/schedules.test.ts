import { createLogger } from '@frontload/logging';
import { redisTest as test, waitUntil } from '@frontload/testing/redis';
import { expect } from 'vitest';
import { keepSchedules } from './schedules.js';

const logger = createLogger({ LOG_LEVEL: 'silent', LOG_PRETTY: false }, 'test');

test('schedulers are upserted at start, again once Redis has lost them, and not while they are there', async ({
  redis,
  onTestFinished,
}) => {
  let upserts = 0;
  const keeper = keepSchedules({
    redis: redis.client,
    key: `${redis.prefix}:schedules:test`,
    ensure: async () => {
      upserts += 1;
      await redis.client.set(`${redis.prefix}:scheduler`, 'on');
    },
    checkEveryMs: 100,
    logger,
  });
  onTestFinished(() => keeper.stop());
  await waitUntil(() => upserts === 1, { what: 'the upsert at start' });
  // Looks every 100 ms; the marker is there, so nothing is upserted again.
  await new Promise((r) => setTimeout(r, 500));
  expect(upserts).toBe(1);
  expect(await keeper.check()).toBe(false);

  // Redis lost its data (FLUSHALL without a reconnect): the next look upserts them again.
  await redis.client.del(`${redis.prefix}:schedules:test`, `${redis.prefix}:scheduler`);
  await waitUntil(() => upserts === 2, { timeoutMs: 2_000, what: 'the upsert after the loss' });
  expect(await redis.client.get(`${redis.prefix}:scheduler`)).toBe('on');
});

test('a failed upsert is logged and tried again at the next look', async ({ redis, onTestFinished }) => {
  let calls = 0;
  const keeper = keepSchedules({
    redis: redis.client,
    key: `${redis.prefix}:schedules:flaky`,
    ensure: async () => {
      calls += 1;
      if (calls === 1) throw new Error('Redis hiccup');
    },
    checkEveryMs: 100,
    logger,
  });
  onTestFinished(() => keeper.stop());
  await waitUntil(async () => (await redis.client.exists(`${redis.prefix}:schedules:flaky`)) === 1, {
    timeoutMs: 2_000,
    what: 'the retried upsert',
  });
  expect(calls).toBe(2);
});

test('a reconnect (the connection is ready again) looks at once, without waiting for the periodic look', async ({
  redis,
  onTestFinished,
}) => {
  let upserts = 0;
  const keeper = keepSchedules({
    redis: redis.client,
    key: `${redis.prefix}:schedules:ready`,
    ensure: async () => {
      upserts += 1;
    },
    checkEveryMs: 3_600_000,
    logger,
  });
  onTestFinished(() => keeper.stop());
  await waitUntil(() => upserts === 1, { what: 'the upsert at start' });
  await redis.client.del(`${redis.prefix}:schedules:ready`);
  redis.client.emit('ready');
  await waitUntil(() => upserts === 2, { timeoutMs: 2_000, what: 'the upsert after the reconnect' });
});
