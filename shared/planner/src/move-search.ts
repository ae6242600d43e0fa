import {
  DAY_MS,
  MINUTE_MS,
  clip,
  intersect,
  parseLocalTime,
  subtract,
  union,
  type Interval,
  type WeekFrame,
} from '@frontload/domain';
import { insideWindows, type BusyEntry } from './busy-index.js';
import { weekContaining, type ParsedEvent, type PlanContext } from './model.js';

/** Slot starts sit on this grid of local time (plus the meeting's own time of day). */
export const GRID_MS = 15 * MINUTE_MS;

/** One thing to move: a whole series (all its occurrences in view, same new slot) or one event. */
export interface MoveRequest {
  readonly id: string;
  readonly series: boolean;
  readonly counterpart: string;
  /** Chronological; the first is the anchor whose slot scores the candidates. */
  readonly events: readonly ParsedEvent[];
  /** Ids whose busy time belongs to this request (its own current slots). */
  readonly own: ReadonlySet<string>;
}

/** A slot for a request: the same day of the week and time of day for each of its events. */
export interface Candidate {
  readonly slots: readonly Interval[];
  /** Days after the start of the week. */
  readonly dayOffset: number;
  /** Local minutes after midnight. */
  readonly minute: number;
  /** Lower is better: distance in time of day, then in days, then earlier. */
  readonly rank: readonly [number, number, number];
}

/** What a slot must stay clear of, shared by all requests of a plan. */
export interface SearchSpace {
  /**
   * The user's busy time, sorted by start, each entry owned by its event: everything busy except our
   * focus blocks (1:1s come first; blocks are re-placed afterwards) and what this plan cancels.
   */
  readonly userBusy: readonly BusyEntry[];
}

/** Where the request would ideally go: the person's preferred slot, else the anchor's own time and day. */
function target(
  ctx: PlanContext,
  request: MoveRequest,
  week: WeekFrame,
): { minute: number; dayOffset: number } {
  const preferred = ctx.people.get(request.counterpart)?.preferredSlot;
  if (preferred) {
    return {
      minute: parseLocalTime(preferred.time),
      dayOffset: (preferred.weekday - ctx.prefs.weekStartsOn + 7) % 7,
    };
  }
  const local = ctx.clock.toLocal(request.events[0]?.start ?? week.start);
  const day = Math.floor(local / DAY_MS);
  return { minute: Math.round((local - day * DAY_MS) / MINUTE_MS), dayOffset: day - week.startDay };
}

/** What every request searching one week shares: worked out once per week and plan. */
interface WeekSpace {
  /** First half of the week after the freeze window. */
  readonly range: Interval;
  /** The user's busy entries inside `range`, with their owners. */
  readonly userBusy: readonly BusyEntry[];
  /** The same, merged (for requests owning none of them). */
  readonly userBusyMerged: readonly Interval[];
  /** The user's working time inside `range`. */
  readonly userOpen: readonly Interval[];
  /** Per counterpart: working time of both, and their busy time, inside `range`. */
  readonly counterparts: Map<string, { readonly open: Interval[]; readonly busy: Interval[] }>;
}

const weekSpaces = new WeakMap<SearchSpace, Map<number, WeekSpace>>();

function weekSpace(ctx: PlanContext, space: SearchSpace, week: WeekFrame): WeekSpace {
  let byWeek = weekSpaces.get(space);
  if (!byWeek) weekSpaces.set(space, (byWeek = new Map()));
  let found = byWeek.get(week.startDay);
  if (!found) {
    const range = { start: Math.max(week.start, ctx.cutoff), end: week.firstHalfEnd };
    const userBusy = space.userBusy.filter((b) => b.start < range.end && b.end > range.start);
    found = {
      range,
      userBusy,
      // Plain intervals of one shape: the merge sorts them, and mixed shapes make that slow.
      userBusyMerged: union(userBusy.map((b) => ({ start: b.start, end: b.end }))),
      userOpen: clip(ctx.userWorking, range),
      counterparts: new Map(),
    };
    byWeek.set(week.startDay, found);
  }
  return found;
}

