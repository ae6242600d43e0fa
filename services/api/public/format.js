/**
 * One date and time format for the whole page: words and order from the browser's locale, the wall
 * clock of the calendar's zone, and the user's 12/24 h choice (preferences `timeFormat`; without one,
 * the locale's own convention). Every date or time the page shows goes through here, including the
 * ones inside the planner's sentences, which it writes as "Thu 26 Nov 16:00–16:30" (shared/planner
 * describe.ts) and `humanize` rewrites.
 */

let choice;

/**
 * Applies the user's preference: '12h', '24h', or anything else for the locale's convention. Returns
 * whether the page's clock changed.
 */
export function setTimeFormat(value) {
  const before = uses12h();
  choice = value === '12h' || value === '24h' ? value : undefined;
  return uses12h() !== before;
}

/** Whether the browser's locale writes times on a 12-hour clock. */
export function localeUses12h() {
  const cycle = new Intl.DateTimeFormat(undefined, { hour: 'numeric' }).resolvedOptions().hourCycle;
  return cycle === 'h11' || cycle === 'h12';
}

const uses12h = () => (choice ? choice === '12h' : localeUses12h());
const timeOptions = () =>
  uses12h()
    ? { hour: 'numeric', minute: '2-digit', hourCycle: 'h12' }
    : { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' };
const DATE_OPTIONS = { weekday: 'short', day: 'numeric', month: 'short' };

/** "Thu, Nov 26, 4:00 PM" (or "Thu 26 Nov, 16:00"…): an instant in the zone. */
export function formatWhen(iso, timeZone) {
  if (!iso) return '—';
  return new Intl.DateTimeFormat(undefined, { timeZone, ...DATE_OPTIONS, ...timeOptions() }).format(
    new Date(iso),
  );
}

/** "4:00 PM" / "16:00": the time of day of an instant in the zone. */
export function formatTimeOf(iso, timeZone) {
  return new Intl.DateTimeFormat(undefined, { timeZone, ...timeOptions() }).format(new Date(iso));
}

/** "Thu, Nov 26": a plain date ('YYYY-MM-DD'); `long` names the weekday in full. */
export function formatDate(date, style = 'short') {
  return new Intl.DateTimeFormat(undefined, { timeZone: 'UTC', ...DATE_OPTIONS, weekday: style }).format(
    new Date(`${date}T00:00:00Z`),
  );
}

/** "4:00 PM" / "16:00": minutes since local midnight. */
export function formatClock(minutes) {
  const m = ((minutes % 1440) + 1440) % 1440;
  return new Intl.DateTimeFormat(undefined, { timeZone: 'UTC', ...timeOptions() }).format(
    new Date(m * 60_000),
  );
}

const WEEKDAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const pad = (n) => String(n).padStart(2, '0');

/**
 * The year of a planner day written without one ("Thu 26 Nov"): the one nearest today in which that
 * date falls on that weekday (the planner leaves the year out only for dates of the current year).
 */
function yearOf(weekday, day, month) {
  const thisYear = new Date().getUTCFullYear();
  const years = [thisYear, thisYear + 1, thisYear - 1];
  const fits = (year) => (new Date(Date.UTC(year, month, day)).getUTCDay() + 6) % 7 === weekday;
  return years.find(fits) ?? thisYear;
}

const PLANNER_DATE = String.raw`\b(Mon|Tue|Wed|Thu|Fri|Sat|Sun) (\d{1,2}) (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)(?: (\d{4}))?(?: ([01]\d|2[0-3]):([0-5]\d)(?:–([01]\d|2[0-3]):([0-5]\d))?)?`;
const ISO_DATE = String.raw`\b(\d{4})-(\d{2})-(\d{2})\b`;
const CLOCK = String.raw`\b([01]\d|2[0-3]):([0-5]\d)\b`;
const PLANNER_TEXT = new RegExp(`${PLANNER_DATE}|${ISO_DATE}|${CLOCK}`, 'g');

/**
 * A sentence of the planner's in the page's format: its days ("Thu 26 Nov"), times ("16:00", ranges
 * "16:00–16:30") and any ISO date rewritten, the rest word for word.
 */
export function humanize(text) {
  if (typeof text !== 'string') return text;
  return text.replace(PLANNER_TEXT, (...m) => {
    const [, wd, d, mon, y, h1, m1, h2, m2, isoY, isoM, isoD, ch, cm] = m;
    if (isoY) return formatDate(`${isoY}-${isoM}-${isoD}`);
    if (ch) return formatClock(Number(ch) * 60 + Number(cm));
    const month = MONTHS.indexOf(mon);
    const year = y ? Number(y) : yearOf(WEEKDAYS.indexOf(wd), Number(d), month);
    const date = formatDate(`${year}-${pad(month + 1)}-${pad(Number(d))}`);
    if (h1 === undefined) return date;
    const from = formatClock(Number(h1) * 60 + Number(m1));
    return h2 === undefined
      ? `${date}, ${from}`
      : `${date}, ${from}–${formatClock(Number(h2) * 60 + Number(m2))}`;
  });
}

/** "1 day", "23 days": a count of calendar days in words. */
export function formatDays(days) {
  return `${days} ${days === 1 ? 'day' : 'days'}`;
}

/** "today", "yesterday", "26 days ago": how long ago a day was, counted in calendar days. */
export function formatDaysAgo(days) {
  if (days === 0) return 'today';
  if (days === 1) return 'yesterday';
  return `${formatDays(days)} ago`;
}
