import {
  HOUR_MS,
  MINUTE_MS,
  clip,
  contains,
  coveredMs,
  overlaps,
  subtract,
  union,
  type Interval,
  type PlanNote,
  type WeekFrame,
} from '@frontload/domain';
import { describeHours, describeWeeks, yearOf } from './describe.js';
import { placeFocusBlocks } from './focus-placement.js';
import type { ParsedEvent, PlanContext } from './model.js';
import { GRID_MS } from './move-search.js';

/** The user's time after this plan's moves and cancellations, as focus placement sees it. */
export interface Projection {
  /** Everything that holds the user's time, except our focus blocks. */
  readonly busy: readonly Interval[];
  /** The part of `busy` the user accepted or organized: it pushes a focus block aside. */
  readonly accepted: readonly Interval[];
  /** The user's own focus-time entries (they count toward the target). */
  readonly userFocus: readonly Interval[];
}

/** What to do with focus blocks in one plan. */
export interface FocusPlan {
  readonly updates: readonly { readonly block: ParsedEvent; readonly to: Interval; readonly why: string }[];
  readonly creates: readonly Interval[];
  readonly deletes: readonly { readonly block: ParsedEvent; readonly why: string }[];
  readonly notes: readonly PlanNote[];
  /** Our blocks after the plan, for the metrics. */
  readonly finalBlocks: readonly Interval[];
}

/** Rounds an instant up (or down) to the 15-minute grid of local time. */
function snap(ctx: PlanContext, at: number, up: boolean): number {
  const local = ctx.clock.toLocal(at);
  const snapped = (up ? Math.ceil(local / GRID_MS) : Math.floor(local / GRID_MS)) * GRID_MS;
  return snapped === local ? at : ctx.clock.fromLocal(snapped);
}

interface WeekState {
  readonly week: WeekFrame;
  readonly secondHalf: readonly Interval[];
  readonly deleted: readonly Interval[];
  readonly targetMs: number;
}

function weekState(ctx: PlanContext, week: WeekFrame): WeekState {
  const secondHalf = clip(ctx.userWorking, { start: week.firstHalfEnd, end: week.end });
  const deleted = clip(ctx.deletedFocus, week);
  const { focus } = ctx.prefs;
  const target = focus.enabled ? focus.targetHours * HOUR_MS : 0;
  // Blocks the user deleted are not recreated: their time comes off this week's target.
  return { week, secondHalf, deleted, targetMs: Math.max(0, target - coveredMs(deleted)) };
}

/** Why an existing future block cannot stay, or null when it can. */
function displacement(
  ctx: PlanContext,
  state: WeekState,
  p: Projection,
  block: ParsedEvent,
  kept: readonly Interval[],
): string | null {
  const { minBlockMinutes, maxBlockMinutes } = ctx.prefs.focus;
  const length = (block.end - block.start) / MINUTE_MS;
  if (p.accepted.some((a) => overlaps(a, block))) return 'a meeting you accepted now overlaps it';
  if (!state.secondHalf.some((w) => contains(w, block)))
    return 'it is no longer inside second-half working hours';
  if (length < minBlockMinutes || length > maxBlockMinutes)
    return 'its length is outside your focus block bounds';
  if (state.deleted.some((d) => overlaps(d, block))) return 'it overlaps a focus block you deleted';
  if (kept.some((k) => overlaps(k, block))) return 'it overlaps another focus block';
  return null;
}

interface WeekResult {
  readonly kept: Interval[];
  readonly displaced: { block: ParsedEvent; why: string }[];
  readonly surplus: ParsedEvent[];
  readonly placed: Interval[];
  readonly notes: PlanNote[];
}

