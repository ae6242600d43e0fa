/**
 * Test support: the life of a worker process as production runs it, checked one way for every
 * worker. Its `main.ts` boots and stamps a fresh heartbeat while it polls, its `healthcheck.ts`
 * passes, SIGTERM stops it with exit 0, and the healthcheck then fails saying the worker stopped.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkHeartbeat, heartbeatFile } from '@frontload/jobs';
import { waitUntil } from '@frontload/testing/redis';
import { spawnTypeScript } from '@frontload/testing/spawn';
import { expect } from 'vitest';

export interface WorkerLifecycleCheck {
  /** The worker's name (its heartbeat file and its healthcheck's words). */
  workerName: string;
  /** Absolute paths of the worker's `main.ts` and `healthcheck.ts`. */
  main: string;
  healthcheck: string;
  /** Variables beside REDIS_URL, QUEUE_PREFIX and DATA_DIR (DATABASE_URL for a worker that reads it). */
  env?: Record<string, string>;
  redis: { url: string; prefix: string };
  onTestFinished: (fn: () => Promise<void>) => void;
}

export async function expectWorkerProcessLifecycle(check: WorkerLifecycleCheck): Promise<void> {
  const dataDir = await mkdtemp(join(tmpdir(), `frontload-${check.workerName}-`));
  const env = {
    ...check.env,
    REDIS_URL: check.redis.url,
    QUEUE_PREFIX: check.redis.prefix,
    DATA_DIR: dataDir,
    WORKER_HEALTH_MAX_IDLE_SECONDS: '10',
  };
  const main = spawnTypeScript(check.main, { env });
  check.onTestFinished(async () => {
    if (main.child.exitCode === null) main.child.kill('SIGKILL');
    await main.exited;
    await rm(dataDir, { recursive: true, force: true });
  });

  await waitUntil(async () => (await checkHeartbeat(heartbeatFile(dataDir, check.workerName), 10)).ok, {
    timeoutMs: 60_000,
    what: `a fresh heartbeat\n${main.output()}`,
  });
  const healthy = spawnTypeScript(check.healthcheck, { env });
  expect(await healthy.exited).toBe(0);

  main.child.kill('SIGTERM');
  expect(await main.exited).toBe(0);
  const unhealthy = spawnTypeScript(check.healthcheck, { env });
  expect(await unhealthy.exited).toBe(1);
  expect(unhealthy.output()).toContain(`unhealthy: ${check.workerName} is stopped`);
}
