import { expectWorkerProcessLifecycle } from '@frontload/worker-runtime/testing';
import { fileURLToPath } from 'node:url';
import { createServer } from 'node:http';
import { Queue } from 'bullmq';
import type { AddressInfo } from 'node:net';
import { DEVELOPMENT_SEALING_KEY } from '@frontload/config';
import { migrate, openDatabase, repositories } from '@frontload/db';
import { createTokenVault, generateWebhookSecret } from '@frontload/security';
import { createTestDatabase } from '@frontload/testing';
import { expect } from 'vitest';
import { closeRedisConnection, createProducers, createRedisConnection, startWorker } from '@frontload/jobs';
import { createLogger } from '@frontload/logging';
import { redisTest as test, waitUntil } from '@frontload/testing/redis';
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
  await expectWorkerProcessLifecycle({
    workerName: WORKER_NAME,
    main: entry('main'),
    healthcheck: entry('healthcheck'),
    redis,
    onTestFinished,
  });
}, 120_000);
