// Independent checks written directly with Temporal, so the properties do not trust the planner's own
// week and zone maths.
import type { CalendarEvent, Preferences } from '@frontload/domain';
import { Temporal } from 'temporal-polyfill';
import type { PlannerInput } from '../input.js';

const instant = (iso: string) => Temporal.Instant.from(iso);

/** Start, first-half end and end of the week containing `at`, computed with Temporal. */
export function weekOracle(at: string, zone: string, prefs: Preferences) {
  const local = instant(at).toZonedDateTimeISO(zone);
  const startDate = local.toPlainDate().subtract({ days: (local.dayOfWeek - prefs.weekStartsOn + 7) % 7 });
  const splitDate = startDate.add({ days: (prefs.firstHalf.endWeekday - prefs.weekStartsOn + 7) % 7 });
  return {
    startDate: startDate.toString(),
    start: startDate.toZonedDateTime(zone).epochMilliseconds,
    firstHalfEnd: splitDate.toZonedDateTime({
      timeZone: zone,
      plainTime: Temporal.PlainTime.from(prefs.firstHalf.endTime),
    }).epochMilliseconds,
    end: startDate.add({ days: 7 }).toZonedDateTime(zone).epochMilliseconds,
  };
}

/** True when `[start, end)` lies inside one working day's hours in `zone`. */
export function insideWorkingHours(
  range: { start: string; end: string },
  zone: string,
  hours: { start: string; end: string; days: readonly number[] },
): boolean {
  const start = instant(range.start).toZonedDateTimeISO(zone);
  const end = instant(range.end).toZonedDateTimeISO(zone);
  const open = start
    .toPlainDate()
    .toZonedDateTime({ timeZone: zone, plainTime: Temporal.PlainTime.from(hours.start) });
  const close = start
    .toPlainDate()
    .toZonedDateTime({ timeZone: zone, plainTime: Temporal.PlainTime.from(hours.end) });
  return (
    hours.days.includes(start.dayOfWeek) &&
    Temporal.ZonedDateTime.compare(open, start) <= 0 &&
    Temporal.ZonedDateTime.compare(end, close) <= 0
  );
}

const parsed = new Map<string, number>();

/** Epoch ms of an instant string (memoised: the checks compare the same strings many times). */
export function ms(iso: string): number {
  let value = parsed.get(iso);
  if (value === undefined) {
    value = instant(iso).epochMilliseconds;
    if (parsed.size > 200_000) parsed.clear();
    parsed.set(iso, value);
  }
  return value;
}

/** True when two ranges share time. */
export const overlap = (a: { start: string; end: string }, b: { start: string; end: string }) =>
  ms(a.start) < ms(b.end) && ms(b.start) < ms(a.end);

/**
 * The user's busy events by the plain rule: not cancelled, not declined, shown busy, not ours, and not a
 * series master (its occurrences hold the time).
 */
export function userBusy(input: PlannerInput): CalendarEvent[] {
  return input.events.filter(
    (e) =>
      e.kind !== 'series' &&
      e.status !== 'cancelled' &&
      !e.tag &&
      e.transparency === 'busy' &&
      !e.attendees.some((a) => a.self === true && a.responseStatus === 'declined'),
  );
}

/** Events whose slot or status differs between two inputs (by id). */
export function changedEvents(
  before: PlannerInput,
  after: PlannerInput,
): { was: CalendarEvent; now: CalendarEvent | undefined }[] {
  const next = new Map(after.events.map((e) => [e.id, e]));
  return before.events
    .filter((e) => {
      const n = next.get(e.id);
      return !n || n.start !== e.start || n.end !== e.end || n.status !== e.status;
    })
    .map((was) => ({ was, now: next.get(was.id) }));
}

/** All-day events span whole dates in the user's zone: the range as the planner reads it. */
export function effectiveRange(e: CalendarEvent, zone: string): { start: string; end: string } {
  if (!e.allDay) return e;
  return {
    start: Temporal.PlainDate.from(e.allDay.startDate).toZonedDateTime(zone).toInstant().toString(),
    end: Temporal.PlainDate.from(e.allDay.endDate).toZonedDateTime(zone).toInstant().toString(),
  };
}
