import {
  DAY_MS,
  HOUR_MS,
  intersect,
  subtract,
  union,
  type Interval,
  type NoteCode,
  type PlanNote,
} from '@frontload/domain';
import { assignSlots, type AssignRules, type Searchable } from './assign-slots.js';
import { BusyIndex, type BusyEntry } from './busy-index.js';
import type { ReasonCode } from './classify-one-on-one.js';
import { describeInstant } from './describe.js';
import {
  counterpartHoursKnown,
  personName,
  weekContaining,
  type ParsedEvent,
  type PlanContext,
} from './model.js';
import { candidatesFor, type Candidate, type MoveRequest, type SearchSpace } from './move-search.js';

/** How good a set of moves is for what follows them: higher is better; `canImprove` false once no set could score higher. */
export interface MoveScore {
  readonly value: number;
  readonly canImprove: boolean;
}

/** A request that got a slot. */
export interface Placement {
  readonly request: MoveRequest;
  readonly candidate: Candidate;
}

/** The moves of a plan and the 1:1s it left where they are. */
export interface MovePlan {
  readonly placements: readonly Placement[];
  readonly notes: readonly PlanNote[];
}

/** Which note explains a 1:1 that may not be moved, by the classifier's reason against it. */
const NOTE_FOR_REASON: Partial<Record<ReasonCode, NoteCode>> = {
  organizedByOther: 'organizedByOther',
  markedFixed: 'markedFixed',
  userOverride: 'markedFixed',
  insideFreezeWindow: 'insideFreezeWindow',
};

function noteAbout(ctx: PlanContext, e: ParsedEvent, code: NoteCode, why: string): PlanNote {
  const week = weekContaining(ctx, e.start);
  const sentence = why.charAt(0).toUpperCase() + why.slice(1);
  return {
    code,
    message: `Left "${e.event.title}" on ${describeInstant(ctx.clock, e.start)} where it is. ${sentence}`,
    eventId: e.id,
    ...(e.event.seriesId === undefined ? {} : { seriesId: e.event.seriesId }),
    ...(e.verdict.counterpart === null ? {} : { email: e.verdict.counterpart }),
    ...(week ? { week: week.startDate } : {}),
  };
}

/** Upcoming events in the horizon that end after the first half of their week. */
function outsideFirstHalf(ctx: PlanContext, e: ParsedEvent): boolean {
  const week = weekContaining(ctx, e.start);
  return week !== undefined && e.start >= ctx.now && e.end > week.firstHalfEnd && e.event.kind !== 'series';
}

/** A note for a 1:1 (or a near miss) that stays outside the first half, or null when it may move. */
function leaveAloneNote(ctx: PlanContext, e: ParsedEvent, excluded: ReadonlySet<string>): PlanNote | null {
  const { verdict } = e;
  if (!verdict.isOneOnOne) {
    const external = verdict.reasons.find((r) => r.code === 'externalGuest');
    const onlyExternal =
      external && verdict.reasons.filter((r) => !r.ok && r.code !== 'notOneOnOne').length === 1;
    if (onlyExternal) return noteAbout(ctx, e, 'externalGuest', external.message);
    const lonely =
      verdict.reasons.some((r) => r.code === 'noOtherPerson') &&
      verdict.reasons.some((r) => r.code === 'titleMarker');
    if (lonely && !e.cancelled)
      return noteAbout(ctx, e, 'noCounterpart', 'its title says 1:1 but nobody else is invited.');
    return null;
  }
  if (!verdict.movable) {
    for (const reason of verdict.reasons) {
      const code = reason.ok ? undefined : NOTE_FOR_REASON[reason.code];
      if (code) return noteAbout(ctx, e, code, reason.message);
    }
    return null;
  }
  if (excluded.has(e.id))
    return noteAbout(ctx, e, 'possibleDuplicate', 'another event has the same time, title and guests.');
  if (!ctx.counterparts.has(verdict.counterpart ?? '')) {
    return noteAbout(
      ctx,
      e,
      'availabilityUnknown',
      `free/busy for ${personName(ctx, verdict.counterpart ?? '')} is unknown, so a shared free slot cannot be checked.`,
    );
  }
  return null;
}

/**
 * A series moves as one when everything of it still ahead in view moves, no occurrence was edited on
 * its own and none ahead is cancelled (by the user, an earlier skip week or this plan's): moving the
 * series moves every occurrence with it, and a cancelled one would come back at the new time (its
 * exception is keyed by the original start). Otherwise its occurrences move one by one.
 */
