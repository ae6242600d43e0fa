/**
 * The live event stream tells each user only of their own changes: a signed-in attacker who names
 * another user in the query, a header or the path still hears only their own channel; a stream
 * without a session, or with another user's API-token-shaped guess, is refused; a session that ends
 * hears nothing more once its stream's lifetime is over, because the reconnect is refused.
 */
import { buildTestApp, type TestApp } from '@frontload/api/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

describe('security: one user’s live stream never carries another user’s events', () => {
  let t: TestApp;
  let alice: Awaited<ReturnType<TestApp['signIn']>>;
  let mallory: Awaited<ReturnType<TestApp['signIn']>>;
  const open = (...args: Parameters<TestApp['stream']>) => t.stream(...args);

  beforeAll(async () => {
    t = await buildTestApp({ streamLifetimeMs: 1_500 });
    alice = await t.signIn('alice@example.com');
    mallory = await t.signIn('mallory@example.com');
  });
  afterAll(async () => {
    await t?.close();
  });

  it('naming Alice in the query or a header gives Mallory her own stream, which hears nothing of Alice', async () => {
    const attempts = [
      await open(mallory.cookie, { path: `/api/v1/stream?userId=${alice.userId}` }),
      await open(mallory.cookie, { headers: { 'x-user-id': alice.userId, 'x-fl-page': alice.userId } }),
    ];
    for (const stream of attempts) await stream.next((r) => r.event === 'ready');
    await t.producers.notifyUser(alice.userId, { kind: 'alerts' });
    await t.producers.notifyUser(mallory.userId, { kind: 'plan', outcome: 'unchanged' });
    for (const stream of attempts) {
      await stream.next((r) => r.event === 'change');
      expect(stream.received.filter((r) => r.event === 'change').map((r) => r.data)).toEqual([
        { kind: 'plan', outcome: 'unchanged' },
      ]);
    }
    const byPath = await open(mallory.cookie, { path: `/api/v1/stream/${alice.userId}` });
    expect(byPath.status).toBe(404);
  });

  it('a stream without a valid session, or with a made-up API token, is refused with 401', async () => {
    expect((await open()).status).toBe(401);
    expect((await open('fl_session=guess')).status).toBe(401);
    const token = await open(undefined, { headers: { authorization: 'Bearer flp_guess' } });
    expect(token.status).toBe(401);
  });

  it('after Alice signs out, her open stream ends within its lifetime and cannot be opened again', async () => {
    const stream = await open(alice.cookie);
    await stream.next((r) => r.event === 'ready');
    const out = await t.app.inject({ method: 'POST', url: '/api/v1/logout', headers: alice.headers });
    expect(out.statusCode).toBeLessThan(300);
    // The lifetime (1.5 s here) ends the stream; the browser would connect again, and is refused.
    await expect.poll(() => stream.ended, { timeout: 5_000 }).toBe(true);
    expect((await open(alice.cookie)).status).toBe(401);
    await t.producers.notifyUser(alice.userId, { kind: 'alerts' });
    expect(stream.received.filter((r) => r.event === 'change')).toEqual([]);
  });
});
