// Generated weeks for the property tests: a user in one of several zones (DST weeks often), 1:1 series
// and single 1:1s, group meetings, personal events, all-day out-of-office, our focus blocks, and history.
import fc from 'fast-check';
import {
  DAY_MS,
  DEFAULT_PREFERENCES,
  MINUTE_MS,
  ZoneClock,
  formatEpochDay,
  formatInstant,
  type Attendee,
  type CalendarEvent,
  type CounterpartAvailability,
  type PersonSettings,
  type Preferences,
  type WorkingHours,
} from '@frontload/domain';
import { Temporal } from 'temporal-polyfill';
import { checkPreferences } from '../check-preferences.js';
import type { PlannerInput } from '../input.js';

/** The zones the issue asks for, plus UTC. */
export const ZONES = [
  'Europe/Berlin',
  'America/New_York',
  'Asia/Kolkata',
  'Australia/Adelaide',
  'Pacific/Chatham',
  'UTC',
] as const;
export const USER = 'me@acme.test';
export const PROPERTY_SEED = 4_2024;

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

/** Everything that varies, as plain numbers; `buildInput` turns it into a planner input. */
export interface ScenarioSpec {
  readonly zone: string;
  readonly dst: boolean;
  readonly mondayDay: number;
  readonly nowMinutes: number;
  readonly horizonWeeks: number;
  readonly prefs: Preferences;
  readonly people: readonly PersonSpec[];
  readonly meetings: readonly MeetingSpec[];
  readonly blocks: readonly SlotSpec[];
  readonly allDay: readonly { day: number; days: number; outOfOffice: boolean }[];
  readonly lastSkipWeeksAgo: number | null;
  readonly deleted: readonly SlotSpec[];
  readonly duplicateOf: number | null;
}

export interface SlotSpec {
  readonly day: number;
  readonly minute: number;
  readonly duration: number;
}

export interface SeriesSpec {
  readonly weekday: number;
  readonly minute: number;
  readonly duration: number;
  readonly everyOtherWeek: boolean;
  readonly phase: number;
  readonly organizerIsSelf: boolean;
  readonly exceptionShift: number;
  readonly cancelledWeek: number;
  /** Also list the series master, as the mirror does. */
  readonly withMaster: boolean;
}

export interface PersonSpec {
  readonly external: boolean;
  readonly protected: boolean;
  readonly fixed: boolean;
  readonly preferred: { weekday: number; time: string } | null;
  readonly availability: 'known' | 'unknown';
  readonly zone: string | null;
  readonly workingHours: WorkingHours | null;
  readonly series: SeriesSpec | null;
  readonly single: SlotSpec | null;
  readonly busy: readonly SlotSpec[];
  readonly lastHeldDaysAgo: number | null;
}

export interface MeetingSpec extends SlotSpec {
  readonly guests: number;
  readonly organizerIsSelf: boolean;
  readonly response: Attendee['responseStatus'];
  readonly free: boolean;
  readonly cancelled: boolean;
}

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

const email = (i: number, external: boolean) =>
  `${external ? 'guest' : 'p'}${i}@${external ? 'other.test' : 'acme.test'}`;

/** Builds events in wall-clock time of the user's zone (day 0 = Monday of the current week). */
class Calendar {
  readonly events: CalendarEvent[] = [];
  private readonly clock: ZoneClock;

  constructor(readonly spec: ScenarioSpec) {
    const start = spec.mondayDay * DAY_MS;
    this.clock = ZoneClock.create(spec.zone, start - 30 * DAY_MS, start + 30 * DAY_MS);
  }

  at(day: number, minute: number): number {
    return this.clock.fromLocal((this.spec.mondayDay + day) * DAY_MS + minute * MINUTE_MS);
  }

  add(id: string, s: SlotSpec, extra: Partial<CalendarEvent>): CalendarEvent {
    const start = this.at(s.day, s.minute);
    const event: CalendarEvent = {
      id,
      kind: 'single',
      title: id,
      start: formatInstant(start),
      end: formatInstant(start + s.duration * MINUTE_MS),
      zone: this.spec.zone,
      status: 'confirmed',
      attendees: [],
      organizerIsSelf: true,
      transparency: 'busy',
      eventType: 'default',
      ...extra,
    };
    this.events.push(event);
    return event;
  }
}

