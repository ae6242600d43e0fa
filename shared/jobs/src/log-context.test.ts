import { Writable } from 'node:stream';
import { createLogger } from '@frontload/logging';
import { redisTest as test, waitUntil } from '@frontload/testing/redis';
import { expect } from 'vitest';
import { closeRedisConnection, createRedisConnection } from './connection.js';
import { createProducers } from './producers.js';
import { startWorker } from './worker.js';

test('every line logged while a job runs carries its jobId, queue and jobName, root-logger lines too', async ({
  redis,
}) => {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
      done();
    },
  });
  const settings = { LOG_LEVEL: 'info', LOG_PRETTY: false };
  // What repositories and provider adapters log through: a logger built once, not the job's child.
  const root = createLogger(settings, 'deep', stream);
  const connection = createRedisConnection(redis.url, { role: 'producer' });
  const producers = createProducers(connection, redis.prefix);
  const worker = startWorker({
    queue: 'apply',
    processors: {
      apply: async ({ runId }) => {
        await new Promise((resolve) => setImmediate(resolve));
        root.info({ runId }, 'applying');
        return {};
      },
      undo: async () => ({}),
    },
    connectionUrl: redis.url,
    prefix: redis.prefix,
    concurrency: 2,
    logger: createLogger({ ...settings, LOG_LEVEL: 'silent' }, 'worker'),
    drainDelaySeconds: 1,
  });
  try {
    const runs = ['00000000-0000-4000-8000-000000000001', '00000000-0000-4000-8000-000000000002'];
    const jobs = await Promise.all(runs.map((runId) => producers.enqueueApply({ runId })));
    await waitUntil(async () => lines.length === 2, { what: 'two lines from the root logger' });
    for (const [i, runId] of runs.entries()) {
      expect(lines.find((line) => line.runId === runId)).toMatchObject({
        name: 'deep',
        jobId: jobs[i]!.id,
        queue: 'apply',
        jobName: 'apply',
      });
    }
    root.info('after the jobs');
    expect(lines[2]).not.toHaveProperty('jobId');
  } finally {
    await worker.close();
    await producers.close();
    await closeRedisConnection(connection);
  }
});
