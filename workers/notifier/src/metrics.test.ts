import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { migrate, openDatabase } from '@frontload/db';
import { closeRedisConnection, createProducers, createRedisConnection } from '@frontload/jobs';
import { sampleValue } from '@frontload/metrics';
import { createTestDatabase, freePort } from '@frontload/testing';
import { redisTest as test, waitUntil } from '@frontload/testing/redis';
import { spawnTypeScript } from '@frontload/testing/spawn';
import { expect } from 'vitest';
import { WORKER_NAME } from './processors.js';

test('the worker process serves its metrics at METRICS_PORT: job durations and webhook outcomes of real jobs', async ({
  redis,
  onTestFinished,
}) => {
  const testDb = await createTestDatabase();
  const db = await openDatabase({ url: testDb.url, maxConnections: 1 });
  await migrate(db);
  await db.close();
  const dataDir = await mkdtemp(join(tmpdir(), `frontload-${WORKER_NAME}-`));
  const port = await freePort();
  const main = spawnTypeScript(fileURLToPath(new URL('./main.ts', import.meta.url)), {
    env: {
      REDIS_URL: redis.url,
      QUEUE_PREFIX: redis.prefix,
      DATABASE_URL: testDb.url,
      DATA_DIR: dataDir,
      METRICS_PORT: String(port),
      LOG_LEVEL: 'warn',
    },
  });
  const connection = createRedisConnection(redis.url, { role: 'producer' });
  const producers = createProducers(connection, redis.prefix);
  onTestFinished(async () => {
    if (main.child.exitCode === null) main.child.kill('SIGKILL');
    await main.exited;
    await producers.close();
    await closeRedisConnection(connection);
    await rm(dataDir, { recursive: true, force: true });
    await testDb.drop();
  });

  const scrape = async () => {
    const res = await fetch(`http://127.0.0.1:${port}/metrics`).catch(() => undefined);
    return res?.ok ? res.text() : undefined;
  };
  const first = await waitUntil(scrape, { timeoutMs: 20_000, what: `metrics on :${port}\n${main.output()}` });
  expect(first).toContain('# TYPE frontload_job_duration_seconds histogram');
  expect(sampleValue(first, 'process_resident_memory_bytes')).toBeGreaterThan(0);

  // A delivery that no longer exists: the job completes with the outcome `skipped`.
  await producers.enqueueDeliverWebhook({ deliveryId: '00000000-0000-4000-8000-000000000042', attempt: 1 });
  const after = await waitUntil(
    async () => {
      const text = await scrape();
      const jobs = text && sampleValue(text, 'frontload_job_duration_seconds_count', { queue: 'notify' });
      return jobs === 1 ? text : undefined;
    },
    { timeoutMs: 20_000, what: `one finished notify job\n${main.output()}` },
  );
  expect(
    sampleValue(after, 'frontload_job_duration_seconds_count', {
      queue: 'notify',
      job_name: 'deliver-webhook',
      outcome: 'completed',
    }),
  ).toBe(1);
  expect(sampleValue(after, 'frontload_webhook_deliveries_total', { outcome: 'skipped' })).toBe(1);

  main.child.kill('SIGTERM');
  expect(await main.exited).toBe(0);
});
