// Planning scenarios for the property tests, as plain numbers (a `ScenarioSpec`), and the builders that
// turn one into a planner input: events in the user's wall-clock time, counterparts' availability and
// history. The fast-check arbitraries that generate specs are in arbitraries.ts.
import {
  DAY_MS,
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

/** A new meeting the user accepted, to drop into a settled calendar (stability property). */
export interface NewMeetingSpec extends SlotSpec {
  readonly guests: number;
}

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
