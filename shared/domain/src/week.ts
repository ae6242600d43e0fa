import { Temporal } from 'temporal-polyfill';
import {
  DAY_MS,
  MINUTE_MS,
  epochDayFromCivil,
  formatEpochDay,
  isoWeekdayOfEpochDay,
  parseLocalTime,
} from './calendar-math.js';
import type { Interval } from './interval.js';
import { DEFAULT_PREFERENCES, type Preferences, type WorkingHours } from './preferences.js';
import { ZoneClock } from './zone-clock.js';

/** The preferences that shape a week. */
export type WeekPreferences = Pick<Preferences, 'weekStartsOn' | 'firstHalf'>;

/** One local day of a week, as instants. */
export interface DayFrame {
  /** Local day number (days since 1970-01-01 on the wall calendar). */
  readonly epochDay: number;
  /** `YYYY-MM-DD`. */
  readonly date: string;
  /** ISO weekday, 1 = Monday. */
  readonly weekday: number;
  /** Local midnight and the next local midnight (23 or 25 hours apart on DST days). */
  readonly start: number;
  readonly end: number;
}

/** A week in the user's zone, as epoch milliseconds: what the planner computes with. */
export interface WeekFrame {
  readonly zone: string;
  /** `YYYY-MM-DD` of the first day: the week's name everywhere (notes, metrics, skip weeks). */
  readonly startDate: string;
  readonly startDay: number;
  readonly start: number;
  readonly end: number;
  /** The first half is `[start, firstHalfEnd)`, the second half `[firstHalfEnd, end)`. */
  readonly firstHalfEnd: number;
  readonly days: readonly DayFrame[];
}

/** Local day number of the first day of the week containing `epochMs`. */
export function weekStartDay(clock: ZoneClock, epochMs: number, weekStartsOn: number): number {
  const day = Math.floor(clock.toLocal(epochMs) / DAY_MS);
  return day - ((isoWeekdayOfEpochDay(day) - weekStartsOn + 7) % 7);
}

/** The week that starts on local day `startDay`. */
export function weekFrame(clock: ZoneClock, startDay: number, prefs: WeekPreferences): WeekFrame {
  const days: DayFrame[] = [];
  for (let i = 0; i < 7; i++) {
    const epochDay = startDay + i;
    days.push({
      epochDay,
      date: formatEpochDay(epochDay),
      weekday: isoWeekdayOfEpochDay(epochDay),
      start: clock.fromLocal(epochDay * DAY_MS),
      end: clock.fromLocal((epochDay + 1) * DAY_MS),
    });
  }
  const endOffsetDays = (prefs.firstHalf.endWeekday - prefs.weekStartsOn + 7) % 7;
  const firstHalfEnd = clock.fromLocal(
    (startDay + endOffsetDays) * DAY_MS + parseLocalTime(prefs.firstHalf.endTime) * MINUTE_MS,
  );
  return {
    zone: clock.zone,
    startDate: formatEpochDay(startDay),
    startDay,
    start: days[0]?.start ?? 0,
    end: days[6]?.end ?? 0,
    firstHalfEnd,
    days,
  };
}

/** The week containing `epochMs`. */
export function weekFrameAt(clock: ZoneClock, epochMs: number, prefs: WeekPreferences): WeekFrame {
  return weekFrame(clock, weekStartDay(clock, epochMs, prefs.weekStartsOn), prefs);
}

/** Working-hour intervals in the clock's zone that fall inside `range`, in order. */
export function workingWindows(clock: ZoneClock, hours: WorkingHours, range: Interval): Interval[] {
  const startMinutes = parseLocalTime(hours.start);
  const endMinutes = parseLocalTime(hours.end);
  const firstDay = Math.floor(clock.toLocal(range.start) / DAY_MS) - 1;
  const lastDay = Math.floor(clock.toLocal(range.end) / DAY_MS) + 1;
  const windows: Interval[] = [];
  for (let day = firstDay; day <= lastDay; day++) {
    if (!hours.days.includes(isoWeekdayOfEpochDay(day))) continue;
    const start = Math.max(range.start, clock.fromLocal(day * DAY_MS + startMinutes * MINUTE_MS));
    const end = Math.min(range.end, clock.fromLocal(day * DAY_MS + endMinutes * MINUTE_MS));
    if (end > start) windows.push({ start, end });
  }
  return windows;
}

/** A span between two zoned date-times: what the settings page draws. */
export interface ZonedInterval {
  readonly start: Temporal.ZonedDateTime;
  readonly end: Temporal.ZonedDateTime;
}

/** A week in a zone, as Temporal values. */
export interface Week {
  readonly zone: string;
  readonly startDate: Temporal.PlainDate;
  readonly start: Temporal.ZonedDateTime;
  readonly end: Temporal.ZonedDateTime;
}

const zoned = (epochMs: number, zone: string): Temporal.ZonedDateTime =>
  Temporal.Instant.fromEpochMilliseconds(epochMs).toZonedDateTimeISO(zone);

function clockFor(week: Week, zone: string): ZoneClock {
  return ZoneClock.create(zone, week.start.epochMilliseconds, week.end.epochMilliseconds);
}

function startDayOf(week: Week): number {
  return epochDayFromCivil(week.startDate.year, week.startDate.month, week.startDate.day);
}

/** The week (starting on `weekStartsOn`, ISO weekday) that contains `at` in `zone`. */
export function weekOf(
  at: Temporal.Instant,
  zone: string,
  weekStartsOn: number = DEFAULT_PREFERENCES.weekStartsOn,
): Week {
  const ms = at.epochMilliseconds;
  const clock = ZoneClock.create(zone, ms - 8 * DAY_MS, ms + 8 * DAY_MS);
  const frame = weekFrame(clock, weekStartDay(clock, ms, weekStartsOn), {
    ...DEFAULT_PREFERENCES,
    weekStartsOn,
  });
  return {
    zone: clock.zone,
    startDate: Temporal.PlainDate.from(frame.startDate),
    start: zoned(frame.start, clock.zone),
    end: zoned(frame.end, clock.zone),
  };
}

/** The first half (people time) and second half (focus time) of a week. */
export function halves(
  week: Week,
  firstHalf: Preferences['firstHalf'] = DEFAULT_PREFERENCES.firstHalf,
): { first: ZonedInterval; second: ZonedInterval } {
  const clock = clockFor(week, week.zone);
  const frame = weekFrame(clock, startDayOf(week), { weekStartsOn: week.startDate.dayOfWeek, firstHalf });
  const middle = zoned(frame.firstHalfEnd, week.zone);
  return { first: { start: week.start, end: middle }, second: { start: middle, end: week.end } };
}

/**
 * Working-hour intervals inside a week, computed in `zone` (a counterpart's zone, or the user's by
 * default) and shown in the week's zone.
 */
export function workingIntervals(
  week: Week,
  hours: WorkingHours = DEFAULT_PREFERENCES.workingHours,
  zone: string = week.zone,
): ZonedInterval[] {
  const clock = clockFor(week, zone);
  const range = { start: week.start.epochMilliseconds, end: week.end.epochMilliseconds };
  return workingWindows(clock, hours, range).map((w) => ({
    start: zoned(w.start, week.zone),
    end: zoned(w.end, week.zone),
  }));
}
