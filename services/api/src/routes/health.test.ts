import { migrate, openDatabase, type Database } from '@frontload/db';
import { DEVELOPMENT_SEALING_KEY } from '@frontload/config';
import { createProducers, createRedisConnection } from '@frontload/jobs';
import { createOAuth } from '@frontload/providers/oauth';
import { createTokenVault } from '@frontload/security';
import { createTestDatabase, privateRedis, type PrivateRedis, type TestDatabase } from '@frontload/testing';
import type { FastifyInstance } from 'fastify';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../app.js';
import { sandboxOAuthSettings } from '../../test/test-app.js';

async function waitFor<T>(
  probe: () => Promise<T>,
  done: (value: T) => boolean,
  timeoutMs = 10_000,
): Promise<T> {
  const start = Date.now();
  for (;;) {
    const value = await probe();
    if (done(value) || Date.now() - start > timeoutMs) return value;
    await new Promise((r) => setTimeout(r, 100));
  }
}

const services = (redis: Redis) => ({
  producers: createProducers(redis, '{test-health}'),
  oauth: createOAuth(sandboxOAuthSettings('http://127.0.0.1:9')),
  vault: createTokenVault(DEVELOPMENT_SEALING_KEY),
});

describe('health endpoints', () => {
  let testDb: TestDatabase;
  let db: Database;
  let redisServer: PrivateRedis;
  let redis: Redis;
  let app: FastifyInstance;

  beforeAll(async () => {
    testDb = await createTestDatabase();
    db = await openDatabase({ url: testDb.url, maxConnections: 2 });
    await migrate(db);
    redisServer = await privateRedis();
    await redisServer.start();
    redis = createRedisConnection(redisServer.url, { role: 'producer' });
    app = await buildApp({ db, redis, ...services(redis) });
  });
  afterAll(async () => {
    await app.close();
    redis.disconnect();
    await redisServer.stop().catch(() => undefined);
    await db.close();
    await testDb.drop();
  });

  const readyz = async () => {
    const res = await app.inject({ method: 'GET', url: '/readyz' });
    return { status: res.statusCode, body: res.json<{ status: string; down: string[] }>() };
  };

  it('answers liveness without touching any dependency', async () => {
    const res = await app.inject({ method: 'GET', url: '/healthz' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'ok' });
  });

  it('is ready when Postgres and Redis both answer', async () => {
    expect(await waitFor(readyz, (r) => r.status === 200)).toMatchObject({
      status: 200,
      body: { status: 'ready', down: [] },
    });
  });

  it('turns unready naming Redis when Redis stops, and ready again when it returns, without a restart', async () => {
    await redisServer.stop();
    const down = await waitFor(readyz, (r) => r.status === 503);
    expect(down).toMatchObject({ status: 503, body: { status: 'unready', down: ['redis'] } });

    await redisServer.start();
    const back = await waitFor(readyz, (r) => r.status === 200, 15_000);
    expect(back).toMatchObject({ status: 200, body: { status: 'ready', down: [] } });
  });

  it('names Postgres as down when the database cannot be reached', async () => {
    const unreachable = await openDatabase({
      url: 'postgres://postgres@127.0.0.1:1/none',
      maxConnections: 1,
    });
    const other = await buildApp({ db: unreachable, redis, ...services(redis) });
    try {
      const res = await other.inject({ method: 'GET', url: '/readyz' });
      expect(res.statusCode).toBe(503);
      expect(res.json()).toMatchObject({ status: 'unready', down: ['postgres'] });
    } finally {
      await other.close();
      await unreachable.close();
    }
  });

  it('answers an unknown route with a coded 404 body', async () => {
    const res = await app.inject({ method: 'GET', url: '/nope?token=secret' });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toMatchObject({
      statusCode: 404,
      code: 'FL_NOT_FOUND',
      message: 'Route GET /nope not found',
    });
  });
});
