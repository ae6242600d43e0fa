// A test-only exact oracle for one planned week: the planner's weekly problem as a mixed-integer
// programme on a 15-minute grid of the user's local time, solved with HiGHS (the `highs` package).
// It shares no code with the planner: instants come straight from Temporal, busy time from the
// input's events, and every rule is restated here.
//
// The problem. Each movable 1:1 (the user organizes it, the person is not fixed, it has not started,
// it ends after the first half) may move to one start s in the first half, after the freeze cutoff,
// inside the user's and the person's working hours (each in their own zone), where neither of them is
// busy (its own slot aside); moved 1:1s do not overlap each other. Focus blocks of min–max minutes
// go into second-half working time after `now` that nothing holds (a 1:1 that moves away frees its
// slot), do not overlap, and add up to at most the weekly target. Breaks between 1:1s are a
// preference of the planner, never a reason to leave a 1:1 behind, so they are no constraint here.
// Each moved 1:1 emails its one counterpart.
import type { CalendarEvent } from '@frontload/domain';
import * as highsModule from 'highs';
import type { Highs } from 'highs';
import { Temporal } from 'temporal-polyfill';
import type { PlannerInput } from '../input.js';
import type { MovableOneOnOne } from './realistic-weeks.js';

const SLOT_MS = 15 * 60_000;
const SLOTS = 7 * 96;

// The package's types describe its CommonJS build, where TypeScript sees the loader one `default`
// deeper; under ESM (how the tests load it) the loader is the module's default export.
const highsLoader = highsModule.default as unknown as () => Promise<Highs>;
let solver: Promise<Highs> | undefined;
const highs = (): Promise<Highs> => (solver ??= highsLoader());

export interface WeekOptimum {
  /** Most 1:1s that can move into the first half at once. */
  readonly maxMoved: number;
  /** Fewest attendee emails with which that many 1:1s move. */
  readonly emails: number;
  /** Most focus minutes in the second half over every feasible set of moves. */
  readonly focusMinutes: number;
}

const minutesOf = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3));
const ms = (text: string) => Temporal.Instant.from(text).epochMilliseconds;

interface Grid {
  /** Start instant of each local slot, plus the end of the last. */
  readonly at: number[];
  /** The user's local weekday (1–7) and minute of day of each slot. */
  readonly weekday: number[];
  readonly minute: number[];
  readonly firstHalfEnd: number;
}

function grid(input: PlannerInput): Grid {
  const now = Temporal.Instant.from(input.now).toZonedDateTimeISO(input.zone);
  const monday = now.toPlainDate().subtract({ days: now.dayOfWeek - 1 });
  const at: number[] = [];
  const weekday: number[] = [];
  const minute: number[] = [];
  for (let q = 0; q <= SLOTS; q++) {
    const day = Math.floor(q / 96);
    const m = (q % 96) * 15;
    const plainTime = Temporal.PlainTime.from({ hour: Math.floor(m / 60), minute: m % 60 });
    at.push(monday.add({ days: day }).toZonedDateTime({ timeZone: input.zone, plainTime }).epochMilliseconds);
    weekday.push(day + 1);
    minute.push(m);
  }
  const { endWeekday, endTime } = input.preferences.firstHalf;
  const firstHalfEnd = monday
    .add({ days: endWeekday - 1 })
    .toZonedDateTime({ timeZone: input.zone, plainTime: Temporal.PlainTime.from(endTime) }).epochMilliseconds;
  return { at, weekday, minute, firstHalfEnd };
}

/** Slot q is a real 15-minute stretch of time (not skipped or repeated by a DST change). */
const realSlot = (g: Grid, q: number) => (g.at[q + 1] ?? 0) - (g.at[q] ?? 0) === SLOT_MS;

function covered(g: Grid, ranges: readonly { start: number; end: number }[]): boolean[] {
  const busy = Array.from({ length: SLOTS }, () => false);
  for (const r of ranges) {
    for (let q = 0; q < SLOTS; q++) {
      if ((g.at[q] ?? 0) < r.end && r.start < (g.at[q + 1] ?? 0)) busy[q] = true;
    }
  }
  return busy;
}

