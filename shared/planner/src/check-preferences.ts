import { formatLocalTime, parseLocalTime, type Preferences } from '@frontload/domain';
import type { InputIssue } from './input.js';

const DAY_MINUTES = 24 * 60;
const WEEK_MINUTES = 7 * DAY_MINUTES;
const WEEKDAYS = ['', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];

interface Span {
  readonly start: number;
  readonly end: number;
}

/** Working spans of a nominal week, in minutes from the start of the week (DST does not matter here). */
function workingSpans(prefs: Preferences): Span[] {
  const start = parseLocalTime(prefs.workingHours.start);
  const end = parseLocalTime(prefs.workingHours.end);
  const spans: Span[] = [];
  for (let offset = 0; offset < 7; offset++) {
    const weekday = ((prefs.weekStartsOn - 1 + offset) % 7) + 1;
    if (prefs.workingHours.days.includes(weekday)) {
      spans.push({ start: offset * DAY_MINUTES + start, end: offset * DAY_MINUTES + end });
    }
  }
  return spans;
}

function inside(spans: readonly Span[], from: number, to: number): Span[] {
  return spans
    .map((s) => ({ start: Math.max(s.start, from), end: Math.min(s.end, to) }))
    .filter((s) => s.end > s.start);
}

const hours = (minutes: number) => `${Math.round((minutes / 60) * 10) / 10} h`;

/**
 * Rules across preference fields that a schema cannot express. An empty list means the preferences
 * make sense: working hours end after they start, the first half holds working time, the focus target
 * fits the second half, block and cadence bounds are ordered. The settings page can call this too.
 */
export function checkPreferences(prefs: Preferences, path = '/preferences'): InputIssue[] {
  const issues: InputIssue[] = [];
  const { workingHours, focus, skipWeeks, firstHalf } = prefs;
  if (parseLocalTime(workingHours.end) <= parseLocalTime(workingHours.start)) {
    issues.push({
      path: `${path}/workingHours/end`,
      message: `working hours must end after they start (${workingHours.start}–${workingHours.end}); overnight hours are not supported`,
    });
    return issues;
  }
  if (focus.minBlockMinutes > focus.maxBlockMinutes) {
    issues.push({
      path: `${path}/focus/minBlockMinutes`,
      message: `the shortest focus block (${focus.minBlockMinutes} min) is longer than the longest (${focus.maxBlockMinutes} min)`,
    });
  }
  if (skipWeeks.minWeeks > skipWeeks.maxWeeks) {
    issues.push({
      path: `${path}/skipWeeks/minWeeks`,
      message: `the skip-week cadence starts after ${skipWeeks.minWeeks} weeks but ends after ${skipWeeks.maxWeeks}`,
    });
  }
  const spans = workingSpans(prefs);
  const split =
    ((firstHalf.endWeekday - prefs.weekStartsOn + 7) % 7) * DAY_MINUTES + parseLocalTime(firstHalf.endTime);
  const splitText = `${WEEKDAYS[firstHalf.endWeekday]} ${formatLocalTime(split % DAY_MINUTES)}`;
  const first = inside(spans, 0, split);
  if (first.length === 0) {
    issues.push({
      path: `${path}/firstHalf`,
      message: `the first half (until ${splitText}) holds no working time, so 1:1s could never move there`,
    });
  }
  const second = inside(spans, split, WEEK_MINUTES);
  const capacity = second.reduce((sum, s) => sum + s.end - s.start, 0);
  const longest = Math.max(0, ...second.map((s) => s.end - s.start));
  if (focus.enabled && focus.targetHours > 0) {
    if (focus.targetHours * 60 > capacity) {
      issues.push({
        path: `${path}/focus/targetHours`,
        message: `a ${focus.targetHours} h focus target does not fit in the ${hours(capacity)} of second-half working time (from ${splitText})`,
      });
    } else if (focus.minBlockMinutes > longest) {
      issues.push({
        path: `${path}/focus/minBlockMinutes`,
        message: `no second-half working span is ${focus.minBlockMinutes} min long (the longest is ${longest} min), so no focus block could ever be placed`,
      });
    }
  }
  return issues;
}