function groupRequests(
  ctx: PlanContext,
  movable: readonly ParsedEvent[],
  cancelled: ReadonlySet<string>,
): { series: MoveRequest[]; singles: ParsedEvent[] } {
  const bySeries = new Map<string, ParsedEvent[]>();
  const singles: ParsedEvent[] = [];
  for (const e of movable) {
    const seriesId = e.event.seriesId;
    if (e.event.kind !== 'occurrence' || seriesId === undefined) singles.push(e);
    else bySeries.set(seriesId, [...(bySeries.get(seriesId) ?? []), e]);
  }
  const series: MoveRequest[] = [];
  for (const [seriesId, events] of bySeries) {
    const anchor = events[0];
    const chosen = new Set(events.map((e) => e.id));
    const untouched = (e: ParsedEvent) =>
      e.start === e.originalStart && e.end - e.start === (anchor ? anchor.end - anchor.start : 0);
    const laterStays = ctx.events.some(
      (o) =>
        o.event.seriesId === seriesId &&
        o.event.kind === 'occurrence' &&
        !o.cancelled &&
        !cancelled.has(o.id) &&
        !chosen.has(o.id) &&
        (o.originalStart ?? 0) >= (anchor?.originalStart ?? Infinity) &&
        // Beyond the horizon only an edited occurrence matters: a regular one simply moves along.
        (o.start < ctx.horizon.end || o.start !== o.originalStart),
    );
    const cancelledAhead = ctx.events.some(
      (o) =>
        o.event.seriesId === seriesId &&
        o.event.kind === 'occurrence' &&
        (o.cancelled || cancelled.has(o.id)) &&
        (o.originalStart ?? o.start) >= ctx.now,
    );
    if (!anchor || laterStays || cancelledAhead || !events.every(untouched)) singles.push(...events);
    else
      series.push({
        id: seriesId,
        series: true,
        counterpart: anchor.verdict.counterpart ?? '',
        events,
        own: chosen,
      });
  }
  return { series, singles };
}

const singleRequest = (e: ParsedEvent): MoveRequest => ({
  id: e.id,
  series: false,
  counterpart: e.verdict.counterpart ?? '',
  events: [e],
  own: new Set([e.id]),
});

/**
 * Calendar order, ties broken by what the user sees (title) before the provider's ids: two calendars
 * with the same events plan the same way whatever ids their provider gave them.
 */
const byContent = (a: ParsedEvent, b: ParsedEvent) =>
  a.start - b.start || a.event.title.localeCompare(b.event.title) || a.id.localeCompare(b.id);

/**
 * Moves 1:1s the user organizes out of the second half into free first-half slots: whole series
 * first, then single occurrences for series with no common slot. `cancelled` are this plan's skip-week
 * cancellations, `excluded` events that are left alone (possible duplicates). With `score` (higher is
 * better, e.g. the focus time the moves leave room for), a local search then swaps a moved 1:1 for one
 * left behind where that moves as many events and scores higher.
 */
export function planMoves(
  ctx: PlanContext,
  cancelled: ReadonlySet<string>,
  excluded: ReadonlySet<string>,
  score?: (placements: readonly Placement[]) => MoveScore,
): MovePlan {
  const notes: PlanNote[] = [];
  const movable: ParsedEvent[] = [];
  const upcoming = ctx.events
    .filter((e) => !e.cancelled && !cancelled.has(e.id) && outsideFirstHalf(ctx, e))
    .sort(byContent);
  for (const e of upcoming) {
    const note = leaveAloneNote(ctx, e, excluded);
    if (note) notes.push(note);
    else if (e.verdict.isOneOnOne) movable.push(e);
  }
  const moving = new Set(movable.map((e) => e.id));
  const space: SearchSpace = {
    userBusy: ctx.events
      .filter((e) => e.busy && !e.ours && !cancelled.has(e.id))
      .map((e): BusyEntry => ({ start: e.start, end: e.end, owner: e.id }))
      .concat(ctx.otherBusy.map((b) => ({ start: b.start, end: b.end }))),
  };
  const staying = new BusyIndex(
    ctx.events
      .filter((e) => e.verdict.isOneOnOne && !moving.has(e.id) && !cancelled.has(e.id))
      .map((e) => ({ start: e.start, end: e.end })),
  );
  const cap = dailyCap(ctx, moving, cancelled);
  const rules: AssignRules = {
    taken: [],
    stayingOneOnOnes: staying,
    breakMs: ctx.prefs.oneOnOnes.breakMinutes * 60_000,
    ...(cap ? { fitsDay: cap } : {}),
  };
  const searchable = (request: MoveRequest): Searchable => {
    const all = candidatesFor(ctx, space, request);
    if (!cap) return { request, candidates: all };
    const candidates = all.filter((c) => cap(c.slots, []));
    return { request, candidates, overCap: all.length - candidates.length };
  };

  let { placed, unplaced } = placeRequests(groupRequests(ctx, movable, cancelled), rules, searchable);
  if (score) {
    const frees = (item: Searchable) => freesSecondHalfTime(ctx, space, item.request);
    ({ placed, unplaced } = improveForScore(placed, unplaced, score, rules, frees));
  }
  for (const item of unplaced) notes.push(...noFreeSlotNote(ctx, item));
  const placements: Placement[] = placed.map(({ item, candidate }) => ({ request: item.request, candidate }));
  // Chronological, so the ledger applies (and the preview lists) moves in calendar order.
  placements.sort((a, b) => {
    const [x, y] = [a.request.events[0], b.request.events[0]];
    return x && y ? byContent(x, y) : a.request.id.localeCompare(b.request.id);
  });
  return { placements, notes };
}

