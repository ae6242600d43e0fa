import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Queue, QueueEvents } from 'bullmq';
import { expect } from 'vitest';
import { createLogger } from '@frontload/logging';
import { redisTest as test, waitUntil } from '@frontload/testing/redis';
import type { JobPayload } from './catalogue.js';
import { closeRedisConnection, createRedisConnection } from './connection.js';
import { JobDeferredError } from './errors.js';
import { checkHeartbeat, createHeartbeat, listHeartbeats } from './heartbeat.js';
import { createProducers } from './producers.js';
import { MAX_RATE_LIMITED_MS, rateLimitDelayMs, startWorker, type QueueProcessors } from './worker.js';

const logger = createLogger({ LOG_LEVEL: 'silent', LOG_PRETTY: false }, 'jobs-test');

type Finish = (fn: () => Promise<void>) => void;

function producersFor(url: string, prefix: string, onTestFinished: Finish) {
  const connection = createRedisConnection(url, { role: 'producer' });
  const producers = createProducers(connection, prefix);
  onTestFinished(async () => {
    await producers.close();
    await closeRedisConnection(connection);
  });
  return producers;
}

const syncProcessors = (seen: JobPayload<'sync'>[]): QueueProcessors<'sync'> => ({
  sync: async (payload, job, log) => {
    seen.push(payload);
    log.info('synced');
    return { connectionId: payload.connectionId, jobId: job.id };
  },
});

test('queue round trip: producer → worker → completed', async ({ redis, onTestFinished }) => {
  const seen: JobPayload<'sync'>[] = [];
  const worker = startWorker({
    queue: 'sync',
    processors: syncProcessors(seen),
    connectionUrl: redis.url,
    prefix: redis.prefix,
    concurrency: 2,
    logger,
  });
  onTestFinished(() => worker.close());
  const events = new QueueEvents('sync', { connection: { url: redis.url }, prefix: redis.prefix });
  onTestFinished(() => events.close());
  await events.waitUntilReady();

  const producers = producersFor(redis.url, redis.prefix, onTestFinished);
  const enqueued = await producers.enqueueSync({ connectionId: 'conn-rt', reason: 'initial' });
  const queue = new Queue('sync', { connection: redis.client, prefix: redis.prefix });
  onTestFinished(() => queue.close());
  const job = await queue.getJob(enqueued.id);
  const result: unknown = await job?.waitUntilFinished(events, 10_000);

  expect(result).toEqual({ connectionId: 'conn-rt', jobId: enqueued.id });
  expect(seen).toEqual([{ connectionId: 'conn-rt', reason: 'initial' }]);
  expect(await queue.getJobState(enqueued.id)).toBe('completed');
});

test('a job that reaches a worker with an invalid payload fails without retry and stays visible', async ({
  redis,
  onTestFinished,
}) => {
  const seen: JobPayload<'sync'>[] = [];
  // A raw queue bypasses the producer's validation, as an old deploy or a hand-made job would.
  const raw = new Queue('sync', { connection: redis.client, prefix: redis.prefix });
  onTestFinished(() => raw.close());
  const bad = await raw.add(
    'sync',
    { connectionId: 'conn:1', reason: 'push', accessToken: 'ya29.x' },
    { attempts: 5, backoff: 10 },
  );
  const unknown = await raw.add('resync-everything', { connectionId: 'c' }, { attempts: 5 });
  const worker = startWorker({
    queue: 'sync',
    processors: syncProcessors(seen),
    connectionUrl: redis.url,
    prefix: redis.prefix,
    concurrency: 1,
    logger,
  });
  onTestFinished(() => worker.close());

  const failed = await waitUntil(
    async () => ((await raw.getFailedCount()) === 2 ? raw.getFailed() : undefined),
    {
      what: 'two failed jobs',
    },
  );
  const byId = new Map(failed.map((job) => [job.id, job]));
  const badJob = byId.get(bad.id);
  expect(badJob?.attemptsMade).toBe(1);
  expect(badJob?.failedReason).toMatch(/^FL_JOB_PAYLOAD_INVALID: invalid payload for job "sync": /);
  expect(badJob?.failedReason).toContain('accessToken is not allowed');
  expect(badJob?.failedReason).toContain('connectionId must match pattern');
  expect(byId.get(unknown.id)?.failedReason).toMatch(/FL_JOB_PAYLOAD_INVALID.*is not a job of queue sync/);
  expect(byId.get(unknown.id)?.attemptsMade).toBe(1);
  expect(seen).toEqual([]);
  expect(await raw.getWaitingCount()).toBe(0);
  expect(await raw.getDelayedCount()).toBe(0);
});

