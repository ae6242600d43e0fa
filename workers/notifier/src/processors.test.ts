import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createServer } from 'node:http';
import { Queue } from 'bullmq';
import type { AddressInfo } from 'node:net';
import { DEVELOPMENT_SEALING_KEY } from '@frontload/config';
import { migrate, openDatabase, repositories } from '@frontload/db';
import { createTokenVault, generateWebhookSecret } from '@frontload/security';
import { createTestDatabase } from '@frontload/testing';
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
import { WORKER_NAME, notifyProcessors } from './processors.js';

const logger = createLogger({ LOG_LEVEL: 'silent', LOG_PRETTY: false }, 'test');
const entry = (name: string) => fileURLToPath(new URL(`./${name}.ts`, import.meta.url));

test('a deliver-webhook job goes producer → worker → signed POST → recorded as delivered, exactly once', async ({
  redis,
  onTestFinished,
}) => {
  const testDb = await createTestDatabase();
  const db = await openDatabase({ url: testDb.url, maxConnections: 2 });
  await migrate(db);
  const received: string[] = [];
  const server = createServer((req, res) => {
    received.push(String(req.headers['webhook-id']));
    res.writeHead(received.length === 1 ? 500 : 204).end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  const connection = createRedisConnection(redis.url, { role: 'producer' });
  const producers = createProducers(connection, redis.prefix);
  const vault = createTokenVault(DEVELOPMENT_SEALING_KEY);
  const worker = startWorker({
    queue: 'notify',
    processors: notifyProcessors({
      db,
      vault,
      producers,
      policy: { allowHttp: true, allowLoopback: true },
      now: () => new Date(),
      publicUrl: 'http://localhost:3000',
      random: () => 0, // the shortest first retry wait the schedule allows (24 s); the test promotes it
    }),
    connectionUrl: redis.url,
    prefix: redis.prefix,
    concurrency: 2,
    logger,
  });
  onTestFinished(async () => {
    await worker.close();
    await producers.close();
    await closeRedisConnection(connection);
    await new Promise<void>((r) => server.close(() => r()));
    await db.close();
    await testDb.drop();
  });

  const repos = repositories(db);
  const user = await repos.users.upsertByEmail({ email: 'tlm@example.com', name: 'TLM' });
  const endpoint = await repos.webhooks.createEndpoint({
    userId: user.id,
    url,
    description: '',
    eventTypes: ['webhook.test'],
    format: 'json',
    sealedSecrets: vault.seal({ current: generateWebhookSecret() }, { userId: user.id, provider: 'webhook' }),
  });
  const delivery = await repos.webhooks.createDelivery({
    endpointId: endpoint.id,
    userId: user.id,
    messageId: 'msg_round_trip',
    eventType: 'webhook.test',
    payload: {
      type: 'webhook.test',
      timestamp: new Date().toISOString(),
      data: {
        version: 1,
        summary: 'hi',
        user: { id: user.id, email: user.email },
        links: { settings: 'http://localhost:3000' },
      },
    },
  });
  await producers.enqueueDeliverWebhook({ deliveryId: delivery.id });
  // The first attempt gets a 500 and schedules attempt 2; run that one now instead of waiting.
  await waitUntil(
    async () => ((await repos.webhooks.deliveryById(delivery.id))?.status === 'failed' ? true : undefined),
    { what: 'the failed first attempt' },
  );
  const queue = new Queue('notify', { connection: redis.client, prefix: redis.prefix });
  const [retry] = await waitUntil(
    async () => ((await queue.getDelayedCount()) === 1 ? queue.getDelayed() : undefined),
    {
      what: 'the scheduled second attempt',
    },
  );
  expect(retry?.data).toEqual({ deliveryId: delivery.id, attempt: 2 });
  expect(retry?.opts.delay).toBeGreaterThanOrEqual(24_000);
  await retry!.promote();
  await queue.close();
  const done = await waitUntil(
    async () => {
      const row = await repos.webhooks.deliveryById(delivery.id);
      return row?.status === 'delivered' ? row : undefined;
    },
    { what: 'the delivered webhook' },
  );
  expect(done).toMatchObject({ attempts: 2, last_status_code: 204 });
  expect(received).toEqual(['msg_round_trip', 'msg_round_trip']);
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
