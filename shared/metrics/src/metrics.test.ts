import { UnrecoverableError } from 'bullmq';
import {
  createProducers,
  createRedisConnection,
  closeRedisConnection,
  reportFinishedJobs,
  startWorker,
} from '@frontload/jobs';
import { createLogger } from '@frontload/logging';
import { createProvider } from '@frontload/providers';
import { connectSandboxUser, tokenSequence } from '@frontload/providers/testing';
import { freePort, startSandbox } from '@frontload/testing';
import { redisTest as test, waitUntil } from '@frontload/testing/redis';
import { describe, expect } from 'vitest';
import { sampleValue } from './exposition.js';
import { createMetrics } from './metrics.js';
import { jobDurationMetrics, providerCallMetrics } from './recorders.js';
import { startWorkerMetrics } from './worker-metrics.js';

const logger = createLogger({ LOG_LEVEL: 'silent', LOG_PRETTY: false }, 'test');

describe('provider call metrics', () => {
  test('count and time each sandbox request by provider, route and status, failures included', async ({
    onTestFinished,
  }) => {
    const sandbox = await startSandbox();
    onTestFinished(() => sandbox.close());
    const metrics = createMetrics();
    const callHooks = [providerCallMetrics(metrics)];
    const user = await connectSandboxUser(sandbox, {
      provider: 'google',
      email: 'ada@example.com',
      name: 'Ada',
      timeZone: 'Europe/Paris',
    });
    const provider = createProvider('google', { ...user.settings, callHooks });
    await provider.getSettings();
    await provider.getSettings();
    const stranger = createProvider('google', {
      ...user.settings,
      tokens: tokenSequence('forged'),
      callHooks,
    });
    await expect(stranger.getSettings()).rejects.toMatchObject({ kind: 'auth_revoked' });

    const text = await metrics.registry.metrics();
    const ok = { provider: 'google', status: '200' };
    expect(sampleValue(text, 'frontload_provider_calls_total', ok)).toBe(2);
    // The adapter retries a 401 once with a fresh token: every request is counted.
    const refused = sampleValue(text, 'frontload_provider_calls_total', {
      provider: 'google',
      status: '401',
    });
    expect(refused).toBeGreaterThanOrEqual(1);
    expect(sampleValue(text, 'frontload_provider_call_duration_seconds_count', ok)).toBe(2);
    // The route is the API method the adapter names (Google's `settings.get`), never a URL with ids.
    expect(sampleValue(text, 'frontload_provider_calls_total', { ...ok, route: 'settings.get' })).toBe(2);
    expect(text).not.toContain('ada@example.com');
  });
});

describe('job duration metrics', () => {
  test('record each attempt by queue, job name and outcome from a real worker', async ({ redis }) => {
    const metrics = createMetrics();
    const connection = createRedisConnection(redis.url, { role: 'producer' });
    const producers = createProducers(connection, redis.prefix);
    const worker = startWorker({
      queue: 'apply',
      processors: {
        apply: async () => ({ applied: true }),
        undo: async () => {
          throw new UnrecoverableError('nothing to undo');
        },
      },
      connectionUrl: redis.url,
      prefix: redis.prefix,
      concurrency: 2,
      logger,
      drainDelaySeconds: 1,
    });
    reportFinishedJobs(worker, jobDurationMetrics(metrics));
    try {
      await producers.enqueueApply({ runId: '00000000-0000-4000-8000-000000000001' });
      await producers.enqueueApply({ runId: '00000000-0000-4000-8000-000000000002' });
      await producers.enqueueUndo({ runId: '00000000-0000-4000-8000-000000000003' });
      const count = async (jobName: string, outcome: string) =>
        sampleValue(await metrics.registry.metrics(), 'frontload_job_duration_seconds_count', {
          queue: 'apply',
          job_name: jobName,
          outcome,
        });
      await waitUntil(async () => (await count('apply', 'completed')) === 2, {
        what: 'two completed applies',
      });
      await waitUntil(async () => (await count('undo', 'failed')) === 1, { what: 'one failed undo' });
    } finally {
      await worker.close();
      await producers.close();
      await closeRedisConnection(connection);
    }
  });
});

describe('a worker process metrics server', () => {
  test('serves the process metrics at GET /metrics on METRICS_PORT, and nothing else', async ({
    onTestFinished,
  }) => {
    const port = await freePort();
    const served = await startWorkerMetrics({ METRICS_HOST: '127.0.0.1', METRICS_PORT: port }, logger);
    onTestFinished(() => served.close());
    expect(served.port).toBe(port);
    served.metrics.webhookDeliveries.inc({ outcome: 'delivered' });
    const res = await fetch(`http://127.0.0.1:${port}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await res.text();
    expect(sampleValue(text, 'frontload_webhook_deliveries_total', { outcome: 'delivered' })).toBeGreaterThan(
      0,
    );
    expect(sampleValue(text, 'process_cpu_user_seconds_total')).toBeDefined();
    expect(sampleValue(text, 'nodejs_heap_size_total_bytes')).toBeGreaterThan(0);
    expect((await fetch(`http://127.0.0.1:${port}/`)).status).toBe(404);
  });

  test('starts no server when METRICS_PORT is 0', async () => {
    const off = await startWorkerMetrics({ METRICS_HOST: '127.0.0.1', METRICS_PORT: 0 }, logger);
    expect(off.port).toBeUndefined();
    await off.close();
  });
});
