// A test-only exhaustive solver for small one-week calendars on a 15-minute grid of local time. It
// shares no code with the planner: the grid comes straight from Temporal, moves are enumerated, and
// focus is a plain dynamic programme over grid slots.
import type { CalendarEvent, Preferences } from '@frontload/domain';
import { Temporal } from 'temporal-polyfill';
import type { PlannerInput } from '../input.js';

const SLOTS_PER_DAY = 96;

export interface SmallWeekOptimum {
  /** Most 1:1s that can move to the first half at the same time. */
  readonly maxMoved: number;
  /** Per 1:1 (by id): does it have any feasible first-half slot on its own? */
  readonly feasible: ReadonlyMap<string, boolean>;
  /** Best focus minutes achievable in the second half over all feasible move sets. */
  readonly focusMinutes: number;
}

interface Grid {
  readonly instants: number[];
  readonly firstHalfEnd: number;
}

function grid(input: PlannerInput): Grid {
  const now = Temporal.Instant.from(input.now).toZonedDateTimeISO(input.zone);
  const monday = now.toPlainDate().subtract({ days: now.dayOfWeek - 1 });
  const instants: number[] = [];
  for (let day = 0; day <= 7; day++) {
    const midnight = monday.add({ days: day }).toZonedDateTime(input.zone);
    for (let q = 0; q < SLOTS_PER_DAY; q++) {
      // On a plain 24-hour day slots are 15 real minutes apart; on a DST day ask Temporal for each.
      const time = Temporal.PlainTime.from({ hour: Math.floor(q / 4), minute: (q % 4) * 15 });
      instants.push(
        midnight.hoursInDay === 24
          ? midnight.epochMilliseconds + q * 900_000
          : midnight.toPlainDate().toZonedDateTime({ timeZone: input.zone, plainTime: time })
              .epochMilliseconds,
      );
    }
  }
  const split = monday.add({ days: input.preferences.firstHalf.endWeekday - 1 }).toZonedDateTime({
    timeZone: input.zone,
    plainTime: Temporal.PlainTime.from(input.preferences.firstHalf.endTime),
  });
  return { instants, firstHalfEnd: split.epochMilliseconds };
}

const minutesOf = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3));

/** Grid slots (day * 96 + quarter) inside working hours on working days. */
function workingSlots(hours: { start: string; end: string; days: readonly number[] }): Set<number> {
  const slots = new Set<number>();
  for (let day = 0; day < 7; day++) {
    if (!hours.days.includes(day + 1)) continue;
    for (let q = minutesOf(hours.start) / 15; q < minutesOf(hours.end) / 15; q++)
      slots.add(day * SLOTS_PER_DAY + q);
  }
  return slots;
}

function busySlots(g: Grid, ranges: readonly { start: string; end: string }[]): Set<number> {
  const slots = new Set<number>();
  for (const r of ranges) {
    const [start, end] = [
      Temporal.Instant.from(r.start).epochMilliseconds,
      Temporal.Instant.from(r.end).epochMilliseconds,
    ];
    for (let i = 0; i < 7 * SLOTS_PER_DAY; i++) {
      const from = g.instants[i] ?? 0;
      if (from >= end) break;
      if (start < (g.instants[i + 1] ?? Infinity)) slots.add(i);
    }
  }
  return slots;
}

function focusOptimum(free: ReadonlySet<number>, prefs: Preferences): number {
  const [min, max] = [prefs.focus.minBlockMinutes / 15, prefs.focus.maxBlockMinutes / 15];
  const budget = Math.floor((prefs.focus.targetHours * 60) / 15);
  const positions = [...free].sort((a, b) => a - b);
  const memo = new Int32Array((positions.length + 1) * (budget + 1)).fill(-1);
  // best(i, b): most focus slots using free positions from index i on, with b slots of budget left.
  const best = (i: number, b: number): number => {
    if (i >= positions.length || b < min) return 0;
    const key = i * (budget + 1) + b;
    const known = memo[key] ?? -1;
    if (known >= 0) return known;
    let result = best(i + 1, b);
    const start = positions[i] ?? 0;
    for (let length = 1; length <= Math.min(max, b); length++) {
      if (!free.has(start + length - 1)) break;
      if (length >= min) {
        let next = i + length;
        while ((positions[next] ?? Infinity) < start + length) next++;
        result = Math.max(result, length + best(next, b - length));
      }
    }
    memo[key] = result;
    return result;
  };
  return best(0, budget) * 15;
}

