import { describe, expect, it } from 'vitest';
import { counterpart, event, input, meeting, mustPlan, oneOnOne, prefs } from './__fixtures__/builders.js';
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
