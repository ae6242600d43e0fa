/**
 * The mirror of each connection's calendar (table `events`). It keeps what the planner needs and
 * follows one rule (ARCHITECTURE.md "Nothing is deleted on a guess"): a row goes away only on an
 * explicit tombstone, or when a completed full sync replaces the whole mirror at once.
 * Occurrences are keyed by (series, original start) whatever id the provider gives them.
 */
import type { CalendarEvent } from '@frontload/domain';
import type { Queryable } from '../database.js';

/** One change to apply, as the provider adapters report them (structurally `EventChange`). */
export type MirrorChange =
  | { type: 'upsert'; event: CalendarEvent }
  | { type: 'delete'; id: string; seriesId?: string; originalStart?: string };

/** What a batch of changes did; `relevant` counts changes that are neither no-ops nor our echoes. */
export interface MirrorApplyResult {
  upserted: number;
  deleted: number;
  relevant: number;
}

interface EventRow {
  provider_event_id: string;
  kind: CalendarEvent['kind'];
  series_id: string | null;
  original_start: Date | null;
  starts_at: Date;
  ends_at: Date;
  start_zone: string | null;
  all_day_start: string | null;
  all_day_end: string | null;
  status: CalendarEvent['status'];
  title: string;
  organizer_email: string | null;
  organizer_is_self: boolean;
  attendees: CalendarEvent['attendees'];
  transparency: CalendarEvent['transparency'];
  event_type: CalendarEvent['eventType'];
  recurrence: CalendarEvent['recurrence'] | null;
  our_tag: string | null;
  etag: string | null;
}

/** Rows are written in chunks so one statement never carries an unbounded JSON parameter. */
const CHUNK = 1_000;

const COLUMNS = `provider_event_id, kind, series_id, original_start, starts_at, ends_at, start_zone,
  all_day_start, all_day_end, status, title, organizer_email, organizer_is_self, attendees, transparency,
  event_type, recurrence, our_tag, etag`;

/** Dates as text: node-postgres would turn a `date` into a local-midnight Date. */
const SELECT_COLUMNS = COLUMNS.replace(
  'all_day_start, all_day_end',
  'all_day_start::text, all_day_end::text',
);

function toRecord(event: CalendarEvent) {
  return {
    provider_event_id: event.id,
    kind: event.kind,
    series_id: event.seriesId ?? null,
    original_start: event.originalStart ?? null,
    starts_at: event.start,
    ends_at: event.end,
    start_zone: event.zone,
    all_day_start: event.allDay?.startDate ?? null,
    all_day_end: event.allDay?.endDate ?? null,
    status: event.status,
    title: event.title,
    organizer_email: event.organizerEmail ?? null,
    organizer_is_self: event.organizerIsSelf,
    attendees: event.attendees,
    transparency: event.transparency,
    event_type: event.eventType,
    recurrence: event.recurrence ?? null,
    our_tag: event.tag?.kind ?? null,
    etag: event.etag ?? null,
  };
}

/** Reads a row back as the domain event the planner consumes. */
export function mirrorRowToEvent(row: EventRow): CalendarEvent {
  const iso = (value: Date | string) => new Date(value).toISOString();
  return {
    id: row.provider_event_id,
    kind: row.kind,
    ...(row.series_id === null ? {} : { seriesId: row.series_id }),
    ...(row.original_start === null ? {} : { originalStart: iso(row.original_start) }),
    ...(row.recurrence === null ? {} : { recurrence: row.recurrence }),
    title: row.title,
    start: iso(row.starts_at),
    end: iso(row.ends_at),
    zone: row.start_zone ?? 'UTC',
    ...(row.all_day_start !== null && row.all_day_end !== null
      ? { allDay: { startDate: String(row.all_day_start), endDate: String(row.all_day_end) } }
      : {}),
    status: row.status,
    attendees: row.attendees,
    organizerIsSelf: row.organizer_is_self,
    ...(row.organizer_email === null ? {} : { organizerEmail: row.organizer_email }),
    transparency: row.transparency,
    eventType: row.event_type,
    ...(row.our_tag === 'focusBlock' ? { tag: { kind: 'focusBlock' as const } } : {}),
    ...(row.etag === null ? {} : { etag: row.etag }),
  };
}

