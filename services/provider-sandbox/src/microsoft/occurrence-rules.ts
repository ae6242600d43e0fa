/**
 * Rules Exchange applies to single occurrences: a moved occurrence must stay strictly between the days
 * of its neighbours (`ErrorOccurrenceCrossingBoundary`, PROVIDERS.md §4, I-GRAPH-2285).
 */
import { Temporal } from 'temporal-polyfill';
import { GraphError } from './errors.js';
import type { StoredEvent } from './model.js';
import { instancesOf } from './views.js';

const YEAR = 366 * 86_400_000;

const localDay = (ms: number, zone: string): Temporal.PlainDate =>
  Temporal.Instant.fromEpochMilliseconds(ms).toZonedDateTimeISO(zone).toPlainDate();

export function checkOccurrenceMove(master: StoredEvent, originalStartMs: number, newStartMs: number): void {
  const zone = master.fields.startZone;
  const around = instancesOf(master, originalStartMs - YEAR, originalStartMs + YEAR).filter(
    (v) => v.originalStartMs !== originalStartMs,
  );
  const before = around.filter((v) => (v.originalStartMs ?? 0) < originalStartMs).at(-1);
  const after = around.find((v) => (v.originalStartMs ?? 0) > originalStartMs);
  const day = localDay(newStartMs, zone);
  const crossesBefore =
    before !== undefined && Temporal.PlainDate.compare(day, localDay(before.fields.startMs, zone)) <= 0;
  const crossesAfter =
    after !== undefined && Temporal.PlainDate.compare(day, localDay(after.fields.startMs, zone)) >= 0;
  if (crossesBefore || crossesAfter) {
    throw new GraphError(
      400,
      'ErrorOccurrenceCrossingBoundary',
      'An occurrence cannot be moved to or before the day of the previous occurrence, and cannot be moved to or after the day of the next occurrence.',
    );
  }
}
