/**
 * Redis loses its data under a running stack (FLUSHALL, or a restart without persistence): the job
 * schedulers that lived only there — the catch-up sweep and every user's weekly plan — come back
 * within a minute without restarting a worker, and the sweep they drive picks up what the lost jobs
 * left behind: a webhook delivery stuck pending is sent, expired OAuth states (PKCE verifiers in
 * clear) and sessions are deleted. Real sync, planner and notifier processes started from their
 * main.ts, on a private Redis and a throwaway Postgres database.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { DEVELOPMENT_SEALING_KEY } from '@frontload/config';
import { migrate, openDatabase, repositories, type Database } from '@frontload/db';
import { closeRedisConnection, createRedisConnection } from '@frontload/jobs';
import { createTokenVault } from '@frontload/security';
import {
  createTestDatabase,
  privateRedis,
  waitUntil,
  type PrivateRedis,
  type TestDatabase,
} from '@frontload/testing';
import { REPO_ROOT, spawnTypeScript, type SpawnedProcess } from '@frontload/testing/spawn';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const WORKERS = ['workers/sync/src/main.ts', 'workers/planner/src/main.ts', 'workers/notifier/src/main.ts'];
const SWEEP = 'catch-up-sweep';
/** The promise: the schedules are back within a minute. */
const BACK_WITHIN_MS = 60_000;

