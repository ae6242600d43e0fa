/**
 * Pure mapping of a Graph `event` (from calendarView/delta, GET or a write response) to the domain
 * `CalendarEvent`, or a tombstone for a delta `@removed` item (PROVIDERS.md §2, M-DELTA, M-EVENT).
 * Times are `dateTimeTimeZone` wall times with 7-digit fractions in a Windows or IANA zone; they become
 * UTC instants. Occurrences and exceptions are keyed by (`seriesMasterId`, `originalStart`) (§8 trap 5).
 */
import type * as Graph from '@microsoft/microsoft-graph-types';
import type { Attendee, CalendarEvent, FrontloadTag, Recurrence, ResponseStatus } from '@frontload/domain';
import type { EventChange } from '../calendar-provider.js';
import { startOfDayInstant, toUtcInstant, wallTimeToInstant } from '../provider-time.js';
import { graphZoneToIana } from './graph-zones.js';

/**
 * Our tag: a single-value extended property in the PS_PUBLIC_STRINGS-style "String {GUID} Name …" form
 * (M-EXT). The GUID is Frontload's own property-set id; the value is the tag kind (`focusBlock`).
 * Read it with `$expand=singleValueExtendedProperties($filter=id eq '<id>')`.
 */
export const GRAPH_TAG_PROPERTY_ID = 'String {6a1f3c52-7d4e-4f0b-9a38-2c5e8b1d4f70} Name frontload';

/** A delta item: an event, or `{ id, '@removed': { reason } }`. */
export type GraphDeltaItem = Graph.Event & {
  '@odata.etag'?: string;
  '@removed'?: { reason?: string };
};

export interface GraphMapContext {
  /** The mailbox owner's address, to mark their own attendee entry `self` (Graph has no such flag). */
  selfEmail?: string;
  /** Zone for events whose own zone is unknown (the mailbox zone, else UTC). */
  fallbackZone: string;
}

const responses: Record<string, ResponseStatus> = {
  accepted: 'accepted',
  organizer: 'accepted',
  tentativelyAccepted: 'tentative',
  declined: 'declined',
  none: 'needsAction',
  notResponded: 'needsAction',
};

const frequencies: Record<string, Recurrence['frequency']> = {
  daily: 'daily',
  weekly: 'weekly',
  absoluteMonthly: 'monthly',
  relativeMonthly: 'monthly',
  absoluteYearly: 'yearly',
  relativeYearly: 'yearly',
};

/** The extended-property array that tags an event as ours on create. */
export function graphTagProperties(tag: FrontloadTag): { id: string; value: string }[] {
  return [{ id: GRAPH_TAG_PROPERTY_ID, value: tag.kind }];
}

/**
 * The `transactionId` of an event we create: deterministic from the clientId (so Graph's dedupe of a
 * retried POST still works) and prefixed with the tag kind. Extended properties only come back when
 * `$expand`ed, which calendarView delta does not support (M-DELTA); `transactionId` is a plain event
 * property, so delta rounds still show which events are ours.
 */
export function graphTransactionId(tag: FrontloadTag, clientId: string): string {
  return `frontload.${tag.kind}.${clientId}`;
}

const TRANSACTION_TAG = /^frontload\.(focusBlock)\./;

/**
 * Reads our tag: the extended property where it was expanded (ids compare case-insensitively, as
 * Exchange does), else the `transactionId` prefix.
 */
export function readGraphTag(event: Graph.Event): FrontloadTag | undefined {
  const wanted = GRAPH_TAG_PROPERTY_ID.toLowerCase();
  const property = event.singleValueExtendedProperties?.find((p) => p.id?.toLowerCase() === wanted);
  if (property?.value === 'focusBlock') return { kind: 'focusBlock' };
  return TRANSACTION_TAG.test(event.transactionId ?? '') ? { kind: 'focusBlock' } : undefined;
}

/** A `dateTimeTimeZone` as a UTC instant (a wall time in its zone; unknown zone names fail loudly). */
export function graphInstant(value: Graph.DateTimeTimeZone | null | undefined): string | undefined {
  if (!value?.dateTime) return undefined;
  const zone = graphZoneToIana(value.timeZone ?? 'UTC');
  if (!zone) throw new TypeError(`Unknown Graph time zone ${value.timeZone ?? ''}`);
  // An explicit offset or Z (some payloads carry one) is an instant already.
  if (/(?:[zZ]|[+-]\d\d:\d\d)$/.test(value.dateTime)) return toUtcInstant(value.dateTime);
  return wallTimeToInstant(value.dateTime, zone);
}

