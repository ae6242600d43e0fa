import { freezeCutoff, holdsUserTime } from './apply-rules.js';
import {
  DAY_MS,
  MINUTE_MS,
  ZoneClock,
  parseEpochDay,
  selfAttendee,
  otherPeople,
  weekFrame,
  weekStartDay,
  workingWindows,
  type CalendarEvent,
  type Interval,
  type PersonSettings,
  type Preferences,
  type WeekFrame,
} from '@frontload/domain';
import { Temporal } from 'temporal-polyfill';
import { createClassifier, type Classifier, type OneOnOneVerdict } from './classify-one-on-one.js';
import { detectRoles, type PersonRoleView } from './detect-roles.js';
import type { PlannerInput } from './input.js';
import type { ParsedTimes } from './validate-input.js';

/** An input event with its instants parsed and its meaning for the user's time worked out once. */
export interface ParsedEvent {
  readonly event: CalendarEvent;
  readonly id: string;
  /** Epoch ms; all-day events span their dates in the user's zone. */
  readonly start: number;
  readonly end: number;
  readonly originalStart: number | undefined;
  readonly cancelled: boolean;
  /** Holds the user's time: not cancelled, not declined, shown as busy. */
  readonly busy: boolean;
  /** Busy and accepted (or organized) by the user: it pushes a focus block aside. */
  readonly accepted: boolean;
  /** A focus block Frontload created. */
  readonly ours: boolean;
  readonly outOfOffice: boolean;
  /** The user's own focus-time entry: counts toward the focus target. */
  readonly userFocus: boolean;
  /** A meeting with at least one other person. */
  readonly withPeople: boolean;
  readonly verdict: OneOnOneVerdict;
}

/** What we know about a counterpart's time over the horizon. */
export interface Counterpart {
  /** Their free/busy, as given. */
  readonly busyIntervals: readonly Interval[];
  /** Their working hours as instants, sorted. */
  readonly working: readonly Interval[];
}

/** The validated input, parsed once, that every planning step reads. */
export interface PlanContext {
  readonly input: PlannerInput;
  readonly prefs: Preferences;
  readonly now: number;
  /** Nothing is moved or cancelled before this instant, and nothing is moved into the time before it. */
  readonly cutoff: number;
  readonly clock: ZoneClock;
  readonly weeks: readonly WeekFrame[];
  readonly horizon: Interval;
  readonly events: readonly ParsedEvent[];
  readonly byId: ReadonlyMap<string, ParsedEvent>;
  readonly people: ReadonlyMap<string, PersonSettings>;
  readonly counterparts: ReadonlyMap<string, Counterpart>;
  /** The user's working hours over the horizon. */
  readonly userWorking: readonly Interval[];
  /** When each person's last 1:1 before the horizon was held. */
  readonly lastHeld: ReadonlyMap<string, number>;
  readonly deletedFocus: readonly Interval[];
  /** Busy time on the user's other connected calendars: it holds their time, and is never touched. */
  readonly otherBusy: readonly Interval[];
  /** The 1:1 classifier bound to this input. */
  readonly classify: Classifier;
  /** People's names as the provider gives them on the events' guest lists, by lowercased address. */
  readonly names: ReadonlyMap<string, string>;
  /** Each counterpart's role (the user's where they set one, else proposed from the calendar). */
  readonly roles: ReadonlyMap<string, PersonRoleView>;
}

function parseEvent(
  event: CalendarEvent,
  times: ParsedTimes['events'][number],
  clock: ZoneClock,
  classify: Classifier,
): ParsedEvent {
  const allDay = event.allDay;
  // All-day events cover their dates in the user's zone, whatever zone the provider wrote them in.
  const start = allDay ? clock.fromLocal(parseEpochDay(allDay.startDate) * DAY_MS) : times.start;
  const end = allDay ? clock.fromLocal(parseEpochDay(allDay.endDate) * DAY_MS) : times.end;
  const self = selfAttendee(event);
  const cancelled = event.status === 'cancelled';
  const ours = event.tag?.kind === 'focusBlock';
  // A series master only describes its occurrences (which come as events of their own): it holds no time.
  const master = event.kind === 'series';
  const busy = holdsUserTime(event);
  return {
    event,
    id: event.id,
    start,
    end,
    originalStart: times.originalStart,
    cancelled,
    busy,
    accepted: busy && (event.organizerIsSelf || self === undefined || self.responseStatus === 'accepted'),
    ours,
    outOfOffice: busy && event.eventType === 'outOfOffice',
    userFocus: busy && !ours && event.eventType === 'focusTime',
    withPeople: !master && !ours && otherPeople(event).length > 0,
    verdict: classify(event, (times.end - times.start) / MINUTE_MS),
  };
}

