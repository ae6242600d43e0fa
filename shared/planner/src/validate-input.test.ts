import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { scenarioArb } from './__fixtures__/arbitraries.js';
import { PROPERTY_SEED, buildInput } from './__fixtures__/scenario.js';
import { counterpart, event, input, local, oneOnOne, prefs } from './__fixtures__/builders.js';
import type { PlannerInput } from './input.js';
import { plan } from './plan.js';

/** The validation errors for an input, or a failure if it was accepted. */
function rejected(bad: unknown): { path: string; message: string }[] {
  const result = plan(bad as PlannerInput);
  if (result.ok) throw new Error('the input was accepted');
  return result.errors;
}

describe('bad input is rejected at the boundary with a path and a message', () => {
  it('rejects an event that ends before it starts', () => {
    const e = event('backwards', '2024-04-11T10:00', 30);
    expect(rejected(input({ events: [{ ...e, end: local('2024-04-11T09:00') }] }))).toEqual([
      { path: '/events/0/end', message: `ends before it starts (${e.start} → ${local('2024-04-11T09:00')})` },
    ]);
  });

  it('rejects unknown zones for the user, an event and a counterpart', () => {
    const errors = rejected(
      input({
        zone: 'Mars/Olympus_Mons',
        events: [{ ...event('e', '2024-04-11T10:00', 30), zone: 'Europe/Atlantis' }],
        counterparts: [counterpart('bob@acme.test', [], { zone: 'Nowhere/Special' })],
      }),
    );
    expect(errors.map((e) => e.path)).toEqual(['/zone', '/events/0/zone', '/counterparts/0/zone']);
    expect(errors[0]?.message).toBe(
      'unknown time zone "Mars/Olympus_Mons" (expected an IANA name such as Europe/Berlin)',
    );
  });

  it('rejects duplicate event ids and the same occurrence listed twice', () => {
    const one = oneOnOne('o', 'bob@acme.test', '2024-04-11T10:00');
    const errors = rejected(input({ events: [one, { ...one }, { ...one, id: 'o-again' }] }));
    expect(errors).toEqual([
      { path: '/events/1/id', message: 'duplicate event id "o" (also /events/0)' },
      {
        path: '/events/1',
        message: 'the same occurrence of series "series-bob@acme.test" appears twice (also /events/0)',
      },
      {
        path: '/events/2',
        message: 'the same occurrence of series "series-bob@acme.test" appears twice (also /events/0)',
      },
    ]);
  });

  it('rejects an event whose attendees are missing', () => {
    const { attendees: _dropped, ...withoutAttendees } = oneOnOne('o', 'bob@acme.test', '2024-04-11T10:00');
    const errors = rejected(input({ events: [withoutAttendees as never] }));
    expect(errors[0]).toEqual({ path: '/events/0', message: 'must have required properties attendees' });
  });

  it('rejects a 30-hour focus target that cannot fit in the second half', () => {
    const errors = rejected(input({ preferences: prefs((p) => (p.focus.targetHours = 30)) }));
    expect(errors).toEqual([
      {
        path: '/preferences/focus/targetHours',
        message: 'a 30 h focus target does not fit in the 21 h of second-half working time (from Wed 12:00)',
      },
    ]);
  });

  it('rejects an empty first half', () => {
    const errors = rejected(
      input({ preferences: prefs((p) => (p.firstHalf = { endWeekday: 1, endTime: '08:00' })) }),
    );
    expect(errors).toEqual([
      {
        path: '/preferences/firstHalf',
        message: 'the first half (until Mon 08:00) holds no working time, so 1:1s could never move there',
      },
    ]);
  });

  it('rejects working hours that end before they start, and focus bounds the wrong way round', () => {
    const errors = rejected(
      input({
        preferences: prefs((p) => {
          p.workingHours.start = '18:00';
          p.workingHours.end = '09:00';
        }),
      }),
    );
    expect(errors.map((e) => e.path)).toEqual(['/preferences/workingHours/end']);
    const bounds = rejected(
      input({ preferences: prefs((p) => ((p.focus.minBlockMinutes = 240), (p.focus.maxBlockMinutes = 90))) }),
    );
    expect(bounds[0]?.path).toBe('/preferences/focus/minBlockMinutes');
  });

  it('rejects impossible instants and dates, and misspelt preferences, by schema or by parsing', () => {
    expect(rejected(input({ now: '2024-02-30T10:00:00Z' })).map((e) => e.path)).toEqual(['/now']);
    // Calendar dates are checked by the schema itself (format: 'date'), before any parsing.
    for (const lastSkipWeek of ['2024-13-01', '2026-02-30']) {
      const errors = rejected(
        input({
          history: { lastSkipWeek, lastHeldOneOnOnes: [], deletedFocusBlocks: [], userOverrides: [] },
        }),
      );
      expect(new Set(errors.map((e) => e.path))).toEqual(new Set(['/history/lastSkipWeek']));
    }
    const typo = rejected(input({ preferences: { ...prefs(), focusTarget: 10 } as never }));
    expect(typo).toEqual([{ path: '/preferences', message: 'unknown property "focusTarget"' }]);
  });

  it('rejects something that is not an input at all without throwing', () => {
    expect(rejected(null)[0]?.path).toBe('/');
    expect(rejected({ now: 42 }).length).toBeGreaterThan(0);
  });

  it('handles same-content duplicates with a note instead of moving either copy', () => {
    const one = oneOnOne('o', 'bob@acme.test', '2024-04-11T10:00', 30, {
      kind: 'single',
      seriesId: undefined,
      originalStart: undefined,
      title: '1:1',
    });
    const result = plan(
      input({ events: [one, { ...one, id: 'o-copy' }], counterparts: [counterpart('bob@acme.test')] }),
    );
    expect(result.ok && result.operations).toEqual([]);
    expect(result.ok && result.notes.map((n) => `${n.code} ${n.eventId}`)).toEqual([
      'possibleDuplicate o',
      'possibleDuplicate o-copy',
    ]);
  });

  it('notes a 1:1 by title whose other person is missing instead of guessing', () => {
    const lonely = event('lonely', '2024-04-11T10:00', 30, { title: '1:1 with Bob', attendees: [] });
    const result = plan(input({ events: [lonely] }));
    expect(result.ok && result.notes.map((n) => n.code)).toEqual(['noCounterpart']);
    expect(result.ok && result.operations).toEqual([]);
  });

  it('accepts instants with offsets and all-day events given as dates', () => {
    const offset = event('offset', '2024-04-11T10:00', 30, {
      start: '2024-04-11T10:00:00+02:00',
      end: '2024-04-11T10:30:00+02:00',
    });
    const allDay = event('holiday', '2024-04-12T00:00', 24 * 60, {
      allDay: { startDate: '2024-04-12', endDate: '2024-04-13' },
      transparency: 'free',
    });
    expect(plan(input({ events: [offset, allDay] })).ok).toBe(true);
  });

  it('never throws, whatever it is given: random values, or a valid input with one field garbled', () => {
    fc.assert(
      fc.property(fc.anything(), (value) => {
        expect(plan(value as PlannerInput).ok).toBe(false);
      }),
      { seed: PROPERTY_SEED, numRuns: 300 },
    );
    const garbled = fc.tuple(
      scenarioArb,
      fc.nat(),
      fc.constantFrom('start', 'end', 'zone', 'kind', 'allDay', 'attendees', 'status'),
      fc.jsonValue(),
    );
    fc.assert(
      fc.property(garbled, ([spec, index, field, value]) => {
        const valid = buildInput(spec);
        const events = valid.events.map((e, i) =>
          i === index % valid.events.length ? { ...e, [field]: value } : e,
        );
        expect(() => plan({ ...valid, events } as PlannerInput)).not.toThrow();
      }),
      { seed: PROPERTY_SEED, numRuns: 300 },
    );
  });
});