/** Pattern type and interval (enough for the planner's cadence maths). */
export function parseGraphRecurrence(
  recurrence: Graph.PatternedRecurrence | null | undefined,
): Recurrence | undefined {
  const pattern = recurrence?.pattern;
  const frequency = pattern?.type ? frequencies[pattern.type] : undefined;
  if (!frequency) return undefined;
  const interval = pattern?.interval ?? 1;
  return { frequency, interval: Number.isInteger(interval) && interval >= 1 ? Math.min(interval, 366) : 1 };
}

function mapAttendees(event: Graph.Event, selfEmail: string | undefined): Attendee[] {
  const self = selfEmail?.toLowerCase();
  const organizer = event.organizer?.emailAddress?.address ?? undefined;
  const mapped: Attendee[] = [];
  for (const a of event.attendees ?? []) {
    const email = a.emailAddress?.address;
    if (!email) continue;
    const isOrganizer = organizer !== undefined && email.toLowerCase() === organizer.toLowerCase();
    const name = a.emailAddress?.name;
    mapped.push({
      email,
      ...(name && name !== email ? { name } : {}),
      responseStatus: isOrganizer ? 'accepted' : (responses[a.status?.response ?? 'none'] ?? 'needsAction'),
      ...(self !== undefined && email.toLowerCase() === self ? { self: true } : {}),
      ...(isOrganizer ? { organizer: true } : {}),
      ...(a.type === 'resource' ? { resource: true } : {}),
      ...(a.type === 'optional' ? { optional: true } : {}),
    });
  }
  // Graph leaves the organizer out of `attendees`; Google lists them. One model: add them, as Google does.
  if (organizer && mapped.length > 0 && !mapped.some((a) => a.organizer)) {
    const organizerIsSelf = event.isOrganizer === true || organizer.toLowerCase() === self;
    const name = event.organizer?.emailAddress?.name;
    mapped.push({
      email: organizer,
      ...(name && name !== organizer ? { name } : {}),
      responseStatus: 'accepted',
      organizer: true,
      ...(organizerIsSelf ? { self: true } : {}),
    });
  }
  return mapped;
}

function kindFields(
  event: Graph.Event,
): Pick<CalendarEvent, 'kind' | 'seriesId' | 'originalStart' | 'recurrence'> {
  if (event.type === 'occurrence' || event.type === 'exception') {
    return {
      kind: 'occurrence',
      ...(event.seriesMasterId ? { seriesId: event.seriesMasterId } : {}),
      ...(event.originalStart ? { originalStart: toUtcInstant(event.originalStart) } : {}),
    };
  }
  if (event.type === 'seriesMaster') {
    const recurrence = parseGraphRecurrence(event.recurrence);
    return { kind: 'series', ...(recurrence ? { recurrence } : {}) };
  }
  return { kind: 'single' };
}

/** All-day events are midnight to midnight in the zone they are shown in: keep the dates (§8 trap 6). */
function timeFields(event: Graph.Event, zone: string): Pick<CalendarEvent, 'start' | 'end' | 'allDay'> {
  if (event.isAllDay && event.start?.dateTime && event.end?.dateTime) {
    const startDate = event.start.dateTime.slice(0, 10);
    const endDate = event.end.dateTime.slice(0, 10);
    return {
      start: startOfDayInstant(startDate, zone),
      end: startOfDayInstant(endDate, zone),
      allDay: { startDate, endDate },
    };
  }
  const start = graphInstant(event.start);
  const end = graphInstant(event.end);
  if (!start || !end) throw new TypeError(`Graph event ${event.id ?? ''} without start or end`);
  return { start, end };
}

/** Maps one Graph event or delta item; `@removed` is the only tombstone (ARCHITECTURE "Contracts"). */
export function mapGraphEvent(item: GraphDeltaItem, context: GraphMapContext): EventChange {
  const id = item.id;
  if (!id) throw new TypeError('Graph event without an id');
  if (item['@removed']) return { type: 'delete', id };
  const zone = graphZoneToIana(item.originalStartTimeZone) ?? context.fallbackZone;
  const tag = readGraphTag(item);
  const organizerEmail = item.organizer?.emailAddress?.address;
  const etag = item['@odata.etag'] ?? (item.changeKey ? `W/"${item.changeKey}"` : undefined);
  const event: CalendarEvent = {
    id,
    ...kindFields(item),
    title: (item.subject ?? '').slice(0, 2000),
    ...timeFields(item, zone),
    zone,
    status: item.isCancelled ? 'cancelled' : 'confirmed',
    attendees: mapAttendees(item, context.selfEmail),
    organizerIsSelf: item.isOrganizer === true,
    ...(organizerEmail ? { organizerEmail } : {}),
    transparency: item.showAs === 'free' ? 'free' : 'busy',
    // Graph has no focus-time type (§8 trap 14); out of office is a showAs value.
    eventType: item.showAs === 'oof' ? 'outOfOffice' : 'default',
    ...(tag ? { tag } : {}),
    ...(etag ? { etag } : {}),
  };
  return { type: 'upsert', event };
}