/** A clock fast over the horizon and a few days around it (working windows look a day beyond). */
function zoneClock(zone: string, horizon: Interval): ZoneClock {
  return ZoneClock.create(zone, horizon.start - 3 * DAY_MS, horizon.end + 3 * DAY_MS);
}

function buildCounterparts(
  input: PlannerInput,
  times: ParsedTimes,
  userClock: ZoneClock,
  horizon: Interval,
): Map<string, Counterpart> {
  const counterparts = new Map<string, Counterpart>();
  input.counterparts.forEach((c, i) => {
    const clock = c.zone === undefined ? userClock : zoneClock(c.zone, horizon);
    counterparts.set(c.email.toLowerCase(), {
      busyIntervals: times.busy[i] ?? [],
      working: workingWindows(clock, c.workingHours ?? input.preferences.workingHours, horizon),
    });
  });
  return counterparts;
}

/**
 * The first day of the horizon: the current week's, or once its working hours are over (a Friday
 * evening, the weekend) the next week's. A new week so enters the horizon when its predecessor's
 * working time ends, at the weekly plan at the latest, and not at whichever plan happens to run first
 * after midnight on Monday: the plan a week starts with does not depend on when syncs ran.
 */
function horizonStartDay(clock: ZoneClock, now: number, prefs: PlannerInput['preferences']): number {
  const day = weekStartDay(clock, now, prefs.weekStartsOn);
  const current = weekFrame(clock, day, prefs);
  const working = workingWindows(clock, prefs.workingHours, current);
  return working.length === 0 || working.some((w) => w.end > now) ? day : day + 7;
}

/** Builds the context the planning steps share from a validated input and its parsed instants. */
export function buildContext(input: PlannerInput, times: ParsedTimes): PlanContext {
  const prefs = input.preferences;
  const now = times.now;
  const horizonWeeks = input.horizonWeeks ?? 2;
  const clock = ZoneClock.create(input.zone, now - 8 * DAY_MS, now + (horizonWeeks * 7 + 8) * DAY_MS);
  const firstDay = horizonStartDay(clock, now, prefs);
  const weeks = Array.from({ length: horizonWeeks }, (_, i) => weekFrame(clock, firstDay + 7 * i, prefs));
  const horizon = { start: weeks[0]?.start ?? now, end: weeks[weeks.length - 1]?.end ?? now };
  const classify = createClassifier({
    now: Temporal.Instant.fromEpochMilliseconds(now),
    userEmail: input.userEmail,
    preferences: prefs,
    people: input.people,
    userOverrides: input.history.userOverrides,
  });
  const events = input.events.map((e, i) => {
    const eventTimes = times.events[i];
    // Validation parsed every event; a missing entry would be a planner bug, not bad input.
    if (!eventTimes) throw new Error(`no parsed times for /events/${i}`);
    return parseEvent(e, eventTimes, clock, classify);
  });
  const lastHeld = new Map<string, number>();
  input.history.lastHeldOneOnOnes.forEach((held, i) => {
    const email = held.email.toLowerCase();
    lastHeld.set(email, Math.max(lastHeld.get(email) ?? -Infinity, times.lastHeld[i] ?? -Infinity));
  });
  return {
    input,
    prefs,
    now,
    cutoff: freezeCutoff(now, prefs.freezeWindowHours),
    clock,
    weeks,
    horizon,
    events,
    byId: new Map(events.map((e) => [e.id, e])),
    people: new Map(input.people.map((p) => [p.email.toLowerCase(), p])),
    counterparts: buildCounterparts(input, times, clock, horizon),
    userWorking: workingWindows(clock, prefs.workingHours, horizon),
    lastHeld,
    deletedFocus: times.deleted,
    otherBusy: times.otherBusy,
    classify,
    names: guestNames(input.events),
    roles: detectRoles(input.events, {
      userEmail: input.userEmail,
      preferences: prefs,
      people: input.people,
    }),
  };
}

function guestNames(events: readonly CalendarEvent[]): Map<string, string> {
  const names = new Map<string, string>();
  for (const e of events) {
    for (const a of e.attendees) {
      const name = a.name?.trim();
      if (name) names.set(a.email.toLowerCase(), name);
    }
  }
  return names;
}

/** How a person is named in text: their name where the provider gave one, else their address. */
export function personName(ctx: PlanContext, email: string): string {
  return ctx.names.get(email.toLowerCase()) ?? email;
}

/** True when the provider reported the counterpart's own working hours (Graph's schedule does). */
export function counterpartHoursKnown(ctx: PlanContext, email: string): boolean {
  const wanted = email.toLowerCase();
  return ctx.input.counterparts.some((c) => c.email.toLowerCase() === wanted && c.workingHours !== undefined);
}

/** The horizon week an instant falls in, if any. */
export function weekContaining(ctx: PlanContext, at: number): WeekFrame | undefined {
  return ctx.weeks.find((w) => w.start <= at && at < w.end);
}