const pair = (person: string, organizerIsSelf: boolean): Attendee[] => [
  { email: USER, self: true, organizer: organizerIsSelf, responseStatus: 'accepted' },
  { email: person, organizer: !organizerIsSelf, responseStatus: 'accepted' },
];

function addSeries(cal: Calendar, person: string, s: SeriesSpec, weeks: number): void {
  if (s.withMaster) {
    cal.add(
      `series-${person}`,
      { day: s.weekday - 1, minute: s.minute, duration: s.duration },
      {
        kind: 'series',
        recurrence: { frequency: 'weekly', interval: s.everyOtherWeek ? 2 : 1 },
        title: `${person.split('@')[0]} / me`,
        attendees: pair(person, s.organizerIsSelf),
        organizerIsSelf: s.organizerIsSelf,
      },
    );
  }
  for (let week = 0; week < weeks; week++) {
    if (s.everyOtherWeek && week % 2 !== s.phase) continue;
    const original = cal.at(week * 7 + s.weekday - 1, s.minute);
    const shifted = week === 1 && s.exceptionShift !== 0;
    const slotSpec = {
      day: week * 7 + s.weekday - 1,
      minute: s.minute + (shifted ? s.exceptionShift : 0),
      duration: s.duration,
    };
    cal.add(`${person}-w${week}`, slotSpec, {
      kind: 'occurrence',
      seriesId: `series-${person}`,
      originalStart: formatInstant(original),
      recurrence: { frequency: 'weekly', interval: s.everyOtherWeek ? 2 : 1 },
      title: `${person.split('@')[0]} / me`,
      attendees: pair(person, s.organizerIsSelf),
      organizerIsSelf: s.organizerIsSelf,
      status: s.cancelledWeek === week ? 'cancelled' : 'confirmed',
    });
  }
}

function addPerson(
  cal: Calendar,
  p: PersonSpec,
  i: number,
  weeks: number,
): { settings: PersonSettings; availability: CounterpartAvailability | null } {
  const person = email(i, p.external);
  if (p.series) addSeries(cal, person, p.series, weeks);
  if (p.single)
    cal.add(`${person}-single`, p.single, { title: '1:1 catch-up', attendees: pair(person, true) });
  const settings: PersonSettings = {
    email: person,
    ...(p.protected ? { protected: true } : {}),
    ...(p.fixed ? { fixed: true } : {}),
    ...(p.preferred ? { preferredSlot: p.preferred } : {}),
  };
  if (p.availability === 'unknown') return { settings, availability: null };
  // Their free/busy shows their own meetings plus their 1:1s with the user.
  const own = cal.events.filter(
    (e) => e.attendees.some((a) => a.email === person) && e.status !== 'cancelled',
  );
  const busy = [
    ...p.busy.map((b) => {
      const start = cal.at(b.day, b.minute);
      return { start: formatInstant(start), end: formatInstant(start + b.duration * MINUTE_MS) };
    }),
    ...own.map((e) => ({ start: e.start, end: e.end })),
  ];
  return {
    settings,
    availability: {
      email: person,
      ...(p.zone ? { zone: p.zone } : {}),
      ...(p.workingHours ? { workingHours: p.workingHours } : {}),
      busy,
    },
  };
}

function addMeetings(cal: Calendar, spec: ScenarioSpec): void {
  spec.meetings.forEach((m, i) => {
    const guests = Array.from({ length: m.guests }, (_, g) => ({
      email: `team${(i + g) % 9}@acme.test`,
      responseStatus: 'accepted' as const,
    }));
    const attendees: Attendee[] =
      m.guests === 0
        ? []
        : [
            {
              email: USER,
              self: true,
              organizer: m.organizerIsSelf,
              responseStatus: m.organizerIsSelf ? 'accepted' : m.response,
            },
            ...guests,
          ];
    cal.add(`meeting-${i}`, m, {
      attendees,
      organizerIsSelf: m.guests === 0 || m.organizerIsSelf,
      transparency: m.free ? 'free' : 'busy',
      status: m.cancelled ? 'cancelled' : 'confirmed',
    });
  });
  spec.blocks.forEach((b, i) =>
    cal.add(`fl-existing-${i}`, b, {
      eventType: 'focusTime',
      tag: { kind: 'focusBlock' },
      title: 'Focus time',
    }),
  );
  spec.allDay.forEach((a, i) => {
    const startDay = spec.mondayDay + a.day;
    cal.add(
      `allday-${i}`,
      { day: a.day, minute: 0, duration: a.days * 24 * 60 },
      {
        title: a.outOfOffice ? 'Out of office' : 'Holiday',
        allDay: { startDate: formatEpochDay(startDay), endDate: formatEpochDay(startDay + a.days) },
        eventType: a.outOfOffice ? 'outOfOffice' : 'default',
        transparency: a.outOfOffice ? 'busy' : 'free',
      },
    );
  });
}