/** Working slots of someone with `hours` in `zone`, judged at each slot's instant in their zone. */
function working(
  g: Grid,
  zone: string,
  hours: { start: string; end: string; days: readonly number[] },
): boolean[] {
  const [from, to] = [minutesOf(hours.start), minutesOf(hours.end)];
  return Array.from({ length: SLOTS }, (_, q) => {
    const local = Temporal.Instant.fromEpochMilliseconds(g.at[q] ?? 0).toZonedDateTimeISO(zone);
    const m = local.hour * 60 + local.minute;
    return realSlot(g, q) && hours.days.includes(local.dayOfWeek) && m >= from && m + 15 <= to;
  });
}

const holdsTime = (e: CalendarEvent) =>
  e.kind !== 'series' &&
  e.status !== 'cancelled' &&
  e.transparency === 'busy' &&
  e.attendees.find((a) => a.self)?.responseStatus !== 'declined';

function eventRange(e: CalendarEvent, zone: string): { start: number; end: number } {
  if (!e.allDay) return { start: ms(e.start), end: ms(e.end) };
  const day = (date: string) => Temporal.PlainDate.from(date).toZonedDateTime(zone).epochMilliseconds;
  return { start: day(e.allDay.startDate), end: day(e.allDay.endDate) };
}

interface Request {
  readonly name: string;
  readonly length: number;
  /** Feasible first-half starts. */
  readonly starts: number[];
  /** Second-half slots its current time holds (freed when it moves). */
  readonly own: boolean[];
}

