import {
  DEFAULT_PREFERENCES,
  MINUTE_MS,
  renderCheckIn,
  formatInstant,
  formatLocalTime,
  isoWeekdayOfEpochDay,
  type CancelOccurrence,
  type CreateFocusBlock,
  type DeleteFocusBlock,
  type Interval,
  type MoveOccurrence,
  type MoveSeries,
  type UpdateFocusBlock,
  type WeekFrame,
} from '@frontload/domain';
import { describeDay, describeHours, describeSlot, yearOf } from './describe.js';
import type { FocusPlan } from './focus.js';
import {
  counterpartHoursKnown,
  personName,
  weekContaining,
  type ParsedEvent,
  type PlanContext,
} from './model.js';
import type { Placement } from './moves.js';
import { focusBlockId, operationKey } from './operation-key.js';

const WEEKDAY_NAMES = ['', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];

const range = (i: Interval) => ({ start: formatInstant(i.start), end: formatInstant(i.end) });
const etagOf = (e: ParsedEvent) => (e.event.etag === undefined ? {} : { etag: e.event.etag });
/** The event's title, when it has one, so the page can name the event an operation changes. */
const titleOf = (e: ParsedEvent) => (e.event.title.trim() ? { title: e.event.title } : {});
/** "your 1:1 "Alex / Dana 1:1" with Dana Kim", or without the title when the event has none. */
const oneOnOneText = (e: ParsedEvent, who: string, what = '1:1') =>
  e.event.title.trim() ? `your ${what} "${e.event.title}" with ${who}` : `your ${what} with ${who}`;

/** The counterpart's name as the provider gives it, when it does. */
function nameFields(ctx: PlanContext, email: string): { counterpartName?: string } {
  const name = personName(ctx, email);
  return name === email ? {} : { counterpartName: name };
}

function whyThisSlot(ctx: PlanContext, placement: Placement): string {
  const cap = ctx.prefs.oneOnOnes.dailyMeetingCapHours;
  const withinCap = cap === undefined ? '' : `, and the day stays within your ${cap} h daily meeting cap`;
  const preferred = ctx.people.get(placement.request.counterpart)?.preferredSlot;
  if (preferred && placement.candidate.rank[0] === 0 && placement.candidate.rank[1] === 0)
    return `it is their preferred slot${withinCap}`;
  if (placement.candidate.rank[0] === 0) return `same time of day, nearest free day${withinCap}`;
  return `the closest free time of day${withinCap}`;
}

/**
 * What the move's slot was checked against, said exactly: the counterpart's working hours only where
 * the provider reported them (Graph's schedule); otherwise their free/busy against the user's hours.
 */
function whatWasChecked(ctx: PlanContext, counterpart: string): string {
  return counterpartHoursKnown(ctx, counterpart)
    ? 'you are both free then and it is inside both your working hours'
    : `${personName(ctx, counterpart)} is free then and it is inside your working hours (their working hours aren't visible, so yours were assumed for them)`;
}

/**
 * Whether the series met before `anchor` (an earlier occurrence is in view): those occurrences keep
 * their times, so the move ends the series before the anchor and continues it.
 */
function metBefore(ctx: PlanContext, seriesId: string, anchor: ParsedEvent): boolean {
  const from = anchor.originalStart ?? anchor.start;
  return ctx.events.some(
    (o) =>
      o.event.seriesId === seriesId && o.event.kind === 'occurrence' && (o.originalStart ?? o.start) < from,
  );
}

/** What a split series move means for the counterpart's inbox. */
const splitNote = (who: string) =>
  ` Earlier 1:1s keep their times: the series ends before this one and continues at the new time, so ${who} gets two emails (the series' update and the invitation to its continuation).`;

/** The operation for a placed move: one series move, or one event move. */
export function moveOperation(ctx: PlanContext, placement: Placement): MoveSeries | MoveOccurrence {
  const { request, candidate } = placement;
  const anchor = request.events[0];
  const week = anchor && weekContaining(ctx, anchor.start);
  // Requests are built from events inside the horizon, so both exist; anything else is a planner bug.
  if (!anchor || !week) throw new Error(`move request ${request.id} has no event in the horizon`);
  const before = range(anchor);
  const after = range(candidate.slots[0] ?? anchor);
  const counterpart = request.counterpart;
  const who = personName(ctx, counterpart);
  const why = `people time comes first in the week; ${whatWasChecked(ctx, counterpart)} (${whyThisSlot(ctx, placement)})`;
  if (request.series) {
    const weekday = isoWeekdayOfEpochDay(week.startDay + candidate.dayOffset);
    const startTime = formatLocalTime(candidate.minute);
    const durationMinutes = Math.round((anchor.end - anchor.start) / MINUTE_MS);
    const fromOriginalStart = formatInstant(anchor.originalStart ?? anchor.start);
    const split = metBefore(ctx, request.id, anchor);
    const emailNote = split ? splitNote(who) : '';
    return {
      kind: 'moveSeries',
      key: operationKey('moveSeries', [
        request.id,
        fromOriginalStart,
        weekday,
        startTime,
        durationMinutes,
        ctx.clock.zone,
      ]),
      eventId: anchor.id,
      seriesId: request.id,
      ...etagOf(anchor),
      fromOriginalStart,
      weekday,
      startTime,
      durationMinutes,
      zone: ctx.clock.zone,
      ...titleOf(anchor),
      counterpart,
      ...nameFields(ctx, counterpart),
      before,
      after,
      reason: `Moves ${oneOnOneText(anchor, who, 'recurring 1:1')} to ${WEEKDAY_NAMES[weekday]}s at ${startTime}, starting with ${describeSlot(ctx.clock, anchor)} → ${describeSlot(ctx.clock, candidate.slots[0] ?? anchor)}: ${why}.${emailNote}`,
      // Ending the old series and inviting to the continuing one: two emails to the counterpart.
      emails: split ? [counterpart, counterpart] : [counterpart],
      ...(split ? { split } : {}),
    };
  }
  return {
    kind: 'moveOccurrence',
    key: operationKey('moveOccurrence', [anchor.id, after.start, after.end]),
    eventId: anchor.id,
    ...(anchor.event.seriesId === undefined ? {} : { seriesId: anchor.event.seriesId }),
    ...etagOf(anchor),
    ...titleOf(anchor),
    counterpart,
    ...nameFields(ctx, counterpart),
    before,
    after,
    reason: `Moves ${oneOnOneText(anchor, who)} from ${describeSlot(ctx.clock, anchor)} to ${describeSlot(ctx.clock, candidate.slots[0] ?? anchor)}: ${why}.`,
    emails: [counterpart],
  };
}

