import { repositories } from '@frontload/db';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../../../test/test-app.js';

describe('DELETE /api/v1/connections/:id', () => {
  let t: TestApp;
  let redis: Redis;

  beforeAll(async () => {
    t = await buildTestApp();
    redis = new Redis('redis://127.0.0.1:6379');
  });
  afterAll(async () => {
    const q = new Queue('maintenance', { connection: redis, prefix: t.prefix });
    await q.obliterate({ force: true });
    await q.close();
    redis.disconnect();
    await t.close();
  });

  async function connectionOf(email: string) {
    const { userId, headers } = await t.signIn(email);
    const { row } = await repositories(t.db).connections.upsert({
      userId,
      provider: 'google',
      accountSubject: email,
      accountEmail: email,
      sealedTokens: 'v1.x',
      scopes: [],
    });
    return { headers, id: row.id };
  }

  it("marks the caller's connection disconnected at once and queues its cleanup job", async () => {
    const { headers, id } = await connectionOf('owner@example.test');
    const res = await t.app.inject({ method: 'DELETE', url: `/api/v1/connections/${id}`, headers });
    expect(res.statusCode).toBe(202);
    expect(res.json()).toMatchObject({ id, status: 'disconnected' });
    expect((await repositories(t.db).connections.byId(id))?.status).toBe('disconnected');
    const q = new Queue('maintenance', { connection: redis, prefix: t.prefix });
    const jobs = await q.getJobs(['waiting']);
    await q.close();
    expect(jobs.map((j) => [j.name, j.data])).toEqual([['disconnect', { connectionId: id }]]);
  });

  it('stores the wish to remove our focus blocks with the connection; a malformed wish is refused and changes nothing', async () => {
    const { headers, id } = await connectionOf('tidy@example.test');
    const bad = await t.app.inject({
      method: 'DELETE',
      url: `/api/v1/connections/${id}?removeFocusBlocks=yes`,
      headers,
    });
    expect([bad.statusCode, bad.json().code]).toEqual([400, 'FL_VALIDATION_FAILED']);
    expect((await repositories(t.db).connections.byId(id))?.status).toBe('syncing');
    const res = await t.app.inject({
      method: 'DELETE',
      url: `/api/v1/connections/${id}?removeFocusBlocks=true`,
      headers,
    });
    expect(res.statusCode).toBe(202);
    expect(await repositories(t.db).connections.byId(id)).toMatchObject({
      status: 'disconnected',
      remove_managed_events: true,
    });
  });

  it("answers 404 for another user's connection and changes nothing", async () => {
    const victim = await connectionOf('victim@example.test');
    const { headers } = await t.signIn('attacker@example.test');
    const res = await t.app.inject({ method: 'DELETE', url: `/api/v1/connections/${victim.id}`, headers });
    expect([res.statusCode, res.json().code]).toEqual([404, 'FL_NOT_FOUND']);
    expect((await repositories(t.db).connections.byId(victim.id))?.status).toBe('syncing');
    const anonymous = await t.app.inject({ method: 'DELETE', url: `/api/v1/connections/${victim.id}` });
    expect(anonymous.statusCode).toBe(401);
  });
});
