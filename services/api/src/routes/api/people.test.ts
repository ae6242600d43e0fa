import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedMirror } from '../../../test/seed-mirror.js';
import { buildTestApp, type TestApp } from '../../../test/test-app.js';

type Session = Awaited<ReturnType<TestApp['signIn']>>;
interface Person {
  email: string;
  protected: boolean;
  fixed: boolean;
  detected: boolean;
  cadence: string | null;
  lastHeldAt: string | null;
  role: 'report' | 'partner' | 'other';
  roleSource: 'detected' | 'user';
}

describe('people API', () => {
  let t: TestApp;
  let alice: Session;
  let bob: Session;
  const now = new Date('2026-03-11T12:00:00Z');

  beforeAll(async () => {
    t = await buildTestApp({ now: () => now });
    alice = await t.signIn('alice@example.com');
    bob = await t.signIn('bob@example.com');
    const me = { email: 'alice@example.com', self: true };
    await seedMirror(t.db, alice.userId, 'alice@example.com', [
      {
        id: 's1',
        kind: 'series',
        title: 'Alice / Sam',
        start: '2026-02-02T10:00:00Z',
        end: '2026-02-02T10:30:00Z',
        recurrence: { frequency: 'weekly', interval: 2 },
        attendees: [me, { email: 'Sam@example.com' }],
      },
      {
        id: 's1_0309',
        kind: 'occurrence',
        seriesId: 's1',
        title: 'Alice / Sam',
        start: '2026-03-09T10:00:00Z',
        end: '2026-03-09T10:30:00Z',
        attendees: [me, { email: 'sam@example.com' }, { email: 'room-1@example.com', resource: true }],
      },
      {
        id: 'future',
        kind: 'occurrence',
        seriesId: 's1',
        title: 'Alice / Sam',
        start: '2026-03-23T10:00:00Z',
        end: '2026-03-23T10:30:00Z',
        // The calendar names Sam on this one (Google displayName, Graph emailAddress.name).
        attendees: [me, { email: 'sam@example.com', name: 'Sam Ode' }],
      },
      {
        id: 'team',
        title: 'Team sync',
        start: '2026-03-10T09:00:00Z',
        end: '2026-03-10T10:00:00Z',
        attendees: [me, { email: 'sam@example.com' }, { email: 'kim@example.com' }],
      },
      {
        // A weekly 1:1 Lee organizes with Alice: Lee reads as a partner.
        id: 'lee_0312',
        kind: 'occurrence',
        seriesId: 'lee',
        title: 'Lee <> Alice',
        start: '2026-03-12T14:00:00Z',
        end: '2026-03-12T14:30:00Z',
        organizer: 'lee@example.com',
        attendees: [me, { email: 'lee@example.com', name: 'Lee Park' }],
      },
    ]);
  });
  afterAll(() => t.close());

  const list = async (s: Session) =>
    (await t.app.inject({ method: 'GET', url: '/api/v1/people', headers: s.headers })).json<{
      people: Person[];
    }>().people;
  const patch = (s: Session, email: string, payload: object) =>
    t.app.inject({ method: 'PATCH', url: `/api/v1/people/${email}`, headers: s.headers, payload });

  it('detects 1:1 partners from the mirror with their cadence, last held 1:1, the name the calendar gives and a suggested role, ignoring group meetings', async () => {
    expect(await list(alice)).toEqual([
      {
        email: 'lee@example.com',
        displayName: 'Lee Park',
        protected: false,
        fixed: false,
        detected: true,
        cadence: null,
        lastHeldAt: null,
        // Lee organizes the 1:1: suggested as a partner.
        role: 'partner',
        roleSource: 'detected',
        // Their 1:1 is still to come: not met in the eight weeks read, so past the threshold.
        lastOneOnOneAt: null,
        lastMetAt: null,
        daysNotSeen: null,
        daysSinceOneOnOne: null,
        notSeen: true,
        checkIn: expect.stringMatching(/^Hi Lee, it has been a while since we last caught up\./) as string,
      },
      {
        email: 'sam@example.com',
        displayName: 'Sam Ode',
        protected: false,
        fixed: false,
        detected: true,
        cadence: 'every 2 weeks',
        lastHeldAt: '2026-03-09T10:30:00.000Z',
        // Alice organizes a recurring 1:1 with a colleague and runs no team meeting: a report.
        role: 'report',
        roleSource: 'detected',
        // The 1:1 on Monday, the team sync on Tuesday: seen a day ago.
        lastOneOnOneAt: '2026-03-09T10:30:00.000Z',
        lastMetAt: '2026-03-10T10:00:00.000Z',
        daysNotSeen: 1,
        daysSinceOneOnOne: 2,
        notSeen: false,
        checkIn: null,
      },
    ]);
  });

  it('stores protected and fixed toggles, changing only the fields sent', async () => {
    expect((await patch(alice, 'sam@example.com', { protected: true })).statusCode).toBe(200);
    expect((await patch(alice, 'sam@example.com', { fixed: true })).json()).toEqual({
      email: 'sam@example.com',
      protected: true,
      fixed: true,
    });
    expect((await patch(alice, 'kim@example.com', { fixed: true })).statusCode).toBe(200);
    const people = await list(alice);
    expect(people.find((p) => p.email === 'sam@example.com')).toMatchObject({ protected: true, fixed: true });
    expect(people.find((p) => p.email === 'kim@example.com')).toMatchObject({
      fixed: true,
      detected: false,
      role: 'other',
      roleSource: 'detected',
    });
  });

  it("keeps users apart: B sees none of A's people, and B's toggles never reach A's rows", async () => {
    expect(await list(bob)).toEqual([]);
    expect((await patch(bob, 'sam@example.com', { protected: false })).statusCode).toBe(200);
    expect((await list(alice)).find((p) => p.email === 'sam@example.com')).toMatchObject({ protected: true });
    expect((await list(bob)).map((p) => p.email)).toEqual(['sam@example.com']);
  });

  it('stores a role the user sets as theirs, queues a plan, and the calendar never replaces it', async () => {
    const redis = new Redis('redis://127.0.0.1:6379', { maxRetriesPerRequest: 1 });
    const queue = new Queue('plan', { connection: redis, prefix: t.prefix });
    try {
      await queue.obliterate({ force: true });
      const res = await patch(alice, 'lee@example.com', { role: 'report' });
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json()).toEqual({
        email: 'lee@example.com',
        protected: false,
        fixed: false,
        role: 'report',
      });
      const jobs = await queue.getJobs(['waiting', 'delayed', 'prioritized']);
      expect(jobs.map((j) => j.data as unknown)).toEqual([
        expect.objectContaining({ userId: alice.userId, reason: 'people' }),
      ]);
    } finally {
      await queue.close();
      redis.disconnect();
    }
    // The calendar still suggests Sam as a report; the user says partner, and that stands.
    expect((await patch(alice, 'sam@example.com', { role: 'partner' })).statusCode).toBe(200);
    // A toggle change later keeps the role.
    expect((await patch(alice, 'sam@example.com', { fixed: false })).json()).toMatchObject({
      role: 'partner',
    });
    const people = await list(alice);
    expect(people.find((p) => p.email === 'lee@example.com')).toMatchObject({
      role: 'report',
      roleSource: 'user',
    });
    expect(people.find((p) => p.email === 'sam@example.com')).toMatchObject({
      role: 'partner',
      roleSource: 'user',
    });
    // Confirming a suggestion makes it the user's too.
    expect((await patch(bob, 'sam@example.com', { role: 'other' })).statusCode).toBe(200);
    expect((await list(bob)).find((p) => p.email === 'sam@example.com')).toMatchObject({
      role: 'other',
      roleSource: 'user',
    });
  });

  it('refuses a role it does not know with the field path, changing nothing', async () => {
    const before = await list(alice);
    for (const role of ['boss', '', null, 1]) {
      const res = await patch(alice, 'lee@example.com', { role });
      expect(res.statusCode, JSON.stringify(role)).toBe(400);
      expect(res.json()).toMatchObject({
        code: 'FL_VALIDATION_FAILED',
        details: expect.arrayContaining([expect.objectContaining({ path: '/role', in: 'body' })]),
      });
    }
    expect(await list(alice)).toEqual(before);
  });

  it('refuses an empty change, unknown fields and a malformed address', async () => {
    for (const [email, payload] of [
      ['sam@example.com', {}],
      ['sam@example.com', { protected: 'yes' }],
      ['sam@example.com', { vip: true }],
      ['not-an-email', { protected: true }],
    ] as const) {
      const res = await patch(alice, email, payload);
      expect(res.statusCode, JSON.stringify(payload)).toBe(400);
      expect(res.json()).toMatchObject({ code: 'FL_VALIDATION_FAILED' });
    }
  });
});
