import { plan } from './plan.js';
import { describe, expect, it } from 'vitest';
import {
  counterpart,
  event,
  input,
  local,
  localPlus,
  meeting,
  mustPlan,
  oneOnOne,
  prefs,
  wall,
} from './__fixtures__/builders.js';

const BOB = 'bob@acme.test';
const single = (id: string, person: string, start: string, minutes = 30) =>
  oneOnOne(id, person, start, minutes, {
    kind: 'single',
    seriesId: undefined,
    originalStart: undefined,
    title: `1:1 ${person}`,
  });

describe('moving 1:1s into the first half', () => {
  it('moves a Thursday 1:1 the user organizes to the same time on Monday when both are free', () => {
    const out = mustPlan(
      input({
        events: [single('thu', BOB, '2024-04-11T10:00')],
        counterparts: [
          counterpart(BOB, [
            ['2024-04-09T10:00', 30],
            ['2024-04-10T10:00', 30],
          ]),
        ],
      }),
    );
    expect(out.operations).toHaveLength(1);
    const [op] = out.operations;
    expect(op).toMatchObject({ kind: 'moveOccurrence', eventId: 'thu', counterpart: BOB, emails: [BOB] });
    expect(op?.kind === 'moveOccurrence' && wall(op.after.start)).toBe('Mon 2024-04-08 10:00');
    expect(op?.reason).toContain('same time of day');
  });

  it('prefers the nearest first-half day at the same time (Wednesday morning for a Thursday 1:1)', () => {
    const out = mustPlan(
      input({ events: [single('thu', BOB, '2024-04-11T10:00')], counterparts: [counterpart(BOB)] }),
    );
    const [op] = out.operations;
    expect(op?.kind === 'moveOccurrence' && wall(op.after.start)).toBe('Wed 2024-04-10 10:00');
  });

  it('never moves a 1:1 onto a day it would take past the daily meeting cap: the next nearest day under it wins, and the reason says so', () => {
    // Wednesday, the nearest first-half day, already holds two hours of meetings (in the afternoon).
    const busyWednesday = meeting('review', '2024-04-10T14:00', 120, ['kim@acme.test', 'lu@acme.test']);
    const base = input({
      events: [single('thu', BOB, '2024-04-11T10:00'), busyWednesday],
      counterparts: [counterpart(BOB)],
    });
    const uncapped = mustPlan(base).operations.find((op) => op.kind === 'moveOccurrence');
    expect(uncapped?.kind === 'moveOccurrence' && wall(uncapped.after.start)).toBe('Wed 2024-04-10 10:00');

    const capped = mustPlan({
      ...base,
      preferences: prefs((p) => (p.oneOnOnes.dailyMeetingCapHours = 2)),
    }).operations.find((op) => op.kind === 'moveOccurrence');
    expect(capped?.kind === 'moveOccurrence' && wall(capped.after.start)).toBe('Tue 2024-04-09 10:00');
    expect(capped?.reason).toContain('the day stays within your 2 h daily meeting cap');
  });

  it('counts the 1:1s it moves against the cap too, and says so when every free day is at the cap', () => {
    const carol = 'carol@acme.test';
    // Monday and Tuesday hold an hour of meetings each, Wednesday half an hour; the cap is 1 h.
    const events = [
      single('thu-bob', BOB, '2024-04-11T10:00'),
      single('thu-carol', carol, '2024-04-11T11:00'),
      meeting('m', '2024-04-08T15:00', 60, ['kim@acme.test', 'lu@acme.test']),
      meeting('t', '2024-04-09T15:00', 60, ['kim@acme.test', 'lu@acme.test']),
      meeting('w', '2024-04-10T15:00', 30, ['kim@acme.test', 'lu@acme.test']),
    ];
    const out = mustPlan(
      input({
        events,
        counterparts: [counterpart(BOB), counterpart(carol)],
        preferences: prefs((p) => (p.oneOnOnes.dailyMeetingCapHours = 1)),
      }),
    );
    // Only one 30-minute 1:1 fits on Wednesday under the cap; the other stays and the note says why.
    const moved = out.operations.filter((op) => op.kind === 'moveOccurrence');
    expect(moved).toHaveLength(1);
    expect(moved[0]?.kind === 'moveOccurrence' && wall(moved[0].after.start)).toMatch(/^Wed 2024-04-10/);
    const note = out.notes.find((n) => n.code === 'noFreeSlot');
    expect(note?.message).toMatch(/would take a day past your 1 h daily meeting cap/);
  });

  it('moves a whole series once when every occurrence in view fits the same new slot', () => {
    const out = mustPlan(
      input({
        horizonWeeks: 2,
        now: local('2024-04-06T09:00'),
        events: [oneOnOne('w1', BOB, '2024-04-11T15:00'), oneOnOne('w2', BOB, '2024-04-18T15:00')],
        counterparts: [counterpart(BOB)],
      }),
    );
    // The current week (1 Apr) is over, so the 11 Apr occurrence is in view; 15:00 is free on Tuesday.
    expect(out.operations.map((op) => op.kind)).toEqual(['moveSeries']);
    expect(out.operations[0]).toMatchObject({
      seriesId: `series-${BOB}`,
      weekday: 2,
      startTime: '15:00',
      zone: 'Europe/Berlin',
    });
  });

  it('splits a series that met before, so its past keeps its times, and lists the two emails that sends; one that never met moves whole with one email', () => {
    const upcoming = [oneOnOne('w1', BOB, '2024-04-11T15:00'), oneOnOne('w2', BOB, '2024-04-18T15:00')];
    const planWith = (events: ReturnType<typeof oneOnOne>[]) =>
      mustPlan(
        input({ horizonWeeks: 2, now: local('2024-04-06T09:00'), events, counterparts: [counterpart(BOB)] }),
      ).operations[0];
    const met = planWith([oneOnOne('w0', BOB, '2024-04-04T15:00'), ...upcoming]);
    expect(met).toMatchObject({ kind: 'moveSeries', split: true, emails: [BOB, BOB] });
    expect(met?.reason).toContain('Earlier 1:1s keep their times');
    const fresh = planWith(upcoming);
    expect(fresh).toMatchObject({ kind: 'moveSeries', emails: [BOB] });
    expect(fresh).not.toHaveProperty('split');
  });

  it('keeps the same local time for a series across a DST change', () => {
    const out = mustPlan(
      input({
        now: local('2024-03-23T09:00'),
        events: [oneOnOne('w1', BOB, '2024-03-28T10:00'), oneOnOne('w2', BOB, '2024-04-04T10:00')],
        counterparts: [
          counterpart(BOB, [
            ['2024-03-26T10:00', 30],
            ['2024-03-27T10:00', 30],
          ]),
        ],
      }),
    );
    const [op] = out.operations;
    expect(op).toMatchObject({
      kind: 'moveSeries',
      weekday: 1,
      startTime: '10:00',
      fromOriginalStart: local('2024-03-28T10:00'),
    });
    // Monday 25 March is still winter time, Monday 1 April summer time: same wall clock, different UTC.
    expect(op?.kind === 'moveSeries' && op.after.start).toBe('2024-03-25T09:00:00Z');
  });

  it('reads a series master as a description of its occurrences, not as a second meeting', () => {
    const first = oneOnOne('w1', BOB, '2024-04-11T15:00');
    const master = {
      ...first,
      id: `series-${BOB}`,
      kind: 'series' as const,
      originalStart: undefined,
      seriesId: undefined,
    };
    const out = mustPlan(input({ events: [master, first], counterparts: [counterpart(BOB)] }));
    expect(out.operations.map((op) => `${op.kind} ${op.eventId}`)).toEqual(['moveSeries w1']);
    // Nothing left alone (the only note is the gentle one about having a single report).
    expect(out.notes.map((n) => n.code)).toEqual(['fewReports']);
  });

  it('moves occurrences one by one when the series has no slot free in every week', () => {
    const out = mustPlan(
      input({
        now: local('2024-03-30T09:00'),
        horizonWeeks: 3,
        events: [oneOnOne('w1', BOB, '2024-04-04T10:00'), oneOnOne('w2', BOB, '2024-04-11T10:00')],
        // Bob is free on Monday 1 April only, and on Tuesday 9 April only.
        counterparts: [
          counterpart(BOB, [
            ['2024-04-02T00:00', 48 * 60],
            ['2024-04-08T00:00', 24 * 60],
            ['2024-04-10T00:00', 24 * 60],
          ]),
        ],
      }),
    );
    expect(out.operations.map((op) => `${op.kind} ${op.eventId}`)).toEqual([
      'moveOccurrence w1',
      'moveOccurrence w2',
    ]);
  });

  it('leaves a 1:1 someone else organizes alone and says so', () => {
    const out = mustPlan(
      input({
        events: [{ ...single('thu', BOB, '2024-04-11T10:00'), organizerIsSelf: false, organizerEmail: BOB }],
        counterparts: [counterpart(BOB)],
      }),
    );
    expect(out.operations).toEqual([]);
    expect(out.notes).toMatchObject([{ code: 'organizedByOther', eventId: 'thu', email: BOB }]);
  });

  it('leaves a 1:1 inside the 24-hour freeze window alone', () => {
    const out = mustPlan(
      input({
        now: local('2024-04-10T14:00'),
        events: [single('thu', BOB, '2024-04-11T10:00')],
        counterparts: [counterpart(BOB)],
      }),
    );
    expect(out.operations).toEqual([]);
    expect(out.notes.map((n) => n.code)).toEqual(['insideFreezeWindow']);
  });

  it('leaves 1:1s with a person marked fixed, and with an external guest, alone', () => {
    const out = mustPlan(
      input({
        people: [{ email: BOB, fixed: true }],
        events: [single('bob', BOB, '2024-04-11T10:00'), single('ext', 'eve@other.test', '2024-04-11T14:00')],
        counterparts: [counterpart(BOB), counterpart('eve@other.test')],
      }),
    );
    expect(out.operations).toEqual([]);
    expect(out.notes.map((n) => `${n.code} ${n.eventId}`)).toEqual(['markedFixed bob', 'externalGuest ext']);
  });

  it('says there is no free slot when the counterpart is busy all first half', () => {
    const out = mustPlan(
      input({
        events: [single('thu', BOB, '2024-04-11T10:00')],
        counterparts: [counterpart(BOB, [['2024-04-08T00:00', 60 * 60]])],
      }),
    );
    expect(out.operations).toEqual([]);
    expect(out.notes).toMatchObject([{ code: 'noFreeSlot', eventId: 'thu' }]);
    expect(out.notes[0]?.message).toContain('where you and bob@acme.test are both free');
  });

  it('does not move a 1:1 when the counterpart’s free/busy is unknown', () => {
    const out = mustPlan(input({ events: [single('thu', BOB, '2024-04-11T10:00')] }));
    expect(out.operations).toEqual([]);
    expect(out.notes.map((n) => n.code)).toEqual(['availabilityUnknown']);
  });

  it("respects the counterpart's working hours in their zone", () => {
    // Berlin 09:00–15:00 is 03:00–09:00 in New York: only 15:00–17:00 Berlin is inside both days.
    const out = mustPlan(
      input({
        events: [single('thu', BOB, '2024-04-11T10:00')],
        counterparts: [counterpart(BOB, [], { zone: 'America/New_York' })],
      }),
    );
    const [op] = out.operations;
    expect(op?.kind === 'moveOccurrence' && wall(op.after.start)).toBe('Tue 2024-04-09 15:00');
  });

  it('never puts two 1:1s on top of each other, and keeps a short break between them where possible', () => {
    const out = mustPlan(
      input({
        events: [
          single('staying', 'ann@acme.test', '2024-04-10T10:00'),
          single('thu', BOB, '2024-04-11T10:30'),
          single('fri', 'cy@acme.test', '2024-04-12T10:30'),
        ],
        counterparts: [counterpart(BOB), counterpart('cy@acme.test'), counterpart('ann@acme.test')],
      }),
    );
    const starts = out.operations.flatMap((op) =>
      op.kind === 'moveOccurrence' ? [`${op.eventId} ${wall(op.after.start)}`] : [],
    );
    // Wednesday 10:30 would sit right after Ann's 1:1, so Bob goes to Tuesday, and Cy to Monday.
    expect(starts).toEqual(['thu Tue 2024-04-09 10:30', 'fri Mon 2024-04-08 10:30']);
  });

  it('moves a 1:1 into a slot that is free for both people, around the user’s meetings', () => {
    const out = mustPlan(
      input({
        events: [
          single('thu', BOB, '2024-04-11T10:00'),
          meeting('standup', '2024-04-10T10:00', 60, ['team@acme.test', 'lead@acme.test']),
          event('dentist', '2024-04-09T09:00', 180),
        ],
        counterparts: [counterpart(BOB, [['2024-04-08T10:00', 60]])],
      }),
    );
    const [op] = out.operations;
    // 10:00 is taken every day (stand-up, dentist, Bob's own meeting): the closest time is 09:30, Wednesday.
    expect(op?.kind === 'moveOccurrence' && wall(op.after.start)).toBe('Wed 2024-04-10 09:30');
    expect(op?.kind === 'moveOccurrence' && op.after.end).toBe(localPlus('2024-04-10T09:30', 30));
  });
});

