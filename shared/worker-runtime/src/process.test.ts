/**
 * Shutdown behaviour of a real worker process (the fixture starts the same worker runtime as every
 * workers/* main.ts). Delivery is at least once: SIGTERM lets the active job finish (exactly once);
 * SIGKILL cannot, so BullMQ's stalled-job check hands the job to another worker and it runs a second
 * time. That is why every processor must be idempotent (job ids and ledger keys derived from content).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Queue } from 'bullmq';
import { expect } from 'vitest';
import { redisTest as test, waitUntil } from '@frontload/testing/redis';
import { spawnTypeScript, type SpawnedProcess } from '@frontload/testing/spawn';
import { closeRedisConnection, createProducers, createRedisConnection } from '@frontload/jobs';
import { createTestDatabase } from '@frontload/testing';

const fixture = fileURLToPath(new URL('./__fixtures__/slow-worker.ts', import.meta.url));

interface Harness {
  spawnWorker(durationMs: number): SpawnedProcess;
  enqueue(connectionId: string): Promise<string>;
  counter(kind: 'started' | 'finished', jobId: string): Promise<number>;
  state(jobId: string): Promise<string>;
}

async function harness(
  redis: { url: string; prefix: string; client: import('ioredis').Redis },
  onTestFinished: (fn: () => Promise<void>) => void,
): Promise<Harness> {
  const dataDir = await mkdtemp(join(tmpdir(), 'frontload-worker-'));
  const database = await createTestDatabase();
  const connection = createRedisConnection(redis.url, { role: 'producer' });
  const producers = createProducers(connection, redis.prefix);
  const queue = new Queue('sync', { connection: redis.client, prefix: redis.prefix });
  const children: SpawnedProcess[] = [];
  onTestFinished(async () => {
    for (const { child } of children)
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await Promise.all(children.map((c) => c.exited));
    await queue.close();
    await producers.close();
    await closeRedisConnection(connection);
    await rm(dataDir, { recursive: true, force: true });
    await database.drop();
  });
  return {
    spawnWorker(durationMs) {
      const spawned = spawnTypeScript(fixture, {
        // Short lock and stalled check so a killed worker's job is recovered within seconds.
        args: [String(durationMs), '500', '2000'],
        env: {
          REDIS_URL: redis.url,
          QUEUE_PREFIX: redis.prefix,
          DATA_DIR: dataDir,
          DATABASE_URL: database.url,
          WORKER_CONCURRENCY: '1',
          LOG_LEVEL: 'info',
        },
      });
      children.push(spawned);
      return spawned;
    },
    async enqueue(connectionId) {
      return (await producers.enqueueSync({ connectionId, reason: 'push' })).id;
    },
    async counter(kind, jobId) {
      return Number((await redis.client.get(`${redis.prefix}:fixture:${kind}:${jobId}`)) ?? 0);
    },
    async state(jobId) {
      return queue.getJobState(jobId);
    },
  };
}

test('SIGTERM during an active job: the job finishes, the process exits 0, it ran exactly once', async ({
  redis,
  onTestFinished,
}) => {
  const h = await harness(redis, onTestFinished);
  const jobId = await h.enqueue('conn-term');
  const worker = h.spawnWorker(1_500);
  await waitUntil(async () => (await h.counter('started', jobId)) === 1, {
    timeoutMs: 20_000,
    what: `the job to start\n${worker.output()}`,
  });
  worker.child.kill('SIGTERM');
  expect(await worker.exited).toBe(0);

  if ((await h.state(jobId)) !== 'completed') {
    // Returned to the queue rather than finished: another worker must pick it up.
    const next = h.spawnWorker(100);
    await waitUntil(async () => (await h.state(jobId)) === 'completed', {
      timeoutMs: 20_000,
      what: 'completion',
    });
    next.child.kill('SIGTERM');
    await next.exited;
  }
  expect(await h.state(jobId)).toBe('completed');
  expect(await h.counter('started', jobId)).toBe(1);
  expect(await h.counter('finished', jobId)).toBe(1);
  expect(worker.output()).toContain('closing: no new jobs, waiting for active ones');
});

test('SIGKILL during an active job: the job is not lost; it is recovered as stalled and completes', async ({
  redis,
  onTestFinished,
}) => {
  const h = await harness(redis, onTestFinished);
  const jobId = await h.enqueue('conn-kill');
  const first = h.spawnWorker(10_000);
  await waitUntil(async () => (await h.counter('started', jobId)) === 1, {
    timeoutMs: 20_000,
    what: `the job to start\n${first.output()}`,
  });
  first.child.kill('SIGKILL');
  await first.exited;
  expect(await h.state(jobId)).toBe('active');

  const second = h.spawnWorker(100);
  await waitUntil(async () => (await h.state(jobId)) === 'completed', {
    timeoutMs: 20_000,
    what: `recovery of the stalled job\n${second.output()}`,
  });
  second.child.kill('SIGTERM');
  expect(await second.exited).toBe(0);
  // At least once, at most twice: the killed run never finished, the recovered run did.
  expect(await h.counter('started', jobId)).toBe(2);
  expect(await h.counter('finished', jobId)).toBe(1);
});
