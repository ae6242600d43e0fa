import { expectWorkerProcessLifecycle } from '@frontload/worker-runtime/testing';
import { fileURLToPath } from 'node:url';
import { redisTest as test } from '@frontload/testing/redis';
import { WORKER_NAME } from './processors.js';

const entry = (name: string) => fileURLToPath(new URL(`./${name}.ts`, import.meta.url));

test('the process boots, its healthcheck passes while it polls, and SIGTERM stops it cleanly', async ({
  redis,
  onTestFinished,
}) => {
  await expectWorkerProcessLifecycle({
    workerName: WORKER_NAME,
    main: entry('main'),
    healthcheck: entry('healthcheck'),
    redis,
    onTestFinished,
  });
}, 120_000);
