/**
 * Forged Graph notification batches: a batch of 1,000 items naming 1,000 made-up subscriptions
 * costs one connection lookup (every subscription in one query), not one round trip per item; a
 * larger batch is refused before any lookup. The subscription-validation echo
 * (a token chosen by the caller, as text/plain) carries `X-Content-Type-Options: nosniff`.
 */
import { randomUUID } from 'node:crypto';
import { buildApp } from '@frontload/api';
import { sandboxOAuthSettings } from '@frontload/api/testing';
import { DEVELOPMENT_SEALING_KEY } from '@frontload/config';
import { migrate, openDatabase, type Database } from '@frontload/db';
import { createProducers, createRedisConnection } from '@frontload/jobs';
import { createOAuth } from '@frontload/providers/oauth';
import { createTokenVault } from '@frontload/security';
import { TEST_REDIS_URL, createTestDatabase } from '@frontload/testing';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

describe('Graph push receiver under forged batches', () => {
  let app: FastifyInstance;
  let close: () => Promise<void>;
  /** Queries the receiver made against the connections table. */
  let lookups = 0;

  beforeAll(async () => {
    const testDb = await createTestDatabase();
    const db = await openDatabase({ url: testDb.url, maxConnections: 4 });
    await migrate(db);
    // The real database, with its queries on connections counted.
    const counted: Database = {
      ...db,
      query: (sql, params) => {
        if (/\bfrom connections\b/.test(sql)) lookups++;
        return db.query(sql, params);
      },
    };
    const redis = createRedisConnection(TEST_REDIS_URL, { role: 'producer' });
    const producers = createProducers(redis, `{test-${randomUUID().slice(0, 8)}}`);
    app = await buildApp({
      db: counted,
      redis,
      producers,
      oauth: createOAuth(sandboxOAuthSettings('http://127.0.0.1:9')),
      vault: createTokenVault(DEVELOPMENT_SEALING_KEY),
    });
    close = async () => {
      await app.close();
      await producers.close();
      redis.disconnect();
      await db.close();
      await testDb.drop();
    };
  });
  afterAll(() => close());

  const post = (items: object[]) =>
    app.inject({ method: 'POST', url: '/push/microsoft', payload: { value: items } });

  it('a batch of 1,000 made-up subscriptions is refused after one lookup', async () => {
    lookups = 0;
    // As many items as fit the receiver's 64 KiB body limit and the parser's 1,000-item cap.
    const items = Array.from({ length: 1_000 }, (_, i) => ({
      subscriptionId: `f${i}`,
      changeType: 'updated',
    }));
    const res = await post(items);
    expect(res.statusCode).toBe(401);
    expect(res.json()).toMatchObject({ code: 'FL_PUSH_UNKNOWN_CHANNEL' });
    expect(lookups).toBe(1);
  });

  it('1,000 items for one subscription cost one lookup too', async () => {
    lookups = 0;
    const items = Array.from({ length: 1_000 }, () => ({
      subscriptionId: 'forged-same',
      changeType: 'updated',
    }));
    expect((await post(items)).statusCode).toBe(401);
    expect(lookups).toBe(1);
  });

  it('refuses a batch of more than 1,000 items before any lookup', async () => {
    lookups = 0;
    const items = Array.from({ length: 1_001 }, (_, i) => ({
      subscriptionId: `f${i}`,
      changeType: 'updated',
    }));
    const res = await post(items);
    expect(res.statusCode).toBeGreaterThanOrEqual(400);
    expect(res.statusCode).toBeLessThan(500);
    expect(lookups).toBe(0);
  });

  it('echoes the validation token as text/plain with nosniff', async () => {
    const token = '<html><script>alert(1)</script></html>';
    const res = await app.inject({
      method: 'POST',
      url: `/push/microsoft?validationToken=${encodeURIComponent(token)}`,
    });
    expect(res.statusCode).toBe(200);
    expect(res.body).toBe(token);
    expect(res.headers['content-type']).toMatch(/^text\/plain/);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
  });
});
