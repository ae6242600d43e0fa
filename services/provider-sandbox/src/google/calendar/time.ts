/** Date-time conversions between Google's wire forms and stored instants (Temporal, never Date math). */
import { Temporal } from 'temporal-polyfill';
import type { When } from './model.js';

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const WITH_OFFSET = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/i;
const LOCAL = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/;

export function isTimeZone(zone: string): boolean {
  try {
    Temporal.Now.instant().toZonedDateTimeISO(zone);
    return true;
  } catch {
    return false;
  }
}

/** An RFC 3339 timestamp with a mandatory offset (timeMin, timeMax, updatedMin, freebusy bounds). */
export function parseTimestamp(value: string): number | undefined {
  if (!WITH_OFFSET.test(value)) return undefined;
  try {
    return Temporal.Instant.from(value).epochMilliseconds;
  } catch {
    return undefined;
  }
}

/** An event dateTime: with an offset, or local to `timeZone` (Google requires one of the two). */
export function parseEventDateTime(value: string, timeZone: string | undefined): number | undefined {
  if (WITH_OFFSET.test(value)) return parseTimestamp(value);
  if (!LOCAL.test(value) || timeZone === undefined) return undefined;
  try {
    return Temporal.PlainDateTime.from(value).toZonedDateTime(timeZone).epochMilliseconds;
  } catch {
    return undefined;
  }
}

export function isDate(value: string): boolean {
  if (!DATE.test(value)) return false;
  try {
    Temporal.PlainDate.from(value, { overflow: 'reject' });
    return true;
  } catch {
    return false;
  }
}

/** RFC 3339 in `zone` with its offset, seconds precision: `2026-11-23T09:00:00+01:00` (UTC as `Z`). */
export function formatInZone(ms: number, zone: string): string {
  const text = Temporal.Instant.fromEpochMilliseconds(ms)
    .toZonedDateTimeISO(zone)
    .toString({ offset: 'auto', timeZoneName: 'never', smallestUnit: 'second' });
  return text.endsWith('+00:00') && (zone === 'UTC' || zone === 'Etc/UTC') ? `${text.slice(0, -6)}Z` : text;
}

/** `created` / `updated` stamps: UTC with milliseconds, as Google writes them. */
export const isoUtc = (ms: number) => new Date(ms).toISOString();

/** The instant a `When` starts at, all-day dates taken at midnight in the calendar's zone. */
export function whenMs(when: When, calendarZone: string): number {
  if (when.kind === 'dateTime') return when.ms;
  return Temporal.PlainDate.from(when.date).toZonedDateTime(calendarZone).epochMilliseconds;
}

export function addDays(date: string, days: number): string {
  return Temporal.PlainDate.from(date).add({ days }).toString();
}

export function daysBetween(from: string, to: string): number {
  return Temporal.PlainDate.from(from).until(Temporal.PlainDate.from(to)).days;
}

/** Instance-id suffix: `20261123T080000Z` for timed slots, `20261123` for all-day ones. */
export function instanceSuffix(when: When): string {
  if (when.kind === 'date') return when.date.replaceAll('-', '');
  return new Date(when.ms)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}Z$/, 'Z');
}

export function sameWhen(a: When | undefined, b: When | undefined): boolean {
  if (!a || !b) return a === b;
  if (a.kind === 'date' || b.kind === 'date')
    return a.kind === b.kind && a.kind === 'date' && b.kind === 'date' && a.date === b.date;
  return a.ms === b.ms;
}