/** The best any planner could do on a small week: moves of the user's 1:1s and focus minutes. */
export function solveSmallWeek(input: PlannerInput, oneOnOnes: readonly CalendarEvent[]): SmallWeekOptimum {
  const g = grid(input);
  const prefs = input.preferences;
  const mine = workingSlots(prefs.workingHours);
  const cutoff = Temporal.Instant.from(input.now).epochMilliseconds + prefs.freezeWindowHours * 3_600_000;
  const ids = new Set(oneOnOnes.map((e) => e.id));
  const userBusy = busySlots(
    g,
    input.events.filter((e) => !ids.has(e.id) && e.transparency === 'busy' && e.status !== 'cancelled'),
  );
  const starts = oneOnOnes.map((e) => {
    const c = input.counterparts.find((x) => x.email === e.attendees.find((a) => !a.self)?.email);
    const theirs = workingSlots(c?.workingHours ?? prefs.workingHours);
    const theirBusy = busySlots(
      g,
      (c?.busy ?? []).filter((b) => b.start !== e.start || b.end !== e.end),
    );
    const length =
      (Temporal.Instant.from(e.end).epochMilliseconds - Temporal.Instant.from(e.start).epochMilliseconds) /
      900_000;
    const ok: number[] = [];
    for (let s = 0; s + length <= 7 * SLOTS_PER_DAY; s++) {
      const span = Array.from({ length }, (_, k) => s + k);
      const fits =
        (g.instants[s] ?? 0) >= cutoff &&
        (g.instants[s + length] ?? Infinity) <= g.firstHalfEnd &&
        span.every((q) => mine.has(q) && theirs.has(q) && !userBusy.has(q) && !theirBusy.has(q));
      if (fits) ok.push(s);
    }
    return { event: e, length, ok, own: busySlots(g, [e]) };
  });

  // Can every 1:1 in `subset` move at once? Plain backtracking over their feasible starts.
  const fitsTogether = (subset: readonly number[], taken: Set<number>, k = 0): boolean => {
    const item = starts[subset[k] ?? -1];
    if (k === subset.length || !item) return true;
    for (const s of item.ok) {
      const span = Array.from({ length: item.length }, (_, j) => s + j);
      if (span.some((q) => taken.has(q))) continue;
      span.forEach((q) => taken.add(q));
      const ok = fitsTogether(subset, taken, k + 1);
      span.forEach((q) => taken.delete(q));
      if (ok) return true;
    }
    return false;
  };
  const secondHalf = [...mine].filter(
    (q) => (g.instants[q] ?? 0) >= g.firstHalfEnd && (g.instants[q] ?? 0) >= cutoff,
  );
  let maxMoved = 0;
  let focusMinutes = 0;
  for (let mask = 0; mask < 1 << starts.length; mask++) {
    const moved = starts.map((_, i) => i).filter((i) => mask & (1 << i));
    if (!fitsTogether(moved, new Set())) continue;
    maxMoved = Math.max(maxMoved, moved.length);
    const stayed = starts.filter((_, i) => !(mask & (1 << i)));
    const free = new Set(secondHalf.filter((q) => !userBusy.has(q) && !stayed.some((st) => st.own.has(q))));
    focusMinutes = Math.max(focusMinutes, focusOptimum(free, prefs));
  }
  return { maxMoved, feasible: new Map(starts.map((s) => [s.event.id, s.ok.length > 0])), focusMinutes };
}