/** Inserts or updates rows from a JSON array of records (one round trip per chunk, both drivers). */
async function writeRows(db: Queryable, connectionId: string, events: readonly CalendarEvent[]) {
  for (let i = 0; i < events.length; i += CHUNK) {
    const records = events.slice(i, i + CHUNK).map(toRecord);
    await db.query(
      `insert into events (connection_id, ${COLUMNS})
       select $1, ${COLUMNS} from jsonb_to_recordset($2::jsonb) as r(
         provider_event_id text, kind text, series_id text, original_start timestamptz,
         starts_at timestamptz, ends_at timestamptz, start_zone text, all_day_start date, all_day_end date,
         status text, title text, organizer_email text, organizer_is_self boolean, attendees jsonb,
         transparency text, event_type text, recurrence jsonb, our_tag text, etag text)
       on conflict (connection_id, provider_event_id) do update set
         kind = excluded.kind, series_id = excluded.series_id, original_start = excluded.original_start,
         starts_at = excluded.starts_at, ends_at = excluded.ends_at, start_zone = excluded.start_zone,
         all_day_start = excluded.all_day_start, all_day_end = excluded.all_day_end,
         status = excluded.status, title = excluded.title, organizer_email = excluded.organizer_email,
         organizer_is_self = excluded.organizer_is_self, attendees = excluded.attendees,
         transparency = excluded.transparency, event_type = excluded.event_type,
         recurrence = excluded.recurrence, our_tag = excluded.our_tag, etag = excluded.etag,
         provider_updated_at = now()`,
      [connectionId, JSON.stringify(records)],
    );
  }
}

/**
 * A tombstone for one instance of a live series (Google's cancelled exception: `status: cancelled`
 * with the series and original start) hides a slot; it does not delete the series. It is kept as a
 * cancelled occurrence keyed by that slot, so the planner sees the slot as cancelled rather than
 * expanding it from the series. Its etag is fixed, so a repeated tombstone is not a change.
 */
const CANCELLED_SLOT_ETAG = 'frontload:cancelled-slot';

function cancelledSlot(change: Extract<MirrorChange, { type: 'delete' }>): CalendarEvent | undefined {
  if (change.seriesId === undefined || change.originalStart === undefined) return undefined;
  return {
    id: change.id,
    kind: 'occurrence',
    seriesId: change.seriesId,
    originalStart: change.originalStart,
    title: '',
    start: change.originalStart,
    end: change.originalStart,
    zone: 'UTC',
    status: 'cancelled',
    attendees: [],
    organizerIsSelf: false,
    transparency: 'free',
    eventType: 'default',
    etag: CANCELLED_SLOT_ETAG,
  };
}

/** Splits a batch into the events to write (upserts and cancelled slots) and the plain deletions. */
function partition(changes: readonly MirrorChange[]) {
  const writes: CalendarEvent[] = [];
  const deletes: Extract<MirrorChange, { type: 'delete' }>[] = [];
  for (const change of changes) {
    if (change.type === 'upsert') writes.push(change.event);
    else {
      const slot = cancelledSlot(change);
      if (slot) writes.push(slot);
      else deletes.push(change);
    }
  }
  return { writes: lastPerId(writes), deletes };
}

/** The last occurrence of each id wins: a page can carry an event twice (edited during paging). */
function lastPerId(events: readonly CalendarEvent[]): CalendarEvent[] {
  return [...new Map(events.map((event) => [event.id, event])).values()];
}

/**
 * An occurrence row under another id with the same (series, original start) is the same slot seen
 * before (an occurrence that became an exception, a provider that re-keyed it): it is replaced.
 */
async function dropSameSlot(db: Queryable, connectionId: string, events: readonly CalendarEvent[]) {
  const slots = events
    .filter((e) => e.kind === 'occurrence' && e.seriesId !== undefined && e.originalStart !== undefined)
    .map((e) => ({ id: e.id, series_id: e.seriesId, original_start: e.originalStart }));
  if (slots.length === 0) return;
  await db.query(
    `delete from events e using jsonb_to_recordset($2::jsonb) as s(id text, series_id text, original_start timestamptz)
     where e.connection_id = $1 and e.series_id = s.series_id and e.original_start = s.original_start
       and e.provider_event_id <> s.id`,
    [connectionId, JSON.stringify(slots)],
  );
}

async function knownEtags(db: Queryable, connectionId: string, ids: string[]) {
  const { rows } = await db.query<{ provider_event_id: string; etag: string | null }>(
    'select provider_event_id, etag from events where connection_id = $1 and provider_event_id = any($2)',
    [connectionId, ids],
  );
  return new Map(rows.map((row) => [row.provider_event_id, row.etag]));
}

