/**
 * Real-Redis test helpers, BullMQ style: every test gets its own random key prefix (a Redis
 * Cluster hash tag, like production's `{frontload}`), and every key under it is deleted afterwards
 * with SCAN + UNLINK. Never FLUSHALL/FLUSHDB: other suites share this Redis.
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
// The shared Redis URL (REDIS_URL, else redis://127.0.0.1:6379) is defined next to privateRedis.
import { TEST_REDIS_URL } from './redis-server.js';

/** A fresh BullMQ prefix, `{test-<uuid>}`, valid as `QUEUE_PREFIX`. */
export function randomQueuePrefix(): string {
  return `{test-${randomUUID()}}`;
}

const escapeGlob = (text: string) => text.replace(/[*?[\]\\]/g, (c) => `\\${c}`);

/** Deletes every key that starts with `<prefix>:`; returns how many were deleted. */
export async function deleteKeysWithPrefix(client: Redis, prefix: string): Promise<number> {
  let cursor = '0';
  let deleted = 0;
  do {
    const [next, keys] = await client.scan(cursor, 'MATCH', `${escapeGlob(prefix)}:*`, 'COUNT', 500);
    cursor = next;
    if (keys.length > 0) deleted += await client.unlink(...keys);
  } while (cursor !== '0');
  return deleted;
}

/** Keys under `<prefix>:` (assertions such as "nothing reached Redis"). */
export async function keysWithPrefix(client: Redis, prefix: string): Promise<string[]> {
  const found: string[] = [];
  let cursor = '0';
  do {
    const [next, keys] = await client.scan(cursor, 'MATCH', `${escapeGlob(prefix)}:*`, 'COUNT', 500);
    cursor = next;
    found.push(...keys);
  } while (cursor !== '0');
  return found;
}

/** A plain client for assertions (it must not be handed to BullMQ workers, which block). */
export function testRedisClient(url: string = TEST_REDIS_URL): Redis {
  return new Redis(url, { maxRetriesPerRequest: 1 });
}

/** Polls `check` until it returns a value other than `undefined`/`false`, or throws after `timeoutMs`. */
export async function waitUntil<T>(
  check: () => Promise<T | undefined | false> | T | undefined | false,
  { timeoutMs = 10_000, intervalMs = 50, what = 'condition' } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(intervalMs);
  }
}
