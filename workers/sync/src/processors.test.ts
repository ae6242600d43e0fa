import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Queue } from 'bullmq';
import { expect } from 'vitest';
import {
  checkHeartbeat,
  closeRedisConnection,
  createProducers,
  createRedisConnection,
  heartbeatFile,
  startWorker,
} from '@frontload/jobs';
import { createLogger } from '@frontload/logging';
import { redisTest as test, waitUntil } from '@frontload/testing/redis';
import { spawnTypeScript } from '@frontload/testing/spawn';
import { WORKER_NAME, maintenanceProcessors, syncProcessors } from './processors.js';

const logger = createLogger({ LOG_LEVEL: 'silent', LOG_PRETTY: false }, 'test');
const entry = (name: string) => fileURLToPath(new URL(`./${name}.ts`, import.meta.url));

test('jobs whose processor is not built yet fail visibly, once, with FL_JOB_NOT_IMPLEMENTED', async ({
  redis,
  onTestFinished,
}) => {
  const settings = { connectionUrl: redis.url, prefix: redis.prefix, concurrency: 2, logger };
  const workers = [
    startWorker({ queue: 'sync', processors: syncProcessors(), ...settings }),
    startWorker({ queue: 'maintenance', processors: maintenanceProcessors(), ...settings }),
  ];
  const connection = createRedisConnection(redis.url, { role: 'producer' });
  const producers = createProducers(connection, redis.prefix);
  const syncQueue = new Queue('sync', { connection: redis.client, prefix: redis.prefix });
  const maintenanceQueue = new Queue('maintenance', { connection: redis.client, prefix: redis.prefix });
  const queues = [syncQueue, maintenanceQueue];
  onTestFinished(async () => {
    await Promise.all([...workers, ...queues, producers].map((c) => c.close()));
    await closeRedisConnection(connection);
  });

  await producers.enqueueSync({ connectionId: 'conn-1', reason: 'initial' });
  await producers.enqueueRenewPush({ connectionId: 'conn-1' });
  await producers.enqueueCatchUpSweep({});

  for (const [queue, count] of [
    [syncQueue, 1],
    [maintenanceQueue, 2],
  ] as const) {
    const failed = await waitUntil(
      async () => ((await queue.getFailedCount()) === count ? queue.getFailed() : undefined),
      { what: `${count} failed on ${queue.name}` },
    );
    for (const job of failed) {
      expect(job.failedReason).toMatch(
        /^FL_JOB_NOT_IMPLEMENTED: job "[a-z-]+" has no processor yet \(issue 5/,
      );
      expect(job.attemptsMade).toBe(1);
    }
  }
});

test('the process boots, its healthcheck passes while it polls, and SIGTERM stops it cleanly', async ({
  redis,
  onTestFinished,
}) => {
  const dataDir = await mkdtemp(join(tmpdir(), `frontload-${WORKER_NAME}-`));
  const env = {
    REDIS_URL: redis.url,
    QUEUE_PREFIX: redis.prefix,
    DATA_DIR: dataDir,
    WORKER_HEALTH_MAX_IDLE_SECONDS: '10',
  };
  const main = spawnTypeScript(entry('main'), { env });
  onTestFinished(async () => {
    if (main.child.exitCode === null) main.child.kill('SIGKILL');
    await main.exited;
    await rm(dataDir, { recursive: true, force: true });
  });

  await waitUntil(async () => (await checkHeartbeat(heartbeatFile(dataDir, WORKER_NAME), 10)).ok, {
    timeoutMs: 20_000,
    what: `a fresh heartbeat\n${main.output()}`,
  });
  const healthy = spawnTypeScript(entry('healthcheck'), { env });
  expect(await healthy.exited).toBe(0);

  main.child.kill('SIGTERM');
  expect(await main.exited).toBe(0);
  const unhealthy = spawnTypeScript(entry('healthcheck'), { env });
  expect(await unhealthy.exited).toBe(1);
  expect(unhealthy.output()).toContain(`unhealthy: ${WORKER_NAME} is stopped`);
});
