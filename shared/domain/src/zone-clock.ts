import { Temporal } from 'temporal-polyfill';
import { DAY_MS } from './calendar-math.js';

/** A zone's offsets over a span, read from Temporal once and shared by every clock of the zone. */
interface TransitionTable {
  readonly zone: string;
  readonly from: number;
  readonly to: number;
  readonly transitions: readonly number[];
  readonly offsets: readonly number[];
}

// Memoised per process: the zone database does not change while we run, and reading transitions
// through the polyfill costs far more than a whole plan. Bounded so odd input cannot grow it forever.
const tables = new Map<string, TransitionTable>();
const MAX_CACHED_ZONES = 256;

function readTransitions(zone: string, from: number, to: number): TransitionTable {
  let cursor = Temporal.Instant.fromEpochMilliseconds(from).toZonedDateTimeISO(zone);
  const transitions: number[] = [];
  const offsets: number[] = [cursor.offsetNanoseconds / 1e6];
  for (;;) {
    const next = cursor.getTimeZoneTransition('next');
    if (next === null || next.epochMilliseconds > to) break;
    transitions.push(next.epochMilliseconds);
    offsets.push(next.offsetNanoseconds / 1e6);
    cursor = next;
  }
  return { zone: cursor.timeZoneId, from, to, transitions, offsets };
}

/** True when Temporal knows `zone` (an IANA name or a fixed offset such as +05:30). */
export function isKnownZone(zone: string): boolean {
  if (tables.has(zone)) return true;
  try {
    Temporal.Instant.fromEpochMilliseconds(0).toZonedDateTimeISO(zone);
    return true;
  } catch (error) {
    // Temporal reports an unknown zone with a RangeError; anything else is a real fault.
    if (error instanceof RangeError) return false;
    throw error;
  }
}

/**
 * Wall-clock conversions for one IANA zone over a span of time.
 *
 * The zone's UTC offsets and transitions are read from Temporal once per zone and process; after that
 * a conversion is a binary search plus an addition. "Local milliseconds" are the wall-clock reading
 * written as if it were UTC (`2024-03-25T10:00` in Berlin → the epoch ms of `2024-03-25T10:00Z`), so
 * `Math.floor(local / DAY_MS)` is the local day number and `local % DAY_MS` the time of day.
 * Outside the span every call falls back to Temporal, so answers are always right, only slower.
 */
export class ZoneClock {
  private constructor(
    /** The IANA zone this clock converts for. */
    readonly zone: string,
    private readonly from: number,
    private readonly to: number,
    /** Instants at which the offset changes, ascending. */
    private readonly transitions: readonly number[],
    /** offsets[i] applies before transitions[i]; the last entry applies after the last transition. */
    private readonly offsets: readonly number[],
  ) {}

  /**
   * A clock for `zone` that is fast between `fromMs` and `toMs` (epoch milliseconds).
   * Throws a RangeError for a zone Temporal does not know.
   */
  static create(zone: string, fromMs: number, toMs: number): ZoneClock {
    let table = tables.get(zone);
    if (!table || fromMs - DAY_MS < table.from || toMs + DAY_MS > table.to) {
      // Read a generous span: the next plans of the same user need the weeks after this one.
      table = readTransitions(
        zone,
        Math.min(fromMs, table?.from ?? fromMs) - 60 * DAY_MS,
        Math.max(toMs, table?.to ?? toMs) + 400 * DAY_MS,
      );
      if (tables.size >= MAX_CACHED_ZONES) tables.clear();
      tables.set(zone, table);
    }
    return new ZoneClock(table.zone, table.from, table.to, table.transitions, table.offsets);
  }

  /** UTC offset in milliseconds at an instant. */
  offsetAt(epochMs: number): number {
    if (epochMs < this.from || epochMs > this.to) {
      return (
        Temporal.Instant.fromEpochMilliseconds(epochMs).toZonedDateTimeISO(this.zone).offsetNanoseconds / 1e6
      );
    }
    let low = 0;
    let high = this.transitions.length;
    while (low < high) {
      const mid = (low + high) >> 1;
      if ((this.transitions[mid] ?? Infinity) <= epochMs) low = mid + 1;
      else high = mid;
    }
    return this.offsets[low] ?? 0;
  }

  /** Local milliseconds (wall clock as if UTC) of an instant. */
  toLocal(epochMs: number): number {
    return epochMs + this.offsetAt(epochMs);
  }

  /**
   * The instant of a wall-clock reading, resolved like Temporal's `disambiguation: 'compatible'`:
   * a repeated reading (autumn) gives the earlier instant, a skipped one (spring) moves forward by the gap.
   */
  fromLocal(localMs: number): number {
    // Zone transitions are months apart, so the offsets a day either side cover every candidate.
    const before = this.offsetAt(localMs - DAY_MS);
    const after = this.offsetAt(localMs + DAY_MS);
    if (before === after) return localMs - before;
    const earlier = localMs - Math.max(before, after);
    const later = localMs - Math.min(before, after);
    if (this.offsetAt(earlier) === Math.max(before, after)) return earlier; // repeated hour: the earlier one
    if (this.offsetAt(later) === Math.min(before, after)) return later;
    return localMs - before; // skipped hour: moved forward by the gap
  }
}
