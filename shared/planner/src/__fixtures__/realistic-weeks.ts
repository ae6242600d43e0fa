// Realistic one-week calendars for the comparison with the exact (MILP) oracle: 3–15 reports and
// partners with a 1:1 each, 80–200 events in all (most of them not holding time: declined, free,
// cancelled, evening or all-day), counterparts in several zones with their own hours and meetings, and
// DST weeks. Seeded, so a week number always gives the same calendar.
import {
  DEFAULT_PREFERENCES,
  emptyHistory,
  type Attendee,
  type CalendarEvent,
  type CounterpartAvailability,
  type PersonSettings,
  type WorkingHours,
} from '@frontload/domain';
import { Temporal } from 'temporal-polyfill';
import type { PlannerInput } from '../input.js';
import { ZONES } from './scenario.js';

const ME = 'me@acme.test';

/** A 1:1 the planner may move (the user organizes it, the person is not fixed), and with whom. */
export interface MovableOneOnOne {
  readonly id: string;
  readonly email: string;
}

export interface RealisticWeek {
  readonly index: number;
  readonly input: PlannerInput;
  /** The user's 1:1s the planner is allowed to move (wherever they are now). */
  readonly movable: readonly MovableOneOnOne[];
  /** Does the week contain a day that is not 24 hours long in the user's zone? */
  readonly dst: boolean;
}

/** mulberry32: small, seeded, good enough for test data. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const FIRST_MONDAY = Temporal.PlainDate.from('2024-01-01');
const MONDAYS = 104;

function isDstWeek(zone: string, monday: Temporal.PlainDate): boolean {
  for (let d = 0; d < 7; d++) {
    if (monday.add({ days: d }).toZonedDateTime(zone).hoursInDay !== 24) return true;
  }
  return false;
}

const dstMondays = new Map<string, Temporal.PlainDate[]>();
/** Mondays of 2024–2025 whose week has a DST change in `zone` (none for UTC). */
function dstWeeks(zone: string): Temporal.PlainDate[] {
  let found = dstMondays.get(zone);
  if (!found) {
    found = [];
    for (let w = 0; w < MONDAYS; w++) {
      const monday = FIRST_MONDAY.add({ weeks: w });
      if (isDstWeek(zone, monday)) found.push(monday);
    }
    dstMondays.set(zone, found);
  }
  return found;
}

const USER_HOURS: readonly [string, string][] = [
  ['09:00', '17:00'],
  ['08:30', '17:30'],
  ['10:00', '18:00'],
  ['08:00', '16:00'],
];
const THEIR_HOURS: readonly [string, string][] = [
  ['09:00', '17:00'],
  ['08:00', '16:00'],
  ['10:00', '18:00'],
  ['09:00', '13:00'],
  ['13:00', '18:00'],
];
const minutesOf = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3));

