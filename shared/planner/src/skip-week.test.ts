import { emptyHistory } from '@frontload/domain';
import { describe, expect, it } from 'vitest';
import { counterpart, event, input, local, mustPlan, oneOnOne, prefs } from './__fixtures__/builders.js';
import type { PlannerInput } from './input.js';

const ANN = 'ann@acme.test';
const BOB = 'bob@acme.test';
const CY = 'cy@acme.test';

/** Weekly 1:1s with Ann, Bob and Cy on Monday mornings of the weeks of 1 and 8 April (first half: no moves). */
function team(extra: Partial<PlannerInput> = {}, lastSkipWeek: string | null = '2024-02-26'): PlannerInput {
  const weeks = ['2024-04-01', '2024-04-08'];
  const people = [ANN, BOB, CY];
  return input({
    events: weeks.flatMap((day) => people.map((p, i) => oneOnOne(`${p}-${day}`, p, `${day}T${10 + i}:00`))),
    counterparts: people.map((p) => counterpart(p)),
    people: [{ email: ANN, protected: true }],
    history: { ...emptyHistory(), lastSkipWeek },
    ...extra,
  });
}

const cancelled = (out: ReturnType<typeof mustPlan>) =>
  out.operations.flatMap((op) => (op.kind === 'cancelOccurrence' ? [op.eventId] : []));

