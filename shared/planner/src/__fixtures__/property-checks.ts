// The checks behind the property tests, written against the wire input with Temporal-based oracles.
import type { CalendarEvent, Operation } from '@frontload/domain';
import { Temporal } from 'temporal-polyfill';
import { expect } from 'vitest';
import { applyOperations } from '../apply-operations.js';
import type { PlannerInput, PlannerOutput } from '../input.js';
import {
  changedEvents,
  effectiveRange,
  insideWorkingHours,
  ms,
  overlap,
  userBusy,
  weekOracle,
} from './oracles.js';

const DAY = 86_400_000;
type Range = { start: string; end: string };

const others = (e: CalendarEvent) => e.attendees.filter((a) => a.self !== true && a.resource !== true);
const counterpartOf = (e: CalendarEvent) => others(e)[0]?.email.toLowerCase() ?? '';

/** Ranges minus other ranges, for counterpart free/busy without the 1:1 that moves. */
function without(ranges: readonly Range[], cuts: readonly Range[]): { start: number; end: number }[] {
  let pieces = ranges.map((r) => ({ start: ms(r.start), end: ms(r.end) }));
  for (const cut of cuts.map((c) => ({ start: ms(c.start), end: ms(c.end) }))) {
    pieces = pieces.flatMap((p) =>
      p.end <= cut.start || cut.end <= p.start
        ? [p]
        : [
            ...(p.start < cut.start ? [{ start: p.start, end: cut.start }] : []),
            ...(cut.end < p.end ? [{ start: cut.end, end: p.end }] : []),
          ],
    );
  }
  return pieces;
}

/** Where the plan puts things: moved 1:1s (every occurrence a series move touches) and focus blocks. */
export function plannedSlots(input: PlannerInput, output: PlannerOutput) {
  const after = applyOperations(input, output.operations);
  const moved = changedEvents(input, after)
    .filter(
      ({ was, now }) =>
        now &&
        !was.tag &&
        now.status !== 'cancelled' &&
        was.status !== 'cancelled' &&
        now.start !== was.start,
    )
    .map(({ was, now }) => ({ was, now: now as CalendarEvent }));
  const focus = output.operations.flatMap((op) =>
    op.kind === 'createFocusBlock' || op.kind === 'updateFocusBlock' ? [{ op, range: op.after }] : [],
  );
  return { after, moved, focus };
}

/** Property 1: nothing planned overlaps the user's or the counterpart's busy time, or another plan item. */
export function checkNoOverlap(input: PlannerInput, output: PlannerOutput): void {
  const { moved, focus } = plannedSlots(input, output);
  const touched = new Set(output.operations.map((op) => op.eventId));
  for (const op of output.operations)
    if (op.kind === 'moveSeries')
      input.events.filter((e) => e.seriesId === op.seriesId).forEach((e) => touched.add(e.id));
  const busy = userBusy(input)
    .filter((e) => !touched.has(e.id))
    .map((e) => ({ id: e.id, range: effectiveRange(e, input.zone) }));
  const planned: { what: string; range: Range }[] = [
    ...moved.map(({ now }) => ({ what: `moved ${now.id}`, range: now })),
    ...focus.map(({ op, range }) => ({ what: `${op.kind} ${op.eventId}`, range })),
  ];
  for (const p of planned) {
    const hit = busy.find((b) => overlap(b.range, p.range));
    expect(hit, `${p.what} overlaps busy ${hit?.id}`).toBeUndefined();
  }
  planned.forEach((p, i) =>
    planned
      .slice(i + 1)
      .forEach((q) => expect(overlap(p.range, q.range), `${p.what} overlaps ${q.what}`).toBe(false)),
  );
  for (const { was, now } of moved) {
    const email = counterpartOf(was);
    const availability = input.counterparts.find((c) => c.email.toLowerCase() === email);
    expect(availability, `moved ${was.id} without free/busy for ${email}`).toBeDefined();
    const originals = moved.filter((m) => counterpartOf(m.was) === email).map((m) => m.was);
    const theirBusy = without(availability?.busy ?? [], originals);
    const clash = theirBusy.find((b) => b.start < ms(now.end) && ms(now.start) < b.end);
    expect(clash, `moved ${was.id} onto ${email}'s busy time`).toBeUndefined();
  }
}