test('a rate-limited processor defers its job by retryAfterMs without spending an attempt', async ({
  redis,
  onTestFinished,
}) => {
  let calls = 0;
  const worker = startWorker({
    queue: 'sync',
    processors: {
      sync: async () => {
        calls += 1;
        if (calls === 1) throw Object.assign(new Error('429'), { kind: 'rate_limited', retryAfterMs: 300 });
        return { calls };
      },
    },
    connectionUrl: redis.url,
    prefix: redis.prefix,
    concurrency: 1,
    logger,
  });
  onTestFinished(() => worker.close());
  const producers = producersFor(redis.url, redis.prefix, onTestFinished);
  const { id } = await producers.enqueueSync({ connectionId: 'conn-rl', reason: 'push' });
  const queue = new Queue('sync', { connection: redis.client, prefix: redis.prefix });
  onTestFinished(() => queue.close());
  const started = Date.now();
  await waitUntil(async () => (await queue.getJobState(id)) === 'completed', { what: 'completion' });
  const job = await queue.getJob(id);
  expect(calls).toBe(2);
  // The deferral was not an attempt: only the successful run counts.
  expect(job?.attemptsMade).toBe(1);
  expect(job?.attemptsStarted).toBe(2);
  expect(Date.now() - started).toBeGreaterThanOrEqual(250);
});

test('a long run of rate limits never fails the job: 30 deferrals in a row, then it completes on its one attempt', async ({
  redis,
  onTestFinished,
}) => {
  let calls = 0;
  const worker = startWorker({
    queue: 'sync',
    processors: {
      sync: async () => {
        calls += 1;
        if (calls <= 30) throw Object.assign(new Error('429'), { kind: 'rate_limited', retryAfterMs: 5 });
        return { calls };
      },
    },
    connectionUrl: redis.url,
    prefix: redis.prefix,
    concurrency: 1,
    logger,
  });
  onTestFinished(() => worker.close());
  const producers = producersFor(redis.url, redis.prefix, onTestFinished);
  const { id } = await producers.enqueueSync({ connectionId: 'conn-storm', reason: 'push' });
  const queue = new Queue('sync', { connection: redis.client, prefix: redis.prefix });
  onTestFinished(() => queue.close());
  await waitUntil(async () => (await queue.getJobState(id)) === 'completed', {
    timeoutMs: 20_000,
    what: 'completion',
  });
  const job = await queue.getJob(id);
  expect(calls).toBe(31);
  expect(job?.attemptsMade).toBe(1);
  expect(job?.attemptsStarted).toBe(31);
});

test('a job still rate limited a day after it became ready spends its attempts and fails visibly', async ({
  redis,
  onTestFinished,
}) => {
  const queue = new Queue('sync', { connection: redis.client, prefix: redis.prefix });
  onTestFinished(() => queue.close());
  const old = await queue.add(
    'sync',
    { connectionId: 'conn-old', reason: 'push' },
    { attempts: 2, backoff: 10, timestamp: Date.now() - MAX_RATE_LIMITED_MS - 60_000 },
  );
  const worker = startWorker({
    queue: 'sync',
    processors: {
      sync: async () => {
        throw Object.assign(new Error('429'), { kind: 'rate_limited', retryAfterMs: 5 });
      },
    },
    connectionUrl: redis.url,
    prefix: redis.prefix,
    concurrency: 1,
    logger,
  });
  onTestFinished(() => worker.close());
  await waitUntil(async () => (await queue.getJobState(old.id!)) === 'failed', { what: 'failure' });
  const job = await queue.getJob(old.id!);
  expect(job?.attemptsMade).toBe(2);
  expect(job?.failedReason).toBe('429');
});

