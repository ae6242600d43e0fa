import { DEFAULT_PREFERENCES } from '@frontload/domain';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedMirror, type SeedEvent } from '../../../test/seed-mirror.js';
import { buildTestApp, type TestApp } from '../../../test/test-app.js';

type Session = Awaited<ReturnType<TestApp['signIn']>>;
interface Person {
  email: string;
  displayName: string;
  role: string;
  lastOneOnOneAt: string | null;
  lastMetAt: string | null;
  daysNotSeen: number | null;
  daysSinceOneOnOne: number | null;
  notSeen: boolean;
  checkIn: string | null;
}

const me = { email: 'carol@example.com', self: true };
const priya = { email: 'priya@example.com', name: 'Priya Natarajan' };
const omar = { email: 'omar@example.com', name: 'Omar Haddad' };
const lee = { email: 'lee@example.com', name: 'Lee Park' };
const slot = (id: string, day: string, attendees: SeedEvent['attendees'], more: Partial<SeedEvent> = {}) => ({
  id,
  title: id,
  start: `${day}T10:00:00Z`,
  end: `${day}T10:30:00Z`,
  attendees,
  ...more,
});
const priyaOneOnOne = { kind: 'occurrence' as const, seriesId: 'p1' };

describe('people API: who the user has not seen', () => {
  let t: TestApp;
  let carol: Session;
  // A Wednesday; the user's zone is UTC.
  const now = new Date('2026-03-11T12:00:00Z');

  beforeAll(async () => {
    t = await buildTestApp({ now: () => now });
    carol = await t.signIn('carol@example.com');
    await seedMirror(t.db, carol.userId, 'carol@example.com', [
      // Priya: a weekly 1:1 Carol organizes (a report); the last one held 26 days ago…
      slot('p1_0213', '2026-02-13', [me, priya], priyaOneOnOne),
      // …a design review with both 23 days ago…
      slot('review', '2026-02-16', [me, priya, { email: 'kim@example.com' }]),
      // …and since then nothing that counts: a 1:1 Priya declined, one cancelled, a meeting Carol
      // declined, and one still to come.
      slot('p1_0302', '2026-03-02', [me, { ...priya, responseStatus: 'declined' }], priyaOneOnOne),
      slot('p1_0305', '2026-03-05', [me, priya], { ...priyaOneOnOne, status: 'cancelled' }),
      slot('allhands', '2026-03-06', [{ ...me, responseStatus: 'declined' }, priya, omar]),
      slot('p1_0316', '2026-03-16', [me, priya], priyaOneOnOne),
      // Omar: a 1:1 two days ago.
      slot('o1_0309', '2026-03-09', [me, omar], { kind: 'occurrence', seriesId: 'o1' }),
      // Lee organizes a 1:1 (a partner), last held ten weeks ago: outside the eight weeks read.
      slot('l1_0101', '2026-01-01', [me, lee], { kind: 'occurrence', seriesId: 'l1', organizer: lee.email }),
      slot('l1_0318', '2026-03-18', [me, lee], { kind: 'occurrence', seriesId: 'l1', organizer: lee.email }),
    ]);
  });
  afterAll(() => t.close());

  const list = async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/people', headers: carol.headers });
    expect(res.statusCode, res.body).toBe(200);
    return res.json<{ people: Person[]; notSeenDays: number }>();
  };
  const byEmail = (people: Person[], email: string) => people.find((p) => p.email === email);
  const putPreferences = (payload: object) =>
    t.app.inject({ method: 'PUT', url: '/api/v1/preferences', headers: carol.headers, payload });

  it('gives the last held 1:1 and the last meeting both attended, ignoring declined, cancelled and future meetings', async () => {
    const { people, notSeenDays } = await list();
    expect(notSeenDays).toBe(14);
    expect(byEmail(people, 'priya@example.com')).toMatchObject({
      displayName: 'Priya Natarajan',
      role: 'report',
      lastOneOnOneAt: '2026-02-13T10:30:00.000Z',
      lastMetAt: '2026-02-16T10:30:00.000Z',
      daysNotSeen: 23,
      daysSinceOneOnOne: 26,
      notSeen: true,
    });
    expect(byEmail(people, 'omar@example.com')).toMatchObject({
      role: 'report',
      lastOneOnOneAt: '2026-03-09T10:30:00.000Z',
      lastMetAt: '2026-03-09T10:30:00.000Z',
      daysNotSeen: 2,
      notSeen: false,
    });
  });

  it('drafts a check-in, by first name, for each person past the threshold and for nobody else', async () => {
    const { people } = await list();
    expect(byEmail(people, 'priya@example.com')?.checkIn).toBe(
      'Hi Priya, it has been a while since we last caught up. How are things going? If anything is on your mind, reply here or grab time on my calendar: I will make time.',
    );
    expect(byEmail(people, 'lee@example.com')?.checkIn).toMatch(/^Hi Lee, it has been a while/);
    expect(byEmail(people, 'omar@example.com')?.checkIn).toBeNull();

    const own = await putPreferences({
      ...structuredClone(DEFAULT_PREFERENCES),
      notSeenCheckIn: 'Hey {name}, coffee this week?',
    });
    expect(own.statusCode, own.body).toBe(200);
    expect(byEmail((await list()).people, 'priya@example.com')?.checkIn).toBe('Hey Priya, coffee this week?');
    const empty = await putPreferences({ ...structuredClone(DEFAULT_PREFERENCES), notSeenCheckIn: '' });
    expect(empty.statusCode).toBe(400);
    expect(empty.json()).toMatchObject({
      details: expect.arrayContaining([expect.objectContaining({ path: '/notSeenCheckIn' })]),
    });
    await putPreferences(structuredClone(DEFAULT_PREFERENCES));
  });

  it('reads back eight weeks only: a partner last met ten weeks ago has no dates and is past the threshold', async () => {
    expect(byEmail((await list()).people, 'lee@example.com')).toMatchObject({
      role: 'partner',
      lastOneOnOneAt: null,
      lastMetAt: null,
      daysNotSeen: null,
      daysSinceOneOnOne: null,
      notSeen: true,
    });
  });

  it('holds people to the notSeenDays preference', async () => {
    const res = await putPreferences({ ...structuredClone(DEFAULT_PREFERENCES), notSeenDays: 30 });
    expect(res.statusCode, res.body).toBe(200);
    const { people, notSeenDays } = await list();
    expect(notSeenDays).toBe(30);
    expect(byEmail(people, 'priya@example.com')).toMatchObject({ daysNotSeen: 23, notSeen: false });
    expect(byEmail(people, 'lee@example.com')).toMatchObject({ notSeen: true });
  });

  it('refuses a notSeenDays outside 1 to 56 whole days with its field path, storing nothing', async () => {
    for (const notSeenDays of [0, 57, 7.5, '14', null]) {
      const res = await putPreferences({ ...structuredClone(DEFAULT_PREFERENCES), notSeenDays });
      expect(res.statusCode, JSON.stringify(notSeenDays)).toBe(400);
      expect(res.json()).toMatchObject({
        code: 'FL_VALIDATION_FAILED',
        details: expect.arrayContaining([expect.objectContaining({ path: '/notSeenDays', in: 'body' })]),
      });
    }
    expect((await list()).notSeenDays).toBe(30);
  });
});
