/**
 * Graph's wall-clock representation: `dateTimeTimeZone` values carry a local date-time with 7 fractional
 * digits ("2026-11-23T09:00:00.0000000") plus a zone name that is a Windows name ("W. Europe Standard Time")
 * or one of the IANA names Graph accepts (PROVIDERS.md §6, M-TZ). Internally every instant is epoch ms and
 * every zone is IANA; this module converts at the wire.
 */
import { Temporal } from 'temporal-polyfill';
import { findIana, findWindows } from 'windows-iana';

const LOCAL_DATE_TIME = /^(\d{4}-\d{2}-\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,7}))?)?)?$/;
const WITH_OFFSET = /(Z|[+-]\d{2}:\d{2})$/i;

/** Resolves a Graph zone name (Windows or IANA) to an IANA id; undefined when unknown. */
export function ianaZone(name: string): string | undefined {
  const trimmed = name.trim().replace(/^"(.*)"$/, '$1');
  if (trimmed === '' || /^(utc|gmt)$/i.test(trimmed)) return 'UTC';
  const fromWindows = findIana(trimmed)[0];
  if (fromWindows !== undefined) return fromWindows === 'Etc/UTC' ? 'UTC' : fromWindows;
  try {
    return new Temporal.ZonedDateTime(0n, trimmed).timeZoneId;
  } catch {
    return undefined;
  }
}

/** The Windows name Graph reports for an IANA zone (mailboxSettings, originalStartTimeZone). */
export function windowsZone(iana: string): string {
  if (iana === 'UTC' || iana === 'Etc/UTC') return 'UTC';
  return findWindows(iana)[0] ?? iana;
}

/** epoch ms → "YYYY-MM-DDTHH:MM:SS.fffffff" wall time in `iana`. */
export function formatGraphDateTime(epochMs: number, iana: string): string {
  const pdt = Temporal.Instant.fromEpochMilliseconds(epochMs).toZonedDateTimeISO(iana).toPlainDateTime();
  const ms = String(pdt.millisecond).padStart(3, '0');
  return `${pdt.toString({ smallestUnit: 'second' })}.${ms}0000`;
}

/** Instant rendered like Graph's own timestamps ("2026-11-21T05:00:00.123Z"; createdDateTime etc.). */
export function isoInstant(epochMs: number): string {
  return new Date(epochMs).toISOString();
}

/** innerError.date is second precision without zone designator (graph-error-429 fixture). */
export function innerErrorDate(epochMs: number): string {
  return new Date(epochMs).toISOString().slice(0, 19);
}

/** Parses a Graph local date-time in `iana` (or with an explicit offset) to epoch ms. */
export function parseGraphDateTime(value: string, iana: string): number | undefined {
  const text = value.trim();
  if (WITH_OFFSET.test(text)) {
    const ms = Date.parse(text.replace(/(\.\d{3})\d+/, '$1'));
    return Number.isNaN(ms) ? undefined : ms;
  }
  const m = LOCAL_DATE_TIME.exec(text);
  if (m === null) return undefined;
  const fraction = (m[5] ?? '').padEnd(9, '0');
  try {
    const pdt = Temporal.PlainDateTime.from(
      {
        ...dateParts(m[1] ?? ''),
        hour: Number(m[2] ?? 0),
        minute: Number(m[3] ?? 0),
        second: Number(m[4] ?? 0),
        millisecond: Number(fraction.slice(0, 3)),
      },
      { overflow: 'reject' },
    );
    return pdt.toZonedDateTime(iana, { disambiguation: 'compatible' }).epochMilliseconds;
  } catch {
    return undefined;
  }
}

function dateParts(date: string): { year: number; month: number; day: number } {
  const [year, month, day] = date.split('-').map(Number);
  return { year: year ?? 0, month: month ?? 0, day: day ?? 0 };
}

/** Query-string instants (startDateTime=2026-11-23T00:00:00Z or a local value read as UTC). */
export function parseQueryInstant(value: string | undefined): number | undefined {
  if (value === undefined || value === '') return undefined;
  return parseGraphDateTime(value, 'UTC');
}

/** "HH:MM" (core working hours) → "HH:MM:SS.0000000" (Graph timeOfDay). */
export function graphTimeOfDay(hhmm: string): string {
  const [h = '00', m = '00'] = hhmm.split(':');
  return `${h.padStart(2, '0')}:${m.padStart(2, '0')}:00.0000000`;
}

export const WEEKDAYS = [
  'monday',
  'tuesday',
  'wednesday',
  'thursday',
  'friday',
  'saturday',
  'sunday',
] as const;
export type GraphWeekday = (typeof WEEKDAYS)[number];

/** ISO weekday 1..7 → Graph dayOfWeek. */
export function graphWeekday(isoDay: number): GraphWeekday {
  return WEEKDAYS[(isoDay - 1) % 7] ?? 'monday';
}