test('without a Retry-After the deferral doubles with each one of the same job, from 1 s up to 5 min', () => {
  const limited = { kind: 'rate_limited' };
  expect([0, 1, 2, 3, 8, 9, 40].map((n) => rateLimitDelayMs(limited, n))).toEqual([
    1_000, 2_000, 4_000, 8_000, 256_000, 300_000, 300_000,
  ]);
  expect(rateLimitDelayMs({ ...limited, retryAfterMs: 1_500 }, 7)).toBe(1_500);
  expect(rateLimitDelayMs({ kind: 'transient', retryAfterMs: 1_500 })).toBeUndefined();
});

test('heartbeat: stamped while idle-polling an empty queue, stale once the worker is paused or closed', async ({
  redis,
  onTestFinished,
}) => {
  const dataDir = await mkdtemp(join(tmpdir(), 'frontload-heartbeat-'));
  onTestFinished(() => rm(dataDir, { recursive: true, force: true }));
  const heartbeatRedis = createRedisConnection(redis.url, { role: 'producer' });
  onTestFinished(() => closeRedisConnection(heartbeatRedis));
  const heartbeat = createHeartbeat({
    worker: 'worker-test',
    dataDir,
    redis: { client: heartbeatRedis, prefix: redis.prefix },
    ttlSeconds: 5,
    minIntervalMs: 100,
  });
  const worker = startWorker({
    queue: 'sync',
    processors: syncProcessors([]),
    connectionUrl: redis.url,
    prefix: redis.prefix,
    concurrency: 1,
    logger,
    heartbeat,
    drainDelaySeconds: 0.3,
  });
  onTestFinished(() => worker.close());

  // The queue is empty the whole time: only idle polls can keep the heartbeat fresh.
  await sleep(1_500);
  await heartbeat.flush();
  expect(await checkHeartbeat(heartbeat.file, 1)).toMatchObject({ ok: true });
  const [live] = await listHeartbeats(redis.client, redis.prefix);
  expect(live).toMatchObject({ worker: 'worker-test', state: 'running', pid: process.pid });
  expect(await redis.client.ttl(heartbeat.redisKey)).toBeGreaterThan(0);

  await worker.worker.pause();
  await sleep(1_500);
  const stale = await checkHeartbeat(heartbeat.file, 1);
  expect(stale.ok).toBe(false);
  expect(stale.reason).toMatch(/queue sync idle for/);

  await worker.close();
  await heartbeat.stop();
  expect(await checkHeartbeat(heartbeat.file, 60)).toEqual({ ok: false, reason: 'worker-test is stopped' });
  expect(await listHeartbeats(redis.client, redis.prefix)).toEqual([]);
});

test('checkHeartbeat fails when there is no heartbeat file', async () => {
  const verdict = await checkHeartbeat(join(tmpdir(), 'frontload-none', 'nobody.json'), 60);
  expect(verdict.ok).toBe(false);
  expect(verdict.reason).toMatch(/no readable heartbeat/);
});

test('a job that must wait for other work is deferred by the delay it names, keeping its attempts', async ({
  redis,
  onTestFinished,
}) => {
  const starts: number[] = [];
  const worker = startWorker({
    queue: 'sync',
    processors: {
      sync: async () => {
        starts.push(Date.now());
        if (starts.length <= 2) throw new JobDeferredError('a run is still being applied', 300);
        return { starts: starts.length };
      },
    },
    connectionUrl: redis.url,
    prefix: redis.prefix,
    concurrency: 1,
    logger,
  });
  onTestFinished(() => worker.close());
  const producers = producersFor(redis.url, redis.prefix, onTestFinished);
  const { id } = await producers.enqueueSync({ connectionId: 'conn-wait', reason: 'push' });
  const queue = new Queue('sync', { connection: redis.client, prefix: redis.prefix });
  onTestFinished(() => queue.close());
  await waitUntil(async () => (await queue.getJobState(id)) === 'completed', {
    timeoutMs: 20_000,
    what: 'completion',
  });
  const job = await queue.getJob(id);
  expect([job?.attemptsMade, job?.attemptsStarted]).toEqual([1, 3]);
  // Each return came no earlier than the delay asked for.
  expect(starts[1]! - starts[0]!).toBeGreaterThanOrEqual(300);
  expect(starts[2]! - starts[1]!).toBeGreaterThanOrEqual(300);
});
