import { describe, expect, it } from 'vitest';
import {
  attendee,
  counterpart,
  event,
  input,
  meeting,
  mustPlan,
  oneOnOne,
  prefs,
  self,
} from './__fixtures__/builders.js';
import { longestChain } from './metrics.js';

const HOUR = 3_600_000;

describe('overload metrics', () => {
  it('measures a week after the plan: meeting hours, focus, people, back-to-back chain, first-half share', () => {
    const people = ['a', 'b', 'c', 'd', 'e', 'f'].map((p) => `${p}@acme.test`);
    const out = mustPlan(
      input({
        preferences: prefs((p) => (p.focus.targetHours = 4)),
        events: [
          // Six recurring 1:1s on Monday, back to back from 09:00 to 12:00.
          ...people.map((p, i) =>
            oneOnOne(
              `one-${i}`,
              p,
              `2024-04-08T${String(9 + Math.floor(i / 2)).padStart(2, '0')}:${i % 2 ? '30' : '00'}`,
            ),
          ),
          meeting('planning', '2024-04-09T14:00', 120, ['x@acme.test', 'y@acme.test']),
          event('gym', '2024-04-09T07:00', 60),
        ],
        counterparts: people.map((p) => counterpart(p)),
      }),
    );
    const week = out.metrics.find((m) => m.week === '2024-04-08');
    expect(week).toEqual({
      week: '2024-04-08',
      meetingHours: 5,
      focusHours: 4,
      focusTargetHours: 4,
      peopleWithOneOnOnes: 6,
      // The user organizes all six and runs no team meeting: all six are proposed as reports.
      reportsWithOneOnOnes: 6,
      partnersWithOneOnOnes: 0,
      longestBackToBack: { count: 6, minutes: 180 },
      // 5 of the 19 first-half working hours (Mon, Tue 09:00–17:00, Wed 09:00–12:00) are with people.
      firstHalfPeopleShare: 0.263,
      overload: ['tooManyOneOnOnes'],
    });
  });

  it('still counts a person whose 1:1 is skipped this week as someone with a recurring 1:1', () => {
    const out = mustPlan(
      input({
        events: [{ ...oneOnOne('o', 'a@acme.test', '2024-04-08T10:00'), status: 'cancelled' }],
        counterparts: [counterpart('a@acme.test')],
      }),
    );
    expect(out.metrics[0]?.peopleWithOneOnOnes).toBe(1);
    expect(out.metrics[0]?.meetingHours).toBe(0);
  });

  it('counts only reports toward the 1:1 limit: six partners who organize their 1:1s trip nothing', () => {
    const people = ['a', 'b', 'c', 'd', 'e', 'f'].map((p) => `${p}@acme.test`);
    const out = mustPlan(
      input({
        events: people.map((p, i) =>
          oneOnOne(`one-${i}`, p, `2024-04-${String(8 + (i % 3)).padStart(2, '0')}T${10 + i}:00`, 30, {
            organizerIsSelf: false,
            organizerEmail: p,
          }),
        ),
        counterparts: people.map((p) => counterpart(p)),
      }),
    );
    expect(out.metrics[0]).toMatchObject({
      peopleWithOneOnOnes: 6,
      reportsWithOneOnOnes: 0,
      partnersWithOneOnOnes: 6,
      overload: [],
    });
    expect(out.notes.map((n) => n.code)).not.toContain('fewReports');
  });

  it('counts a partner the user made a report, and a report the user made a partner, as the user said', () => {
    const people = ['a', 'b', 'c', 'd', 'e', 'f'].map((p) => `${p}@acme.test`);
    const out = mustPlan(
      input({
        // All six would be partners (they organize); the user says a and b are reports, and c is other.
        people: [
          { email: 'a@acme.test', role: 'report' },
          { email: 'b@acme.test', role: 'report' },
          { email: 'c@acme.test', role: 'other' },
        ],
        events: people.map((p, i) =>
          oneOnOne(`one-${i}`, p, `2024-04-${String(8 + (i % 3)).padStart(2, '0')}T${10 + i}:00`, 30, {
            organizerIsSelf: false,
            organizerEmail: p,
          }),
        ),
        counterparts: people.map((p) => counterpart(p)),
      }),
    );
    expect(out.metrics[0]).toMatchObject({ reportsWithOneOnOnes: 2, partnersWithOneOnOnes: 3 });
  });

  it('gives a gentle note, not an alert, with fewer than three reports', () => {
    const out = mustPlan(
      input({
        events: [
          oneOnOne('o1', 'a@acme.test', '2024-04-08T10:00', 30, {
            attendees: [self({ organizer: true }), attendee('a@acme.test', { name: 'Ann Lee' })],
          }),
          oneOnOne('o2', 'b@acme.test', '2024-04-09T10:00'),
        ],
        counterparts: [counterpart('a@acme.test'), counterpart('b@acme.test')],
      }),
    );
    expect(out.metrics[0]?.overload).toEqual([]);
    const note = out.notes.find((n) => n.code === 'fewReports');
    expect(note?.message).toContain('2 reports (Ann Lee and b@acme.test)');
    expect(note?.message).toContain('Three to four');
  });

  it('finds the longest chain of meetings less than the gap apart', () => {
    const at = (h: number) => h * HOUR;
    const chain = longestChain(
      [
        { start: at(9), end: at(10) },
        { start: at(10) + 4 * 60_000, end: at(11) },
        { start: at(11), end: at(11.5) },
        { start: at(13), end: at(14) },
      ],
      5 * 60_000,
    );
    expect(chain).toEqual({ count: 3, minutes: 150 });
    expect(longestChain([], 0)).toEqual({ count: 0, minutes: 0 });
  });
});
