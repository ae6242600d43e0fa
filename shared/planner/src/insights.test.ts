import { DEFAULT_PREFERENCES, type CalendarEvent } from '@frontload/domain';
import { describe, expect, it } from 'vitest';
import {
  ZONE,
  attendee,
  event,
  focusBlock,
  local,
  meeting,
  oneOnOne,
  self,
} from './__fixtures__/builders.js';
import type { PersonRoleView } from './detect-roles.js';
import { balanceWeeks, weekInsights } from './insights.js';

const HOUR = 3_600_000;
const roles = new Map<string, PersonRoleView>([
  ['priya@acme.test', { role: 'report', source: 'user' }],
  ['lee@acme.test', { role: 'partner', source: 'user' }],
]);
const team = ['a@acme.test', 'b@acme.test', 'c@acme.test'];
const pair = ['x@acme.test', 'y@acme.test'];

/**
 * The week of Mon 8 Apr 2024 in Berlin, default preferences: working hours 09:00–17:00 Monday to
 * Friday (40 h), minimum focus block 90 min. Local times.
 */
const events: CalendarEvent[] = [
  // Monday: 1:1 Priya 09:00–09:30 (report, 0.5 h), 1:1 Lee 10:00–11:00 (partner, 1 h), team meeting
  // 11:00–13:00 (2 h), a meeting with two others 13:00–14:00 (1 h), a 1:1 with Kim (no role) 14:30–15:00
  // (0.5 h); a cancelled 1:1 at 16:00 holds nothing. Meetings 5 h: meeting-heavy. Free: 09:30–10:00
  // and 14:00–14:30 (fragmented, 1 h), 15:00–17:00 (focus 2 h, deep).
  oneOnOne('p-mon', 'priya@acme.test', '2024-04-08T09:00', 30),
  oneOnOne('l-mon', 'lee@acme.test', '2024-04-08T10:00', 60),
  meeting('team-mon', '2024-04-08T11:00', 120, team),
  meeting('pair-mon', '2024-04-08T13:00', 60, pair),
  meeting('kim', '2024-04-08T14:30', 30, ['kim@acme.test']),
  oneOnOne('p-cancelled', 'priya@acme.test', '2024-04-08T16:00', 30, { status: 'cancelled' }),
  // Tuesday: team meeting 09:00–11:00 (2 h) and 1:1 Priya 10:30–11:30 (1 h) overlap by 30 min, so
  // 2.5 h of meetings; a meeting the user declined and a meeting shown as free hold nothing; the gym
  // 16:00–17:00 holds time but is no meeting. Free: 11:30–16:00 (focus 4.5 h, deep).
  meeting('team-tue', '2024-04-09T09:00', 120, team),
  oneOnOne('p-tue', 'priya@acme.test', '2024-04-09T10:30', 60),
  meeting('declined', '2024-04-09T13:00', 60, [...team, 'd@acme.test'], {
    attendees: [self({ responseStatus: 'declined' }), ...team.map((t) => attendee(t))],
    organizerIsSelf: false,
  }),
  meeting('fyi', '2024-04-09T14:00', 60, pair, { transparency: 'free' }),
  event('gym', '2024-04-09T16:00', 60),
  // Wednesday: our focus block 09:00–10:30, 1:1 Lee 10:30–11:00 (0.5 h), the user's own focus time
  // 13:00–14:00, team meeting 14:00–16:30 (2.5 h). Focus events are not busy for free time, so free
  // is 09:00–10:30 (1.5 h), 11:00–14:00 (3 h, deep) and 16:30–17:00 (fragmented 0.5 h): focus 4.5 h,
  // deep 3 h. Meetings 3 h.
  focusBlock('ours-wed', '2024-04-10T09:00', 90),
  oneOnOne('l-wed', 'lee@acme.test', '2024-04-10T10:30', 30),
  event('own-focus', '2024-04-10T13:00', 60, { eventType: 'focusTime', title: 'Deep work' }),
  meeting('team-wed', '2024-04-10T14:00', 150, [...team, 'd@acme.test']),
  // Thursday: team meeting 09:00–12:00 (3 h), meeting with two others 12:00–13:30 (1.5 h): 4.5 h,
  // meeting-heavy. Free 13:30–17:00 (focus 3.5 h, deep).
  meeting('team-thu', '2024-04-11T09:00', 180, team),
  meeting('pair-thu', '2024-04-11T12:00', 90, pair),
  // Friday: team meeting 09:00–13:00, exactly 4 h: not meeting-heavy (more than 4 h is). Our focus
  // block 14:00–16:00 lies inside the free 13:00–17:00, which counts once (focus 4 h, deep).
  meeting('team-fri', '2024-04-12T09:00', 240, team),
  focusBlock('ours-fri', '2024-04-12T14:00', 120),
  // The next Monday is another week.
  meeting('team-next', '2024-04-15T09:00', 240, team),
];

