import type { UserEvent } from '@frontload/jobs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Received } from '../../../test/sse-client.js';
import { buildTestApp, type TestApp } from '../../../test/test-app.js';

type Session = Awaited<ReturnType<TestApp['signIn']>>;
import { MAX_STREAMS_PER_USER } from './stream.js';

const change = (data: Partial<UserEvent>) => (r: Received) =>
  r.event === 'change' &&
  Object.entries(data).every(([k, v]) => (r.data as Record<string, unknown>)[k] === v);

describe('live event stream (GET /api/v1/stream)', () => {
  let t: TestApp;
  let alice: Session;
  let bob: Session;
  const open = (cookie?: string) => t.stream(cookie);

  beforeAll(async () => {
    t = await buildTestApp();
    alice = await t.signIn('alice@example.com');
    bob = await t.signIn('bob@example.com');
  });

  afterAll(async () => {
    await t?.close();
  });

  it('a signed-in page hears its own user’s events, and another user’s page hears none of them', async () => {
    const alicePage = await open(alice.cookie);
    const bobPage = await open(bob.cookie);
    expect(alicePage.status).toBe(200);
    await alicePage.next((r) => r.event === 'ready');
    await bobPage.next((r) => r.event === 'ready');

    await t.producers.notifyUser(alice.userId, { kind: 'plan', outcome: 'stored', planId: 'plan-a' });
    await t.producers.notifyUser(bob.userId, {
      kind: 'run',
      runId: 'run-b',
      state: 'applying',
      done: 1,
      total: 3,
    });
    await t.producers.notifyUser(alice.userId, { kind: 'alerts' });

    await alicePage.next(change({ kind: 'alerts' }));
    await bobPage.next(change({ kind: 'run', runId: 'run-b' }));
    expect(alicePage.received.filter((r) => r.event === 'change').map((r) => r.data)).toEqual([
      { kind: 'plan', outcome: 'stored', planId: 'plan-a' },
      { kind: 'alerts' },
    ]);
    expect(bobPage.received.filter((r) => r.event === 'change').map((r) => r.data)).toEqual([
      { kind: 'run', runId: 'run-b', state: 'applying', done: 1, total: 3 },
    ]);
  });

  it('without a session the stream is refused with 401 and nothing is sent', async () => {
    const stranger = await open();
    expect(stranger.status).toBe(401);
    expect(stranger.received).toEqual([]);
    const forged = await open('fl_session=not-a-session');
    expect(forged.status).toBe(401);
  });

  it('a message on the user’s channel that is not one of ours is dropped, the next one still arrives', async () => {
    const page = await open(alice.cookie);
    await page.next((r) => r.event === 'ready');
    const channel = `${t.prefix}:user-events:${alice.userId}`;
    await t.redis.publish(channel, 'not json');
    await t.redis.publish(
      channel,
      JSON.stringify({ kind: 'plan', outcome: 'stored', planId: 'x', extra: '<b>' }),
    );
    await t.redis.publish(channel, JSON.stringify({ kind: 'calendar', connectionId: 'conn-1' }));
    await page.next(change({ kind: 'calendar' }));
    expect(page.received.filter((r) => r.event === 'change').map((r) => r.data)).toEqual([
      { kind: 'calendar', connectionId: 'conn-1' },
    ]);
  });

  it('a settings change is announced to the user’s other pages, naming the page that made it', async () => {
    const other = await open(alice.cookie);
    await other.next((r) => r.event === 'ready');
    const res = await t.app.inject({
      method: 'PATCH',
      url: '/api/v1/people/sam@example.com',
      headers: { ...alice.headers, 'x-fl-page': 'page-1' },
      payload: { protected: true },
    });
    expect(res.statusCode).toBe(200);
    await other.next(change({ kind: 'settings' }));
    expect(other.received.filter((r) => r.event === 'change').map((r) => r.data)).toEqual([
      { kind: 'settings', section: 'people', origin: 'page-1' },
    ]);

    // A refused write changed nothing and is not announced.
    const refused = await t.app.inject({
      method: 'PATCH',
      url: '/api/v1/people/sam@example.com',
      headers: alice.headers,
      payload: { protected: 'yes' },
    });
    expect(refused.statusCode).toBe(400);
    await t.producers.notifyUser(alice.userId, { kind: 'alerts' });
    await other.next(change({ kind: 'alerts' }));
    expect(other.received.filter(change({ kind: 'settings' }))).toHaveLength(1);
  });

  it(`one user may hold ${MAX_STREAMS_PER_USER} streams at once; one more is refused with 409 FL_LIMIT_REACHED`, async () => {
    const carol = await t.signIn('carol@example.com');
    const pages = [];
    for (let i = 0; i < MAX_STREAMS_PER_USER; i++) pages.push(await open(carol.cookie));
    await Promise.all(pages.map((p) => p.next((r) => r.event === 'ready')));
    const res = await t.app.inject({
      method: 'GET',
      url: '/api/v1/stream',
      headers: { accept: 'text/event-stream', cookie: carol.cookie },
    });
    expect(res.statusCode).toBe(409);
    expect(res.json<{ code: string }>().code).toBe('FL_LIMIT_REACHED');
    // Closing a tab frees its place.
    pages[0]!.close();
    await expect
      .poll(async () => {
        const again = await t.stream(carol.cookie);
        again.close();
        return again.status;
      })
      .toBe(200);
  });
});
