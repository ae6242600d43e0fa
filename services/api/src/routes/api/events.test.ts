import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedMirror } from '../../../test/seed-mirror.js';
import { buildTestApp, type TestApp } from '../../../test/test-app.js';

type Session = Awaited<ReturnType<TestApp['signIn']>>;

describe('calendar view API: mirror events in a window, and the audit log', () => {
  let t: TestApp;
  let alice: Session;
  let bob: Session;

  beforeAll(async () => {
    t = await buildTestApp();
    alice = await t.signIn('alice@example.com');
    bob = await t.signIn('bob@example.com');
    const me = { email: 'alice@example.com', self: true };
    await seedMirror(t.db, alice.userId, 'alice@example.com', [
      {
        id: 'in',
        title: 'Alice / Sam',
        start: '2026-03-09T10:00:00Z',
        end: '2026-03-09T10:30:00Z',
        attendees: [me, { email: 'sam@example.com' }, { email: 'room@example.com', resource: true }],
      },
      {
        // 9–10 March in Tokyo: midnight there is 15:00 UTC the day before.
        id: 'offsite',
        title: 'Offsite',
        start: '2026-03-08T15:00:00Z',
        end: '2026-03-10T15:00:00Z',
        allDay: { startDate: '2026-03-09', endDate: '2026-03-11' },
        attendees: [me],
      },
      {
        id: 'out',
        title: 'Later',
        start: '2026-04-09T10:00:00Z',
        end: '2026-04-09T10:30:00Z',
        attendees: [me],
      },
    ]);
  });
  afterAll(() => t.close());

  const events = (s: Session, from: string, to: string) =>
    t.app.inject({ method: 'GET', url: `/api/v1/events?from=${from}&to=${to}`, headers: s.headers });

  it("lists the caller's events overlapping the window with only the other people's addresses", async () => {
    const res = await events(alice, '2026-03-09T00:00:00Z', '2026-03-16T00:00:00Z');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      events: [
        expect.objectContaining({ id: 'offsite', allDay: true }),
        expect.objectContaining({
          id: 'in',
          title: 'Alice / Sam',
          start: '2026-03-09T10:00:00.000Z',
          end: '2026-03-09T10:30:00.000Z',
          allDay: false,
          allDayDates: null,
          tag: null,
          others: ['sam@example.com'],
        }),
      ],
    });
  });

  it('gives an all-day event its dates as the calendar holds them, not only instants', async () => {
    const res = await events(alice, '2026-03-09T00:00:00Z', '2026-03-16T00:00:00Z');
    const offsite = res.json<{ events: { id: string }[] }>().events.find((e) => e.id === 'offsite');
    expect(offsite).toMatchObject({
      start: '2026-03-08T15:00:00.000Z',
      allDay: true,
      allDayDates: { start: '2026-03-09', end: '2026-03-11' },
    });
  });

  it("never shows one user's mirror to another", async () => {
    const res = await events(bob, '2026-03-09T00:00:00Z', '2026-03-16T00:00:00Z');
    expect(res.json()).toEqual({ events: [] });
  });

  it('refuses a reversed or over-long window and malformed instants', async () => {
    for (const [from, to] of [
      ['2026-03-16T00:00:00Z', '2026-03-09T00:00:00Z'],
      ['2026-01-01T00:00:00Z', '2026-03-09T00:00:00Z'],
      ['yesterday', '2026-03-09T00:00:00Z'],
    ] as const) {
      const res = await events(alice, from, to);
      expect(res.statusCode, `${from}..${to}`).toBe(400);
      expect(res.json()).toMatchObject({ code: 'FL_VALIDATION_FAILED' });
    }
  });

  it("shows the caller's own audit entries, newest first, and none of another user's", async () => {
    await t.app.inject({
      method: 'PATCH',
      url: '/api/v1/mode',
      headers: alice.headers,
      payload: { mode: 'autopilot' },
    });
    await t.app.inject({
      method: 'PATCH',
      url: '/api/v1/mode',
      headers: alice.headers,
      payload: { mode: 'preview' },
    });
    const mine = await t.app.inject({ method: 'GET', url: '/api/v1/audit', headers: alice.headers });
    const entries = mine.json<{ entries: { action: string; details: { mode?: string } }[] }>().entries;
    expect(entries.map((e) => [e.action, e.details.mode])).toEqual([
      ['mode.changed', 'preview'],
      ['mode.changed', 'autopilot'],
    ]);
    const theirs = await t.app.inject({ method: 'GET', url: '/api/v1/audit', headers: bob.headers });
    expect(theirs.json()).toEqual({ entries: [] });
  });
});
