/**
 * The rules a plan is made by that still hold when it is applied, hours later perhaps: nothing is
 * written in the past, a 1:1 (whose attendees get an email) is never touched inside the freeze window,
 * neither where it is nor where it would go, and what counts as time the user holds. The planner plans
 * by them and the operation ledger checks each operation against them again just before writing it.
 */
import { HOUR_MS, selfAttendee, type CalendarEvent } from '@frontload/domain';

/** The end of the freeze window that starts at `now` (epoch ms). */
export function freezeCutoff(now: number, freezeWindowHours: number): number {
  return now + freezeWindowHours * HOUR_MS;
}

/** Whether an event holds the user's time: not a series master, not cancelled, not declined, shown as busy. */
export function holdsUserTime(event: CalendarEvent): boolean {
  return (
    event.kind !== 'series' &&
    event.status !== 'cancelled' &&
    selfAttendee(event)?.responseStatus !== 'declined' &&
    event.transparency === 'busy'
  );
}

type Range = { start: string; end: string };

/** What the timing rule needs to know of an operation (any planner or ledger operation fits). */
export interface TimedOperation {
  kind: string;
  before?: Range;
  after?: Range;
}

const MEETING_WRITES = new Set(['moveSeries', 'moveOccurrence', 'cancelOccurrence']);

/**
 * Why an operation may not be written at `now` (epoch ms), or undefined when it may: a 1:1 that has
 * started or starts inside the freeze window stays put, and is not moved into it; a cancelled 1:1 is not
 * brought back once its time has passed; a focus block is not placed, moved or removed in the past.
 */
export function timingRefusal(
  op: TimedOperation,
  now: number,
  freezeWindowHours: number,
): string | undefined {
  const at = (range: Range | undefined, side: 'start' | 'end') =>
    range === undefined ? undefined : Date.parse(range[side]);
  const cutoff = freezeCutoff(now, freezeWindowHours);
  const beforeStart = at(op.before, 'start');
  const afterStart = at(op.after, 'start');
  if (MEETING_WRITES.has(op.kind)) {
    if (beforeStart !== undefined && beforeStart < now) return 'the 1:1 has already started';
    if (beforeStart !== undefined && beforeStart < cutoff)
      return `the 1:1 now starts inside the ${freezeWindowHours} h freeze window`;
    if (afterStart !== undefined && afterStart < cutoff)
      return `its new time is now inside the ${freezeWindowHours} h freeze window`;
    return undefined;
  }
  switch (op.kind) {
    case 'restoreOccurrence':
      return beforeStart !== undefined && beforeStart < now
        ? 'the 1:1 it would bring back is over'
        : undefined;
    case 'createFocusBlock':
      return afterStart !== undefined && afterStart < now ? 'the slot has already begun' : undefined;
    case 'updateFocusBlock':
      if (beforeStart !== undefined && beforeStart < now) return 'the focus block has already started';
      return afterStart !== undefined && afterStart < now ? 'the new slot has already begun' : undefined;
    case 'deleteFocusBlock': {
      const end = at(op.before, 'end');
      return end !== undefined && end <= now ? 'the focus block is already over' : undefined;
    }
    default:
      return undefined;
  }
}
