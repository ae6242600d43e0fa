import { repositories } from '@frontload/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedMirror } from '../../test/seed-mirror.js';
import { buildTestApp, type TestApp } from '../../test/test-app.js';
import { matchesIfNoneMatch } from './etag.js';

type Session = Awaited<ReturnType<TestApp['signIn']>>;

describe('conditional GET: the reads the settings page polls answer 304 until they change', () => {
  let t: TestApp;
  let alice: Session;
  let connectionId: string;

  beforeAll(async () => {
    t = await buildTestApp();
    alice = await t.signIn('alice@example.com');
    connectionId = await seedMirror(t.db, alice.userId, 'alice@example.com', [
      {
        id: 'one',
        title: 'Alice / Sam',
        start: '2026-03-09T10:00:00Z',
        end: '2026-03-09T10:30:00Z',
        attendees: [{ email: 'alice@example.com', self: true }, { email: 'sam@example.com' }],
      },
    ]);
  });
  afterAll(() => t.close());

  const get = (url: string, etag?: string) =>
    t.app.inject({
      method: 'GET',
      url,
      headers: { ...alice.headers, ...(etag ? { 'if-none-match': etag } : {}) },
    });

  /** Asks twice: the second ask, naming the first answer's ETag, must be an empty 304. */
  async function expectUnchanged(url: string): Promise<string> {
    const first = await get(url);
    expect(first.statusCode).toBe(200);
    const etag = first.headers.etag as string;
    expect(etag).toMatch(/^W\/".+"$/);
    const again = await get(url, etag);
    expect(again.statusCode).toBe(304);
    expect(again.body).toBe('');
    return etag;
  }

  it('GET /plan: 304 while the preview is the same, 200 with a new ETag once a new plan is stored', async () => {
    expect((await get('/api/v1/plan')).statusCode).toBe(404);
    const store = (key: string) =>
      repositories(t.db).plans.create({
        userId: alice.userId,
        inputsHash: key,
        horizon: { start: new Date(), end: new Date(Date.now() + 14 * 86_400_000) },
        notes: [],
        metrics: { weeks: [] },
        state: 'preview',
        operations: [],
      });
    await store('first');
    const etag = await expectUnchanged('/api/v1/plan');
    const newer = await store('second');
    const changed = await get('/api/v1/plan', etag);
    expect(changed.statusCode).toBe(200);
    expect(changed.json()).toMatchObject({ id: newer.id });
    expect(changed.headers.etag).not.toBe(etag);
  });

  it('GET /connections: 304 while nothing changed, 200 once the first sync marks the connection healthy', async () => {
    const etag = await expectUnchanged('/api/v1/connections');
    await repositories(t.db).connections.setStatus(connectionId, 'healthy');
    const changed = await get('/api/v1/connections', etag);
    expect(changed.statusCode).toBe(200);
    expect(changed.json().connections[0]).toMatchObject({ status: 'healthy' });
  });

  it('GET /events: 304 for the same week, 200 once the mirror holds a new event in it', async () => {
    const url = '/api/v1/events?from=2026-03-09T00:00:00Z&to=2026-03-16T00:00:00Z';
    const etag = await expectUnchanged(url);
    await t.db.query(
      `insert into events (connection_id, provider_event_id, kind, starts_at, ends_at, status, title,
         organizer_is_self, attendees)
       values ($1, 'two', 'single', '2026-03-10T10:00:00Z', '2026-03-10T11:00:00Z', 'confirmed', 'New', true, '[]'::jsonb)`,
      [connectionId],
    );
    const changed = await get(url, etag);
    expect(changed.statusCode).toBe(200);
    expect(changed.json().events.map((e: { id: string }) => e.id)).toEqual(['one', 'two']);
  });

  it('another user never gets a 304 for an ETag of someone else’s answer', async () => {
    const etag = (await get('/api/v1/connections')).headers.etag as string;
    const bob = await t.signIn('bob@example.com');
    const res = await t.app.inject({
      method: 'GET',
      url: '/api/v1/connections',
      headers: { ...bob.headers, 'if-none-match': etag },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ connections: [] });
  });

  it('reads If-None-Match lists, weak tags and the wildcard', () => {
    expect(matchesIfNoneMatch('"a", W/"b"', 'W/"b"')).toBe(true);
    expect(matchesIfNoneMatch('"b"', 'W/"b"')).toBe(true);
    expect(matchesIfNoneMatch('*', 'W/"b"')).toBe(true);
    expect(matchesIfNoneMatch('W/"c"', 'W/"b"')).toBe(false);
    expect(matchesIfNoneMatch(undefined, 'W/"b"')).toBe(false);
  });
});
