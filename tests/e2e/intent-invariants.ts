/**
 * What the intent property (intent.property.test.ts) checks of every preview and every run, written
 * apart from the planner's and the ledger's own rules so that they check those rules rather than
 * repeat them:
 *  - nothing is written in the past, and no 1:1 is moved or cancelled inside the freeze window nor
 *    moved into it (the `freezeWindowHours` preference; focus blocks are the user's own time, so for
 *    them only the past counts, as apply-rules.ts says; a block may be removed while it runs);
 *  - no focus block is put over, and no 1:1 moved onto, a meeting the user accepted;
 *  - no focus block a run wrote covers an event that held the user's time while the run wrote it;
 *  - no attendee gets more emails from a run than its preview showed for them;
 *  - a run leaves the times of every past occurrence as they were.
 */
import type { CalendarEvent } from '@frontload/domain';
import { holdsUserTime } from '@frontload/planner';

export type Slot = { start: string; end: string };
/** An operation as planned: a preview's operation or a ledger row (its kind, emails and `desired`). */
export type Planned = { kind: string; emails: readonly string[]; desired: unknown };
/** The clock (epoch ms) and the freeze window an operation was planned or written under. */
export type Clock = { now: number; freezeMs: number };

type Desired = { before?: Slot; after?: Slot; seriesId?: string; eventId?: string };

const MEETING_WRITES = new Set(['moveSeries', 'moveOccurrence', 'cancelOccurrence']);
const MOVES = new Set(['moveSeries', 'moveOccurrence']);
const BLOCK_WRITES = new Set(['createFocusBlock', 'updateFocusBlock']);

const ms = (iso: string) => Date.parse(iso);
export const overlaps = (a: Slot, b: Slot) => ms(a.start) < ms(b.end) && ms(b.start) < ms(a.end);
const desiredOf = (op: Planned) => op.desired as Desired;

/** Why `op` writes too late at `clock` (in the past, or a 1:1 inside the freeze window), or undefined. */
export function writtenTooLate(op: Planned, clock: Clock): string | undefined {
  const { before, after } = desiredOf(op);
  const cutoff = clock.now + clock.freezeMs;
  const at = new Date(clock.now).toISOString();
  if (MEETING_WRITES.has(op.kind)) {
    if (before && ms(before.start) < cutoff)
      return `${op.kind} of the 1:1 at ${before.start}, inside the freeze window at ${at}`;
    if (after && ms(after.start) < cutoff)
      return `${op.kind} to ${after.start}, inside the freeze window at ${at}`;
  }
  if (BLOCK_WRITES.has(op.kind)) {
    if (after && ms(after.start) < clock.now) return `${op.kind} at ${after.start}, in the past at ${at}`;
    if (op.kind === 'updateFocusBlock' && before && ms(before.start) < clock.now)
      return `updateFocusBlock of the block that started at ${before.start}, at ${at}`;
  }
  if (op.kind === 'deleteFocusBlock' && before && ms(before.end) <= clock.now)
    return `deleteFocusBlock of the block that ended at ${before.end}, at ${at}`;
  return undefined;
}

/** The meeting `op` puts a focus block over or moves a 1:1 onto, or undefined. */
export function overMeeting(op: Planned, meetings: readonly Slot[]): Slot | undefined {
  const { after } = desiredOf(op);
  if (!after || !(BLOCK_WRITES.has(op.kind) || MOVES.has(op.kind))) return undefined;
  return meetings.find((m) => overlaps(after, m));
}

/** Events that hold the user's time and are not Frontload's: what a focus block may not cover. */
const heldTime = (events: readonly CalendarEvent[]) =>
  events.filter((e) => e.tag === undefined && !e.allDay && holdsUserTime(e));

/**
 * The focus blocks a run wrote (`applied`, its applied operations) over an event holding the user's
 * time while it ran: one still in place from before the run (not one the run moved or cancelled), or
 * one where the run left it.
 */
export function blocksOverBusy(
  applied: readonly Planned[],
  before: readonly CalendarEvent[],
  after: readonly CalendarEvent[],
): string[] {
  const vacated = new Set(
    applied
      .filter((op) => MEETING_WRITES.has(op.kind))
      .flatMap((op) => [desiredOf(op).eventId, desiredOf(op).seriesId])
      .filter((id): id is string => id !== undefined),
  );
  const stayed = heldTime(before).filter(
    (e) => !vacated.has(e.id) && !(e.seriesId !== undefined && vacated.has(e.seriesId)),
  );
  const held = [...stayed, ...heldTime(after)];
  return applied
    .filter((op) => BLOCK_WRITES.has(op.kind))
    .flatMap((op) => {
      const slot = desiredOf(op).after!;
      const taken = held.find((e) => overlaps(e, slot));
      return taken ? [`block at ${slot.start} over "${taken.title}" at ${taken.start}`] : [];
    });
}

/** Recipients who got more emails from a run than its preview showed for them. */
export function moreEmailsThanShown(planned: readonly Planned[], sent: readonly { to: string }[]): string[] {
  const count = (addresses: readonly string[]) => {
    const counts = new Map<string, number>();
    for (const a of addresses) counts.set(a.toLowerCase(), (counts.get(a.toLowerCase()) ?? 0) + 1);
    return counts;
  };
  const shown = count(planned.flatMap((op) => op.emails));
  return [...count(sent.map((m) => m.to))]
    .filter(([to, n]) => n > (shown.get(to) ?? 0))
    .map(([to, n]) => `${to}: ${n} sent, ${shown.get(to) ?? 0} shown`);
}

/**
 * Past occurrences (started before `now`, and well inside the sync's listing window, which reaches
 * `windowBackMs` back) that are no longer on the calendar after a run at the same times.
 */
export function pastOccurrencesMoved(
  before: readonly CalendarEvent[],
  after: readonly CalendarEvent[],
  now: number,
  windowBackMs: number,
): string[] {
  const same = (a: CalendarEvent, b: CalendarEvent) =>
    a.title === b.title && ms(a.start) === ms(b.start) && ms(a.end) === ms(b.end);
  return before
    .filter((e) => e.kind === 'occurrence' && ms(e.start) < now && ms(e.start) > now - windowBackMs)
    .filter((e) => !after.some((a) => same(a, e)))
    .map((e) => `"${e.title}" at ${e.start}`);
}
