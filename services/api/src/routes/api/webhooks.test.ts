import { testRedisClient } from '@frontload/testing';
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../../../test/test-app.js';

describe('webhook endpoints API', () => {
  let t: TestApp;
  let alice: { userId: string; cookie: string; headers: Record<string, string> };
  let bob: { userId: string; cookie: string; headers: Record<string, string> };

  beforeAll(async () => {
    t = await buildTestApp();
    alice = await t.signIn('alice@example.com');
    bob = await t.signIn('bob@example.com');
  });
  afterAll(() => t.close());

  const create = (headers: Record<string, string>, payload: object) =>
    t.app.inject({ method: 'POST', url: '/api/v1/webhooks', headers, payload });
  const count = async () =>
    (await t.db.query<{ n: number }>('select count(*)::int as n from webhook_endpoints')).rows[0]!.n;

  it('creates an endpoint and shows its whsec_ signing secret once, never again', async () => {
    const res = await create(alice.headers, {
      url: 'https://hooks.example.com/frontload',
      description: 'team alerts',
      eventTypes: ['overload.tripped', 'overload.cleared'],
    });
    expect(res.statusCode).toBe(201);
    const body = res.json<{ id: string; secret: string; format: string; enabled: boolean }>();
    expect(body.secret).toMatch(/^whsec_[A-Za-z0-9+/=]{40,}$/);
    expect(body).toMatchObject({ format: 'json', enabled: true });
    const again = await t.app.inject({
      method: 'GET',
      url: `/api/v1/webhooks/${body.id}`,
      headers: alice.headers,
    });
    expect(again.body).not.toContain(body.secret);
    const stored = await t.db.query<{ sealed_secrets: string }>(
      'select sealed_secrets from webhook_endpoints where id = $1',
      [body.id],
    );
    expect(stored.rows[0]?.sealed_secrets).not.toContain(body.secret.slice(6));
  });

  it.each([
    ['an invalid URL', { url: 'not a url', eventTypes: ['overload.tripped'] }, 'FL_WEBHOOK_URL_REFUSED'],
    [
      'a non-https URL',
      { url: 'http://hooks.example.com/x', eventTypes: ['overload.tripped'] },
      'FL_WEBHOOK_URL_REFUSED',
    ],
    [
      'a loopback target',
      { url: 'https://127.0.0.1/x', eventTypes: ['overload.tripped'] },
      'FL_WEBHOOK_URL_REFUSED',
    ],
    [
      'a private target',
      { url: 'https://10.1.2.3/x', eventTypes: ['overload.tripped'] },
      'FL_WEBHOOK_URL_REFUSED',
    ],
    [
      'the cloud metadata address',
      { url: 'https://169.254.169.254/latest', eventTypes: ['overload.tripped'] },
      'FL_WEBHOOK_URL_REFUSED',
    ],
    [
      'an IPv4-mapped IPv6 loopback',
      { url: 'https://[::ffff:127.0.0.1]/x', eventTypes: ['overload.tripped'] },
      'FL_WEBHOOK_URL_REFUSED',
    ],
    [
      'localhost by name',
      { url: 'https://localhost/x', eventTypes: ['overload.tripped'] },
      'FL_WEBHOOK_URL_REFUSED',
    ],
    [
      'an unknown event type',
      { url: 'https://hooks.example.com/x', eventTypes: ['calendar.exploded'] },
      'FL_VALIDATION_FAILED',
    ],
    [
      'an oversized description',
      { url: 'https://hooks.example.com/x', eventTypes: ['overload.tripped'], description: 'x'.repeat(501) },
      'FL_VALIDATION_FAILED',
    ],
    [
      'an unknown field',
      { url: 'https://hooks.example.com/x', eventTypes: ['overload.tripped'], secret: 'mine' },
      'FL_VALIDATION_FAILED',
    ],
  ])('refuses %s with a 400 and a stable code, storing nothing', async (_name, payload, code) => {
    const before = await count();
    const res = await create(alice.headers, payload);
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ code });
    expect(await count()).toBe(before);
  });

  it('rotates the secret: the new one is shown once and the old one keeps signing for an overlap', async () => {
    const created = (
      await create(alice.headers, { url: 'https://hooks.example.com/r', eventTypes: ['overload.tripped'] })
    ).json<{
      id: string;
      secret: string;
    }>();
    const res = await t.app.inject({
      method: 'POST',
      url: `/api/v1/webhooks/${created.id}/rotate-secret`,
      headers: alice.headers,
    });
    expect(res.statusCode).toBe(200);
    const rotated = res.json<{ secret: string; previousSecretValidUntil: string }>();
    expect(rotated.secret).not.toBe(created.secret);
    expect(Date.parse(rotated.previousSecretValidUntil)).toBeGreaterThan(Date.now() + 23 * 3600_000);
  });

  it('disables and re-enables an endpoint', async () => {
    const { id } = (
      await create(alice.headers, { url: 'https://hooks.example.com/d', eventTypes: ['connection.lost'] })
    ).json<{ id: string }>();
    const off = await t.app.inject({
      method: 'PATCH',
      url: `/api/v1/webhooks/${id}`,
      headers: alice.headers,
      payload: { enabled: false },
    });
    expect(off.json()).toMatchObject({ enabled: false, disabledReason: 'disabled by the user' });
    const on = await t.app.inject({
      method: 'PATCH',
      url: `/api/v1/webhooks/${id}`,
      headers: alice.headers,
      payload: { enabled: true },
    });
    expect(on.json()).toMatchObject({ enabled: true, disabledReason: null });
  });

  it('never lets another user see, change, test or delete an endpoint', async () => {
    const { id } = (
      await create(alice.headers, {
        url: 'https://hooks.example.com/private',
        eventTypes: ['overload.tripped'],
      })
    ).json<{ id: string }>();
    const list = await t.app.inject({
      method: 'GET',
      url: '/api/v1/webhooks',
      headers: bob.headers,
    });
    expect(list.json<{ endpoints: unknown[] }>().endpoints).toEqual([]);
    for (const [method, url] of [
      ['GET', `/api/v1/webhooks/${id}`],
      ['POST', `/api/v1/webhooks/${id}/test`],
      ['POST', `/api/v1/webhooks/${id}/rotate-secret`],
      ['GET', `/api/v1/webhooks/${id}/deliveries`],
      ['DELETE', `/api/v1/webhooks/${id}`],
    ] as const) {
      const res = await t.app.inject({ method, url, headers: bob.headers });
      expect(res.statusCode, `${method} ${url}`).toBe(404);
    }
    expect(
      (
        await t.app.inject({
          method: 'GET',
          url: `/api/v1/webhooks/${id}`,
          headers: alice.headers,
        })
      ).statusCode,
    ).toBe(200);
  });

  it('queues a test-send as a recorded delivery', async () => {
    const { id } = (
      await create(alice.headers, { url: 'https://hooks.example.com/t', eventTypes: ['overload.tripped'] })
    ).json<{ id: string }>();
    const res = await t.app.inject({
      method: 'POST',
      url: `/api/v1/webhooks/${id}/test`,
      headers: alice.headers,
    });
    expect(res.statusCode).toBe(202);
    expect(res.json()).toMatchObject({ eventType: 'webhook.test', status: 'pending', attempts: 0 });
    const log = await t.app.inject({
      method: 'GET',
      url: `/api/v1/webhooks/${id}/deliveries`,
      headers: alice.headers,
    });
    expect(log.json<{ deliveries: { eventType: string }[] }>().deliveries.map((d) => d.eventType)).toEqual([
      'webhook.test',
    ]);
  });
});