/**
 * Time in the first half of `week`, after the freeze window, inside both people's working hours and
 * free for both. The request's own events and the counterpart's busy time at their slots do not count:
 * they are what moves.
 */
function freeTime(ctx: PlanContext, space: SearchSpace, request: MoveRequest, week: WeekFrame): Interval[] {
  const shared = weekSpace(ctx, space, week);
  const { range } = shared;
  const counterpart = ctx.counterparts.get(request.counterpart);
  if (!counterpart || range.end <= range.start) return [];
  let theirs = shared.counterparts.get(request.counterpart);
  if (!theirs) {
    theirs = {
      open: intersect(shared.userOpen, clip(counterpart.working, range)),
      busy: union(clip(counterpart.busyIntervals, range)),
    };
    shared.counterparts.set(request.counterpart, theirs);
  }
  if (theirs.open.length === 0) return [];
  const ownSlots = request.events.map((e) => ({ start: e.start, end: e.end }));
  const ownsSome = shared.userBusy.some((b) => b.owner !== undefined && request.own.has(b.owner));
  const userBusy = ownsSome
    ? shared.userBusy.filter((b) => !(b.owner !== undefined && request.own.has(b.owner)))
    : shared.userBusyMerged;
  const theirBusy = subtract(theirs.busy, ownSlots);
  return subtract(theirs.open, [...userBusy, ...theirBusy]);
}

/**
 * Local start times (wall clock as if UTC) on the grid, plus the wanted time of day on each day, at
 * which a meeting of `durationMs` fits in `free`. Each is checked again as an instant by the caller.
 */
function startsIn(
  ctx: PlanContext,
  free: readonly Interval[],
  durationMs: number,
  wantedMinute: number,
): number[] {
  const starts = new Set<number>();
  for (const f of free) {
    const first = ctx.clock.toLocal(f.start);
    const last = ctx.clock.toLocal(f.end - durationMs);
    for (let local = Math.ceil(first / GRID_MS) * GRID_MS; local <= last; local += GRID_MS) starts.add(local);
    for (let day = Math.floor(first / DAY_MS); day <= Math.floor(last / DAY_MS); day++) {
      const wanted = day * DAY_MS + wantedMinute * MINUTE_MS;
      if (wanted >= first && wanted <= last) starts.add(wanted);
    }
  }
  return [...starts];
}

/**
 * All slots in the first half of each event's week that are inside both people's working hours, free
 * for both, after the freeze window; best first (same time of day, then nearest day, then earliest).
 */
export function candidatesFor(ctx: PlanContext, space: SearchSpace, request: MoveRequest): Candidate[] {
  const anchor = request.events[0];
  const weeks = request.events.map((e) => weekContaining(ctx, e.start));
  const anchorWeek = weeks[0];
  if (!anchor || !anchorWeek || weeks.some((w) => w === undefined)) return [];
  const free = weeks.map((w) => (w ? freeTime(ctx, space, request, w) : []));
  const wanted = target(ctx, request, anchorWeek);
  const candidates: Candidate[] = [];
  for (const localStart of startsIn(ctx, free[0] ?? [], anchor.end - anchor.start, wanted.minute)) {
    const day = Math.floor(localStart / DAY_MS);
    const dayOffset = day - anchorWeek.startDay;
    const minute = Math.round((localStart - day * DAY_MS) / MINUTE_MS);
    const slots: Interval[] = [];
    for (const [i, event] of request.events.entries()) {
      const week = weeks[i];
      if (!week) break;
      const start = ctx.clock.fromLocal((week.startDay + dayOffset) * DAY_MS + minute * MINUTE_MS);
      const slot = { start, end: start + (event.end - event.start) };
      if (!insideWindows(free[i] ?? [], slot)) break;
      slots.push(slot);
    }
    if (slots.length !== request.events.length) continue;
    const rank: [number, number, number] = [
      Math.abs(minute - wanted.minute),
      Math.abs(dayOffset - wanted.dayOffset),
      slots[0]?.start ?? 0,
    ];
    candidates.push({ slots, dayOffset, minute, rank });
  }
  return candidates.sort((a, b) => a.rank[0] - b.rank[0] || a.rank[1] - b.rank[1] || a.rank[2] - b.rank[2]);
}