function planWeek(
  ctx: PlanContext,
  state: WeekState,
  p: Projection,
  blocks: readonly ParsedEvent[],
): WeekResult {
  const { week } = state;
  const kept: Interval[] = [];
  const keptEvents: ParsedEvent[] = [];
  const displaced: { block: ParsedEvent; why: string }[] = [];
  for (const block of blocks) {
    // Blocks already under way are history: left as they are and counted.
    const why = block.start < ctx.now ? null : displacement(ctx, state, p, block, kept);
    if (why === null) {
      kept.push(block);
      if (block.start >= ctx.now) keptEvents.push(block);
    } else displaced.push({ block, why });
  }
  const userFocus = clip(p.userFocus, week);
  let achieved = coveredMs([...kept, ...userFocus]);
  // A lowered target: drop the latest future blocks while the target stays met without them.
  const surplus: ParsedEvent[] = [];
  for (const block of [...keptEvents].reverse()) {
    const without = kept.filter((k) => k !== block);
    const rest = coveredMs([...without, ...userFocus]);
    if (rest >= state.targetMs && achieved > state.targetMs) {
      surplus.push(block);
      kept.splice(kept.indexOf(block), 1);
      achieved = rest;
    }
  }
  const from = snap(ctx, Math.max(ctx.now, week.firstHalfEnd), true);
  const free = subtract(state.secondHalf, [
    ...clip(p.busy, { start: from, end: week.end }),
    // Plain intervals (kept may hold whole events): the merge inside sorts them, and one shape is faster.
    ...kept.map((k) => ({ start: k.start, end: k.end })),
    ...state.deleted,
    { start: week.start, end: from },
  ])
    .map((w) => ({ start: snap(ctx, w.start, true), end: snap(ctx, w.end, false) }))
    .filter((w) => w.end - w.start >= ctx.prefs.focus.minBlockMinutes * MINUTE_MS);
  const { minBlockMinutes, maxBlockMinutes } = ctx.prefs.focus;
  const placed = placeFocusBlocks(
    free,
    state.targetMs - achieved,
    { minMs: minBlockMinutes * MINUTE_MS, maxMs: maxBlockMinutes * MINUTE_MS },
    GRID_MS,
  );
  return { kept, displaced, surplus, placed, notes: weekNotes(ctx, state, achieved + coveredMs(placed)) };
}

function weekNotes(ctx: PlanContext, state: WeekState, finalMs: number): PlanNote[] {
  const notes: PlanNote[] = [];
  const week = state.week.startDate;
  const weekName = describeWeeks([state.week.startDay], yearOf(ctx.clock, ctx.now));
  if (state.deleted.length > 0) {
    const hours = describeHours(coveredMs(state.deleted));
    notes.push({
      code: 'focusDeletedByUser',
      message: `You deleted ${hours} of focus blocks in ${weekName}; they are not recreated.`,
      week,
    });
  }
  // Only a shortfall that can still change is worth a note (not a week whose second half is over).
  const timeLeft = state.secondHalf.some((w) => w.end > ctx.now);
  if (finalMs < state.targetMs && timeLeft) {
    notes.push({
      code: 'focusShortfall',
      message: `${weekName.charAt(0).toUpperCase()}${weekName.slice(1)} has room for ${describeHours(finalMs)} of focus in free second-half working time, short of the ${describeHours(state.targetMs)} target.`,
      week,
    });
  }
  return notes;
}

/**
 * Keeps, re-places, deletes and creates focus blocks so each horizon week reaches its focus target in
 * free second-half working time: blocks an accepted meeting now overlaps are moved (an update, not a
 * new event), blocks the user deleted are not recreated, and a lowered target drops surplus blocks.
 */
export function planFocus(ctx: PlanContext, projection: Projection): FocusPlan {
  const ours = ctx.events
    .filter((e) => e.ours && !e.cancelled)
    .sort((a, b) => a.start - b.start || a.id.localeCompare(b.id));
  const updates: { block: ParsedEvent; to: Interval; why: string }[] = [];
  const creates: Interval[] = [];
  const deletes: { block: ParsedEvent; why: string }[] = [];
  const notes: PlanNote[] = [];
  const finalBlocks: Interval[] = [];
  for (const week of ctx.weeks) {
    const blocks = ours.filter((b) => b.start >= week.start && b.start < week.end);
    const {
      kept,
      displaced,
      surplus,
      placed,
      notes: weekNotes,
    } = planWeek(ctx, weekState(ctx, week), projection, blocks);
    // Displaced blocks move to the new positions in time order; leftovers are created or deleted.
    placed.forEach((to, i) => {
      const old = displaced[i];
      if (old) updates.push({ block: old.block, to, why: old.why });
      else creates.push(to);
    });
    for (const old of displaced.slice(placed.length)) {
      deletes.push({ block: old.block, why: `${old.why}, and no free second-half time is left for it` });
    }
    deletes.push(...surplus.map((block) => ({ block, why: 'your focus target is already met without it' })));
    notes.push(...weekNotes);
    finalBlocks.push(...union([...kept, ...placed]));
  }
  return { updates, creates, deletes, notes, finalBlocks };
}