describe('the same calendar under other ids', () => {
  it('plans two look-alike 1:1s the same way whatever ids the provider gave them (ties go by title)', () => {
    const plannedSlots = (ids: [string, string]) => {
      const events = ['A', 'B'].map((name, i) =>
        oneOnOne(ids[i]!, BOB, '2024-04-10T14:00', 30, {
          title: `1:1 ${name}`,
          seriesId: `series-${ids[i]}`,
        }),
      );
      const out = mustPlan(input({ events, counterparts: [counterpart(BOB)] }));
      const titles = new Map(events.map((e) => [e.id, e.title]));
      return out.operations
        .flatMap((op) => (op.kind === 'moveOccurrence' || op.kind === 'moveSeries' ? [op] : []))
        .map((op) => `${titles.get(op.eventId)} → ${wall(op.after.start)}`)
        .sort();
    };
    const first = plannedSlots(['zz-1', 'aa-2']);
    expect(first).toHaveLength(2);
    expect(plannedSlots(['aa-2', 'zz-1'])).toEqual(first);
    expect(plannedSlots(['m-1', 'k-2'])).toEqual(first);
  });
});

describe('what a move reason says was checked', () => {
  it("says the counterpart's working hours were not visible when the provider did not report them (Google)", () => {
    const out = mustPlan(
      input({ events: [single('thu', BOB, '2024-04-11T10:00')], counterparts: [counterpart(BOB)] }),
    );
    const [op] = out.operations;
    expect(op?.reason).toContain(
      "bob@acme.test is free then and it is inside your working hours (their working hours aren't visible, so yours were assumed for them)",
    );
    expect(op?.reason).not.toContain('both your working hours');
  });

  it("says both working hours were checked when the provider reported the counterpart's (Graph schedule), and places by them", () => {
    const out = mustPlan(
      input({
        events: [single('thu', BOB, '2024-04-11T10:00')],
        counterparts: [
          counterpart(BOB, [], { workingHours: { days: [1, 2, 3, 4, 5], start: '14:00', end: '17:00' } }),
        ],
      }),
    );
    const [op] = out.operations;
    expect(op?.reason).toContain('you are both free then and it is inside both your working hours');
    // Bob starts at 14:00: 10:00 is outside his hours on every day, so the slot moves to his afternoon.
    expect(op?.kind === 'moveOccurrence' && wall(op.after.start)).toMatch(/ 1[4-6]:[0-9]{2}$/);
  });

  it('says which hours were missing when no first-half slot is left', () => {
    const busyAllWeek: [string, number][] = ['08', '09', '10', '11', '12'].map((d) => [
      `2024-04-${d}T00:00`,
      24 * 60,
    ]);
    const hidden = mustPlan(
      input({
        events: [single('thu', BOB, '2024-04-11T10:00')],
        counterparts: [counterpart(BOB, busyAllWeek)],
      }),
    );
    expect(hidden.notes[0]?.message).toContain("their working hours aren't visible");
    const known = mustPlan(
      input({
        events: [single('thu', BOB, '2024-04-11T10:00')],
        counterparts: [
          counterpart(BOB, busyAllWeek, {
            workingHours: { days: [1, 2, 3, 4, 5], start: '09:00', end: '17:00' },
          }),
        ],
      }),
    );
    expect(known.notes[0]?.message).toContain('inside both your working hours');
  });
});

describe("busy time on the user's other calendars", () => {
  it('keeps a moved 1:1 off it', () => {
    const base = input({
      events: [single('thu', BOB, '2024-04-11T10:00')],
      counterparts: [counterpart(BOB)],
    });
    const [first] = mustPlan(base).operations;
    expect(first?.kind).toBe('moveOccurrence');
    const taken = first?.kind === 'moveOccurrence' ? first.after : undefined;
    const out = mustPlan({ ...base, otherCalendarsBusy: [taken!] });
    const [op] = out.operations;
    expect(op?.kind).toBe('moveOccurrence');
    expect(op?.kind === 'moveOccurrence' && op.after.start).not.toBe(taken!.start);
    expect(out.operations.every((o) => o.eventId === 'thu')).toBe(true);
  });

  it('refuses a busy range that ends before it starts', () => {
    const result = plan({
      ...input(),
      otherCalendarsBusy: [{ start: local('2024-04-11T11:00'), end: local('2024-04-11T10:00') }],
    });
    expect(result.ok).toBe(false);
    expect(!result.ok && result.errors[0]?.path).toMatch(/^\/otherCalendarsBusy\/0/);
  });
});
