// Test data builders: readable events and inputs in local wall-clock time.
import {
  DEFAULT_PREFERENCES,
  emptyHistory,
  type Attendee,
  type CalendarEvent,
  type CounterpartAvailability,
  type Preferences,
} from '@frontload/domain';
import { Temporal } from 'temporal-polyfill';
import type { PlannerInput, PlannerOutput } from '../input.js';
import { plan } from '../plan.js';

export const ZONE = 'Europe/Berlin';
export const ME = 'me@acme.test';

/** UTC instant string of a local wall-clock time, e.g. local('2024-04-11T10:00'). */
export function local(wallClock: string, zone = ZONE): string {
  return Temporal.PlainDateTime.from(wallClock).toZonedDateTime(zone).toInstant().toString();
}

/** `minutes` after a local wall-clock time, as a UTC instant string. */
export function localPlus(wallClock: string, minutes: number, zone = ZONE): string {
  return Temporal.PlainDateTime.from(wallClock).toZonedDateTime(zone).add({ minutes }).toInstant().toString();
}

export function attendee(email: string, extra: Partial<Attendee> = {}): Attendee {
  return { email, responseStatus: 'accepted', ...extra };
}

export const self = (extra: Partial<Attendee> = {}): Attendee => attendee(ME, { self: true, ...extra });

/** A busy, confirmed single event the user organizes, with no guests, at local times. */
export function event(
  id: string,
  startLocal: string,
  minutes: number,
  extra: Partial<CalendarEvent> = {},
): CalendarEvent {
  return {
    id,
    kind: 'single',
    title: id,
    start: local(startLocal),
    end: localPlus(startLocal, minutes),
    zone: ZONE,
    status: 'confirmed',
    attendees: [],
    organizerIsSelf: true,
    transparency: 'busy',
    eventType: 'default',
    ...extra,
  };
}

/** A meeting with other people (not a 1:1 unless one person and a signal). */
export function meeting(
  id: string,
  startLocal: string,
  minutes: number,
  guests: string[],
  extra: Partial<CalendarEvent> = {},
): CalendarEvent {
  return event(id, startLocal, minutes, {
    attendees: [self({ organizer: extra.organizerIsSelf !== false }), ...guests.map((g) => attendee(g))],
    ...extra,
  });
}

/** One occurrence of a weekly 1:1 series with `person`, at its original slot. */
export function oneOnOne(
  id: string,
  person: string,
  startLocal: string,
  minutes = 30,
  extra: Partial<CalendarEvent> = {},
): CalendarEvent {
  const start = local(startLocal);
  return meeting(id, startLocal, minutes, [person], {
    kind: 'occurrence',
    seriesId: `series-${person}`,
    originalStart: start,
    recurrence: { frequency: 'weekly', interval: 1 },
    title: `${person.split('@')[0]} / me`,
    ...extra,
  });
}

/** A focus block Frontload created earlier. */
export function focusBlock(id: string, startLocal: string, minutes: number): CalendarEvent {
  return event(id, startLocal, minutes, {
    eventType: 'focusTime',
    tag: { kind: 'focusBlock' },
    title: 'Focus time',
  });
}

/** A counterpart we know free/busy for, busy at the given local [start, minutes] pairs. */
export function counterpart(
  email: string,
  busy: [string, number][] = [],
  extra: Partial<CounterpartAvailability> = {},
): CounterpartAvailability {
  return {
    email,
    busy: busy.map(([start, minutes]) => ({ start: local(start), end: localPlus(start, minutes) })),
    ...extra,
  };
}

/** Preferences with a few fields changed. */
export function prefs(change: (p: Preferences) => void = () => undefined): Preferences {
  const copy = structuredClone(DEFAULT_PREFERENCES) as Preferences;
  change(copy);
  return copy;
}

/**
 * An input for the week of Mon 8 Apr 2024 in Berlin, planned on Saturday 6 Apr at 09:00: the working
 * days of the week of 1 Apr are over, so the horizon starts with the next week, which lies fully beyond
 * the 24 h freeze window.
 */
export function input(extra: Partial<PlannerInput> = {}): PlannerInput {
  return {
    now: local('2024-04-06T09:00'),
    zone: ZONE,
    userEmail: ME,
    idSeed: 'user-1',
    horizonWeeks: 1,
    preferences: prefs((p) => (p.focus.enabled = false)),
    people: [],
    events: [],
    counterparts: [],
    history: emptyHistory(),
    ...extra,
  };
}

/** Plans and fails the test on a validation error. */
export function mustPlan(planInput: PlannerInput): PlannerOutput {
  const result = plan(planInput);
  if (!result.ok) throw new Error(`unexpected validation errors: ${JSON.stringify(result.errors)}`);
  return result;
}

/** A local wall-clock reading of an instant string, e.g. 'Mon 10:00'. */
export function wall(instant: string, zone = ZONE): string {
  const z = Temporal.Instant.from(instant).toZonedDateTimeISO(zone);
  const day = ['', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'][z.dayOfWeek];
  return `${day} ${z.toPlainDate().toString()} ${z.toPlainTime().toString({ smallestUnit: 'minute' })}`;
}
