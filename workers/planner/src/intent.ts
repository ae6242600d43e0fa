/**
 * The intent model: what the user wants, read from what Frontload wrote or showed (the ledger) and
 * what the calendar holds now (the mirror). Pure: no I/O, no clock (`now` comes in).
 *
 * - **Deleted focus blocks.** A focus block Frontload created (an applied `createFocusBlock`, at the
 *   slot of its latest applied create or update) that is gone from the mirror, or cancelled there,
 *   without Frontload deleting it (no applied `deleteFocusBlock` of it: a later plan's or an undo's), was
 *   deleted by the user. The planner neither re-creates it that week nor puts another block on its slot.
 * - **Overrides.** For every event and series Frontload moved or proposed to move, the latest thing
 *   Frontload knows about its place decides:
 *   - an applied move: Frontload put it at the move's `after` slot;
 *   - a move a plan showed (a preview, or a run that did not apply that operation): it was at `before`
 *     then, and Frontload wanted it at `after`.
 *   If the calendar now holds it anywhere else, the user moved it after that: it is an override, never
 *   moved again until the user hands it back. A series counts by its master's weekday and local time
 *   (in the operation's zone) and, for a proposed move, by the occurrence the move started from; an
 *   event by its exact start and end. A cancelled or vanished event is no override (nothing to move).
 *   An applied move is judged only once the mirror has caught up with it: a sync finished after the
 *   write, and the mirror's etag is no longer the one the event had before the write.
 * - **Handing back.** An override handed back at time T is not detected again from evidence older than
 *   T; a later move or preview of it starts afresh.
 */
import type { CalendarEvent, Operation, TimeRangeSchema } from '@frontload/domain';
import { Temporal } from 'temporal-polyfill';
import type { Static } from 'typebox';

type TimeRange = Static<typeof TimeRangeSchema>;

type MoveOperation = Extract<Operation, { kind: 'moveSeries' | 'moveOccurrence' }>;
type FocusOperation = Extract<
  Operation,
  { kind: 'createFocusBlock' | 'updateFocusBlock' | 'deleteFocusBlock' }
>;

/** One operation from the ledger, as the intent model reads it. */
export interface Evidence {
  readonly op: MoveOperation | FocusOperation;
  /** Applied (Frontload wrote it) or only shown (a plan proposed it and it was not applied). */
  readonly applied: boolean;
  /** Epoch ms: when it was applied, or when the plan that showed it was made. */
  readonly at: number;
  /** The provider's id of the event the write produced (a created block's real id, a moved series' master). */
  readonly resultId?: string | undefined;
  /** The event's etag before the write and after it (applied operations). */
  readonly beforeEtag?: string | undefined;
  readonly afterEtag?: string | undefined;
}

export interface IntentInput {
  /** Epoch ms. */
  readonly now: number;
  /** When the connection's last sync finished (epoch ms), or null before the first. */
  readonly syncedAt: number | null;
  /** The mirror of the connection, around the horizon. */
  readonly events: readonly CalendarEvent[];
  /** The connection's operations, in any order. */
  readonly evidence: readonly Evidence[];
  /** Targets the user handed back, with when (epoch ms). */
  readonly releases: ReadonlyMap<string, number>;
  /** Targets already overridden (in force). */
  readonly active: ReadonlySet<string>;
}

/** A 1:1 the user moved themselves: left where it is until handed back. */
export interface DetectedOverride {
  readonly targetId: string;
  readonly targetKind: 'event' | 'series';
  readonly title: string;
  readonly counterpart: string | null;
  /** When Frontload last wrote or showed the slot the user moved it away from (epoch ms). */
  readonly evidenceAt: number;
}

export interface Intent {
  readonly deletedFocusBlocks: TimeRange[];
  readonly overrides: DetectedOverride[];
}

const sameRange = (event: CalendarEvent, range: TimeRange) =>
  Date.parse(event.start) === Date.parse(range.start) && Date.parse(event.end) === Date.parse(range.end);

const weekdayAndTime = (instant: string, zone: string) => {
  const local = Temporal.Instant.from(instant).toZonedDateTimeISO(zone);
  return `${local.dayOfWeek} ${local.hour}:${local.minute}`;
};

const live = (byId: ReadonlyMap<string, CalendarEvent>, id: string | undefined) => {
  const event = id === undefined ? undefined : byId.get(id);
  return event && event.status !== 'cancelled' ? event : undefined;
};

/** Newer evidence wins; at the same instant an applied operation wins over a shown one. */
const newer = (a: Evidence, b: Evidence | undefined) =>
  b === undefined || a.at > b.at || (a.at === b.at && a.applied && !b.applied);

