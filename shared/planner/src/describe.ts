import {
  DAY_MS,
  MINUTE_MS,
  civilFromEpochDay,
  formatLocalTime,
  isoWeekdayOfEpochDay,
  type Interval,
  type ZoneClock,
} from '@frontload/domain';

const WEEKDAYS = ['', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];
const MONTHS = ['', 'Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** "Mon 25 Mar 10:00" in the clock's zone, for reasons and notes. */
export function describeInstant(clock: ZoneClock, at: number): string {
  const local = clock.toLocal(at);
  const day = Math.floor(local / DAY_MS);
  const { month, day: dayOfMonth } = civilFromEpochDay(day);
  const minutes = Math.floor((local - day * DAY_MS) / MINUTE_MS);
  return `${WEEKDAYS[isoWeekdayOfEpochDay(day)]} ${dayOfMonth} ${MONTHS[month]} ${formatLocalTime(minutes)}`;
}

/** "Mon 25 Mar 10:00–10:30". */
export function describeSlot(clock: ZoneClock, slot: Interval): string {
  const end = clock.toLocal(slot.end);
  const endMinutes = Math.floor((end - Math.floor(end / DAY_MS) * DAY_MS) / MINUTE_MS);
  return `${describeInstant(clock, slot.start)}–${formatLocalTime(endMinutes)}`;
}

/** "2.5 h". */
export function describeHours(ms: number): string {
  return `${Math.round((ms / 3_600_000) * 10) / 10} h`;
}

/** The year of an instant in the clock's zone: dates in that year are written without it. */
export function yearOf(clock: ZoneClock, at: number): number {
  return civilFromEpochDay(Math.floor(clock.toLocal(at) / DAY_MS)).year;
}

/** "Mon 16 Nov" for a day (epoch days), with the year when it is not `thisYear`'s. */
export function describeDay(day: number, thisYear?: number): string {
  const { year, month, day: dayOfMonth } = civilFromEpochDay(day);
  const yearText = thisYear === undefined || year === thisYear ? '' : ` ${year}`;
  return `${WEEKDAYS[isoWeekdayOfEpochDay(day)]} ${dayOfMonth} ${MONTHS[month]}${yearText}`;
}

/** "the week of Mon 16 Nov", "the weeks of Mon 16 Nov and Mon 23 Nov". */
export function describeWeeks(days: readonly number[], thisYear?: number): string {
  const names = days.map((d) => describeDay(d, thisYear));
  if (names.length <= 1) return `the week of ${names[0] ?? ''}`;
  return `the weeks of ${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
}

const SMALL_NUMBERS = ['no', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten'];

/** "one 1:1", "three 1:1s", "12 1:1s": a count in words a person reads aloud. */
export function describeCount(n: number, singular: string, plural = `${singular}s`): string {
  return `${SMALL_NUMBERS[n] ?? String(n)} ${n === 1 ? singular : plural}`;
}