interface Placed {
  readonly item: Searchable;
  readonly candidate: Candidate;
}

/** Whole series first, then, for series with no common slot, their occurrences around what is placed. */
function placeRequests(
  { series, singles }: { series: MoveRequest[]; singles: ParsedEvent[] },
  rules: AssignRules,
  searchable: (request: MoveRequest) => Searchable,
): { placed: Placed[]; unplaced: Searchable[] } {
  const firstPhase = [...series, ...singles.map(singleRequest)].map(searchable);
  const firstChoice = assignSlots(firstPhase, rules);
  const placed: Placed[] = [];
  const unplaced: Searchable[] = [];
  const retry: MoveRequest[] = [];
  firstPhase.forEach((item, i) => {
    const candidate = firstChoice[i];
    if (candidate) placed.push({ item, candidate });
    else if (item.request.series) retry.push(...item.request.events.map(singleRequest));
    else unplaced.push(item);
  });
  // Series without one common slot: try their occurrences one by one around what is already placed.
  const secondPhase = retry.map(searchable);
  const taken = placed.flatMap((p) => p.candidate.slots);
  const secondChoice = assignSlots(secondPhase, { ...rules, taken });
  secondPhase.forEach((item, i) => {
    const candidate = secondChoice[i];
    if (candidate) placed.push({ item, candidate });
    else unplaced.push(item);
  });
  return { placed, unplaced };
}

/**
 * The daily meeting cap as a check on slots (see AssignRules.fitsDay), or undefined without one. A
 * day's load is the time its meetings that stay hold (overlaps counted once), plus the moves placed
 * on it, plus the slot.
 */
function dailyCap(
  ctx: PlanContext,
  moving: ReadonlySet<string>,
  cancelled: ReadonlySet<string>,
): ((slots: readonly Interval[], taken: readonly Interval[]) => boolean) | undefined {
  const hours = ctx.prefs.oneOnOnes.dailyMeetingCapHours;
  if (hours === undefined) return undefined;
  const capMs = hours * HOUR_MS;
  const dayOf = (ms: number) => Math.floor(ctx.clock.toLocal(ms) / DAY_MS);
  const staying = union(
    ctx.events
      .filter((e) => e.busy && e.withPeople && !e.event.allDay && !moving.has(e.id) && !cancelled.has(e.id))
      .map((e) => ({ start: e.start, end: e.end })),
  );
  const load = new Map<number, number>();
  for (const m of staying) load.set(dayOf(m.start), (load.get(dayOf(m.start)) ?? 0) + m.end - m.start);
  return (slots, taken) =>
    slots.every((slot) => {
      const day = dayOf(slot.start);
      let ms = (load.get(day) ?? 0) + slot.end - slot.start;
      for (const t of taken) if (dayOf(t.start) === day) ms += t.end - t.start;
      return ms <= capMs;
    });
}