function deletedFocusBlocks(input: IntentInput, byId: ReadonlyMap<string, CalendarEvent>): TimeRange[] {
  const blocks = new Map<string, Evidence & { slot: TimeRange }>();
  const deletedByUs = new Set<string>();
  for (const e of input.evidence) {
    if (!e.applied) continue;
    const { op } = e;
    if (op.kind === 'deleteFocusBlock') {
      deletedByUs.add(op.eventId);
      if (e.resultId) deletedByUs.add(e.resultId);
    } else if (op.kind === 'createFocusBlock' || op.kind === 'updateFocusBlock') {
      const id = op.kind === 'createFocusBlock' ? (e.resultId ?? op.eventId) : op.eventId;
      const known = blocks.get(id);
      if (newer(e, known)) blocks.set(id, { ...e, slot: op.after });
    }
  }
  const deleted: TimeRange[] = [];
  for (const [id, block] of blocks) {
    if (deletedByUs.has(id) || live(byId, id)) continue;
    // The mirror has not seen a sync since the block was written: its absence proves nothing yet.
    if (input.syncedAt === null || input.syncedAt < block.at) continue;
    if (Date.parse(block.slot.end) <= input.now) continue;
    deleted.push({ start: block.slot.start, end: block.slot.end });
  }
  return deleted.sort((a, b) => Date.parse(a.start) - Date.parse(b.start));
}

/** The target a move operation is about: the series (its master) or the event. */
function moveTarget(e: Evidence & { op: MoveOperation }): { id: string; kind: 'event' | 'series' } {
  const { op } = e;
  if (op.kind === 'moveSeries')
    return { id: (e.applied ? e.resultId : undefined) ?? op.seriesId, kind: 'series' };
  return { id: (e.applied ? e.resultId : undefined) ?? op.eventId, kind: 'event' };
}

/** Whether the mirror has caught up with an applied write to `current`. */
function caughtUp(input: IntentInput, e: Evidence, current: CalendarEvent): boolean {
  if (!e.applied) return true;
  if (input.syncedAt === null || input.syncedAt < e.at) return false;
  return current.etag === undefined || e.beforeEtag === undefined || current.etag !== e.beforeEtag;
}

/** Whether the user moved the target away from where Frontload last put it or saw it. */
function movedByUser(
  input: IntentInput,
  e: Evidence & { op: MoveOperation },
  target: CalendarEvent,
  byId: ReadonlyMap<string, CalendarEvent>,
): boolean {
  const { op } = e;
  if (!caughtUp(input, e, target)) return false;
  if (e.applied && e.afterEtag !== undefined && target.etag === e.afterEtag) return false;
  const expected = e.applied ? [op.after] : [op.before, op.after];
  if (op.kind === 'moveOccurrence') return !expected.some((slot) => sameRange(target, slot));
  const slots = new Set(expected.map((slot) => weekdayAndTime(slot.start, op.zone)));
  if (!slots.has(weekdayAndTime(target.start, op.zone))) return true;
  // A proposed series move also started from one occurrence: moving that one counts too.
  const occurrence = e.applied ? undefined : live(byId, op.eventId);
  return occurrence !== undefined && !expected.some((slot) => sameRange(occurrence, slot));
}

function overrides(input: IntentInput, byId: ReadonlyMap<string, CalendarEvent>): DetectedOverride[] {
  const latest = new Map<string, Evidence & { op: MoveOperation }>();
  for (const e of input.evidence) {
    if (e.op.kind !== 'moveSeries' && e.op.kind !== 'moveOccurrence') continue;
    const move = e as Evidence & { op: MoveOperation };
    const { id } = moveTarget(move);
    if (newer(move, latest.get(id))) latest.set(id, move);
  }
  const found: DetectedOverride[] = [];
  for (const [id, e] of latest) {
    if (input.active.has(id) || (input.releases.get(id) ?? -Infinity) >= e.at) continue;
    const target = live(byId, id);
    if (!target || !movedByUser(input, e, target, byId)) continue;
    found.push({
      targetId: id,
      targetKind: moveTarget(e).kind,
      title: target.title,
      counterpart: e.op.counterpart.toLowerCase(),
      evidenceAt: e.at,
    });
  }
  return found.sort((a, b) => a.targetId.localeCompare(b.targetId));
}

/** Deleted focus blocks and new overrides, from the ledger and the mirror (see the file comment). */
export function deriveIntent(input: IntentInput): Intent {
  const byId = new Map(input.events.map((event) => [event.id, event]));
  return { deletedFocusBlocks: deletedFocusBlocks(input, byId), overrides: overrides(input, byId) };
}
