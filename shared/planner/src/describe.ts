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
