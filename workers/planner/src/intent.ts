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
 *   moved again until the user hands it back. A series counts by the weekday and local time (in the
 *   operation's zone) of its master, when the mirror keeps it, and of one occurrence: for a proposed
 *   move the occurrence the move started from, otherwise the next upcoming one (occurrences Frontload
 *   moved on their own count as events); an event counts by its exact start and end. A cancelled or
 *   vanished event is no override (nothing to move). A preview made right after one of Frontload's own
 *   moves from a mirror that still showed the old slot does not count (the move does).
 *   An applied move is judged only once the mirror has caught up with it: a sync (for a series, a full
 *   listing) finished after the write, and the mirror's etag is no longer the one from before it.
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
  /**
   * The provider's id of the event the write produced: a created block's real id, a moved series'
   * master, or for a split series the series that continues it (Frontload's from then on).
   */
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
  /** When its last full listing finished (epoch ms), or null while one is due (after a series move). */
  readonly fullSyncedAt: number | null;
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

const sameRange = (event: CalendarEvent | TimeRange, range: TimeRange) =>
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
  const written = e.applied ? e.resultId : undefined;
  return op.kind === 'moveSeries'
    ? { id: written ?? op.seriesId, kind: 'series' }
    : { id: written ?? op.eventId, kind: 'event' };
}

type Move = Evidence & { op: MoveOperation };

/**
 * Whether the mirror has caught up with an applied write. An event's own write is recorded in the
 * mirror at once and later syncs bring the user's changes; a series' occurrences come back only in a
 * full listing, so a series move counts once a full sync finished after it.
 */
function caughtUp(input: IntentInput, e: Move, master: CalendarEvent | undefined): boolean {
  if (!e.applied) return true;
  const synced = e.op.kind === 'moveSeries' ? input.fullSyncedAt : input.syncedAt;
  if (synced === null || synced < e.at) return false;
  return master?.etag === undefined || e.beforeEtag === undefined || master.etag !== e.beforeEtag;
}

interface SeriesView {
  /** The series master, when the mirror keeps it. */
  readonly master: CalendarEvent | undefined;
  /** The occurrence the move is judged by (see `referenceOccurrence`). */
  readonly occurrence: CalendarEvent | undefined;
}

/**
 * The series' occurrence that tells where it meets now: for a proposed move the occurrence it started
 * from while that is still ahead, otherwise the next upcoming one Frontload did not move or cancel on
 * its own.
 */
function referenceOccurrence(
  input: IntentInput,
  e: Move,
  seriesId: string,
  occurrences: ReadonlyMap<string, CalendarEvent[]>,
  handledAlone: ReadonlySet<string>,
  byId: ReadonlyMap<string, CalendarEvent>,
): CalendarEvent | undefined {
  if (!e.applied) {
    const own = live(byId, e.op.eventId);
    if (own && Date.parse(own.start) > input.now) return own;
  }
  return (occurrences.get(seriesId) ?? []).find(
    (o) => !handledAlone.has(o.id) && Date.parse(o.start) > input.now,
  );
}

/** Whether the user moved the target away from where Frontload last put it or saw it. */
function movedByUser(e: Move, event: CalendarEvent | undefined, series: SeriesView | undefined): boolean {
  const { op } = e;
  const expected = e.applied ? [op.after] : [op.before, op.after];
  if (op.kind === 'moveOccurrence') {
    if (!event || (e.applied && e.afterEtag !== undefined && event.etag === e.afterEtag)) return false;
    return !expected.some((slot) => sameRange(event, slot));
  }
  const slots = new Set(expected.map((slot) => weekdayAndTime(slot.start, op.zone)));
  return [series?.master, series?.occurrence].some(
    (x) => x !== undefined && !slots.has(weekdayAndTime(x.start, op.zone)),
  );
}

/**
 * The evidence that decides each target: the newest, except a preview made after one of Frontload's
 * own moves that still saw the event where it was before that move (its plan read a mirror that had
 * not caught up with the move; the move is what Frontload knows), unless the user handed the target
 * back after that move.
 */
function latestPerTarget(
  evidence: readonly Evidence[],
  releases: ReadonlyMap<string, number>,
): Map<string, Move> {
  const moves = evidence
    .filter((e): e is Move => e.op.kind === 'moveSeries' || e.op.kind === 'moveOccurrence')
    .sort((a, b) => a.at - b.at || Number(a.applied) - Number(b.applied));
  const latest = new Map<string, Move>();
  const lastApplied = new Map<string, Move>();
  for (const e of moves) {
    const { id } = moveTarget(e);
    const applied =
      lastApplied.get(id) ?? (e.op.kind === 'moveSeries' ? lastApplied.get(e.op.seriesId) : undefined);
    const stale =
      !e.applied &&
      applied !== undefined &&
      // Handed back since the move: the slot the preview saw is the user's, not a stale one.
      (releases.get(id) ?? -Infinity) < applied.at &&
      sameRange(e.op.before, applied.op.before) &&
      !sameRange(e.op.before, applied.op.after);
    if (stale) continue;
    latest.set(id, e);
    if (e.applied) lastApplied.set(id, e);
  }
  return latest;
}

function overrides(input: IntentInput, byId: ReadonlyMap<string, CalendarEvent>): DetectedOverride[] {
  const occurrences = new Map<string, CalendarEvent[]>();
  for (const event of [...input.events].sort((a, b) => Date.parse(a.start) - Date.parse(b.start))) {
    if (event.kind !== 'occurrence' || event.seriesId === undefined || event.status === 'cancelled') continue;
    occurrences.set(event.seriesId, [...(occurrences.get(event.seriesId) ?? []), event]);
  }
  // Occurrences Frontload moved on their own: they are judged as events, not as their series.
  const handledAlone = new Set(
    input.evidence.flatMap((e) => (e.applied && e.op.kind === 'moveOccurrence' ? [e.op.eventId] : [])),
  );
  const found: DetectedOverride[] = [];
  for (const [id, e] of latestPerTarget(input.evidence, input.releases)) {
    if (input.active.has(id) || (input.releases.get(id) ?? -Infinity) >= e.at) continue;
    const { kind } = moveTarget(e);
    const event = kind === 'event' ? live(byId, id) : undefined;
    const series: SeriesView | undefined =
      kind === 'series'
        ? {
            master: live(byId, id),
            occurrence: referenceOccurrence(input, e, id, occurrences, handledAlone, byId),
          }
        : undefined;
    if (!caughtUp(input, e, kind === 'event' ? event : series?.master)) continue;
    if (!movedByUser(e, event, series)) continue;
    found.push({
      targetId: id,
      targetKind: kind,
      title: (event ?? series?.master ?? series?.occurrence)?.title ?? '',
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
