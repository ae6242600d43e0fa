import { Queue } from 'bullmq';
import { expect } from 'vitest';
import { keysWithPrefix, redisTest as test } from '@frontload/testing/redis';
import { JobPayloadError, QueueUnavailableError } from './errors.js';
import type { JobPayload } from './catalogue.js';
import { closeRedisConnection, createRedisConnection } from './connection.js';
import { createProducers } from './producers.js';

/** Producers on a fail-fast connection, closed when the test ends. */
function producersFor(url: string, prefix: string, onTestFinished: (fn: () => Promise<void>) => void) {
  const connection = createRedisConnection(url, { role: 'producer' });
  const producers = createProducers(connection, prefix);
  onTestFinished(async () => {
    await producers.close();
    await closeRedisConnection(connection);
  });
  return producers;
}

test('a job with an invalid payload is refused at the producer and nothing reaches Redis', async ({
  redis,
  onTestFinished,
}) => {
  const producers = producersFor(redis.url, redis.prefix, onTestFinished);
  const bad = {
    connectionId: '',
    reason: 'because',
    refreshToken: 'secret',
  } as unknown as JobPayload<'sync'>;
  const attempt = producers.enqueueSync(bad);
  await expect(attempt).rejects.toBeInstanceOf(JobPayloadError);
  await expect(attempt).rejects.toMatchObject({
    code: 'FL_JOB_PAYLOAD_INVALID',
    issues: expect.arrayContaining([
      expect.objectContaining({ field: 'connectionId' }),
      expect.objectContaining({ field: 'reason' }),
      expect.objectContaining({ field: 'refreshToken', message: 'is not allowed' }),
    ]),
  });
  expect(await keysWithPrefix(redis.client, redis.prefix)).toEqual([]);
});

test('enqueuing the same sync twice yields one job', async ({ redis, onTestFinished }) => {
  const producers = producersFor(redis.url, redis.prefix, onTestFinished);
  const first = await producers.enqueueSync({ connectionId: 'conn-1', reason: 'push' });
  const second = await producers.enqueueSync({ connectionId: 'conn-1', reason: 'push' });
  const other = await producers.enqueueSync({ connectionId: 'conn-2', reason: 'initial' });
  expect(second.id).toBe(first.id);
  expect(other.id).not.toBe(first.id);
  const queue = new Queue('sync', { connection: redis.client, prefix: redis.prefix });
  onTestFinished(() => queue.close());
  expect((await queue.getJobCounts('waiting')).waiting).toBe(2);
  const job = await queue.getJob(first.id);
  expect(job?.opts).toMatchObject({ attempts: 5, backoff: { type: 'exponential', jitter: 0.5 } });
});

test('apply gets a content-derived job id, so a repeated apply of one run is one job', async ({
  redis,
  onTestFinished,
}) => {
  const producers = producersFor(redis.url, redis.prefix, onTestFinished);
  const first = await producers.enqueueApply({ runId: 'run-7' });
  const again = await producers.enqueueApply({ runId: 'run-7' });
  expect(first.id).toBe('apply-run-7');
  expect(again.id).toBe('apply-run-7');
  const queue = new Queue('apply', { connection: redis.client, prefix: redis.prefix });
  onTestFinished(() => queue.close());
  expect(await queue.count()).toBe(1);
});

test('plan debounce coalesces a burst into one delayed job carrying the latest request', async ({
  redis,
  onTestFinished,
}) => {
  const producers = producersFor(redis.url, redis.prefix, onTestFinished);
  const ids = new Set<string>();
  for (let i = 0; i < 5; i++) {
    const requestedAt = new Date(Date.UTC(2026, 10, 21, 5, 0, i)).toISOString();
    ids.add((await producers.enqueuePlan({ userId: 'user-1', reason: 'sync', requestedAt })).id);
  }
  await producers.enqueuePlan({ userId: 'user-2', reason: 'manual' });
  const queue = new Queue('plan', { connection: redis.client, prefix: redis.prefix });
  onTestFinished(() => queue.close());
  const delayed = await queue.getDelayed();
  expect(delayed).toHaveLength(2);
  const user1 = delayed.filter((job) => job.data.userId === 'user-1');
  expect(user1).toHaveLength(1);
  expect(user1[0]?.data.requestedAt).toBe('2026-11-21T05:00:04.000Z');
  expect(ids.has(String(user1[0]?.id))).toBe(true);
});

test('a producer fails fast when Redis is unreachable', async ({ onTestFinished }) => {
  const producers = producersFor('redis://127.0.0.1:1', '{test-unreachable}', onTestFinished);
  const started = Date.now();
  await expect(producers.enqueueSync({ connectionId: 'conn-1', reason: 'push' })).rejects.toMatchObject({
    code: 'FL_QUEUE_UNAVAILABLE',
  });
  expect(Date.now() - started).toBeLessThan(1_500);
  await expect(producers.enqueueApply({ runId: 'r' })).rejects.toBeInstanceOf(QueueUnavailableError);
});
