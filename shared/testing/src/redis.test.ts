import { expect } from 'vitest';
import {
  deleteKeysWithPrefix,
  keysWithPrefix,
  randomQueuePrefix,
  redisTest as test,
} from './redis-fixture.js';

test('each test gets its own hash-tagged prefix, and cleanup deletes only that prefix', async ({ redis }) => {
  expect(redis.prefix).toMatch(/^\{test-[0-9a-f-]{36}\}$/);
  const neighbour = randomQueuePrefix();
  await redis.client.set(`${redis.prefix}:sync:1`, 'x');
  await redis.client.hset(`${redis.prefix}:sync:meta`, 'a', '1');
  await redis.client.set(`${neighbour}:sync:1`, 'keep');
  try {
    expect((await keysWithPrefix(redis.client, redis.prefix)).sort()).toEqual([
      `${redis.prefix}:sync:1`,
      `${redis.prefix}:sync:meta`,
    ]);
    expect(await deleteKeysWithPrefix(redis.client, redis.prefix)).toBe(2);
    expect(await keysWithPrefix(redis.client, redis.prefix)).toEqual([]);
    expect(await redis.client.get(`${neighbour}:sync:1`)).toBe('keep');
  } finally {
    await deleteKeysWithPrefix(redis.client, neighbour);
  }
});