/** Moved 1:1s land in the first half of their week, inside both working hours, after the freeze window. */
export function checkMovesLandWell(input: PlannerInput, output: PlannerOutput): void {
  const prefs = input.preferences;
  const cutoff = ms(input.now) + prefs.freezeWindowHours * 3_600_000;
  for (const { was, now } of plannedSlots(input, output).moved) {
    const week = weekOracle(was.start, input.zone, prefs);
    expect(ms(now.start), `${was.id} moves before its week`).toBeGreaterThanOrEqual(week.start);
    expect(ms(now.end), `${was.id} ends after the first half`).toBeLessThanOrEqual(week.firstHalfEnd);
    expect(ms(now.start), `${was.id} moves into the freeze window`).toBeGreaterThanOrEqual(cutoff);
    expect(insideWorkingHours(now, input.zone, prefs.workingHours), `${was.id} outside your hours`).toBe(
      true,
    );
    const c = input.counterparts.find((x) => x.email.toLowerCase() === counterpartOf(was));
    const theirHours = c?.workingHours ?? prefs.workingHours;
    expect(insideWorkingHours(now, c?.zone ?? input.zone, theirHours), `${was.id} outside their hours`).toBe(
      true,
    );
  }
}

/** Why an event may not be moved or cancelled, by the plain rules of ARCHITECTURE; null when it may. */
export function whyNotMovable(input: PlannerInput, e: CalendarEvent): string | null {
  const prefs = input.preferences;
  const person = input.people.find((p) => p.email.toLowerCase() === counterpartOf(e));
  const domain = counterpartOf(e).split('@')[1];
  const minutes = (ms(e.end) - ms(e.start)) / 60_000;
  if (e.tag) return 'ours';
  if (e.allDay) return 'all-day';
  if (e.status === 'cancelled') return 'cancelled';
  if (!e.organizerIsSelf) return 'someone else organizes it';
  if (e.eventType !== 'default') return 'not a meeting';
  if (e.attendees.some((a) => a.self === true && a.responseStatus === 'declined')) return 'declined';
  if (others(e).length !== 1) return 'not two people';
  if (minutes > prefs.oneOnOnes.maxMinutes) return 'too long';
  if (person?.fixed) return 'fixed';
  if (input.history.userOverrides.includes(e.id)) return 'overridden';
  if (ms(e.start) < ms(input.now) + prefs.freezeWindowHours * 3_600_000) return 'frozen';
  if (domain !== input.userEmail.split('@')[1] && !prefs.oneOnOnes.allowExternal && !person?.allowExternal)
    return 'external';
  return null;
}

/** Property 2: operations only touch movable 1:1s and our own focus blocks. */
export function checkOnlyMovableTouched(input: PlannerInput, output: PlannerOutput): void {
  const byId = new Map(input.events.map((e) => [e.id, e]));
  for (const op of output.operations) {
    const target = byId.get(op.eventId);
    if (op.kind === 'createFocusBlock') {
      expect(target, `created ${op.eventId} reuses an existing id`).toBeUndefined();
      continue;
    }
    expect(target, `${op.kind} targets unknown ${op.eventId}`).toBeDefined();
    if (!target) continue;
    if (op.kind === 'updateFocusBlock' || op.kind === 'deleteFocusBlock') {
      expect(target.tag?.kind, `${op.kind} on ${op.eventId}, which is not ours`).toBe('focusBlock');
      continue;
    }
    expect(whyNotMovable(input, target), `${op.kind} on ${op.eventId}`).toBeNull();
    if (op.kind === 'moveSeries') {
      const affected = input.events.filter(
        (e) =>
          e.seriesId === op.seriesId &&
          e.status !== 'cancelled' &&
          ms(e.originalStart ?? e.start) >= ms(op.fromOriginalStart),
      );
      for (const e of affected) expect(whyNotMovable(input, e), `series move touches ${e.id}`).toBeNull();
    }
    if (op.kind === 'cancelOccurrence') {
      const person = input.people.find((p) => p.email.toLowerCase() === op.counterpart.toLowerCase());
      expect(person?.protected ?? false, `cancelled ${op.eventId} with protected ${op.counterpart}`).toBe(
        false,
      );
    }
  }
}

