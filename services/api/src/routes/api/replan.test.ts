/**
 * Settings changes replan and make the old preview unappliable; a too-old preview is refused; the
 * user's overrides are listed and handed back. Real Postgres and Redis (the plan queue is read back).
 */
import { DEFAULT_PREFERENCES } from '@frontload/domain';
import { intentRepository, repositories } from '@frontload/db';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../../../test/test-app.js';

describe('settings changes replan; stale and too-old previews are refused', () => {
  let t: TestApp;
  let redis: Redis;
  let alice: { userId: string; cookie: string; headers: Record<string, string> };
  let bob: { userId: string; cookie: string; headers: Record<string, string> };
  let connectionId: string;

  const storePlan = async (userId: string) =>
    repositories(t.db).plans.create({
      userId,
      inputsHash: `h${Math.random()}`,
      horizon: { start: new Date(), end: new Date(Date.now() + 14 * 86_400_000) },
      notes: [],
      metrics: { weeks: [] },
      state: 'preview',
      operations: [
        {
          kind: 'cancelOccurrence',
          connectionId,
          targetEventId: 'occ-priya',
          desired: { kind: 'cancelOccurrence', key: 'c1', eventId: 'occ-priya' },
          reason: 'skip week',
          emails: ['priya@acme.test'],
          key: 'c1',
        },
      ],
    });
  const apply = (planId: string) =>
    t.app.inject({
      method: 'POST',
      url: `/api/v1/plans/${planId}/apply`,
      headers: alice.headers,
      payload: {},
    });
  const planJobs = async () => {
    const queue = new Queue('plan', { connection: redis, prefix: t.prefix });
    try {
      return (await queue.getJobs(['waiting', 'delayed', 'prioritized'])).map(
        (j) => j.data as { userId: string; reason: string },
      );
    } finally {
      await queue.close();
    }
  };
  const clearPlanJobs = async () => {
    const queue = new Queue('plan', { connection: redis, prefix: t.prefix });
    await queue.obliterate({ force: true });
    await queue.close();
  };
  const state = async (planId: string) => (await repositories(t.db).plans.byId(planId))?.state;
  const operationStatuses = async (planId: string) =>
    (await repositories(t.db).plans.operations(planId)).map((o) => o.status);

  beforeAll(async () => {
    t = await buildTestApp();
    redis = new Redis('redis://127.0.0.1:6379', { maxRetriesPerRequest: 1 });
    alice = await t.signIn('alice@example.com');
    bob = await t.signIn('bob@example.com');
    const { row } = await repositories(t.db).connections.upsert({
      userId: alice.userId,
      provider: 'google',
      accountSubject: 'a',
      accountEmail: 'alice@example.com',
      sealedTokens: 'sealed',
      scopes: [],
    });
    connectionId = row.id;
  });
  afterAll(async () => {
    await clearPlanJobs();
    redis.disconnect();
    await t.close();
  });

  it('marking a person protected queues a plan; once the plan it makes replaces the preview, applying the old one answers 409 FL_PLAN_STALE and starts nothing', async () => {
    await clearPlanJobs();
    const plan = await storePlan(alice.userId);
    const marked = await t.app.inject({
      method: 'PATCH',
      url: '/api/v1/people/priya@acme.test',
      headers: alice.headers,
      payload: { protected: true },
    });
    expect(marked.statusCode, marked.body).toBe(200);
    expect(await planJobs()).toEqual([expect.objectContaining({ userId: alice.userId, reason: 'people' })]);
    await storePlan(alice.userId); // what the queued plan stores
    const res = await apply(plan.id);
    expect(res.statusCode).toBe(409);
    expect(res.json()).toMatchObject({ code: 'FL_PLAN_STALE' });
    expect(await state(plan.id)).toBe('superseded');
    expect(await operationStatuses(plan.id)).toEqual(['planned']);
  });

  it('saving preferences queues a plan', async () => {
    await clearPlanJobs();
    const saved = await t.app.inject({
      method: 'PUT',
      url: '/api/v1/preferences',
      headers: alice.headers,
      payload: { ...DEFAULT_PREFERENCES, blastRadius: 7 },
    });
    expect(saved.statusCode, saved.body).toBe(200);
    expect(await planJobs()).toEqual([
      expect.objectContaining({ userId: alice.userId, reason: 'preferences' }),
    ]);
  });

  it('a refused settings change queues no plan', async () => {
    await clearPlanJobs();
    const refused = await t.app.inject({
      method: 'PATCH',
      url: '/api/v1/people/priya@acme.test',
      headers: alice.headers,
      payload: { protected: 'yes' },
    });
    expect(refused.statusCode).toBe(400);
    expect(await planJobs()).toEqual([]);
  });

  it('a preview older than 12 h answers 409 FL_PLAN_TOO_OLD, stays unapplied and a fresh plan is queued', async () => {
    await clearPlanJobs();
    const plan = await storePlan(alice.userId);
    await t.db.query(`update plans set created_at = now() - interval '13 hours' where id = $1`, [plan.id]);
    const res = await apply(plan.id);
    expect(res.statusCode).toBe(409);
    expect(res.json()).toMatchObject({ code: 'FL_PLAN_TOO_OLD' });
    expect(await state(plan.id)).toBe('preview');
    expect(await operationStatuses(plan.id)).toEqual(['planned']);
    expect(await planJobs()).toEqual([expect.objectContaining({ userId: alice.userId })]);
  });

  it('lists overrides in force and hands one back: audited, replanned, and gone from the list; others cannot', async () => {
    await clearPlanJobs();
    const [override] = await intentRepository(t.db).add(alice.userId, [
      {
        connectionId,
        targetId: 'series-bob',
        targetKind: 'series',
        title: '1:1 Bob',
        counterpart: 'bob@acme.test',
        evidenceAt: new Date(),
      },
    ]);
    const list = await t.app.inject({
      method: 'GET',
      url: '/api/v1/overrides',
      headers: { cookie: alice.cookie },
    });
    expect(list.json()).toMatchObject({
      overrides: [{ id: override!.id, title: '1:1 Bob', kind: 'series' }],
    });
    const stranger = await t.app.inject({
      method: 'DELETE',
      url: `/api/v1/overrides/${override!.id}`,
      headers: bob.headers,
    });
    expect(stranger.statusCode).toBe(404);
    expect(await planJobs()).toEqual([]);
    const malformed = await t.app.inject({
      method: 'DELETE',
      url: '/api/v1/overrides/nope',
      headers: alice.headers,
    });
    expect(malformed.statusCode).toBe(400);

    const released = await t.app.inject({
      method: 'DELETE',
      url: `/api/v1/overrides/${override!.id}`,
      headers: alice.headers,
    });
    expect(released.statusCode, released.body).toBe(200);
    expect((await intentRepository(t.db).active(alice.userId)).map((o) => o.id)).toEqual([]);
    expect(await planJobs()).toEqual([expect.objectContaining({ userId: alice.userId, reason: 'people' })]);
    const audit = await repositories(t.db).audit.listForUser(alice.userId);
    expect(audit.find((a) => a.action === 'override.released')?.details).toMatchObject({
      overrideId: override!.id,
      title: '1:1 Bob',
    });
    const again = await t.app.inject({
      method: 'DELETE',
      url: `/api/v1/overrides/${override!.id}`,
      headers: alice.headers,
    });
    expect(again.statusCode).toBe(404);
  });
});