/** The planner input for a scenario. */
export function buildInput(spec: ScenarioSpec): PlannerInput {
  const cal = new Calendar(spec);
  const people = spec.people.map((p, i) => addPerson(cal, p, i, spec.horizonWeeks));
  addMeetings(cal, spec);
  const twin =
    spec.duplicateOf === null ? undefined : cal.events[spec.duplicateOf % Math.max(1, cal.events.length)];
  if (twin && !twin.tag && !twin.allDay)
    cal.events.push({
      ...twin,
      id: `${twin.id}-copy`,
      kind: 'single',
      seriesId: undefined,
      originalStart: undefined,
    });
  const now = cal.at(0, spec.nowMinutes);
  return {
    now: formatInstant(now),
    zone: spec.zone,
    userEmail: USER,
    idSeed: 'seed-user',
    horizonWeeks: spec.horizonWeeks,
    preferences: spec.prefs,
    people: people.map((p) => p.settings),
    events: cal.events.map((e) => JSON.parse(JSON.stringify(e)) as CalendarEvent),
    counterparts: people.flatMap((p) => (p.availability ? [p.availability] : [])),
    history: {
      // A week start in the user's calendar: Mondays, or the Sunday before for Sunday weeks.
      lastSkipWeek:
        spec.lastSkipWeeksAgo === null
          ? null
          : formatEpochDay(
              spec.mondayDay - 7 * spec.lastSkipWeeksAgo - (spec.prefs.weekStartsOn === 7 ? 1 : 0),
            ),
      lastHeldOneOnOnes: spec.people.flatMap((p, i) =>
        p.lastHeldDaysAgo === null
          ? []
          : [{ email: email(i, p.external), at: formatInstant(now - p.lastHeldDaysAgo * DAY_MS) }],
      ),
      deletedFocusBlocks: spec.deleted.map((d) => {
        const start = cal.at(d.day, d.minute);
        return { start: formatInstant(start), end: formatInstant(start + d.duration * MINUTE_MS) };
      }),
      userOverrides: [],
    },
  };
}

/** Generated planner inputs, with the spec kept for oracles that need it. */
export const inputArb: fc.Arbitrary<{ spec: ScenarioSpec; input: PlannerInput }> = scenarioArb.map(
  (spec) => ({ spec, input: buildInput(spec) }),
);

/** fast-check parameters for every property: fixed seed (printed by fast-check on failure), 1,000 runs. */
export const PROPERTY_PARAMS = { seed: PROPERTY_SEED, numRuns: 1000, endOnFailure: true } as const;

/** A new meeting the user accepted, to drop into a settled calendar (stability property). */
export interface NewMeetingSpec extends SlotSpec {
  readonly guests: number;
}

export const newMeetingArb: fc.Arbitrary<NewMeetingSpec> = fc.record({
  // Half of them on Wednesday to Friday afternoons, where focus blocks live, so blocks get hit often.
  day: fc.oneof(fc.integer({ min: 0, max: 13 }), fc.constantFrom(2, 3, 4, 9, 10, 11)),
  minute: fc.oneof(quarter(8 * 60, 18 * 60), quarter(12 * 60, 16 * 60)),
  duration: quarter(15, 180),
  guests: fc.integer({ min: 2, max: 4 }),
});

/** The new meeting as an event of the scenario's calendar. */
export function buildNewMeeting(spec: ScenarioSpec, meeting: NewMeetingSpec): CalendarEvent {
  const cal = new Calendar(spec);
  return cal.add('new-meeting', meeting, {
    title: 'Incident review',
    organizerIsSelf: false,
    attendees: [
      { email: USER, self: true, responseStatus: 'accepted' },
      ...Array.from({ length: meeting.guests }, (_, i) => ({
        email: `sre${i}@acme.test`,
        responseStatus: 'accepted' as const,
      })),
    ],
  });
}
