import { createLogger } from '@frontload/logging';
import { redisTest as test, waitUntil, type RedisFixture } from '@frontload/testing/redis';
import { expect } from 'vitest';
import { keepSchedules } from './schedules.js';

const logger = createLogger({ LOG_LEVEL: 'silent', LOG_PRETTY: false }, 'test');

/** A keeper whose schedulers are one key; counts its upserts; `fail` makes the nth upsert throw. */
function countingKeeper(
  redis: RedisFixture,
  onTestFinished: (fn: () => void) => void,
  options: { checkEveryMs: number; fail?: number },
) {
  const counts = { upserts: 0 };
  const marker = `${redis.prefix}:schedules:test`;
  const keeper = keepSchedules({
    redis: redis.client,
    key: marker,
    ensure: async () => {
      counts.upserts += 1;
      if (counts.upserts === options.fail) throw new Error('Redis hiccup');
      await redis.client.set(`${redis.prefix}:scheduler`, 'on');
    },
    checkEveryMs: options.checkEveryMs,
    logger,
  });
  onTestFinished(() => keeper.stop());
  /** What FLUSHALL does to this keeper's keys. */
  const lose = () => redis.client.del(marker, `${redis.prefix}:scheduler`);
  return { keeper, counts, marker, lose };
}

test('schedulers are upserted at start, again once Redis has lost them, and not while they are there', async ({
  redis,
  onTestFinished,
}) => {
  const { keeper, counts, lose } = countingKeeper(redis, onTestFinished, { checkEveryMs: 100 });
  await waitUntil(() => counts.upserts === 1, { what: 'the upsert at start' });
  // Looks every 100 ms; the marker is there, so nothing is upserted again.
  await new Promise((r) => setTimeout(r, 500));
  expect(counts.upserts).toBe(1);
  expect(await keeper.check()).toBe(false);

  // Redis lost its data (FLUSHALL without a reconnect): the next look upserts them again.
  await lose();
  await waitUntil(() => counts.upserts === 2, { timeoutMs: 2_000, what: 'the upsert after the loss' });
  expect(await redis.client.get(`${redis.prefix}:scheduler`)).toBe('on');
});

test('a failed upsert is logged and tried again at the next look', async ({ redis, onTestFinished }) => {
  const { counts, marker } = countingKeeper(redis, onTestFinished, { checkEveryMs: 100, fail: 1 });
  await waitUntil(async () => (await redis.client.exists(marker)) === 1, {
    timeoutMs: 2_000,
    what: 'the retried upsert',
  });
  expect(counts.upserts).toBe(2);
});

test('a reconnect (the connection is ready again) looks at once, without waiting for the periodic look', async ({
  redis,
  onTestFinished,
}) => {
  const { counts, lose } = countingKeeper(redis, onTestFinished, { checkEveryMs: 3_600_000 });
  await waitUntil(() => counts.upserts === 1, { what: 'the upsert at start' });
  await lose();
  redis.client.emit('ready');
  await waitUntil(() => counts.upserts === 2, { timeoutMs: 2_000, what: 'the upsert after the reconnect' });
});