describe('webhook redelivery of a delivery whose job was lost', () => {
  let t: TestApp;
  let alice: { userId: string; cookie: string; headers: Record<string, string> };

  beforeAll(async () => {
    t = await buildTestApp();
    alice = await t.signIn('alice@example.com');
  });
  afterAll(() => t.close());

  it('refuses a pending delivery still being attempted (409) and redelivers one stuck past its deadline (202)', async () => {
    const { id } = (
      await t.app.inject({
        method: 'POST',
        url: '/api/v1/webhooks',
        headers: alice.headers,
        payload: { url: 'https://hooks.example.com/r', eventTypes: ['overload.tripped'] },
      })
    ).json<{ id: string }>();
    const sent = await t.app.inject({
      method: 'POST',
      url: `/api/v1/webhooks/${id}/test`,
      headers: alice.headers,
    });
    const deliveryId = sent.json<{ id: string }>().id;
    const redeliver = () =>
      t.app.inject({
        method: 'POST',
        url: `/api/v1/webhooks/${id}/deliveries/${deliveryId}/redeliver`,
        headers: alice.headers,
      });

    const fresh = await redeliver();
    expect(fresh.statusCode).toBe(409);
    expect(fresh.json()).toMatchObject({ code: 'FL_CONFLICT' });

    // Its job was lost (Redis lost its data) and the attempt is now long past due.
    await t.db.query(`update webhook_deliveries set created_at = now() - interval '1 hour' where id = $1`, [
      deliveryId,
    ]);
    const stuck = await redeliver();
    expect(stuck.statusCode).toBe(202);
    const redis = testRedisClient();
    const queue = new Queue('notify', { connection: redis, prefix: t.prefix });
    try {
      const jobs = await queue.getJobs(['waiting', 'delayed', 'prioritized']);
      expect(jobs.filter((j) => j.data.deliveryId === deliveryId && j.data.redelivery)).toHaveLength(1);
    } finally {
      await queue.close();
      await redis.quit();
    }
    // Due again now: a second redelivery right away is refused until that attempt is overdue too.
    expect((await redeliver()).statusCode).toBe(409);
  });
});
