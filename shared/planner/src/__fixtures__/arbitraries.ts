// fast-check arbitraries of planning scenarios for the property tests: a user in one of several zones
// (DST weeks often), 1:1 series and single 1:1s, group meetings, personal events, all-day
// out-of-office, our focus blocks, and history. scenario.ts builds the planner input from a scenario.
import fc from 'fast-check';
import { DEFAULT_PREFERENCES, type Preferences } from '@frontload/domain';
import { Temporal } from 'temporal-polyfill';
import { checkPreferences } from '../check-preferences.js';
import type { PlannerInput } from '../input.js';
import {
  PROPERTY_SEED,
  ZONES,
  buildInput,
  type MeetingSpec,
  type NewMeetingSpec,
  type PersonSpec,
  type ScenarioSpec,
  type SeriesSpec,
} from './scenario.js';

/** Local day numbers of Mondays whose week or the week before contains a DST change, per zone. */
const DST_MONDAYS: ReadonlyMap<string, readonly number[]> = new Map(
  ZONES.map((zone) => {
    const mondays: number[] = [];
    let cursor = Temporal.Instant.from('2024-01-01T00:00:00Z').toZonedDateTimeISO(zone);
    for (;;) {
      const next = cursor.getTimeZoneTransition('next');
      if (!next || next.year > 2027) break;
      const date = next.toPlainDate();
      const monday = date.subtract({ days: date.dayOfWeek - 1 });
      const day = monday.since(Temporal.PlainDate.from('1970-01-01')).days;
      mondays.push(day, day - 7);
      cursor = next;
    }
    return [zone, mondays];
  }),
);

const quarter = (from: number, to: number) => fc.integer({ min: from / 15, max: to / 15 }).map((q) => q * 15);
const slot = (days: number, from = 7 * 60, to = 19 * 60) =>
  fc.record({
    day: fc.integer({ min: 0, max: days - 1 }),
    minute: quarter(from, to),
    duration: quarter(15, 180),
  });

const prefsArb: fc.Arbitrary<Preferences> = fc
  .record({
    start: fc.constantFrom('08:00', '09:00', '09:30', '10:00'),
    end: fc.constantFrom('16:00', '17:00', '17:30', '18:00'),
    fourDays: fc.boolean(),
    weekStartsOn: fc.constantFrom(1, 1, 1, 1, 7),
    firstHalfEnd: fc.constantFrom(
      { w: 3, t: '12:00' },
      { w: 3, t: '12:00' },
      { w: 2, t: '17:00' },
      { w: 3, t: '15:30' },
    ),
    target: fc.constantFrom(0, 4, 6, 8, 10, 10, 12),
    min: fc.constantFrom(60, 90, 90, 120),
    max: fc.constantFrom(120, 180, 240, 240),
    freeze: fc.constantFrom(0, 12, 24, 24),
    breakMinutes: fc.constantFrom(0, 10, 15),
    allowExternal: fc.boolean(),
  })
  .map(fitting);

function fitting(p: {
  start: string;
  end: string;
  fourDays: boolean;
  weekStartsOn: number;
  firstHalfEnd: { w: number; t: string };
  target: number;
  min: number;
  max: number;
  freeze: number;
  breakMinutes: number;
  allowExternal: boolean;
}): Preferences {
  const prefs: Preferences = {
    ...structuredClone(DEFAULT_PREFERENCES),
    weekStartsOn: p.weekStartsOn,
    workingHours: { start: p.start, end: p.end, days: p.fourDays ? [1, 2, 3, 4] : [1, 2, 3, 4, 5] },
    firstHalf: { endWeekday: p.firstHalfEnd.w, endTime: p.firstHalfEnd.t },
    focus: {
      ...DEFAULT_PREFERENCES.focus,
      targetHours: p.target,
      minBlockMinutes: p.min,
      maxBlockMinutes: Math.max(p.min, p.max),
    },
    freezeWindowHours: p.freeze,
    oneOnOnes: {
      ...DEFAULT_PREFERENCES.oneOnOnes,
      breakMinutes: p.breakMinutes,
      allowExternal: p.allowExternal,
    },
  };
  // Generated preferences must be valid ones: shrink a target the second half cannot hold.
  if (checkPreferences(prefs).length > 0) prefs.focus.targetHours = 4;
  return prefs;
}

const seriesArb: fc.Arbitrary<SeriesSpec> = fc.record({
  weekday: fc.integer({ min: 1, max: 5 }),
  minute: quarter(8 * 60, 17 * 60),
  duration: fc.constantFrom(25, 30, 30, 45, 50, 60),
  everyOtherWeek: fc.constantFrom(false, false, false, true),
  phase: fc.integer({ min: 0, max: 1 }),
  organizerIsSelf: fc.constantFrom(true, true, true, true, false),
  exceptionShift: fc.constantFrom(0, 0, 0, 0, 0, 0, -120, 90, 1440),
  cancelledWeek: fc.constantFrom(-1, -1, -1, -1, -1, 0, 1),
  withMaster: fc.boolean(),
});