/**
 * The check-in drafted for `counterpart` from the user's template: `{name}` is their first name (the
 * name their calendar gives, else "there"), `{meeting}` the 1:1's title.
 */
export function checkInText(ctx: PlanContext, e: ParsedEvent, counterpart: string): string {
  const template = ctx.prefs.skipWeeks.checkIn ?? DEFAULT_PREFERENCES.skipWeeks.checkIn ?? '';
  const name = personName(ctx, counterpart);
  return renderCheckIn(template, { name: name === counterpart ? undefined : name, meeting: e.event.title });
}

/**
 * Cancels the skip week's occurrences. The first cancellation of each person carries the check-in
 * drafted for them, so each person skipped gets exactly one.
 */
export function cancelOperations(
  ctx: PlanContext,
  events: readonly ParsedEvent[],
  week: WeekFrame,
): CancelOccurrence[] {
  const drafted = new Set<string>();
  return events.map((e) => {
    const counterpart = e.verdict.counterpart ?? '';
    const first = !drafted.has(counterpart);
    drafted.add(counterpart);
    return cancelOperation(ctx, e, week, first ? checkInText(ctx, e, counterpart) : undefined);
  });
}

/** The operation that cancels one occurrence for the skip week. */
function cancelOperation(
  ctx: PlanContext,
  e: ParsedEvent,
  week: WeekFrame,
  checkIn?: string,
): CancelOccurrence {
  const counterpart = e.verdict.counterpart ?? '';
  return {
    kind: 'cancelOccurrence',
    key: operationKey('cancelOccurrence', [e.id]),
    eventId: e.id,
    seriesId: e.event.seriesId ?? e.id,
    ...etagOf(e),
    ...titleOf(e),
    counterpart,
    ...nameFields(ctx, counterpart),
    message: ctx.prefs.skipWeeks.message,
    ...(checkIn === undefined ? {} : { checkIn }),
    skipWeek: week.startDate,
    before: range(e),
    reason: `Cancels ${oneOnOneText(e, personName(ctx, counterpart))} on ${describeSlot(ctx.clock, e)}, for the skip week (the week of ${describeDay(week.startDay, yearOf(ctx.clock, ctx.now))}); the series stays as it is.`,
    emails: [counterpart],
  };
}

/**
 * The focus preferences a created block carries to the provider (Google focus time's auto-decline
 * and chat status), only where they differ from the defaults, so plans without them read the same.
 */
function focusBehaviour(ctx: PlanContext): Pick<CreateFocusBlock, 'autoDecline' | 'chatStatus'> {
  const { autoDecline, chatStatus } = ctx.prefs.focus;
  return {
    ...(autoDecline !== undefined && autoDecline !== 'none' ? { autoDecline } : {}),
    ...(chatStatus !== undefined && chatStatus !== 'available' ? { chatStatus } : {}),
  };
}

/** Operations for the focus plan: deletes first (they free time), then re-placements, then new blocks. */
export function focusOperations(
  ctx: PlanContext,
  focus: FocusPlan,
): (CreateFocusBlock | UpdateFocusBlock | DeleteFocusBlock)[] {
  const target = `${ctx.prefs.focus.targetHours} h`;
  const deletes = focus.deletes.map(({ block, why }): DeleteFocusBlock => ({
    kind: 'deleteFocusBlock',
    key: operationKey('deleteFocusBlock', [block.id]),
    eventId: block.id,
    ...etagOf(block),
    ...titleOf(block),
    before: range(block),
    reason: `Removes the focus block on ${describeSlot(ctx.clock, block)}: ${why}.`,
    emails: [],
  }));
  const updates = focus.updates.map(({ block, to, why }): UpdateFocusBlock => {
    const after = range(to);
    return {
      kind: 'updateFocusBlock',
      key: operationKey('updateFocusBlock', [block.id, after.start, after.end]),
      eventId: block.id,
      ...etagOf(block),
      ...titleOf(block),
      before: range(block),
      after,
      reason: `Moves the focus block on ${describeSlot(ctx.clock, block)} to ${describeSlot(ctx.clock, to)}: ${why}.`,
      emails: [],
    };
  });
  const creates = focus.creates.map((slot): CreateFocusBlock => {
    const after = range(slot);
    const eventId = focusBlockId(ctx.input.idSeed, after.start, after.end);
    return {
      kind: 'createFocusBlock',
      key: operationKey('createFocusBlock', [eventId, after.start, after.end]),
      eventId,
      title: ctx.prefs.focus.title,
      zone: ctx.clock.zone,
      after,
      ...focusBehaviour(ctx),
      reason: `Adds ${describeHours(slot.end - slot.start)} of focus time on ${describeSlot(ctx.clock, slot)}, in free second-half time, toward your ${target} weekly target.`,
      emails: [],
    };
  });
  return [...deletes, ...updates, ...creates];
}
