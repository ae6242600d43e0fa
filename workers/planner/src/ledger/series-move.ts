/**
 * Moving a recurring 1:1 for good without rewriting its past ("this and following"): when the series
 * met before (the plan's `split`), the old series ends just before the first occurrence that moves,
 * so every earlier occurrence keeps its time in the provider (and "last held 1:1" stays true), and a
 * continuing series meets at the new time from then on (CalendarProvider.splitSeries). The attendees get two emails: the old series' update and
 * the continuing series' invitation, which is what the planner's preview lists. A series that never
 * met yet has no past to keep: it moves whole, with one email.
 *
 * The ledger records, before anything is written, the old series' rule exactly as the provider holds
 * it (`provider_result.series.rule`). A replay after a crash at any instant finds that record and
 * finishes the same split (the provider ends the series at the same instant and finds the continuing
 * series by the id derived from the ledger operation), and the undo hands the rule back to rejoin
 * the series and delete the continuing one.
 */
import type { CalendarEvent, MoveSeries } from '@frontload/domain';
import type { CalendarProvider, SeriesRule } from '@frontload/providers';
import { Temporal } from 'temporal-polyfill';
import type { ExecutionResult, RejoinSeries } from './ledger-operation.js';

const local = (instant: string, zone: string) => Temporal.Instant.from(instant).toZonedDateTimeISO(zone);
const sameWeekdayAndTime = (a: Temporal.ZonedDateTime, b: Temporal.ZonedDateTime) =>
  a.dayOfWeek === b.dayOfWeek && a.hour === b.hour && a.minute === b.minute;

type Slot = { start: string; end: string };

/** Where the master goes when its occurrence moves from `from` to `to` (a whole-series move). */
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

/** What the ledger holds of a series move in progress, and how it records the old rule. */
export interface SeriesLedger {
  /** The old series' rule, when an earlier attempt recorded it (it got as far as writing). */
  rule?: SeriesRule;
  /** Records the old series' rule before the first write. */
  keep: (rule: SeriesRule) => Promise<void>;
  /**
   * The continuing series' client id: derived from the ledger operation, so a replay finds what an
   * earlier attempt created, and never the id of one an undo deleted (Google refuses those).
   */
  clientId: string;
}

type Guard = () => Promise<string | undefined>;
const noGuard: Guard = () => Promise.resolve(undefined);

async function split(
  provider: CalendarProvider,
  op: MoveSeries,
  before: CalendarEvent,
  ledger: SeriesLedger,
): Promise<ExecutionResult> {
  const { continuing } = await provider.splitSeries({
    id: op.seriesId,
    from: op.fromOriginalStart,
    clientId: ledger.clientId,
    start: op.after.start,
    end: op.after.end,
    zone: op.zone,
    // An earlier attempt's record is the rule as it was: a replay must not replace it with the ended one.
    keep: ledger.rule === undefined ? ledger.keep : () => Promise.resolve(),
  });
  return { status: 'applied', before, after: continuing, wrote: true };
}

/**
 * A series with no earlier occurrence (the plan saw none: `op.split` unset) moves whole, "all events"
 * like, with one email: its master moves by the same change of weekday and time of day.
 */
async function moveWhole(provider: CalendarProvider, op: MoveSeries, master: CalendarEvent) {
  const target = shiftedMaster(master, op.before, op.after, op.zone);
  const after = await provider.moveEvent({
    id: op.seriesId,
    ...target,
    zone: op.zone,
    seriesWeekday: local(op.after.start, op.zone).dayOfWeek,
    notifyAttendees: true,
  });
  return { status: 'applied' as const, before: master, after, wrote: true };
}

export async function executeSeriesMove(
  provider: CalendarProvider,
  op: MoveSeries,
  guard: Guard = noGuard,
  ledger: SeriesLedger = { keep: () => Promise.resolve(), clientId: `${op.key}:continues` },
): Promise<ExecutionResult> {
  const master = await provider.getEvent(op.seriesId);
  if (!master || master.status === 'cancelled') {
    return { status: 'skipped', before: master, reason: 'the series no longer exists', resync: true };
  }
  // An earlier attempt recorded the rule and began writing: finish that split, checks already passed.
  if (ledger.rule !== undefined) return split(provider, op, master, ledger);
  if (!op.split && sameWeekdayAndTime(local(master.start, op.zone), local(op.after.start, op.zone)))
    return { status: 'applied', before: master, after: master, wrote: false };
  if (!sameWeekdayAndTime(local(master.start, op.zone), local(op.before.start, op.zone))) {
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
  return op.split ? split(provider, op, master, ledger) : moveWhole(provider, op, master);
}

/**
 * Undo of a series move: the old series' rule back and the continuing series deleted. Left alone,
 * with the reason, when the continuing series has met already (rejoining would rewrite that past) or
 * the user changed it since our write (its etag differs).
 */
export async function executeSeriesRejoin(
  provider: CalendarProvider,
  op: RejoinSeries,
  now: number,
): Promise<ExecutionResult> {
  // The old series is read by rejoinSeries itself (gone: not_found, and the ledger skips the undo).
  const continuing = await provider.getEvent(op.eventId);
  if (continuing === undefined || continuing.status === 'cancelled') {
    // Deleted already: a replay after the rejoin landed, or the user deleted it (then the rule is all that is left to restore).
    const after = await provider.rejoinSeries({ id: op.seriesId, rule: op.rule, continuingId: op.eventId });
    return { status: 'applied', before: continuing, after, wrote: true };
  }
  if (op.etag !== undefined && continuing.etag !== undefined && continuing.etag !== op.etag) {
    return {
      status: 'skipped',
      before: continuing,
      reason: 'the continuing series changed after the move',
      resync: true,
    };
  }
  if (Date.parse(op.before.start) <= now) {
    return {
      status: 'skipped',
      before: continuing,
      reason: 'the series has met at its new time already; undoing the move would rewrite that past',
      resync: false,
    };
  }
  const after = await provider.rejoinSeries({ id: op.seriesId, rule: op.rule, continuingId: op.eventId });
  return { status: 'applied', before: continuing, after, wrote: true };
}