function noFreeSlotNote(ctx: PlanContext, item: Searchable): PlanNote[] {
  const cap = ctx.prefs.oneOnOnes.dailyMeetingCapHours;
  const overCap = (item.overCap ?? 0) > 0;
  const why =
    item.candidates.length === 0 && overCap
      ? `every first-half slot where you and ${item.request.counterpart} are both free is on a day it would take past your ${cap} h daily meeting cap.`
      : item.candidates.length === 0
        ? counterpartHoursKnown(ctx, item.request.counterpart)
          ? `there is no first-half slot inside both your working hours where you and ${item.request.counterpart} are both free.`
          : `there is no first-half slot inside your working hours where you and ${item.request.counterpart} are both free (their working hours aren't visible, so yours were assumed for them).`
        : cap === undefined
          ? `the free first-half slots it could use went to other 1:1s.`
          : `the free first-half slots it could use went to other 1:1s, or would take a day past your ${cap} h daily meeting cap.`;
  return item.request.events.map((e) => noteAbout(ctx, e, 'noFreeSlot', why));
}

// Swaps tried by the local search: each costs one score (a focus placement), and most plans try none.
const SWAP_BUDGET = 48;

const overlapsAny = (slots: readonly Interval[], taken: readonly Interval[], margin: number): boolean =>
  slots.some((s) => taken.some((t) => s.start < t.end + margin && t.start < s.end + margin));

const keepsBreak = (c: Candidate, taken: readonly Interval[], rules: AssignRules): boolean =>
  rules.breakMs === 0 ||
  (!overlapsAny(c.slots, taken, rules.breakMs) &&
    !c.slots.some((s) =>
      rules.stayingOneOnOnes.overlaps({ start: s.start - rules.breakMs, end: s.end + rules.breakMs }),
    ));

/**
 * Local search over which 1:1s move: replaces a moved request by one left behind that moves as many
 * events (in the best-ranked slot free of the other moves) whenever that raises the score. Strict
 * improvements only, in a fixed order, so the result stays deterministic and never scores lower.
 */
function improveForScore(
  placed: Placed[],
  unplaced: Searchable[],
  score: (placements: readonly Placement[]) => MoveScore,
  rules: AssignRules,
  frees: (item: Searchable) => boolean,
): { placed: Placed[]; unplaced: Searchable[] } {
  // Moving a 1:1 whose slot frees no second-half working time cannot leave more focus: not worth a try.
  const promising = new Set(unplaced.filter((u) => u.candidates.length > 0 && frees(u)));
  const waiting = [...promising];
  if (waiting.length === 0 || placed.length === 0) return { placed, unplaced };
  const asPlacements = (list: readonly Placed[]) =>
    list.map(({ item, candidate }) => ({ request: item.request, candidate }));
  let current = placed;
  let left = unplaced;
  const first = score(asPlacements(current));
  let best = first.value;
  let tries = 0;
  let improved = first.canImprove;
  while (improved && tries < SWAP_BUDGET) {
    improved = false;
    search: for (const out of left) {
      if (!promising.has(out)) continue;
      for (const [index, moved] of current.entries()) {
        if (moved.item.request.events.length !== out.request.events.length) continue;
        const others = current.filter((_, i) => i !== index);
        const taken = others.flatMap((p) => p.candidate.slots);
        const free = out.candidates.filter(
          (c) => !overlapsAny(c.slots, taken, 0) && (rules.fitsDay?.(c.slots, taken) ?? true),
        );
        // Like the assignment: a slot with a break from the other 1:1s first.
        const fit = free.find((c) => keepsBreak(c, taken, rules)) ?? free[0];
        if (!fit) continue;
        const trial = [...others, { item: out, candidate: fit }];
        const { value, canImprove } = score(asPlacements(trial));
        tries++;
        if (value > best) {
          best = value;
          current = trial;
          left = [...left.filter((u) => u !== out), moved.item];
          if (moved.item.candidates.length > 0 && frees(moved.item)) promising.add(moved.item);
          promising.delete(out);
          improved = canImprove;
          break search;
        }
        if (tries >= SWAP_BUDGET) break search;
      }
    }
  }
  return { placed: current, unplaced: left };
}

/**
 * Would moving the request free second-half working time that nothing else holds? Only then can
 * moving it instead of another 1:1 leave more room for focus.
 */
function freesSecondHalfTime(ctx: PlanContext, space: SearchSpace, request: MoveRequest): boolean {
  return request.events.some((e) => {
    const week = weekContaining(ctx, e.start);
    if (!week) return false;
    const from = Math.max(e.start, week.firstHalfEnd, ctx.now);
    if (from >= e.end) return false;
    const working = intersect([{ start: from, end: e.end }], ctx.userWorking);
    const others = space.userBusy.filter(
      (b) => b.start < e.end && b.end > from && !(b.owner !== undefined && request.own.has(b.owner)),
    );
    return subtract(working, others).length > 0;
  });
}
