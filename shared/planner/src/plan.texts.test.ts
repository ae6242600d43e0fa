import { emptyHistory, type Attendee } from '@frontload/domain';
import { describe, expect, it } from 'vitest';
import {
  attendee,
  counterpart,
  event,
  input,
  mustPlan,
  oneOnOne,
  prefs,
  self,
} from './__fixtures__/builders.js';
import { describeCount, describeDay, describeWeeks } from './describe.js';
import type { PlannerInput } from './input.js';

const BOB = 'bob@acme.test';
const ANN = 'ann@acme.test';
const CY = 'cy@acme.test';
const ISO_DATE = /\b\d{4}-\d{2}-\d{2}\b/;
const NAMES: Record<string, string> = { [BOB]: 'Bob Stone', [ANN]: 'Ann Lee', [CY]: 'Cy Park' };

/** Guests as the provider lists them: with their names, or (`named` false) with their addresses only. */
const guests = (person: string, named: boolean): Attendee[] => [
  self({ organizer: true }),
  attendee(person, named ? { name: NAMES[person] } : {}),
];

/** A single 1:1 with Bob on Thursday 11 April at 10:00 that the planner moves into the first half. */
function thursdayOneOnOne(named: boolean): PlannerInput {
  return input({
    events: [
      oneOnOne('thu', BOB, '2024-04-11T10:00', 30, {
        kind: 'single',
        seriesId: undefined,
        originalStart: undefined,
        title: 'Bob / Me (Design) 1:1',
        attendees: guests(BOB, named),
      }),
    ],
    counterparts: [counterpart(BOB)],
  });
}

/** Weekly Monday 1:1s with Ann, Bob and Cy in the weeks of 1 and 8 April; the last skip week was 26 Feb. */
function skipTeam(named: boolean): PlannerInput {
  const people = [ANN, BOB, CY];
  return input({
    events: ['2024-04-01', '2024-04-08'].flatMap((day) =>
      people.map((p, i) =>
        oneOnOne(`${p}-${day}`, p, `${day}T${10 + i}:00`, 30, { attendees: guests(p, named) }),
      ),
    ),
    counterparts: people.map((p) => counterpart(p)),
    people: [{ email: ANN, protected: true }],
    history: { ...emptyHistory(), lastSkipWeek: '2024-02-26' },
  });
}

const allTexts = (out: ReturnType<typeof mustPlan>) => [
  ...out.operations.map((op) => op.reason),
  ...out.notes.map((n) => n.message),
];

describe('what the planner writes names the event and the person as the user knows them', () => {
  it('a move carries the event title and the name the provider gives, and its reason uses both', () => {
    const [op] = mustPlan(thursdayOneOnOne(true)).operations;
    expect(op).toMatchObject({
      kind: 'moveOccurrence',
      title: 'Bob / Me (Design) 1:1',
      counterpart: BOB,
      counterpartName: 'Bob Stone',
      emails: [BOB],
    });
    expect(op?.reason).toMatch(
      /^Moves your 1:1 "Bob \/ Me \(Design\) 1:1" with Bob Stone from Thu 11 Apr 10:00–10:30 to /,
    );
    expect(op?.reason).not.toContain(BOB);
  });

  it('a 1:1 someone else organizes is left alone with a note naming the organizer by name', () => {
    const planInput = thursdayOneOnOne(true);
    const [bobs] = planInput.events;
    if (!bobs) throw new Error('no event');
    planInput.events = [
      {
        ...bobs,
        organizerIsSelf: false,
        organizerEmail: BOB,
        attendees: [self(), attendee(BOB, { name: 'Bob Stone', organizer: true })],
      },
    ];
    const out = mustPlan(planInput);
    expect(out.operations).toEqual([]);
    expect(out.notes[0]?.message).toBe(
      'Left "Bob / Me (Design) 1:1" on Thu 11 Apr 10:00 where it is. Bob Stone organizes it; Frontload only moves 1:1s you organize.',
    );
  });

  it('falls back to the address when the provider gives no name, and carries no name field then', () => {
    const [op] = mustPlan(thursdayOneOnOne(false)).operations;
    expect(op?.reason).toContain(`with ${BOB} from`);
    expect(op).not.toHaveProperty('counterpartName');
    expect(op).toMatchObject({ title: 'Bob / Me (Design) 1:1' });
  });

  it('skip-week cancellations and notes name people, say counts in words and write no ISO date', () => {
    const out = mustPlan(skipTeam(true));
    const cancels = out.operations.filter((op) => op.kind === 'cancelOccurrence');
    expect(cancels.map((op) => op.kind === 'cancelOccurrence' && op.counterpartName)).toEqual([
      'Bob Stone',
      'Cy Park',
    ]);
    expect(cancels[0]?.reason).toBe(
      'Cancels your 1:1 "bob / me" with Bob Stone on Mon 8 Apr 11:00–11:30, for the skip week (the week of Mon 8 Apr); the series stays as it is.',
    );
    const skip = out.notes.find((n) => n.code === 'skipWeek');
    expect(skip?.message).toBe(
      'The week of Mon 8 Apr is a skip week (it is the cheapest week 5–6 weeks after the last skip week, the week of Mon 26 Feb, that has a 1:1 to skip): two 1:1s are cancelled.',
    );
    expect(skip?.week).toBe('2024-04-08');
    const kept = out.notes.find((n) => n.code === 'skipWeekKept');
    expect(kept?.message).toContain(
      'kept the 1:1 "ann / me" with Ann Lee on Mon 8 Apr 10:00, because Ann Lee is protected',
    );
    for (const text of allTexts(out)) {
      expect(text).not.toMatch(ISO_DATE);
      expect(text).not.toContain('occurrence(s)');
      for (const email of [ANN, BOB, CY]) expect(text).not.toContain(email);
    }
  });

  it('a focus shortfall names its week as a day, not an ISO date', () => {
    // An offsite fills the whole second half (Wednesday noon to Friday evening): no room for focus.
    const out = mustPlan(
      input({ preferences: prefs(), events: [event('offsite', '2024-04-10T12:00', 53 * 60)] }),
    );
    const note = out.notes.find((n) => n.code === 'focusShortfall');
    expect(note?.message).toBe(
      'The week of Mon 8 Apr has room for 0 h of focus in free second-half working time, short of the 10 h target.',
    );
    for (const text of allTexts(out)) expect(text).not.toMatch(ISO_DATE);
  });
});

describe('the planner’s day and count words', () => {
  it('writes a day as "Mon 16 Nov", with the year only when it is not this year', () => {
    const day = Date.UTC(2026, 10, 16) / 86_400_000;
    expect(describeDay(day, 2026)).toBe('Mon 16 Nov');
    expect(describeDay(day, 2027)).toBe('Mon 16 Nov 2026');
    expect(describeWeeks([day, day + 7], 2026)).toBe('the weeks of Mon 16 Nov and Mon 23 Nov');
  });

  it('counts in words up to ten, and singular for one', () => {
    expect(describeCount(1, '1:1')).toBe('one 1:1');
    expect(describeCount(3, '1:1')).toBe('three 1:1s');
    expect(describeCount(12, '1:1')).toBe('12 1:1s');
  });
});
