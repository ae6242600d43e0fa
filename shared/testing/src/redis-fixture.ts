/**
 * The `redisTest` vitest fixture: each test gets its own random BullMQ prefix on the shared Redis,
 * and every key under it is deleted afterwards. Vitest-only (it calls test.extend when imported),
 * so it lives apart from the helpers plain scripts and benchmarks import.
 */
import type { Redis } from 'ioredis';
import { test } from 'vitest';
import { deleteKeysWithPrefix, randomQueuePrefix, testRedisClient } from './redis.js';
import { TEST_REDIS_URL } from './redis-server.js';

export * from './redis.js';

export interface RedisFixture {
  url: string;
  /** This test's BullMQ prefix; everything under it is deleted after the test. */
  prefix: string;
  /** A client for assertions, closed after the test. */
  client: Redis;
}

/**
 * `test` with a `redis` fixture: `redisTest('…', async ({ redis }) => { … redis.prefix … })`.
 * Close your queues and workers inside the test (or in `onTestFinished`) before it ends: the
 * keys are deleted right after.
 */
export const redisTest = test.extend<{ redis: RedisFixture }>({
  // eslint-disable-next-line no-empty-pattern -- vitest reads fixture dependencies from this pattern
  redis: async ({}, use) => {
    const client = testRedisClient();
    const prefix = randomQueuePrefix();
    try {
      await use({ url: TEST_REDIS_URL, prefix, client });
    } finally {
      await deleteKeysWithPrefix(client, prefix);
      await client.quit();
    }
  },
});