/** Property 5: focus blocks in the second half, inside working hours, within length bounds, not in the past. */
export function checkFocusGeometry(input: PlannerInput, output: PlannerOutput): void {
  const prefs = input.preferences;
  for (const { op, range } of plannedSlots(input, output).focus) {
    const week = weekOracle(range.start, input.zone, prefs);
    const minutes = (ms(range.end) - ms(range.start)) / 60_000;
    expect(ms(range.start), `${op.eventId} starts in the first half`).toBeGreaterThanOrEqual(
      week.firstHalfEnd,
    );
    expect(ms(range.end), `${op.eventId} runs past the week`).toBeLessThanOrEqual(week.end);
    expect(
      insideWorkingHours(range, input.zone, prefs.workingHours),
      `${op.eventId} outside working hours`,
    ).toBe(true);
    expect(minutes).toBeGreaterThanOrEqual(prefs.focus.minBlockMinutes);
    expect(minutes).toBeLessThanOrEqual(prefs.focus.maxBlockMinutes);
    expect(ms(range.start), `${op.eventId} is in the past`).toBeGreaterThanOrEqual(ms(input.now));
  }
}

const weeksBetween = (from: string, to: string) =>
  Temporal.PlainDate.from(from).until(Temporal.PlainDate.from(to), { largestUnit: 'days' }).days / 7;

/** Property 6: skip weeks keep the cadence window, protected people and the gap limit. */
export function checkSkipWeeks(input: PlannerInput, output: PlannerOutput): void {
  const cancels = output.operations.filter(
    (op): op is Extract<Operation, { kind: 'cancelOccurrence' }> => op.kind === 'cancelOccurrence',
  );
  const last = input.history.lastSkipWeek;
  // A skip week is one that skips: only the recorded skip week may be named with nothing cancelled.
  const recorded = (week: string) => last !== null && Math.abs(weeksBetween(last, week)) < 1;
  if (output.skipWeek !== null && !recorded(output.skipWeek))
    expect(cancels.length, `skip week ${output.skipWeek} cancels nothing`).toBeGreaterThan(0);
  for (const note of output.notes) expect(note.message).not.toMatch(/\b0 1:1 occurrence/);
  if (cancels.length === 0) return;
  const { skipWeeks } = input.preferences;
  expect(last, 'a skip week without a cadence').not.toBeNull();
  const current = weekOracle(input.now, input.zone, input.preferences).startDate;
  const after = applyOperations(input, output.operations);
  for (const op of cancels) {
    expect(op.skipWeek).toBe(cancels[0]?.skipWeek);
    const gapWeeks = weeksBetween(last ?? op.skipWeek, op.skipWeek);
    const overdue = weeksBetween(last ?? current, current) > skipWeeks.maxWeeks;
    // Past the window only when overdue, or when the weeks inside it had nothing to skip (the cadence
    // then moves on to the next week that can skip); never before the window opens.
    const inWindow = gapWeeks === 0 || gapWeeks >= skipWeeks.minWeeks || overdue;
    expect(inWindow, `skip week ${op.skipWeek} is ${gapWeeks} weeks after ${last}`).toBe(true);
    const cancelled = input.events.find((e) => e.id === op.eventId) as CalendarEvent;
    expect(weekOracle(cancelled.start, input.zone, input.preferences).startDate).toBe(op.skipWeek);
    // The real gap around the cancelled occurrence, from the calendar after the plan.
    const person = op.counterpart.toLowerCase();
    const period = (cancelled.recurrence?.interval ?? 1) * 7 * DAY;
    const held = after.events.filter(
      (e) => e.status !== 'cancelled' && others(e).length === 1 && counterpartOf(e) === person,
    );
    const at = ms(cancelled.start);
    const lastHeld = input.history.lastHeldOneOnOnes
      .filter((h) => h.email.toLowerCase() === person)
      .map((h) => ms(h.at));
    const before = Math.max(...lastHeld, ...held.map((e) => ms(e.start)).filter((t) => t < at));
    const next = Math.min(...held.map((e) => ms(e.start)).filter((t) => t > at));
    const gap =
      (Number.isFinite(next) ? next : at + period) - (Number.isFinite(before) ? before : at - period);
    expect(
      gap / DAY,
      `cancelling ${op.eventId} leaves ${person} ${gap / DAY} days without a 1:1`,
    ).toBeLessThanOrEqual(skipWeeks.maxGapDays);
  }
}
