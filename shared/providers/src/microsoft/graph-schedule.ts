/**
 * Free/busy and working hours through `POST /me/calendar/getSchedule` (PROVIDERS.md §5, M-GETSCHED):
 * at most 20 addresses per call and a range under 42 days (M-FREEBUSY), so requests are chunked by
 * both; mailbox settings (`/me/mailboxSettings`, M-MBX) share the working-hours mapping.
 */
import type * as Graph from '@microsoft/microsoft-graph-types';
import type { CounterpartAvailability, WorkingHours } from '@frontload/domain';
import type { TimeWindow } from '../calendar-provider.js';
import { instantMs, msToInstant } from '../provider-time.js';
import { graphZoneToIana } from './graph-zones.js';
import { graphInstant } from './map-graph-event.js';

/** getSchedule takes at most 20 schedules per call (M-FREEBUSY). */
export const GRAPH_SCHEDULE_BATCH = 20;
/** "Under 42 days": 41-day chunks stay inside the limit. */
const MAX_RANGE_MS = 41 * 86_400_000;

const isoDays: Record<Graph.DayOfWeek, number> = {
  monday: 1,
  tuesday: 2,
  wednesday: 3,
  thursday: 4,
  friday: 5,
  saturday: 6,
  sunday: 7,
};

/** Splits a window into pieces getSchedule accepts. */
export function scheduleWindows(window: TimeWindow): TimeWindow[] {
  const out: TimeWindow[] = [];
  const end = instantMs(window.end);
  for (let from = instantMs(window.start); from < end; from += MAX_RANGE_MS) {
    out.push({ start: msToInstant(from), end: msToInstant(Math.min(end, from + MAX_RANGE_MS)) });
  }
  return out;
}

/** Graph working hours → ours; `undefined` when days or times are missing or malformed. */
export function mapWorkingHours(hours: Graph.WorkingHours | null | undefined): WorkingHours | undefined {
  const days = [...new Set((hours?.daysOfWeek ?? []).map((d) => isoDays[d]))].sort((a, b) => a - b);
  const start = hours?.startTime?.slice(0, 5);
  const end = hours?.endTime?.slice(0, 5);
  const hhmm = /^([01]\d|2[0-3]):[0-5]\d$/;
  if (days.length === 0 || !start || !end || !hhmm.test(start) || !hhmm.test(end)) return undefined;
  return { days, start, end };
}

/**
 * The working-hours zone as IANA. A `customTimeZone` (bias + DST rules, "Customized Time Zone") has no
 * IANA name; it is left out rather than guessed, and the planner falls back as documented in the domain.
 */
export function workingHoursZone(hours: Graph.WorkingHours | null | undefined): string | undefined {
  return graphZoneToIana(hours?.timeZone?.name);
}

/** One schedule → availability; a schedule with an `error` (unknown mailbox…) is unknown, not free. */
export function mapSchedule(info: Graph.ScheduleInformation): CounterpartAvailability | undefined {
  if (!info.scheduleId || info.error) return undefined;
  const busy = (info.scheduleItems ?? []).flatMap((item) => {
    if (item.status === 'free' || item.status === 'unknown') return [];
    const start = graphInstant(item.start);
    const end = graphInstant(item.end);
    return start && end ? [{ start, end }] : [];
  });
  const workingHours = mapWorkingHours(info.workingHours);
  const zone = workingHoursZone(info.workingHours);
  return {
    email: info.scheduleId,
    busy,
    ...(workingHours ? { workingHours } : {}),
    ...(zone ? { zone } : {}),
  };
}

/** Merges the per-chunk answers for one address (busy lists concatenated, sorted). */
export function mergeAvailability(parts: CounterpartAvailability[]): CounterpartAvailability {
  const [first, ...rest] = parts;
  if (!first) throw new TypeError('mergeAvailability needs at least one part');
  const busy = [first, ...rest]
    .flatMap((p) => p.busy)
    .sort((a, b) => instantMs(a.start) - instantMs(b.start));
  return { ...first, busy };
}
