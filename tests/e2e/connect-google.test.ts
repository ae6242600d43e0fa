/**
 * Sign-in and calendar connect through the sandbox's real Google consent page: PKCE verified by the
 * sandbox, tokens sealed at rest, the connection created once, its first sync queued, a session opened.
 */
import { buildTestApp, type TestApp } from '@frontload/api/testing';
import { startSandbox, type RunningSandbox } from '@frontload/testing';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/** Follows the API's redirect to the consent page, picks the account, and answers Allow or Deny. */
async function consent(t: TestApp, decision: 'allow' | 'deny', cookie?: string) {
  const start = await t.app.inject({
    method: 'GET',
    url: '/auth/google/start',
    headers: cookie ? { cookie } : {},
  });
  expect(start.statusCode).toBe(302);
  // The nonce cookie binds the flow to this browser; the callback must carry it.
  const nonce = start.cookies.find((c) => c.name === 'fl_oauth')!;
  const browserCookie = [cookie, `${nonce.name}=${nonce.value}`].filter(Boolean).join('; ');
  const authorizeUrl = new URL(start.headers.location as string);
  expect(authorizeUrl.searchParams.get('code_challenge_method')).toBe('S256');
  const page = await fetch(authorizeUrl);
  const html = await page.text();
  const action = new URL(
    /<form method="post" action="([^"]+)"/.exec(html)![1]!.replaceAll('&amp;', '&'),
    authorizeUrl,
  );
  const form = new URLSearchParams({
    consent: /name="consent" value="([^"]+)"/.exec(html)![1]!,
    account: /name="account" value="([^"]+)"/.exec(html)![1]!,
    decision,
  });
  const answer = await fetch(action, { method: 'POST', body: form, redirect: 'manual' });
  expect(answer.status).toBeGreaterThanOrEqual(300);
  const callback = new URL(answer.headers.get('location')!);
  expect(callback.pathname).toBe('/auth/google/callback');
  return {
    callbackPath: `${callback.pathname}${callback.search}`,
    state: callback.searchParams.get('state')!,
    headers: { cookie: browserCookie },
  };
}

describe('connect Google through the sandbox consent page', () => {
  let sandbox: RunningSandbox;
  let t: TestApp;
  let redis: Redis;

  beforeAll(async () => {
    sandbox = await startSandbox();
    await sandbox.createAccount({
      provider: 'google',
      email: 'alex@sandbox.test',
      name: 'Alex Rivera',
      timeZone: 'Europe/Berlin',
    });
    t = await buildTestApp({ sandboxUrl: sandbox.url });
    redis = new Redis('redis://127.0.0.1:6379');
  });
  afterAll(async () => {
    redis.disconnect();
    await t.close();
    await sandbox.close();
  });

  it('signs the user in, stores sealed tokens, and queues exactly one initial sync', async () => {
    const { callbackPath, headers } = await consent(t, 'allow');
    const res = await t.app.inject({ method: 'GET', url: callbackPath, headers });
    expect(res.statusCode, res.body).toBe(303);
    expect(res.headers.location).toBe('/');
    const cookie = [res.headers['set-cookie']].flat().find((c) => c?.startsWith('fl_session='));
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);

    const me = await t.app.inject({
      method: 'GET',
      url: '/api/v1/connections',
      headers: { cookie: cookie!.split(';')[0]! },
    });
    const [connection] = me.json<{
      connections: { id: string; provider: string; accountEmail: string; status: string }[];
    }>().connections;
    expect(connection).toMatchObject({
      provider: 'google',
      accountEmail: 'alex@sandbox.test',
      status: 'syncing',
    });

    const stored = await t.db.query<{ sealed_tokens: string }>('select sealed_tokens from connections');
    expect(stored.rows[0]?.sealed_tokens).toMatch(/^v1\./);
    expect(stored.rows[0]?.sealed_tokens).not.toMatch(/refresh|access/i);

    const queue = new Queue('sync', { connection: redis, prefix: t.prefix });
    const jobs = await queue.getJobs(['waiting', 'delayed', 'prioritized']);
    await queue.close();
    expect(jobs.map((j) => j.data)).toEqual([{ connectionId: connection!.id, reason: 'initial' }]);
  });

  it('connecting the same account again updates its tokens instead of adding a connection', async () => {
    const { callbackPath, headers } = await consent(t, 'allow');
    expect((await t.app.inject({ method: 'GET', url: callbackPath, headers })).statusCode).toBe(303);
    const { rows } = await t.db.query<{ n: number }>('select count(*)::int as n from connections');
    expect(rows[0]?.n).toBe(1);
  });

  it('refuses a replayed callback (the state is single-use) and changes nothing', async () => {
    const { callbackPath, headers } = await consent(t, 'allow');
    expect((await t.app.inject({ method: 'GET', url: callbackPath, headers })).statusCode).toBe(303);
    const replay = await t.app.inject({ method: 'GET', url: callbackPath, headers });
    expect(replay.statusCode).toBe(400);
    expect(replay.json()).toMatchObject({ code: 'FL_OAUTH_STATE_INVALID' });
  });

  it('answers Deny on the consent page with a coded 400 and creates nothing', async () => {
    const before = await t.db.query<{ n: number }>('select count(*)::int as n from users');
    const { callbackPath, headers } = await consent(t, 'deny');
    const res = await t.app.inject({ method: 'GET', url: callbackPath, headers });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ code: 'FL_OAUTH_DENIED' });
    const after = await t.db.query<{ n: number }>('select count(*)::int as n from users');
    expect(after.rows[0]?.n).toBe(before.rows[0]?.n);
  });

  it('refuses a tampered state, and an unknown provider, with stable codes', async () => {
    const { callbackPath, state, headers } = await consent(t, 'allow');
    const tampered = callbackPath.replace(`state=${encodeURIComponent(state)}`, 'state=forged-state');
    expect((await t.app.inject({ method: 'GET', url: tampered, headers })).json()).toMatchObject({
      code: 'FL_OAUTH_STATE_INVALID',
    });
    const unknown = await t.app.inject({ method: 'GET', url: '/auth/yahoo/start' });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json()).toMatchObject({ code: 'FL_UNKNOWN_PROVIDER' });
  });
});