/** Solves the week exactly. `movable` lists the 1:1s the planner may move, by id and counterpart. */
export async function solveWeek(
  input: PlannerInput,
  movable: readonly MovableOneOnOne[],
): Promise<WeekOptimum> {
  const g = grid(input);
  const prefs = input.preferences;
  const now = ms(input.now);
  const cutoff = now + prefs.freezeWindowHours * 3_600_000;
  const byId = new Map(input.events.map((e) => [e.id, e]));
  const candidates = movable.flatMap((m) => {
    const e = byId.get(m.id);
    if (!e || e.status === 'cancelled') return [];
    const span = eventRange(e, input.zone);
    return span.start >= cutoff && span.end > g.firstHalfEnd ? [{ m, e, span }] : [];
  });
  const moving = new Set(candidates.map((c) => c.m.id));
  const userBusy = covered(
    g,
    input.events
      .filter((e) => holdsTime(e) && !e.tag && !moving.has(e.id))
      .map((e) => eventRange(e, input.zone)),
  );
  const mine = working(g, input.zone, prefs.workingHours);

  const requests: Request[] = candidates.map(({ m, span }, i) => {
    const who = input.counterparts.find((c) => c.email.toLowerCase() === m.email);
    const length = Math.round((span.end - span.start) / SLOT_MS);
    const own = covered(g, [span]);
    const starts: number[] = [];
    if (who) {
      const theirs = working(g, who.zone ?? input.zone, who.workingHours ?? prefs.workingHours);
      // Their busy time at the 1:1's own slot is the 1:1 itself: it moves with it.
      const theirBusy = covered(
        g,
        who.busy.flatMap((b) => {
          const r = { start: ms(b.start), end: ms(b.end) };
          const parts = [];
          if (r.start < span.start) parts.push({ start: r.start, end: Math.min(r.end, span.start) });
          if (r.end > span.end) parts.push({ start: Math.max(r.start, span.end), end: r.end });
          return parts;
        }),
      );
      const otherMoving = candidates.filter((c) => c.m.id !== m.id).map((c) => c.span);
      const othersHeld = covered(g, otherMoving);
      for (let s = 0; s + length <= SLOTS; s++) {
        if ((g.at[s] ?? 0) < cutoff || (g.at[s + length] ?? Infinity) > g.firstHalfEnd) continue;
        let fits = true;
        for (let q = s; q < s + length && fits; q++) {
          fits = !!mine[q] && !!theirs[q] && !userBusy[q] && !theirBusy[q] && !othersHeld[q];
        }
        if (fits) starts.push(s);
      }
    }
    return { name: `r${i}`, length, starts, own };
  });

  // Focus: second-half working slots after now (and after the first half) that nothing else holds.
  const focusFrom = Math.max(now, g.firstHalfEnd);
  const open = Array.from(
    { length: SLOTS },
    (_, q) => !!mine[q] && (g.at[q] ?? 0) >= focusFrom && !userBusy[q],
  );
  const [minLen, maxLen] = [prefs.focus.minBlockMinutes / 15, prefs.focus.maxBlockMinutes / 15];
  const budget = prefs.focus.enabled ? Math.floor((prefs.focus.targetHours * 60) / 15) : 0;
  const blocks: { name: string; start: number; length: number }[] = [];
  if (budget >= minLen) {
    for (let q = 0; q < SLOTS; q++) {
      for (let length = minLen; length <= Math.min(maxLen, budget); length++) {
        if (q + length > SLOTS) break;
        let ok = true;
        for (let k = q; k < q + length && ok; k++)
          ok = !!open[k] && (k === q || (g.at[k] ?? 0) === (g.at[k - 1] ?? 0) + SLOT_MS);
        if (!ok) break;
        blocks.push({ name: `y${q}_${length}`, start: q, length });
      }
    }
  }

  const lines: string[] = [];
  const moved = (r: Request) => r.starts.map((s) => `${r.name}_${s}`);
  // Only 1:1s with at least one start can move.
  const live = requests.filter((r) => r.starts.length > 0);
  const constraints: string[] = [];
  let c = 0;
  for (const r of live) constraints.push(` c${c++}: ${moved(r).join(' + ')} <= 1`);
  for (let q = 0; q < SLOTS; q++) {
    const here = live.flatMap((r) =>
      r.starts.filter((s) => s <= q && q < s + r.length).map((s) => `${r.name}_${s}`),
    );
    if (here.length > 1) constraints.push(` c${c++}: ${here.join(' + ')} <= 1`);
    const focus = blocks.filter((b) => b.start <= q && q < b.start + b.length).map((b) => b.name);
    if (focus.length === 0) continue;
    const holders = requests.filter((r) => r.own[q]);
    if (holders.some((r) => r.starts.length === 0)) {
      constraints.push(` c${c++}: ${focus.join(' + ')} <= 0`);
      continue;
    }
    if (holders.length === 0) {
      if (focus.length > 1) constraints.push(` c${c++}: ${focus.join(' + ')} <= 1`);
      continue;
    }
    // Focus here only where every 1:1 holding the slot moves away.
    for (const r of holders)
      constraints.push(` c${c++}: ${focus.join(' + ')} - ${moved(r).join(' - ')} <= 0`);
  }
  if (blocks.length > 0)
    constraints.push(` c${c++}: ${blocks.map((b) => `${b.length} ${b.name}`).join(' + ')} <= ${budget}`);
  const xs = live.flatMap(moved);
  const binaries = [...xs, ...blocks.map((b) => b.name)];

  const solve = async (objective: string[]): Promise<number> => {
    if (objective.length === 0 || binaries.length === 0) return 0;
    lines.length = 0;
    lines.push('Maximize', ` obj: ${objective.join(' + ')}`, 'Subject To');
    lines.push(...(constraints.length > 0 ? constraints : [` c0: ${binaries[0]} <= 1`]));
    lines.push('Binary', ...binaries.map((b) => ` ${b}`), 'End');
    const result = (await highs()).solve(lines.join('\n'), { mip_rel_gap: 0, time_limit: 60 });
    if (result.Status !== 'Optimal') throw new Error(`the oracle did not solve the week: ${result.Status}`);
    return Math.round(result.ObjectiveValue);
  };
  const maxMoved = await solve(xs);
  const focusUnits = await solve(blocks.map((b) => `${b.length} ${b.name}`));
  return { maxMoved, emails: maxMoved, focusMinutes: focusUnits * 15 };
}