describe('skip weeks', () => {
  it("cancels the skip week's 1:1 occurrences with the user's message, except with protected people", () => {
    const out = mustPlan(team());
    expect(out.skipWeek).toBe('2024-04-08');
    expect(cancelled(out)).toEqual([`${BOB}-2024-04-08`, `${CY}-2024-04-08`]);
    expect(out.operations[0]).toMatchObject({
      kind: 'cancelOccurrence',
      seriesId: `series-${BOB}`,
      skipWeek: '2024-04-08',
      emails: [BOB],
      message: expect.stringContaining('Skip week'),
    });
    expect(out.notes.filter((n) => n.code === 'skipWeekKept').map((n) => n.email)).toEqual([ANN]);
  });

  it('drafts one check-in for each person skipped, in the user’s template, with their first name and the 1:1’s title', () => {
    const named = team();
    // Bob's calendar names him; Cy's gives no name.
    const events = named.events.map((e) =>
      e.attendees.some((a) => a.email === BOB)
        ? { ...e, attendees: e.attendees.map((a) => (a.email === BOB ? { ...a, name: 'Bob Okoye' } : a)) }
        : e,
    );
    const out = mustPlan({ ...named, events });
    const checkIns = out.operations.flatMap((op) =>
      op.kind === 'cancelOccurrence' && op.checkIn ? [[op.counterpart, op.checkIn]] : [],
    );
    expect(checkIns).toEqual([
      [
        BOB,
        'Hi Bob, it is a skip week, so no "bob / me" this week. How are things going? If anything is on your mind, reply here or grab time on my calendar: I will make time.',
      ],
      [CY, expect.stringMatching(/^Hi there, it is a skip week, so no "cy \/ me" this week\./)],
    ]);
    // Ann is protected: her 1:1 is kept and nothing is drafted for her.
    expect(checkIns.map(([email]) => email)).not.toContain(ANN);

    const own = mustPlan({
      ...named,
      preferences: prefs((p) => (p.skipWeeks.checkIn = '{name}: skipping {meeting}. Ping me!')),
    });
    expect(own.operations.flatMap((op) => (op.kind === 'cancelOccurrence' ? [op.checkIn] : []))).toEqual([
      'there: skipping bob / me. Ping me!',
      'there: skipping cy / me. Ping me!',
    ]);
  });

  it('drafts a single check-in for a person whose 1:1 is cancelled twice in the skip week', () => {
    const base = team();
    const twice = oneOnOne(`${BOB}-2024-04-10`, BOB, '2024-04-10T10:00');
    const out = mustPlan({ ...base, events: [...base.events, twice] });
    const bob = out.operations.filter((op) => op.kind === 'cancelOccurrence' && op.counterpart === BOB);
    expect(bob).toHaveLength(2);
    expect(bob.filter((op) => op.kind === 'cancelOccurrence' && op.checkIn !== undefined)).toHaveLength(1);
  });

  it('moves a series with a skipped occurrence one occurrence at a time, so the skip stays cancelled', () => {
    // Bob's weekly 1:1 sits on Thursday afternoons; the week of 8 April is the skip week.
    const out = mustPlan(
      input({
        horizonWeeks: 2,
        events: ['2024-04-11', '2024-04-18'].map((day) => oneOnOne(`${BOB}-${day}`, BOB, `${day}T15:00`)),
        counterparts: [counterpart(BOB)],
        history: { ...emptyHistory(), lastSkipWeek: '2024-02-26' },
      }),
    );
    expect(out.skipWeek).toBe('2024-04-08');
    expect(out.operations.map((op) => `${op.kind} ${op.eventId}`)).toEqual([
      `cancelOccurrence ${BOB}-2024-04-11`,
      `moveOccurrence ${BOB}-2024-04-18`,
    ]);
  });

  it('prefers the week in the cadence window where the user is out of office anyway', () => {
    const base = team({ now: local('2024-03-30T09:00'), horizonWeeks: 3 });
    expect(mustPlan(base).skipWeek).toBe('2024-04-01');
    const away = event('ooo', '2024-04-08T00:00', 5 * 24 * 60, {
      eventType: 'outOfOffice',
      allDay: { startDate: '2024-04-08', endDate: '2024-04-13' },
    });
    expect(mustPlan({ ...base, events: [...base.events, away] }).skipWeek).toBe('2024-04-08');
  });

  it('does not skip before the cadence window opens (5 weeks after the last skip week)', () => {
    const out = mustPlan(team({}, '2024-03-11'));
    expect(out.skipWeek).toBeNull();
    expect(cancelled(out)).toEqual([]);
  });

  it('does not start a cadence on its own when no skip week was ever recorded', () => {
    expect(mustPlan(team({}, null)).skipWeek).toBeNull();
  });

  it('keeps a 1:1 when skipping it would leave the person more than 21 days without one', () => {
    // A 6-week cadence, so the week of 8 April is the only candidate.
    const base = team({ preferences: prefs((p) => ((p.focus.enabled = false), (p.skipWeeks.minWeeks = 6))) });
    // Bob's 1:1 in the week of 1 April did not happen; his last one was on 20 March.
    const events = base.events.map((e) =>
      e.id === `${BOB}-2024-04-01` ? { ...e, status: 'cancelled' as const } : e,
    );
    const out = mustPlan({
      ...base,
      events,
      history: { ...base.history, lastHeldOneOnOnes: [{ email: BOB, at: local('2024-03-20T10:00') }] },
    });
    expect(cancelled(out)).toEqual([`${CY}-2024-04-08`]);
    const kept = out.notes.find((n) => n.code === 'skipWeekKept' && n.email === BOB);
    expect(kept?.message).toContain('days without a 1:1 (limit 21)');
  });

  it('keeps cancelling new 1:1s in the recorded skip week, and never a second week', () => {
    const base = team({}, '2024-04-08');
    const out = mustPlan(base);
    expect(out.skipWeek).toBe('2024-04-08');
    expect(cancelled(out)).toEqual([`${BOB}-2024-04-08`, `${CY}-2024-04-08`]);
  });

  describe('a skip week is a skip week only when it skips', () => {
    const weeks = ['2024-04-08', '2024-04-15'];
    /** Sunday 7 April, 13:00: the Monday-morning 1:1s of the week of 8 April are all inside the 24 h freeze window. */
    const eve = (horizonWeeks: number) =>
      team({
        now: local('2024-04-07T13:00'),
        horizonWeeks,
        events: weeks.flatMap((day) =>
          [ANN, BOB, CY].map((p, i) => oneOnOne(`${p}-${day}`, p, `${day}T${10 + i}:00`)),
        ),
      });

    it('does not make the due week a skip week when its 1:1s are all inside the freeze window', () => {
      const out = mustPlan(eve(1));
      expect(out.skipWeek).toBeNull();
      expect(cancelled(out)).toEqual([]);
      expect(out.notes.map((n) => n.message).join('\n')).not.toMatch(/\b0 1:1 occurrence/);
      expect(out.notes.find((n) => n.code === 'skipWeek')?.message).toContain('No skip week yet');
    });

    it('moves the cadence on to the next week that can skip', () => {
      const out = mustPlan(eve(2));
      expect(out.skipWeek).toBe('2024-04-15');
      expect(cancelled(out)).toEqual([`${BOB}-2024-04-15`, `${CY}-2024-04-15`]);
      expect(out.notes.find((n) => n.code === 'skipWeek')?.message).toContain(
        'The week of Mon 8 Apr had no 1:1 Frontload may cancel',
      );
    });

    it('does not make a week a skip week when everyone in it is protected', () => {
      const out = mustPlan(
        team({ people: [ANN, BOB, CY].map((email) => ({ email, protected: true, fixed: false })) }),
      );
      expect(out.skipWeek).toBeNull();
      expect(cancelled(out)).toEqual([]);
      expect(out.notes.map((n) => n.message).join('\n')).not.toMatch(/\b0 1:1 occurrence/);
    });
  });
});
