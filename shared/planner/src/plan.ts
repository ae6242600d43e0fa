import { coveredMs, union, type Interval, type Operation, type PlanNote } from '@frontload/domain';
import { findDuplicates } from './duplicates.js';
import { planFocus, type FocusPlan, type Projection } from './focus.js';
import type { PlannerInput, PlanResult } from './input.js';
import { computeMetrics, fewReportsNote, type ProjectedEvent } from './metrics.js';
import { buildContext, type PlanContext } from './model.js';
import { planMoves, type MoveScore, type Placement } from './moves.js';
import { cancelOperations, focusOperations, moveOperation } from './operations.js';
import { planSkipWeek } from './skip-week.js';
import { checkInput } from './validate-input.js';

/** Every event where it will be once the plan's cancellations and moves are applied. */
function project(
  ctx: PlanContext,
  cancelled: ReadonlySet<string>,
  placements: readonly Placement[],
): ProjectedEvent[] {
  const moved = new Map<string, Interval>();
  for (const { request, candidate } of placements) {
    request.events.forEach((e, i) => {
      const slot = candidate.slots[i];
      if (slot) moved.set(e.id, slot);
    });
  }
  return ctx.events.map((parsed) => {
    const slot = moved.get(parsed.id);
    return {
      parsed,
      start: slot?.start ?? parsed.start,
      end: slot?.end ?? parsed.end,
      cancelled: parsed.cancelled || cancelled.has(parsed.id),
    };
  });
}

function focusView(ctx: PlanContext, projected: readonly ProjectedEvent[]): Projection {
  const live = projected.filter((p) => !p.cancelled && p.parsed.busy && !p.parsed.ours);
  const span = (p: ProjectedEvent) => ({ start: p.start, end: p.end });
  // Busy time on the user's other calendars holds their time like a meeting they accepted.
  return {
    busy: [...live.map(span), ...ctx.otherBusy],
    accepted: [...live.filter((p) => p.parsed.accepted).map(span), ...ctx.otherBusy],
    userFocus: live.filter((p) => p.parsed.userFocus).map(span),
  };
}

/** Which requests moved where, whatever their order: the same moves place focus the same way. */
const placementKey = (placements: readonly Placement[]): string =>
  placements
    .map((p) => `${p.request.id}@${p.candidate.slots[0]?.start ?? ''}`)
    .sort()
    .join('|');

/**
 * Plans one user's calendar: cancels the skip week's 1:1 occurrences, moves 1:1s the user organizes
 * into free first-half slots, then keeps the weekly focus target in free second-half time.
 *
 * Pure: the same input always gives the same output (no clock, no randomness; ids and keys derive from
 * content). Bad input is rejected with `{ ok: false, errors }` naming the path and the problem.
 * Planning the input with its operations applied (see `applyOperations`) yields no operations.
 */
export function plan(input: PlannerInput): PlanResult {
  const checked = checkInput(input);
  if (!checked.ok) return checked;
  const ctx = buildContext(checked.input, checked.times);
  const excluded = findDuplicates(ctx);
  const skip = planSkipWeek(ctx, excluded);
  const cancelled = new Set(skip.cancel.map((e) => e.id));
  // Which 1:1s move decides which second-half time is left for focus: among equally many moves, the
  // local search in planMoves prefers the set that leaves the most focus time. Once every week meets
  // its target, no other set can do better.
  const scored = new Map<string, FocusPlan>();
  const focusFor = (placements: readonly Placement[]): FocusPlan => {
    const key = placementKey(placements);
    let focus = scored.get(key);
    if (!focus) {
      focus = planFocus(ctx, focusView(ctx, project(ctx, cancelled, placements)));
      scored.set(key, focus);
    }
    return focus;
  };
  const focusScore = (placements: readonly Placement[]): MoveScore => {
    const focus = focusFor(placements);
    return {
      value: coveredMs(focus.finalBlocks),
      canImprove: focus.notes.some((n) => n.code === 'focusShortfall'),
    };
  };
  const moves = planMoves(ctx, cancelled, excluded, focusScore);
  const projected = project(ctx, cancelled, moves.placements);
  // The local search usually placed focus for the final moves already.
  const focus = focusFor(moves.placements);

  const skipWeek = skip.week;
  const operations: Operation[] = [
    ...(skipWeek ? cancelOperations(ctx, skip.cancel, skipWeek) : []),
    ...moves.placements.map((p) => moveOperation(ctx, p)),
    ...focusOperations(ctx, focus),
  ];
  const notes: PlanNote[] = [...skip.notes, ...moves.notes, ...focus.notes];
  const fewReports = fewReportsNote(ctx);
  if (fewReports) notes.push(fewReports);
  const requiresConfirmation = operations.length > ctx.prefs.blastRadius;
  if (requiresConfirmation) {
    notes.push({
      code: 'blastRadius',
      message: `This plan changes ${operations.length} events, more than your limit of ${ctx.prefs.blastRadius}: it waits for your confirmation.`,
    });
  }
  // The calendar as it is: nothing cancelled or moved, our focus blocks where they are now.
  const ours = ctx.events.filter((e) => e.ours && !e.cancelled).map((e) => ({ start: e.start, end: e.end }));
  return {
    ok: true,
    operations,
    notes,
    metrics: computeMetrics(ctx, projected, focus.finalBlocks),
    calendarMetrics: computeMetrics(ctx, project(ctx, new Set(), []), union(ours)),
    skipWeek: skipWeek?.startDate ?? null,
    requiresConfirmation,
  };
}
