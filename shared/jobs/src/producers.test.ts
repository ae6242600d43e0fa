import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { expect } from 'vitest';
import { keysWithPrefix, redisTest as test } from '@frontload/testing/redis';
import { JobPayloadError, QueueUnavailableError } from './errors.js';
import { PLAN_DEBOUNCE_MS, type JobPayload } from './catalogue.js';
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

test('a lone plan request runs at once; the rest of a burst coalesces into one delayed job carrying the latest request', async ({
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
  // The first request of each user found no request in the window before it: it waits for nothing.
  const waiting = await queue.getWaiting();
  expect(waiting.map((job) => job.data.userId).sort()).toEqual(['user-1', 'user-2']);
  expect(waiting.find((job) => job.data.userId === 'user-1')?.data.requestedAt).toBe(
    '2026-11-21T05:00:00.000Z',
  );
  // A job still waiting reads the mirror when it starts, so the rest of the burst is folded into it.
  expect(await queue.getDelayed()).toHaveLength(0);
  expect(ids.size).toBe(1);
});

test('a plan request within the window of a plan already running waits the window, and later ones coalesce into it', async ({
  redis,
  onTestFinished,
}) => {
  const producers = producersFor(redis.url, redis.prefix, onTestFinished);
  const queue = new Queue('plan', { connection: redis.client, prefix: redis.prefix });
  onTestFinished(() => queue.close());
  await producers.enqueuePlan({ userId: 'user-1', reason: 'sync' });
  // A worker takes the first job: it is now running.
  const workerConnection = new Redis(redis.url, { maxRetriesPerRequest: null });
  const worker = new Worker('plan', null, { connection: workerConnection, prefix: redis.prefix });
  onTestFinished(async () => {
    await worker.close();
    workerConnection.disconnect();
  });
  const running = await worker.getNextJob('token-1');
  expect(running?.data.userId).toBe('user-1');
  for (let i = 1; i < 4; i++) {
    const requestedAt = new Date(Date.UTC(2026, 10, 21, 5, 0, i)).toISOString();
    await producers.enqueuePlan({ userId: 'user-1', reason: 'sync', requestedAt });
  }
  // Kept for after the running one (keepLastIfActive), with the window's delay and the latest request.
  await running!.moveToCompleted({ kind: 'plan' }, 'token-1', false);
  const delayed = await queue.getDelayed();
  expect(delayed).toHaveLength(1);
  expect(delayed[0]?.data.requestedAt).toBe('2026-11-21T05:00:03.000Z');
  expect(delayed[0]?.opts.delay).toBe(PLAN_DEBOUNCE_MS);
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
