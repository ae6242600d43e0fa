import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import { checkHeartbeat, heartbeatFile } from '@frontload/jobs';
import { redisTest as test, waitUntil } from '@frontload/testing/redis';
import { spawnTypeScript } from '@frontload/testing/spawn';
import { WORKER_NAME } from './processors.js';

const entry = (name: string) => fileURLToPath(new URL(`./${name}.ts`, import.meta.url));

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
    timeoutMs: 60_000,
    what: `a fresh heartbeat\n${main.output()}`,
  });
  const healthy = spawnTypeScript(entry('healthcheck'), { env });
  expect(await healthy.exited).toBe(0);

  main.child.kill('SIGTERM');
  expect(await main.exited).toBe(0);
  const unhealthy = spawnTypeScript(entry('healthcheck'), { env });
  expect(await unhealthy.exited).toBe(1);
  expect(unhealthy.output()).toContain(`unhealthy: ${WORKER_NAME} is stopped`);
}, 120_000);
