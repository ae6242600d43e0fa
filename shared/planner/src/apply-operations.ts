import {
  DAY_MS,
  MINUTE_MS,
  ZoneClock,
  formatInstant,
  parseInstant,
  parseLocalTime,
  weekStartDay,
  type CalendarEvent,
  type CounterpartAvailability,
  type MoveSeries,
  type Operation,
} from '@frontload/domain';
import type { PlannerInput } from './input.js';

type Range = { readonly start: string; readonly end: string };

const sameRange = (a: Range, b: Range) =>
  parseInstant(a.start) === parseInstant(b.start) && parseInstant(a.end) === parseInstant(b.end);

/** The counterpart's free/busy once their 1:1 moved from `before` to `after`. */
function moveBusy(
  counterparts: CounterpartAvailability[],
  email: string,
  before: Range,
  after: Range,
): CounterpartAvailability[] {
  return counterparts.map((c) => {
    if (c.email.toLowerCase() !== email.toLowerCase()) return c;
    const kept = c.busy.filter((b) => !sameRange(b, before));
    return { ...c, busy: [...kept, { start: after.start, end: after.end }] };
  });
}

/** Where each occurrence of a moved series lands: the same weekday of its own week, at the new time. */
function seriesSlot(input: PlannerInput, op: MoveSeries, event: CalendarEvent): Range {
  const start = parseInstant(event.start);
  const userClock = ZoneClock.create(input.zone, start - 8 * DAY_MS, start + 8 * DAY_MS);
  const seriesClock = ZoneClock.create(op.zone, start - 8 * DAY_MS, start + 8 * DAY_MS);
  const { weekStartsOn } = input.preferences;
  const day = weekStartDay(userClock, start, weekStartsOn) + ((op.weekday - weekStartsOn + 7) % 7);
  const newStart = seriesClock.fromLocal(day * DAY_MS + parseLocalTime(op.startTime) * MINUTE_MS);
  return { start: formatInstant(newStart), end: formatInstant(newStart + op.durationMinutes * MINUTE_MS) };
}

function applyOne(input: PlannerInput, op: Operation): PlannerInput {
  const replace = (id: string, change: (e: CalendarEvent) => CalendarEvent) =>
    input.events.map((e) => (e.id === id ? change(e) : e));
  switch (op.kind) {
    case 'moveOccurrence':
      return {
        ...input,
        events: replace(op.eventId, (e) => ({ ...e, start: op.after.start, end: op.after.end })),
        counterparts: moveBusy(input.counterparts, op.counterpart, op.before, op.after),
      };
    case 'moveSeries': {
      const from = parseInstant(op.fromOriginalStart);
      let counterparts = input.counterparts;
      const events = input.events.map((e) => {
        if (
          e.kind !== 'occurrence' ||
          e.seriesId !== op.seriesId ||
          parseInstant(e.originalStart ?? e.start) < from
        )
          return e;
        const slot = seriesSlot(input, op, e);
        counterparts = moveBusy(counterparts, op.counterpart, e, slot);
        // The series itself changed, so its occurrences are regular again: original start = start.
        return { ...e, start: slot.start, end: slot.end, originalStart: slot.start };
      });
      return { ...input, events, counterparts };
    }
    case 'cancelOccurrence': {
      const last = input.history.lastSkipWeek;
      return {
        ...input,
        events: replace(op.eventId, (e) => ({ ...e, status: 'cancelled' })),
        history: { ...input.history, lastSkipWeek: last !== null && last > op.skipWeek ? last : op.skipWeek },
      };
    }
    case 'createFocusBlock': {
      const block: CalendarEvent = {
        id: op.eventId,
        kind: 'single',
        title: op.title,
        start: op.after.start,
        end: op.after.end,
        zone: op.zone,
        status: 'confirmed',
        attendees: [],
        organizerIsSelf: true,
        transparency: 'busy',
        eventType: 'focusTime',
        tag: { kind: 'focusBlock' },
      };
      return { ...input, events: [...input.events, block] };
    }
    case 'updateFocusBlock':
      return {
        ...input,
        events: replace(op.eventId, (e) => ({ ...e, start: op.after.start, end: op.after.end })),
      };
    case 'deleteFocusBlock':
      return { ...input, events: input.events.filter((e) => e.id !== op.eventId) };
  }
}

/**
 * The input as it would look once the provider carried out `operations` and the ledger recorded them:
 * events moved, cancelled, created or deleted, counterparts' free/busy following their moved 1:1s, and
 * the skip week remembered. Pure; the input is not changed. Planning the result yields no operations.
 */
export function applyOperations(input: PlannerInput, operations: readonly Operation[]): PlannerInput {
  return operations.reduce(applyOne, input);
}
