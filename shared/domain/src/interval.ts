/**
 * A half-open span `[start, end)` in epoch milliseconds (UTC). The planner works on these numbers and
 * turns to the zone (ZoneClock, Temporal) only for wall-clock questions.
 */
export interface Interval {
  readonly start: number;
  readonly end: number;
}

/** True when two intervals share at least one millisecond. */
export function overlaps(a: Interval, b: Interval): boolean {
  return a.start < b.end && b.start < a.end;
}

/** True when `inner` lies within `outer`. */
export function contains(outer: Interval, inner: Interval): boolean {
  return outer.start <= inner.start && inner.end <= outer.end;
}

/** Length in milliseconds (0 for an empty or inverted interval). */
export function durationOf(interval: Interval): number {
  return Math.max(0, interval.end - interval.start);
}

/** Sorted, merged, non-empty intervals covering the same time as the input. */
export function union(intervals: readonly Interval[]): Interval[] {
  // The planner mostly passes lists already in order: they are merged as they are, without a copy
  // and a sort, and intervals that stand alone are kept as they are (they are read-only).
  let ordered = true;
  for (let i = 1; i < intervals.length && ordered; i++)
    ordered = intervals[i - 1]!.start <= intervals[i]!.start;
  const sorted = ordered ? intervals : [...intervals].sort((a, b) => a.start - b.start);
  const merged: Interval[] = [];
  for (const next of sorted) {
    if (next.end <= next.start) continue;
    const last = merged[merged.length - 1];
    if (last && next.start <= last.end) {
      if (next.end > last.end) merged[merged.length - 1] = { start: last.start, end: next.end };
    } else {
      merged.push(next);
    }
  }
  return merged;
}

/** Total time covered by the intervals, overlaps counted once. */
export function coveredMs(intervals: readonly Interval[]): number {
  return union(intervals).reduce((sum, interval) => sum + durationOf(interval), 0);
}

/** The parts of `base` not covered by `cut`. */
export function subtract(base: readonly Interval[], cut: readonly Interval[]): Interval[] {
  const cuts = union(cut);
  const result: Interval[] = [];
  // Pieces and cuts are both in order: a cut ending before a piece starts ends before every later
  // piece too, so the scan resumes where the previous piece left it.
  let first = 0;
  for (const piece of union(base)) {
    let cursor = piece.start;
    while (first < cuts.length && cuts[first]!.end <= cursor) first++;
    for (let j = first; j < cuts.length; j++) {
      const c = cuts[j]!;
      if (c.start >= piece.end) break;
      if (c.start > cursor) result.push({ start: cursor, end: c.start });
      cursor = Math.max(cursor, c.end);
      if (cursor >= piece.end) break;
    }
    if (cursor < piece.end) result.push({ start: cursor, end: piece.end });
  }
  return result;
}

/** The parts of `intervals` inside `window`. */
export function clip(intervals: readonly Interval[], window: Interval): Interval[] {
  const result: Interval[] = [];
  for (const interval of intervals) {
    const start = Math.max(interval.start, window.start);
    const end = Math.min(interval.end, window.end);
    if (end > start) result.push({ start, end });
  }
  return result;
}

/** The time covered by both lists of intervals. */
export function intersect(a: readonly Interval[], b: readonly Interval[]): Interval[] {
  const left = union(a);
  const right = union(b);
  const result: Interval[] = [];
  let i = 0;
  let j = 0;
  for (;;) {
    const x = left[i];
    const y = right[j];
    if (!x || !y) break;
    const start = Math.max(x.start, y.start);
    const end = Math.min(x.end, y.end);
    if (end > start) result.push({ start, end });
    if (x.end < y.end) i++;
    else j++;
  }
  return result;
}