/** The generated week number `index` (0, 1, 2, …). */
export function realisticWeek(index: number): RealisticWeek {
  const rnd = random(0x5eed_0000 + index * 7919);
  const int = (min: number, max: number) => min + Math.floor(rnd() * (max - min + 1));
  const pick = <T>(items: readonly T[]): T => items[Math.floor(rnd() * items.length)] as T;
  const chance = (p: number) => rnd() < p;

  const zone = pick(ZONES);
  const dstChoices = dstWeeks(zone);
  const monday =
    dstChoices.length > 0 && chance(0.3)
      ? pick(dstChoices)
      : FIRST_MONDAY.add({ weeks: int(0, MONDAYS - 1) });
  const at = (day: number, minute: number) =>
    monday
      .add({ days: day })
      .toZonedDateTime({
        timeZone: zone,
        plainTime: Temporal.PlainTime.from({ hour: Math.floor(minute / 60), minute: minute % 60 }),
      })
      .toInstant();
  const range = (day: number, minute: number, minutes: number) => {
    const start = at(day, minute);
    return { start: start.toString(), end: start.add({ minutes }).toString() };
  };

  const [workStart, workEnd] = pick(USER_HOURS);
  const preferences = structuredClone(DEFAULT_PREFERENCES);
  const min = pick([60, 90, 120]);
  preferences.workingHours = { start: workStart, end: workEnd, days: [1, 2, 3, 4, 5] };
  preferences.firstHalf = pick([
    { endWeekday: 3, endTime: '12:00' },
    { endWeekday: 3, endTime: '13:00' },
    { endWeekday: 2, endTime: '17:00' },
  ]);
  preferences.freezeWindowHours = 0;
  preferences.oneOnOnes = { ...preferences.oneOnOnes, breakMinutes: pick([0, 5, 10, 15]) };
  preferences.focus = {
    ...preferences.focus,
    targetHours: pick([6, 8, 10, 12, 14]),
    minBlockMinutes: min,
    maxBlockMinutes: Math.max(min, pick([120, 180, 240])),
  };
  const [dayStart, dayEnd] = [minutesOf(workStart), minutesOf(workEnd)];
  const firstHalfDay = preferences.firstHalf.endWeekday - 1;
  const firstHalfMinute = minutesOf(preferences.firstHalf.endTime);

  const base = {
    zone,
    status: 'confirmed',
    organizerIsSelf: true,
    transparency: 'busy',
    eventType: 'default',
    attendees: [] as Attendee[],
  } as const;
  const events: CalendarEvent[] = [];
  const people: PersonSettings[] = [];
  const counterparts: CounterpartAvailability[] = [];
  const movable: MovableOneOnOne[] = [];

  const reports = int(3, 15);
  for (let p = 0; p < reports; p++) {
    const email = `p${p}@acme.test`;
    const length = pick([30, 30, 45, 60]);
    // Most 1:1s sit in the second half (that is what the planner is for), some already in the first.
    const late = chance(0.65);
    const day = late ? int(firstHalfDay, 4) : int(0, 4);
    const lastStart = dayEnd - length;
    const firstStart = late && day === firstHalfDay ? Math.max(dayStart, firstHalfMinute) : dayStart;
    const minute =
      firstStart > lastStart ? lastStart : firstStart + 15 * int(0, (lastStart - firstStart) / 15);
    const organizerIsSelf = chance(0.85);
    const fixed = chance(0.08);
    const id = `one-on-one-${p}`;
    const slot = range(day, minute, length);
    events.push({
      ...base,
      id,
      kind: 'single',
      title: `1:1 p${p} / me`,
      ...slot,
      organizerIsSelf,
      attendees: [
        { email: ME, self: true, organizer: organizerIsSelf, responseStatus: 'accepted' },
        { email, organizer: !organizerIsSelf, responseStatus: 'accepted' },
      ],
    });
    if (fixed) people.push({ email, fixed: true });
    if (organizerIsSelf && !fixed) movable.push({ id, email });
    const theirZone = chance(0.55) ? zone : pick(ZONES);
    const [theirStart, theirEnd] = pick(THEIR_HOURS);
    const hours: WorkingHours = { start: theirStart, end: theirEnd, days: [1, 2, 3, 4, 5] };
    const busy = Array.from({ length: int(4, 24) }, () =>
      range(int(0, 4), 15 * int(6 * 4, 20 * 4), pick([30, 30, 60, 60, 90, 120])),
    );
    counterparts.push({ email, zone: theirZone, workingHours: hours, busy: [...busy, slot] });
  }

  // Everything else: N events in all, of which only 25–50 hold the user's time.
  const total = int(80, 200);
  const others = total - reports;
  const holding = Math.min(others, int(25, 50));
  const team = (i: number, count: number): Attendee[] =>
    Array.from({ length: count }, (_, g) => ({
      email: `team${(i + g) % 17}@acme.test`,
      responseStatus: 'accepted' as const,
    }));
  const workday = () => int(0, 4);
  const duringWork = (length: number) => dayStart + 15 * int(-2, (dayEnd - dayStart - length) / 15 + 2);
  for (let i = 0; i < others; i++) {
    const length = pick([15, 30, 30, 30, 45, 60, 60, 90]);
    const id = `event-${i}`;
    const title = `meeting ${i}`;
    if (i < holding) {
      const kind = rnd();
      const day = workday();
      const minute = Math.max(0, duringWork(length));
      if (kind < 0.15) {
        events.push({ ...base, id, kind: 'single', title, ...range(day, minute, length) });
      } else {
        const organizerIsSelf = chance(0.3);
        const response = organizerIsSelf
          ? 'accepted'
          : pick(['accepted', 'accepted', 'tentative', 'needsAction'] as const);
        events.push({
          ...base,
          id,
          kind: 'single',
          title,
          ...range(day, minute, length),
          organizerIsSelf,
          attendees: [
            { email: ME, self: true, organizer: organizerIsSelf, responseStatus: response },
            ...team(i, int(2, 8)),
          ],
        });
      }
      continue;
    }
    // Events that hold no working time.
    const kind = rnd();
    const attendees: Attendee[] = [
      { email: ME, self: true, responseStatus: kind < 0.35 ? 'declined' : 'accepted' },
      ...team(i, int(2, 10)),
    ];
    if (kind < 0.35) {
      events.push({
        ...base,
        id,
        kind: 'single',
        title,
        organizerIsSelf: false,
        attendees,
        ...range(workday(), duringWork(length), length),
      });
    } else if (kind < 0.55) {
      events.push({
        ...base,
        id,
        kind: 'single',
        title,
        transparency: 'free',
        ...range(workday(), duringWork(length), length),
      });
    } else if (kind < 0.7) {
      events.push({
        ...base,
        id,
        kind: 'single',
        title,
        status: 'cancelled',
        organizerIsSelf: false,
        attendees,
        ...range(workday(), duringWork(length), length),
      });
    } else if (kind < 0.95) {
      // Evenings and weekends.
      const weekend = chance(0.3);
      const day = weekend ? int(5, 6) : workday();
      const minute = weekend ? 15 * int(36, 80) : Math.max(dayEnd, 18 * 60) + 15 * int(0, 12);
      events.push({ ...base, id, kind: 'single', title, ...range(day, Math.min(minute, 22 * 60), length) });
    } else {
      const day = int(0, 6);
      const date = monday.add({ days: day });
      events.push({
        ...base,
        id,
        kind: 'single',
        title: `holiday ${i}`,
        transparency: 'free',
        start: date.toZonedDateTime(zone).toInstant().toString(),
        end: date.add({ days: 1 }).toZonedDateTime(zone).toInstant().toString(),
        allDay: { startDate: date.toString(), endDate: date.add({ days: 1 }).toString() },
      });
    }
  }
  // Now and then a day out of office.
  if (chance(0.08)) {
    const date = monday.add({ days: int(0, 4) });
    events.push({
      ...base,
      id: 'out-of-office',
      kind: 'single',
      title: 'Out of office',
      eventType: 'outOfOffice',
      start: date.toZonedDateTime(zone).toInstant().toString(),
      end: date.add({ days: 1 }).toZonedDateTime(zone).toInstant().toString(),
      allDay: { startDate: date.toString(), endDate: date.add({ days: 1 }).toString() },
    });
  }

  const input: PlannerInput = {
    now: at(0, 15 * int(0, 32)).toString(),
    zone,
    userEmail: ME,
    idSeed: `oracle-${index}`,
    horizonWeeks: 1,
    preferences,
    people,
    events,
    counterparts,
    // A skip week two weeks ago: this week is no skip week, so every 1:1 is there to be moved.
    history: { ...emptyHistory(), lastSkipWeek: monday.subtract({ weeks: 2 }).toString() },
  };
  return { index, input, movable, dst: isDstWeek(zone, monday) };
}
