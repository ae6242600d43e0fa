/**
 * Moving a whole recurring 1:1, edited in place like "all events in the series": the series master
 * keeps its first date and moves by the same change of weekday and time of day as the planned
 * occurrence (so past occurrences keep their place in history and an undo restores the series
 * exactly). Whether the move already happened, or the series changed since the plan, is read from
 * the master's weekday and local time, because an occurrence's etag says nothing about its master.
 */
import type { CalendarEvent, MoveSeries } from '@frontload/domain';
import type { CalendarProvider } from '@frontload/providers';
import { Temporal } from 'temporal-polyfill';
import type { ExecutionResult } from './ledger-operation.js';

type Slot = { start: string; end: string };

const local = (instant: string, zone: string) => Temporal.Instant.from(instant).toZonedDateTimeISO(zone);
const sameWeekdayAndTime = (a: Temporal.ZonedDateTime, b: Temporal.ZonedDateTime) =>
  a.dayOfWeek === b.dayOfWeek && a.hour === b.hour && a.minute === b.minute;

/** Where the master goes when its occurrence moves from `from` to `to`. */
export function shiftedMaster(master: CalendarEvent, from: Slot, to: Slot, zone: string): Slot {
  const a = local(from.start, zone);
  const b = local(to.start, zone);
  const days = a.toPlainDate().until(b.toPlainDate()).days;
  const start = local(master.start, zone).add({ days }).with({ hour: b.hour, minute: b.minute, second: 0 });
  const durationMs = Date.parse(to.end) - Date.parse(to.start);
  return {
    start: start.toInstant().toString(),
    end: Temporal.Instant.fromEpochMilliseconds(start.epochMilliseconds + durationMs).toString(),
  };
}

export async function executeSeriesMove(
  provider: CalendarProvider,
  op: MoveSeries,
  guard: () => Promise<string | undefined> = () => Promise.resolve(undefined),
): Promise<ExecutionResult> {
  const master = await provider.getEvent(op.seriesId);
  if (!master || master.status === 'cancelled') {
    return { status: 'skipped', before: master, reason: 'the series no longer exists', resync: true };
  }
  const now = local(master.start, op.zone);
  if (sameWeekdayAndTime(now, local(op.after.start, op.zone))) {
    return { status: 'applied', before: master, after: master, wrote: false };
  }
  if (!sameWeekdayAndTime(now, local(op.before.start, op.zone))) {
    return {
      status: 'skipped',
      before: master,
      reason: 'the series changed after the plan was made',
      resync: true,
    };
  }
  if (!master.organizerIsSelf) {
    return {
      status: 'skipped',
      before: master,
      reason: 'the user does not organize this meeting',
      resync: false,
    };
  }
  const refused = await guard();
  if (refused) return { status: 'skipped', before: master, reason: refused, resync: false };
  const target = shiftedMaster(master, op.before, op.after, op.zone);
  const after = await provider.moveEvent({
    id: op.seriesId,
    ...target,
    zone: op.zone,
    seriesWeekday: local(op.after.start, op.zone).dayOfWeek,
    notifyAttendees: true,
  });
  return { status: 'applied', before: master, after, wrote: true };
}
