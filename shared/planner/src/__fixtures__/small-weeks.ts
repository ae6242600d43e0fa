// Small one-week calendars for the comparison with the exhaustive solver: a few 1:1s the user
// organizes sitting in the second half, a few other meetings, counterparts' busy time, all on the grid.
import fc from 'fast-check';
import {
  DEFAULT_PREFERENCES,
  emptyHistory,
  type CalendarEvent,
  type CounterpartAvailability,
} from '@frontload/domain';
import { Temporal } from 'temporal-polyfill';
import type { PlannerInput } from '../input.js';
import { ZONES } from './scenario.js';

export interface SmallWeek {
  readonly input: PlannerInput;
  readonly oneOnOnes: readonly CalendarEvent[];
}

const slot = (days: readonly number[], from: number, to: number) =>
  fc.record({
    day: fc.constantFrom(...days),
    quarter: fc.integer({ min: from * 4, max: to * 4 - 1 }),
    quarters: fc.integer({ min: 1, max: 8 }),
  });

// Crowded on purpose: meetings fragment the second half, targets are high, and the counterparts'
// narrow hours and busy mornings leave few first-half slots, so 1:1s compete or cannot move at all.
const specArb = fc.record({
  zone: fc.constantFrom(...ZONES),
  monday: fc.integer({ min: 0, max: 150 }),
  target: fc.constantFrom(6, 8, 10, 12, 14, 16),
  min: fc.constantFrom(60, 90, 120),
  max: fc.constantFrom(120, 180, 240),
  oneOnOnes: fc.array(
    fc.record({
      day: fc.constantFrom(2, 3, 4),
      quarter: fc.integer({ min: 48, max: 63 }),
      minutes: fc.constantFrom(30, 45, 60),
      theirHours: fc.constantFrom(
        ['09:00', '17:00'],
        ['10:00', '12:00'],
        ['13:00', '17:00'],
        ['09:00', '10:30'],
      ),
      theirBusy: fc.array(slot([0, 1, 2], 9, 17), { maxLength: 10 }),
    }),
    { minLength: 1, maxLength: 4 },
  ),
  firstHalfMeetings: fc.array(slot([0, 1, 2], 9, 12), { maxLength: 6 }),
  secondHalfMeetings: fc.array(slot([2, 3, 4], 12, 17), { maxLength: 9 }),
});

/** Generated small weeks (one-week horizon, planned from Monday 00:00, no freeze window). */
export const smallWeekArb: fc.Arbitrary<SmallWeek> = specArb.map((spec) => {
  const monday = Temporal.PlainDate.from('2024-01-01').add({ weeks: spec.monday });
  const at = (day: number, quarter: number) =>
    monday
      .add({ days: day })
      .toZonedDateTime({
        timeZone: spec.zone,
        plainTime: Temporal.PlainTime.from({ hour: Math.floor(quarter / 4), minute: (quarter % 4) * 15 }),
      })
      .toInstant();
  const range = (day: number, quarter: number, minutes: number) => {
    const start = at(day, quarter);
    return { start: start.toString(), end: start.add({ minutes }).toString() };
  };
  const base = {
    zone: spec.zone,
    status: 'confirmed',
    organizerIsSelf: true,
    transparency: 'busy',
    eventType: 'default',
  } as const;
  const oneOnOnes: CalendarEvent[] = spec.oneOnOnes.map((o, i) => ({
    ...base,
    id: `one-${i}`,
    kind: 'single',
    title: `1:1 p${i}`,
    ...range(o.day, o.quarter, o.minutes),
    attendees: [
      { email: 'me@acme.test', self: true, organizer: true, responseStatus: 'accepted' },
      { email: `p${i}@acme.test`, responseStatus: 'accepted' },
    ],
  }));
  const meetings: CalendarEvent[] = [...spec.firstHalfMeetings, ...spec.secondHalfMeetings].map((m, i) => ({
    ...base,
    id: `meeting-${i}`,
    kind: 'single',
    title: `meeting ${i}`,
    ...range(m.day, m.quarter, m.quarters * 15),
    attendees: [
      { email: 'me@acme.test', self: true, responseStatus: 'accepted' },
      { email: 'a@acme.test', responseStatus: 'accepted' },
      { email: 'b@acme.test', responseStatus: 'accepted' },
    ],
  }));
  const counterparts: CounterpartAvailability[] = spec.oneOnOnes.map((o, i) => ({
    email: `p${i}@acme.test`,
    zone: spec.zone,
    workingHours: {
      start: o.theirHours[0] ?? '09:00',
      end: o.theirHours[1] ?? '17:00',
      days: [1, 2, 3, 4, 5],
    },
    busy: [
      ...o.theirBusy.map((b) => range(b.day, b.quarter, b.quarters * 15)),
      { start: oneOnOnes[i]?.start ?? '', end: oneOnOnes[i]?.end ?? '' },
    ],
  }));
  const preferences = structuredClone(DEFAULT_PREFERENCES);
  preferences.focus = {
    ...preferences.focus,
    targetHours: spec.target,
    minBlockMinutes: spec.min,
    maxBlockMinutes: spec.max,
  };
  preferences.freezeWindowHours = 0;
  const input: PlannerInput = {
    now: at(0, 0).toString(),
    zone: spec.zone,
    userEmail: 'me@acme.test',
    idSeed: 'small',
    horizonWeeks: 1,
    preferences,
    people: [],
    events: [...oneOnOnes, ...meetings],
    counterparts,
    history: emptyHistory(),
  };
  return { input, oneOnOnes };
});
