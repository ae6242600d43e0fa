import { repositories } from '@frontload/db';
import { DEFAULT_PREFERENCES, type Preferences } from '@frontload/domain';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../../../test/test-app.js';

type Session = Awaited<ReturnType<TestApp['signIn']>>;
const clone = (): Preferences => structuredClone(DEFAULT_PREFERENCES) as Preferences;

describe('preferences and mode API', () => {
  let t: TestApp;
  let alice: Session;
  let bob: Session;

  beforeAll(async () => {
    t = await buildTestApp();
    alice = await t.signIn('alice@example.com');
    bob = await t.signIn('bob@example.com');
  });
  afterAll(() => t.close());

  const get = (s: Session) => t.app.inject({ method: 'GET', url: '/api/v1/preferences', headers: s.headers });
  const put = (s: Session, payload: object) =>
    t.app.inject({ method: 'PUT', url: '/api/v1/preferences', headers: s.headers, payload });
  const stored = async () =>
    (await t.db.query<{ n: number }>('select count(*)::int as n from preferences')).rows[0]!.n;

  it('answers the defaults for a user who saved nothing', async () => {
    const res = await get(alice);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual(DEFAULT_PREFERENCES);
  });

  it('stores a valid document for the caller only: another user still reads the defaults', async () => {
    const prefs = clone();
    prefs.focus.targetHours = 6;
    prefs.skipWeeks.message = 'No 1:1 this week, enjoy the time!';
    prefs.oneOnOnes.dailyMeetingCapHours = 4.5;
    const res = await put(alice, prefs);
    expect(res.statusCode, res.body).toBe(200);
    expect((await get(alice)).json()).toEqual(prefs);
    expect((await get(bob)).json()).toEqual(DEFAULT_PREFERENCES);
  });

  it.each([
    [
      'working hours that end before they start',
      (p: Preferences) => (p.workingHours.end = '08:00'),
      '/workingHours/end',
    ],
    [
      'a minimum focus block longer than the maximum',
      (p: Preferences) => (p.focus.minBlockMinutes = 300),
      '/focus/minBlockMinutes',
    ],
    [
      'a skip cadence whose min exceeds its max',
      (p: Preferences) => (p.skipWeeks.minWeeks = 8),
      '/skipWeeks/minWeeks',
    ],
    [
      'a first half that holds no working time',
      (p: Preferences) => (p.firstHalf = { endWeekday: 1, endTime: '08:00' }),
      '/firstHalf',
    ],
    ['a focus target out of range', (p: Preferences) => (p.focus.targetHours = 99), '/focus/targetHours'],
    ['a malformed time', (p: Preferences) => (p.workingHours.start = '9am'), '/workingHours/start'],
    [
      'a daily meeting cap that is not a whole or half hour',
      (p: Preferences) => (p.oneOnOnes.dailyMeetingCapHours = 2.3),
      '/oneOnOnes/dailyMeetingCapHours',
    ],
    [
      'an impossible last skip week (30 February)',
      (p: Preferences) => (p.skipWeeks.lastSkipWeek = '2026-02-30'),
      '/skipWeeks/lastSkipWeek',
    ],
  ])('refuses %s with FL_VALIDATION_FAILED naming the field, storing nothing', async (_, change, path) => {
    const before = await stored();
    const prefs = clone();
    change(prefs);
    const res = await put(bob, prefs);
    expect(res.statusCode).toBe(400);
    const body = res.json<{ code: string; details: { path: string; message: string }[] }>();
    expect(body.code).toBe('FL_VALIDATION_FAILED');
    expect(body.details.map((d) => d.path)).toContain(path);
    expect(body.details.every((d) => d.message.length > 0)).toBe(true);
    expect(await stored()).toBe(before);
    expect((await get(bob)).json()).toEqual(DEFAULT_PREFERENCES);
  });

  it('refuses unknown fields rather than dropping them', async () => {
    const res = await put(bob, { ...clone(), theme: 'dark' });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ code: 'FL_VALIDATION_FAILED' });
  });

  it('switches the caller between preview and autopilot, and refuses other modes', async () => {
    const patch = (s: Session, mode: string) =>
      t.app.inject({ method: 'PATCH', url: '/api/v1/mode', headers: s.headers, payload: { mode } });
    expect((await patch(alice, 'autopilot')).json()).toEqual({ mode: 'autopilot' });
    const me = (s: Session) => t.app.inject({ method: 'GET', url: '/api/v1/me', headers: s.headers });
    expect((await me(alice)).json()).toMatchObject({ mode: 'autopilot' });
    expect((await me(bob)).json()).toMatchObject({ mode: 'preview' });
    expect((await patch(alice, 'yolo')).statusCode).toBe(400);
    expect((await me(alice)).json()).toMatchObject({ mode: 'autopilot' });
  });

  it('reads a stored document the schema no longer accepts as the defaults, as the planner does', async () => {
    const carol = await t.signIn('carol@example.com');
    // A document written under an older schema: no overload limits, a focus target out of range.
    const { overload: _dropped, ...older } = clone();
    const outdated = { ...older, focus: { ...older.focus, targetHours: 99 } };
    await t.db.query('insert into preferences (user_id, data, updated_at) values ($1, $2::jsonb, now())', [
      carol.userId,
      JSON.stringify(outdated),
    ]);
    const res = await get(carol);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual(DEFAULT_PREFERENCES);
    expect(await repositories(t.db).preferences.get(carol.userId)).toEqual(res.json());
  });
});
