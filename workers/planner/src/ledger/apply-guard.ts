/**
 * The apply-time guard: a plan may be applied hours after it was made, so just before an operation is
 * written the facts it was planned on are checked again as they are now: the clock (nothing in the
 * past, no 1:1 touched inside the freeze window, by the planner's own rule), the people settings
 * (a protected person's 1:1 is not cancelled, a fixed person's is not moved), the counterpart's
 * free/busy at a 1:1's new time (read once per run, in one call), and, for a focus block or a 1:1's
 * new time, that the slot is still free in the user's calendar (the mirror). A refusal skips that
 * operation with its reason; the run goes on.
 */
import { repositories, type Database } from '@frontload/db';
import { type CalendarEvent, type CounterpartAvailability } from '@frontload/domain';
import { holdsUserTime, timingRefusal } from '@frontload/planner';
import type { CalendarProvider } from '@frontload/providers';
import type { LedgerOperation } from './ledger-operation.js';

type Range = { start: string; end: string };

export interface GuardFacts {
  now: number;
  freezeWindowHours: number;
  /** People settings as they are now, by lower-case email. */
  people: ReadonlyMap<string, { protected: boolean; fixed: boolean }>;
  /** Busy time of the counterparts of the run's 1:1 moves, by lower-case email, as read for this run. */
  counterpartBusy: ReadonlyMap<string, readonly Range[]>;
  /** Whether the people and availability rules apply (a plan's run; an undo puts things back). */
  planRun: boolean;
}

const overlaps = (a: Range, b: Range) =>
  Date.parse(a.start) < Date.parse(b.end) && Date.parse(b.start) < Date.parse(a.end);
const same = (a: Range, b: Range) =>
  Date.parse(a.start) === Date.parse(b.start) && Date.parse(a.end) === Date.parse(b.end);

const isMove = (
  op: LedgerOperation,
): op is Extract<LedgerOperation, { kind: 'moveSeries' | 'moveOccurrence' }> =>
  op.kind === 'moveSeries' || op.kind === 'moveOccurrence';

/** Why `op` may not be written now (clock, people settings, counterpart's time), or undefined. */
export function guardRefusal(op: LedgerOperation, facts: GuardFacts): string | undefined {
  const timing = timingRefusal(op, facts.now, facts.freezeWindowHours);
  if (timing) return timing;
  if (!facts.planRun) return undefined;
  if (op.kind === 'cancelOccurrence' && facts.people.get(op.counterpart.toLowerCase())?.protected)
    return `${op.counterpart} is now protected: their 1:1s are never cancelled`;
  if (isMove(op)) {
    const person = op.counterpart.toLowerCase();
    if (facts.people.get(person)?.fixed)
      return `1:1s with ${op.counterpart} are now fixed: they are not moved`;
    // Their busy time includes this very 1:1 where it is now; only other commitments count.
    const busy = facts.counterpartBusy.get(person)?.filter((b) => !same(b, op.before));
    if (busy?.some((b) => overlaps(b, op.after)))
      return `${op.counterpart} is no longer free at the new time`;
  }
  return undefined;
}

/**
 * Why a focus block may not go into `op.after`, or a 1:1 be moved there, now: an event holding the
 * user's time is there in the mirror (a meeting they accepted after the plan, say). The counterpart's
 * free/busy does not show a meeting the counterpart is not in, so a move is checked here too; the 1:1
 * being moved does not count against its own new time. `vacated` are events this run moved or
 * cancelled (their mirror rows may still show the old time until the resync).
 */
export function slotRefusal(
  op: Extract<
    LedgerOperation,
    { kind: 'createFocusBlock' | 'updateFocusBlock' | 'moveSeries' | 'moveOccurrence' }
  >,
  events: readonly CalendarEvent[],
  vacated: ReadonlySet<string>,
): string | undefined {
  const moving = new Set(isMove(op) ? [op.eventId, op.seriesId].filter((id) => id !== undefined) : []);
  const away = (id: string | undefined) => id !== undefined && (vacated.has(id) || moving.has(id));
  const taken = events.find(
    (e) =>
      holdsUserTime(e) &&
      e.tag === undefined &&
      !e.allDay &&
      !away(e.id) &&
      !away(e.seriesId) &&
      overlaps(e, op.after),
  );
  if (!taken) return undefined;
  return isMove(op)
    ? `the new time is no longer free in your calendar: "${taken.title}" is there now`
    : `the slot is no longer free: "${taken.title}" is there now`;
}

/** The run's facts for {@link guardRefusal}: settings from the database, one free/busy call. */
export async function loadGuardFacts(
  db: Database,
  userId: string,
  provider: () => Promise<CalendarProvider>,
  ops: readonly LedgerOperation[],
  now: number,
  planRun: boolean,
): Promise<GuardFacts> {
  const repos = repositories(db);
  const preferences = await repos.preferences.get(userId);
  const rows = await repos.people.listForUser(userId);
  const people = new Map(
    rows.map((r) => [r.email.toLowerCase(), { protected: r.protected, fixed: r.fixed }]),
  );
  const counterpartBusy = new Map<string, Range[]>();
  const moves = planRun ? ops.filter(isMove) : [];
  const emails = [...new Set(moves.map((op) => op.counterpart.toLowerCase()))]
    .filter((email) => !people.get(email)?.fixed)
    .sort();
  if (emails.length > 0) {
    const window = {
      start: new Date(Math.min(...moves.map((op) => Date.parse(op.after.start)))).toISOString(),
      end: new Date(Math.max(...moves.map((op) => Date.parse(op.after.end)))).toISOString(),
    };
    const found: CounterpartAvailability[] = await (await provider()).freeBusy(emails, window);
    for (const a of found) counterpartBusy.set(a.email.toLowerCase(), a.busy);
  }
  return { now, freezeWindowHours: preferences.freezeWindowHours, people, counterpartBusy, planRun };
}

/** The mirror's events around a focus block's slot, read when the block is about to be written. */
export async function eventsAround(
  db: Database,
  connectionId: string,
  range: Range,
): Promise<CalendarEvent[]> {
  return repositories(db).mirror.eventsInWindow(connectionId, new Date(range.start), new Date(range.end));
}
