import { repositories } from '@frontload/db';
import { DEFAULT_PREFERENCES } from '@frontload/domain';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedMirror } from '../../../test/seed-mirror.js';
import { buildTestApp, type TestApp } from '../../../test/test-app.js';

type Session = Awaited<ReturnType<TestApp['signIn']>>;
interface Week {
  week: string;
  offset: number;
  available: boolean;
  insights: Record<string, unknown> | null;
}
interface Insights {
  zone: string;
  targetPeopleShare: number;
  minBlockMinutes: number;
  weeks: Week[];
}

const me = { email: 'carol@example.com', self: true };
const team = ['a', 'b', 'c'].map((n) => ({ email: `${n}@example.com` }));

describe('insights API: the balance history', () => {
  let t: TestApp;
  let carol: Session;
  let connectionId: string;
  // A Wednesday; the user's zone is UTC and weeks start on Monday, so this week starts on 9 March.
  const now = new Date('2026-03-11T12:00:00Z');

  beforeAll(async () => {
    t = await buildTestApp({ now: () => now });
    carol = await t.signIn('carol@example.com');
    connectionId = await seedMirror(t.db, carol.userId, 'carol@example.com', [
      // This week: a recurring 1:1 Carol organizes with Priya (a report), Monday 10:00–11:00, and a
      // meeting with three others on Tuesday 09:00–11:00.
      {
        id: 'p1_0309',
        title: 'Priya / Carol',
        start: '2026-03-09T10:00:00Z',
        end: '2026-03-09T11:00:00Z',
        kind: 'occurrence',
        seriesId: 'p1',
        attendees: [me, { email: 'priya@example.com' }],
      },
      {
        id: 'planning',
        title: 'Planning',
        start: '2026-03-10T09:00:00Z',
        end: '2026-03-10T11:00:00Z',
        attendees: [me, ...team],
      },
      // Ten weeks back, before the mirror's reach: it must not turn into numbers for its week.
      {
        id: 'old',
        title: 'Old offsite',
        start: '2026-01-05T09:00:00Z',
        end: '2026-01-05T17:00:00Z',
        attendees: [me, ...team],
      },
    ]);
  });
  afterAll(() => t.close());

  const get = async (headers: Record<string, string> = carol.headers) =>
    t.app.inject({ method: 'GET', url: '/api/v1/insights', headers });

  it('refuses a caller who is not signed in', async () => {
    const res = await get({});
    expect(res.statusCode).toBe(401);
  });

  it('marks every week unavailable until the calendar has been listed in full once', async () => {
    const res = await get();
    expect(res.statusCode, res.body).toBe(200);
    const { weeks } = res.json<Insights>();
    expect(weeks).toHaveLength(14);
    expect(weeks.every((w) => !w.available && w.insights === null)).toBe(true);
  });

  it('returns fourteen weeks, those before the mirror reaches marked unavailable rather than zero', async () => {
    await repositories(t.db).syncState.markSynced(connectionId, 'cursor-1', now, true);
    const res = await get();
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json<Insights>();
    expect(body).toMatchObject({ zone: 'UTC', targetPeopleShare: 0.5, minBlockMinutes: 90 });
    expect(body.weeks.map((w) => w.week)).toEqual([
      '2025-12-22',
      '2025-12-29',
      '2026-01-05',
      '2026-01-12',
      '2026-01-19',
      '2026-01-26',
      '2026-02-02',
      '2026-02-09',
      '2026-02-16',
      '2026-02-23',
      '2026-03-02',
      '2026-03-09',
      '2026-03-16',
      '2026-03-23',
    ]);
    expect(body.weeks.map((w) => w.offset)).toEqual([-11, -10, -9, -8, -7, -6, -5, -4, -3, -2, -1, 0, 1, 2]);
    // Listed in full now, eight weeks back: from Wed 14 January 12:00. The week of 12 January starts
    // before that, so it is unavailable too; the four oldest weeks have no numbers.
    expect(body.weeks.map((w) => w.available)).toEqual([
      ...Array<boolean>(4).fill(false),
      ...Array<boolean>(10).fill(true),
    ]);
    expect(body.weeks.slice(0, 4).every((w) => w.insights === null)).toBe(true);
    // An empty week the mirror reaches is a week of free working time, not a missing one.
    expect(body.weeks[4]!.insights).toMatchObject({ meetingHours: 0, focusHours: 40, peopleShare: 0 });
  });

  it('measures the current week from the mirror: the 1:1 with a report, the team meeting, focus and the split', async () => {
    const { weeks } = (await get()).json<Insights>();
    const current = weeks.find((w) => w.offset === 0)!;
    expect(current.insights).toEqual({
      oneOnOneHours: { reports: 1, partners: 0, others: 0 },
      teamMeetingHours: 2,
      otherMeetingHours: 0,
      meetingHours: 3,
      // Free: Monday 09:00–10:00 (fragmented) and 11:00–17:00, Tuesday 11:00–17:00, Wednesday to
      // Friday whole days: 6 + 6 + 24 = 36 h of focus, all in stretches of 2 h or more.
      focusHours: 36,
      deepFocusHours: 36,
      fragmentedHours: 1,
      meetingHeavyDays: 0,
      peopleHours: 3,
      engineeringHours: 37,
      // 3 of 40 hours, and 37 of 40.
      peopleShare: 0.075,
      engineeringShare: 0.925,
    });
  });

  it('reports the target share the user set in preferences', async () => {
    const put = await t.app.inject({
      method: 'PUT',
      url: '/api/v1/preferences',
      headers: carol.headers,
      payload: { ...DEFAULT_PREFERENCES, targetPeopleShare: 0.4 },
    });
    expect(put.statusCode, put.body).toBe(200);
    expect((await get()).json<Insights>().targetPeopleShare).toBe(0.4);
  });

  it('serves the chart library from the same origin under /vendor/uplot/, and nothing else of the package', async () => {
    const script = await t.app.inject({ method: 'GET', url: '/vendor/uplot/uPlot.esm.js' });
    expect(script.statusCode).toBe(200);
    expect(script.headers['content-type']).toMatch(/javascript/);
    expect(script.headers['content-security-policy']).toContain("script-src 'self'");
    const css = await t.app.inject({ method: 'GET', url: '/vendor/uplot/uPlot.min.css' });
    expect(css.statusCode).toBe(200);
    expect(css.headers['content-type']).toMatch(/text\/css/);
    const other = await t.app.inject({ method: 'GET', url: '/vendor/uplot/uPlot.cjs.js' });
    expect(other.statusCode).toBe(404);
  });
});