describe('Redis losing its data under a running stack', () => {
  let redisServer: PrivateRedis;
  let testDb: TestDatabase;
  let db: Database;
  let redis: Redis;
  let dataDir: string;
  let receiver: Server;
  let receiverUrl: string;
  const received: { messageId: string; body: string }[] = [];
  const workers: SpawnedProcess[] = [];
  const prefix = `{flush-${randomUUID().slice(0, 8)}}`;
  const vault = createTokenVault(DEVELOPMENT_SEALING_KEY);
  let users: { userId: string; zone: string }[] = [];

  const output = () => workers.map((w) => w.output()).join('\n');
  const schedulerKeys = async () => {
    const keys: string[] = [];
    for (const name of ['maintenance', 'plan']) {
      const queue = new Queue(name, { connection: redis, prefix });
      try {
        keys.push(...(await queue.getJobSchedulers()).map((s) => s.key ?? s.id ?? ''));
      } finally {
        await queue.close();
      }
    }
    return keys.sort();
  };
  const expected = () => [SWEEP, ...users.map((u) => `weekly-plan-${u.userId}`)].sort();
  const allBack = async () => {
    const keys = await schedulerKeys();
    return expected().every((key) => keys.includes(key)) ? keys : undefined;
  };

  /** A user with a healthy connection that needs no sync during the test (synced "tomorrow"). */
  async function seedUser(email: string, zone: string) {
    const repos = repositories(db);
    const user = await repos.users.upsertByEmail({ email, name: 'Flush', timeZone: zone });
    const { row } = await repos.connections.upsert({
      userId: user.id,
      provider: 'google',
      accountSubject: email,
      accountEmail: email,
      sealedTokens: vault.seal(
        { accessToken: 'a', refreshToken: 'r', expiresAt: Date.now() + 3_600_000, scopes: [] },
        { userId: user.id, provider: 'google' },
      ),
      scopes: [],
    });
    await db.query(
      `update connections set status = 'healthy', last_synced_at = now() + interval '1 day' where id = $1`,
      [row.id],
    );
    return { userId: user.id, zone };
  }

  beforeAll(async () => {
    redisServer = await privateRedis();
    await redisServer.start();
    redis = createRedisConnection(redisServer.url, { role: 'worker' });
    testDb = await createTestDatabase();
    db = await openDatabase({ url: testDb.url, maxConnections: 4 });
    await migrate(db);
    users = [
      await seedUser('berlin@example.test', 'Europe/Berlin'),
      await seedUser('kolkata@example.test', 'Asia/Kolkata'),
    ];
    receiver = createServer((req: IncomingMessage, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        received.push({ messageId: String(req.headers['webhook-id']), body });
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((done) => receiver.listen(0, '127.0.0.1', done));
    const address = receiver.address();
    receiverUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/hook`;
    dataDir = await mkdtemp(join(tmpdir(), 'frontload-flush-'));
    const env = {
      DATABASE_URL: testDb.url,
      REDIS_URL: redisServer.url,
      QUEUE_PREFIX: prefix,
      DATA_DIR: dataDir,
      LOG_LEVEL: 'warn',
      TOKEN_SEALING_KEYS: DEVELOPMENT_SEALING_KEY,
      WEBHOOK_ALLOW_HTTP: 'true',
      WEBHOOK_ALLOW_LOOPBACK: 'true',
      WORKER_CONCURRENCY: '2',
    };
    for (const entry of WORKERS) workers.push(spawnTypeScript(join(REPO_ROOT, entry), { env }));
  }, 120_000);

  afterAll(async () => {
    for (const worker of workers) worker.child.kill('SIGTERM');
    await Promise.all(workers.map((w) => w.exited));
    await closeRedisConnection(redis);
    await new Promise<void>((done) => receiver.close(() => done()));
    await db.close();
    await testDb.drop();
    await redisServer.dispose();
    await rm(dataDir, { recursive: true, force: true });
  }, 60_000);

  it('after FLUSHALL the sweep and every weekly plan are back within a minute, in each user’s zone', async () => {
    await waitUntil(allBack, {
      timeoutMs: 90_000,
      intervalMs: 250,
      what: `the first schedulers\n${output()}`,
    });

    await redis.flushall();
    expect(await schedulerKeys()).toEqual([]);
    const flushedAt = Date.now();
    await waitUntil(allBack, {
      timeoutMs: BACK_WITHIN_MS,
      intervalMs: 250,
      what: `the schedulers after FLUSHALL\n${output()}`,
    });
    expect(Date.now() - flushedAt).toBeLessThan(BACK_WITHIN_MS);
    const plan = new Queue('plan', { connection: redis, prefix });
    try {
      for (const { userId, zone } of users) {
        expect(await plan.getJobScheduler(`weekly-plan-${userId}`)).toMatchObject({
          pattern: '0 18 * * 0',
          tz: zone,
        });
      }
    } finally {
      await plan.close();
    }
  }, 120_000);

  it('the sweep sends a webhook delivery whose job was lost, and purges expired OAuth states and sessions', async () => {
    await waitUntil(allBack, { timeoutMs: 90_000, intervalMs: 250, what: `the schedulers\n${output()}` });
    const repos = repositories(db);
    const [{ userId }] = users as [{ userId: string; zone: string }];
    const endpoint = await repos.webhooks.createEndpoint({
      userId,
      url: receiverUrl,
      description: 'lost job',
      eventTypes: ['overload.tripped'],
      format: 'json',
      sealedSecrets: vault.seal(
        { current: `whsec_${Buffer.alloc(24, 7).toString('base64')}` },
        {
          userId,
          provider: 'webhook',
        },
      ),
    });
    // Written by the notifier, its job then lost with Redis's data: nothing in Redis knows of it.
    const delivery = await repos.webhooks.createDelivery({
      endpointId: endpoint.id,
      userId,
      messageId: `msg_${randomUUID()}`,
      eventType: 'webhook.test',
      payload: {
        type: 'webhook.test',
        timestamp: new Date().toISOString(),
        data: {
          version: 1,
          summary: 'A delivery whose job Redis lost',
          user: { id: userId, email: 'berlin@example.test' },
          links: { settings: 'http://localhost:3000/#webhooks' },
        },
      },
    });
    await db.query(`update webhook_deliveries set created_at = now() - interval '1 hour' where id = $1`, [
      delivery.id,
    ]);
    const past = new Date(Date.now() - 60_000);
    const future = new Date(Date.now() + 3_600_000);
    for (const [stateHash, expiresAt] of [
      ['expired-state', past],
      ['live-state', future],
    ] as const) {
      await repos.oauthStates.create({
        stateHash,
        provider: 'google',
        codeVerifier: `pkce-verifier-${stateHash}`,
        userId: null,
        returnTo: '/',
        browserHash: 'b',
        expiresAt,
      });
    }
    await repos.sessions.create({ tokenHash: 'expired-session', userId, expiresAt: past });
    await repos.sessions.create({ tokenHash: 'live-session', userId, expiresAt: future });

    await redis.flushall();
    await waitUntil(async () => (await repos.webhooks.deliveryById(delivery.id))?.status === 'delivered', {
      timeoutMs: 2 * BACK_WITHIN_MS,
      intervalMs: 250,
      what: `the lost delivery to be sent\n${output()}`,
    });
    expect(received.map((r) => r.messageId)).toEqual([delivery.message_id]);
    await waitUntil(
      async () => (await db.query('select 1 from oauth_states where expires_at <= now()')).rowCount === 0,
      { timeoutMs: BACK_WITHIN_MS, what: 'expired OAuth states to be purged' },
    );
    const states = await db.query<{ state_hash: string }>('select state_hash from oauth_states');
    expect(states.rows.map((r) => r.state_hash)).toEqual(['live-state']);
    const sessions = await db.query<{ token_hash: string }>('select token_hash from sessions order by 1');
    expect(sessions.rows.map((r) => r.token_hash)).toEqual(['live-session']);
  }, 240_000);

  it('after a Redis restart without persistence the schedulers are back within a minute', async () => {
    await waitUntil(allBack, { timeoutMs: 90_000, intervalMs: 250, what: `the schedulers\n${output()}` });
    await redisServer.stop('SIGKILL');
    await redisServer.start();
    const restartedAt = Date.now();
    await waitUntil(allBack, {
      timeoutMs: BACK_WITHIN_MS,
      intervalMs: 250,
      what: `the schedulers after a restart\n${output()}`,
    });
    expect(Date.now() - restartedAt).toBeLessThan(BACK_WITHIN_MS);
  }, 180_000);
});
