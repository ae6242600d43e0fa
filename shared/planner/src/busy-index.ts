import type { Interval } from '@frontload/domain';

/** A busy interval and the event it comes from (if any), so a search can ignore the event being moved. */
export interface BusyEntry extends Interval {
  readonly owner?: string;
}

/**
 * Answers "does this slot hit anything busy?" with a binary search and a short scan. Entries are sorted by start, with the
 * running maximum of ends so a backwards scan can stop early.
 */
export class BusyIndex {
  private readonly entries: readonly BusyEntry[];
  private readonly maxEnd: readonly number[];

  constructor(entries: readonly BusyEntry[]) {
    this.entries = entries.filter((e) => e.end > e.start).sort((a, b) => a.start - b.start);
    let running = -Infinity;
    this.maxEnd = this.entries.map((e) => (running = Math.max(running, e.end)));
  }

  /** True when `slot` overlaps an entry not owned by an id in `ignore`. */
  overlaps(slot: Interval, ignore?: ReadonlySet<string>): boolean {
    for (let i = this.lastStartingBefore(slot.end); i >= 0 && (this.maxEnd[i] ?? 0) > slot.start; i--) {
      const entry = this.entries[i];
      if (entry && entry.end > slot.start && !(entry.owner !== undefined && ignore?.has(entry.owner)))
        return true;
    }
    return false;
  }

  /** Index of the last entry whose start is before `t`, or -1. */
  private lastStartingBefore(t: number): number {
    let low = 0;
    let high = this.entries.length;
    while (low < high) {
      const mid = (low + high) >> 1;
      if ((this.entries[mid]?.start ?? Infinity) < t) low = mid + 1;
      else high = mid;
    }
    return low - 1;
  }
}

/** True when `slot` lies inside one of the sorted, disjoint `windows`. */
export function insideWindows(windows: readonly Interval[], slot: Interval): boolean {
  let low = 0;
  let high = windows.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if ((windows[mid]?.start ?? Infinity) <= slot.start) low = mid + 1;
    else high = mid;
  }
  const window = windows[low - 1];
  return window !== undefined && window.end >= slot.end;
}