/**
 * Whether an upsert changes anything the planner should react to. An event whose etag equals the
 * mirror's is unchanged: either a duplicate, or the echo of our own write (the operation ledger stores
 * the etag our write returned before the echo arrives — ARCHITECTURE.md "Echoes").
 */
function isRelevantUpsert(event: CalendarEvent, known: Map<string, string | null>): boolean {
  if (!known.has(event.id)) return true;
  const etag = known.get(event.id);
  return event.etag === undefined || etag === null || etag !== event.etag;
}

const mirrorWrites = (db: Queryable) => ({
  /**
   * Applies an incremental batch: upserts, and deletes on explicit tombstones only (a series' tombstone
   * also removes its occurrences). Run it inside a transaction to make the batch atomic.
   */
  async applyChanges(connectionId: string, changes: readonly MirrorChange[]): Promise<MirrorApplyResult> {
    const { writes, deletes } = partition(changes);
    const known = await knownEtags(
      db,
      connectionId,
      writes.map((e) => e.id),
    );
    const relevantUpserts = writes.filter((event) => isRelevantUpsert(event, known)).length;
    await dropSameSlot(db, connectionId, writes);
    await writeRows(db, connectionId, writes);
    let deleted = 0;
    if (deletes.length > 0) {
      // A series' tombstone also removes its occurrences: they cannot outlive it.
      const result = await db.query(
        `delete from events where connection_id = $1 and (provider_event_id = any($2) or series_id = any($2))`,
        [connectionId, deletes.map((d) => d.id)],
      );
      deleted = result.rowCount;
    }
    return { upserted: writes.length, deleted, relevant: relevantUpserts + deleted };
  },

  /**
   * Replaces a connection's whole mirror with the result of a completed full sync (plain tombstones in
   * a full listing only say "absent"). Call it inside a transaction: readers see the old mirror or
   * the new one, never a half-written one.
   */
  async replaceAll(connectionId: string, changes: readonly MirrorChange[]): Promise<MirrorApplyResult> {
    const { writes: latest } = partition(changes);
    const { rows } = await db.query<{ provider_event_id: string; etag: string | null }>(
      'select provider_event_id, etag from events where connection_id = $1',
      [connectionId],
    );
    const before = new Map(rows.map((row) => [row.provider_event_id, row.etag]));
    const changed = latest.filter((event) => isRelevantUpsert(event, before)).length;
    const kept = new Set(latest.map((event) => event.id));
    const removed = rows.filter((row) => !kept.has(row.provider_event_id)).length;
    await db.query('delete from events where connection_id = $1', [connectionId]);
    await writeRows(db, connectionId, latest);
    return { upserted: latest.length, deleted: removed, relevant: changed + removed };
  },
});

/** Reads for the planner and the operation ledger's echo bookkeeping. */
const mirrorReads = (db: Queryable) => ({
  /** Events overlapping [start, end), plus every series master that starts before `end`. */
  async eventsInWindow(connectionId: string, start: Date, end: Date): Promise<CalendarEvent[]> {
    const { rows } = await db.query<EventRow>(
      `select ${SELECT_COLUMNS} from events
       where connection_id = $1 and starts_at < $3 and (ends_at > $2 or kind = 'series')
       order by starts_at, provider_event_id`,
      [connectionId, start, end],
    );
    return rows.map(mirrorRowToEvent);
  },

  /** One event by its provider id. */
  async byId(connectionId: string, eventId: string): Promise<CalendarEvent | undefined> {
    const { rows } = await db.query<EventRow>(
      `select ${SELECT_COLUMNS} from events where connection_id = $1 and provider_event_id = $2`,
      [connectionId, eventId],
    );
    return rows[0] ? mirrorRowToEvent(rows[0]) : undefined;
  },

  /** Records the etag our own write returned, so its echo is recognised (the operation ledger calls it). */
  async recordOwnWrite(connectionId: string, event: CalendarEvent): Promise<void> {
    await writeRows(db, connectionId, [event]);
  },

  async count(connectionId: string): Promise<number> {
    const { rows } = await db.query<{ n: number }>(
      'select count(*)::int as n from events where connection_id = $1',
      [connectionId],
    );
    return rows[0]?.n ?? 0;
  },
});

/** The mirror of one user's calendars, per connection (see the file comment). */
export const mirrorRepository = (db: Queryable) => ({ ...mirrorWrites(db), ...mirrorReads(db) });

export type MirrorRepository = ReturnType<typeof mirrorRepository>;
