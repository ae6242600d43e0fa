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

describe('the calendar Frontload writes to', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await buildTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  async function twoCalendars(email: string) {
    const { userId, headers } = await t.signIn(email);
    const repos = repositories(t.db);
    const add = async (provider: 'google' | 'microsoft', subject: string) => {
      const { row } = await repos.connections.upsert({
        userId,
        provider,
        accountSubject: subject,
        accountEmail: `${subject}@example.test`,
        sealedTokens: 'v1.x',
        scopes: [],
      });
      await t.db.query(`update connections set status = 'healthy' where id = $1`, [row.id]);
      return row.id;
    };
    const first = await add('google', `${email}-g`);
    const second = await add('microsoft', `${email}-m`);
    return { userId, headers, first, second };
  }
  const writers = async (headers: Record<string, string>) =>
    (await t.app.inject({ method: 'GET', url: '/api/v1/connections', headers }))
      .json<{ connections: { id: string; writesHere: boolean }[] }>()
      .connections.filter((c) => c.writesHere)
      .map((c) => c.id);

  it('is the first connected calendar until the user picks another, which then takes every write and replans', async () => {
    const { userId, headers, first, second } = await twoCalendars('two@example.test');
    expect(await writers(headers)).toEqual([first]);
    expect((await repositories(t.db).connections.forPlanning(userId)).write?.id).toBe(first);

    const res = await t.app.inject({
      method: 'PATCH',
      url: `/api/v1/connections/${second}`,
      headers,
      payload: { writesHere: true },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ id: second, writesHere: true });
    expect(await writers(headers)).toEqual([second]);
    const planning = await repositories(t.db).connections.forPlanning(userId);
    expect([planning.write?.id, planning.busyOnly.map((c) => c.id)]).toEqual([second, [first]]);
    const redis = new Redis('redis://127.0.0.1:6379');
    const q = new Queue('plan', { connection: redis, prefix: t.prefix });
    const queued = await q.getJobs(['waiting', 'delayed', 'prioritized']);
    await q.obliterate({ force: true });
    await q.close();
    redis.disconnect();
    expect(queued.some((j) => (j.data as { userId: string }).userId === userId)).toBe(true);

    // Disconnecting the chosen calendar hands the writes back to the first connected.
    await t.app.inject({ method: 'DELETE', url: `/api/v1/connections/${second}`, headers });
    expect(await writers(headers)).toEqual([first]);
  });

  it("refuses another user's calendar, a disconnected one and a malformed body, changing nothing", async () => {
    const mine = await twoCalendars('mine@example.test');
    const theirs = await twoCalendars('theirs@example.test');
    const patch = (id: string, payload: Record<string, unknown>) =>
      t.app.inject({ method: 'PATCH', url: `/api/v1/connections/${id}`, headers: mine.headers, payload });
    const foreign = await patch(theirs.second, { writesHere: true });
    expect([foreign.statusCode, foreign.json().code]).toEqual([404, 'FL_NOT_FOUND']);
    const bad = await patch(mine.second, { writesHere: false });
    expect([bad.statusCode, bad.json().code]).toEqual([400, 'FL_VALIDATION_FAILED']);
    await t.db.query(`update connections set status = 'disconnected' where id = $1`, [mine.second]);
    const gone = await patch(mine.second, { writesHere: true });
    expect([gone.statusCode, gone.json().code]).toEqual([409, 'FL_CONFLICT']);
    expect(await writers(mine.headers)).toEqual([mine.first]);
    expect(await writers(theirs.headers)).toEqual([theirs.first]);
  });
});
