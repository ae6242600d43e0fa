/**
 * Time conversions shared by the adapters. Providers speak RFC 3339 with offsets (Google), wall times
 * plus a zone name (Graph) and plain dates (all-day events); the domain stores UTC instants
 * (ARCHITECTURE "Contracts": Time). Temporal does the zone maths, never `Date` arithmetic (STYLE rule 15).
 */
import { Temporal } from 'temporal-polyfill';

/** An RFC 3339 string with an offset (`2011-06-03T10:00:00.000-07:00`) as a UTC instant (`…Z`). */
export function toUtcInstant(value: string): string {
  return Temporal.Instant.from(value).toString();
}

/** Midnight at the start of `date` (`YYYY-MM-DD`) in `zone`, as a UTC instant. */
export function startOfDayInstant(date: string, zone: string): string {
  return Temporal.PlainDate.from(date).toZonedDateTime({ timeZone: zone }).toInstant().toString();
}

/**
 * A wall time without offset (`2016-12-09T20:30:00.0000000`, Graph's 7-digit fractions included)
 * read in `zone`, as a UTC instant. Ambiguous or skipped DST times resolve as Temporal's `compatible`.
 */
export function wallTimeToInstant(wallTime: string, zone: string): string {
  return Temporal.PlainDateTime.from(wallTime).toZonedDateTime(zone).toInstant().toString();
}

/** A UTC instant as the wall time in `zone` (`2026-03-02T09:00:00`), for APIs that want zone + local time. */
export function instantToWallTime(instant: string, zone: string): string {
  return Temporal.Instant.from(instant)
    .toZonedDateTimeISO(zone)
    .toPlainDateTime()
    .toString({ smallestUnit: 'second' });
}

/** True when `zone` is an IANA zone Temporal knows. */
export function isIanaZone(zone: string): boolean {
  try {
    Temporal.Now.zonedDateTimeISO(zone);
    return true;
  } catch {
    return false;
  }
}

/** Epoch milliseconds of an instant string. */
export function instantMs(instant: string): number {
  return Temporal.Instant.from(instant).epochMilliseconds;
}

/** An epoch-milliseconds value as a UTC instant string. */
export function msToInstant(ms: number): string {
  return Temporal.Instant.fromEpochMilliseconds(ms).toString();
}