describe('balance insights', () => {
  const { clock, weeks } = balanceWeeks(ZONE, Date.parse(local('2024-04-10T12:00')), DEFAULT_PREFERENCES);
  const week = weeks.find((w) => w.offset === 0)!.frame;

  it('measures each metric of a hand-computed week', () => {
    const insights = weekInsights({ events, week, clock, preferences: DEFAULT_PREFERENCES, roles });
    expect(insights).toEqual({
      // Priya: Mon 0.5 + Tue 1 = 1.5; Lee: Mon 1 + Wed 0.5 = 1.5; Kim: Mon 0.5.
      oneOnOneHours: { reports: 1.5, partners: 1.5, others: 0.5 },
      // Mon 2 + Tue 2 + Wed 2.5 + Thu 3 + Fri 4.
      teamMeetingHours: 13.5,
      // Mon 1 + Thu 1.5.
      otherMeetingHours: 2.5,
      // Mon 5 + Tue 2.5 (the overlap once) + Wed 3 + Thu 4.5 + Fri 4.
      meetingHours: 19,
      // Mon 2 + Tue 4.5 + Wed 4.5 + Thu 3.5 + Fri 4.
      focusHours: 18.5,
      // Mon 2 + Tue 4.5 + Wed 3 + Thu 3.5 + Fri 4 (Wednesday's 1.5 h stretch is too short).
      deepFocusHours: 17,
      // Mon 1 + Wed 0.5.
      fragmentedHours: 1.5,
      // Monday (5 h) and Thursday (4.5 h).
      meetingHeavyDays: 2,
      peopleHours: 19,
      // Focus 18.5 + fragmented 1.5; with the meetings and the gym hour, the 40 working hours.
      engineeringHours: 20,
      // 19 / 39 and 20 / 39.
      peopleShare: 0.487,
      engineeringShare: 0.513,
    });
  });

  it('counts time in stretches of at least the minimum focus block, so a longer minimum fragments more', () => {
    const preferences = {
      ...DEFAULT_PREFERENCES,
      focus: { ...DEFAULT_PREFERENCES.focus, minBlockMinutes: 120 },
    };
    const insights = weekInsights({ events, week, clock, preferences, roles });
    // Wednesday's free 09:00–10:30 is still our focus block; only 16:30–17:00 and Monday's hour are
    // fragmented: the same as with 90 minutes.
    expect(insights.focusHours).toBe(18.5);
    const shorter = weekInsights({
      events: events.filter((e) => e.id !== 'ours-wed'),
      week,
      clock,
      preferences,
      roles,
    });
    // Without the block, 09:00–10:30 is 1.5 h of free time shorter than 2 h: fragmented.
    expect(shorter).toMatchObject({ focusHours: 17, fragmentedHours: 3, engineeringHours: 20 });
  });

  it('gives no shares for an empty week outside working hours', () => {
    const insights = weekInsights({
      events: [],
      week,
      clock,
      preferences: { ...DEFAULT_PREFERENCES, workingHours: { start: '09:00', end: '09:15', days: [6] } },
      roles,
    });
    expect(insights).toMatchObject({ engineeringHours: 0.25, fragmentedHours: 0.25, peopleShare: 0 });
    const none = weekInsights({
      events: [],
      week,
      clock,
      preferences: { ...DEFAULT_PREFERENCES, workingHours: { start: '09:00', end: '09:00', days: [6] } },
      roles,
    });
    expect(none).toMatchObject({ peopleShare: null, engineeringShare: null });
  });

  it('lists the last twelve weeks and the next two, each from the first day of the week, across a DST change', () => {
    // Sunday 31 March 2024 is the spring change in Berlin; weeks start on Sunday here.
    const sunday = { ...DEFAULT_PREFERENCES, weekStartsOn: 7 };
    const { weeks: list } = balanceWeeks(ZONE, Date.parse(local('2024-04-10T12:00')), sunday);
    expect(list).toHaveLength(14);
    expect(list.map((w) => w.offset)).toEqual([-11, -10, -9, -8, -7, -6, -5, -4, -3, -2, -1, 0, 1, 2]);
    expect(list[0]!.frame.startDate).toBe('2024-01-21');
    expect(list[11]!.frame.startDate).toBe('2024-04-07');
    expect(list[13]!.frame.startDate).toBe('2024-04-21');
    const dst = list.find((w) => w.frame.startDate === '2024-03-31')!.frame;
    expect((dst.end - dst.start) / HOUR).toBe(167);
  });
});