const personArb: fc.Arbitrary<PersonSpec> = fc.record({
  external: fc.constantFrom(false, false, false, false, false, true),
  protected: fc.constantFrom(false, false, false, true),
  fixed: fc.constantFrom(false, false, false, false, false, false, false, false, false, true),
  preferred: fc.option(
    fc.record({ weekday: fc.integer({ min: 1, max: 3 }), time: fc.constantFrom('09:00', '10:30', '14:00') }),
    { freq: 8 },
  ),
  availability: fc.constantFrom(
    'known',
    'known',
    'known',
    'known',
    'known',
    'known',
    'known',
    'known',
    'known',
    'unknown',
  ),
  zone: fc.option(fc.constantFrom(...ZONES), { freq: 2 }),
  workingHours: fc.option(
    fc.record({
      start: fc.constantFrom('07:00', '09:00', '11:00'),
      end: fc.constantFrom('15:00', '17:00', '19:00'),
      days: fc.constant([1, 2, 3, 4, 5]),
    }),
    { freq: 4 },
  ),
  series: fc.option(seriesArb, { freq: 5 }),
  single: fc.option(
    slot(14, 8 * 60, 17 * 60).map((s) => ({ ...s, duration: Math.min(60, s.duration) })),
    { freq: 6 },
  ),
  busy: fc.array(slot(14), { maxLength: 8 }),
  lastHeldDaysAgo: fc.option(fc.integer({ min: 1, max: 25 }), { freq: 3 }),
});

const meetingArb: fc.Arbitrary<MeetingSpec> = fc.record({
  day: fc.integer({ min: 0, max: 13 }),
  minute: quarter(7 * 60, 19 * 60),
  duration: quarter(15, 180),
  guests: fc.constantFrom(0, 0, 2, 3, 4, 6),
  organizerIsSelf: fc.boolean(),
  response: fc.constantFrom('accepted', 'accepted', 'accepted', 'tentative', 'needsAction', 'declined'),
  free: fc.constantFrom(false, false, false, false, false, true),
  cancelled: fc.constantFrom(false, false, false, false, false, false, false, false, false, true),
});

/** A random planning situation, DST weeks for about half of the zones that have them. */
export const scenarioArb: fc.Arbitrary<ScenarioSpec> = fc
  .record({
    zone: fc.constantFrom(...ZONES),
    dst: fc.boolean(),
    dstPick: fc.nat(),
    randomMonday: fc.integer({ min: 0, max: 200 }),
    nowMinutes: fc.oneof(
      fc.integer({ min: 0, max: 3 * 24 * 60 }),
      fc.integer({ min: 0, max: 7 * 24 * 60 - 1 }),
    ),
    horizonWeeks: fc.constantFrom(2, 2, 2, 1),
    prefs: prefsArb,
    people: fc.array(personArb, { minLength: 1, maxLength: 6 }),
    meetings: fc.array(meetingArb, { maxLength: 14 }),
    blocks: fc.array(slot(14, 11 * 60, 17 * 60), { maxLength: 3 }),
    allDay: fc.array(
      fc.record({
        day: fc.integer({ min: 0, max: 13 }),
        days: fc.integer({ min: 1, max: 3 }),
        outOfOffice: fc.boolean(),
      }),
      { maxLength: 1 },
    ),
    lastSkipWeeksAgo: fc.option(fc.integer({ min: 0, max: 9 }), { freq: 4 }),
    deleted: fc.array(slot(14, 12 * 60, 16 * 60), { maxLength: 1 }),
    duplicateOf: fc.option(fc.nat(20), { freq: 10 }),
  })
  .map((r) => {
    const dstMondays = DST_MONDAYS.get(r.zone) ?? [];
    const useDst = r.dst && dstMondays.length > 0;
    // 2024-01-01 was a Monday: day 19723.
    const mondayDay = useDst
      ? (dstMondays[r.dstPick % dstMondays.length] ?? 19_723)
      : 19_723 + 7 * r.randomMonday;
    return { ...r, dst: useDst, mondayDay };
  });

/** Generated planner inputs, with the spec kept for oracles that need it. */
export const inputArb: fc.Arbitrary<{ spec: ScenarioSpec; input: PlannerInput }> = scenarioArb.map(
  (spec) => ({ spec, input: buildInput(spec) }),
);

/** fast-check parameters for every property: fixed seed (printed by fast-check on failure), 1,000 runs. */
export const PROPERTY_PARAMS = { seed: PROPERTY_SEED, numRuns: 1000, endOnFailure: true } as const;

export const newMeetingArb: fc.Arbitrary<NewMeetingSpec> = fc.record({
  // Half of them on Wednesday to Friday afternoons, where focus blocks live, so blocks get hit often.
  day: fc.oneof(fc.integer({ min: 0, max: 13 }), fc.constantFrom(2, 3, 4, 9, 10, 11)),
  minute: fc.oneof(quarter(8 * 60, 18 * 60), quarter(12 * 60, 16 * 60)),
  duration: quarter(15, 180),
  guests: fc.integer({ min: 2, max: 4 }),
});
