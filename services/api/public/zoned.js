/**
 * Wall-clock arithmetic in the user's IANA zone with Intl only: dates as 'YYYY-MM-DD' strings,
 * times as minutes since local midnight. Good enough for drawing a week; the planner does the real
 * zone math on the server.
 */
import { formatClock, formatDate } from './format.js';

const formatters = new Map();

function formatter(timeZone) {
  if (!formatters.has(timeZone)) {
    formatters.set(
      timeZone,
      new Intl.DateTimeFormat('en-CA', {
        timeZone,
        year: 'numeric',
        month: '2-digit',
        day: '2-digit',
        hour: '2-digit',
        minute: '2-digit',
        hourCycle: 'h23',
      }),
    );
  }
  return formatters.get(timeZone);
}

/** The local date and minutes of an instant in a zone. */
export function zoned(instant, timeZone) {
  const parts = Object.fromEntries(
    formatter(timeZone)
      .formatToParts(new Date(instant))
      .map((p) => [p.type, p.value]),
  );
  return {
    date: `${parts.year}-${parts.month}-${parts.day}`,
    minutes: Number(parts.hour) * 60 + Number(parts.minute),
  };
}

/**
 * The part of a timed range on one local date, in minutes of that day's wall clock (so 09:00 sits on
 * the 09:00 line on either side of a DST change), or null when the range does not touch the date. A
 * range over midnight is drawn on each day it covers; one ending at midnight is not drawn on the next.
 */
export function partOfDay(range, date, timeZone) {
  const start = zoned(range.start, timeZone);
  const end = zoned(range.end, timeZone);
  if (start.date > date || end.date < date) return null;
  if (end.date === date && end.minutes === 0 && start.date < date) return null;
  const from = start.date === date ? start.minutes : 0;
  // On the night the clocks go back, a short range can end "before" it starts on the wall clock.
  const to = Math.max(end.date === date ? end.minutes : 1440, from);
  return { from, to, start, end };
}

/** A plain date moved by whole days. */
export function addDays(date, days) {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/** ISO weekday (1 = Monday) of a plain date. */
export function isoWeekday(date) {
  return ((new Date(`${date}T00:00:00Z`).getUTCDay() + 6) % 7) + 1;
}

/** Whole days from one plain date to another. */
export function daysBetween(from, to) {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

/** The first day of the week containing `now`, in the zone. */
export function weekStartOf(now, timeZone, weekStartsOn) {
  const today = zoned(now, timeZone).date;
  return addDays(today, -((isoWeekday(today) - weekStartsOn + 7) % 7));
}

/**
 * The first week the planner plans (shared/planner model.ts): the current one, or the next once the
 * current week's working hours are over (a Friday evening, the weekend).
 */
export function planningWeekStartOf(now, timeZone, prefs) {
  const weekStart = weekStartOf(now, timeZone, prefs.weekStartsOn);
  const { date, minutes } = zoned(now, timeZone);
  const { days, end } = prefs.workingHours;
  const workLeft = Array.from({ length: 7 }, (_, i) => addDays(weekStart, i)).some(
    (day) => days.includes(isoWeekday(day)) && (day > date || (day === date && minutes < parseTime(end))),
  );
  return days.length === 0 || workLeft ? weekStart : addDays(weekStart, 7);
}

/** "HH:MM" → minutes. */
export function parseTime(text) {
  const [hours, minutes] = text.split(':').map(Number);
  return hours * 60 + minutes;
}

/** minutes → the page's time of day ("4:00 PM" or "16:00", format.js). */
export function formatTime(minutes) {
  return formatClock(minutes);
}

/** "Mon, Mar 9" for a plain date, in the page's date format (format.js). */
export function dayLabel(date, style = 'short') {
  return formatDate(date, style);
}
