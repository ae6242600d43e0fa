/**
 * Pure mapping of a Calendar v3 `Event` resource to the domain `CalendarEvent`, or to an explicit
 * tombstone. Listing with `singleEvents=false` yields one-off events, recurring masters, exceptions
 * and cancelled instances (PROVIDERS.md §2, G-REC, G-LIST); occurrences are keyed by
 * (`recurringEventId`, `originalStartTime`), the one model the sync worker stores (§8 trap 5).
 */
import type { calendar_v3 } from 'googleapis';
import type { Attendee, CalendarEvent, FrontloadTag, Recurrence, ResponseStatus } from '@frontload/domain';
import type { EventChange } from '../calendar-provider.js';
import { startOfDayInstant, toUtcInstant } from '../provider-time.js';

type GoogleEvent = calendar_v3.Schema$Event;
type GoogleDateTime = calendar_v3.Schema$EventDateTime;

/**
 * Our tag lives in `extendedProperties.private` (this calendar's copy only, invisible to attendees;
 * G-EV, G-INV) under the key `frontload`, whose value is the tag kind (`focusBlock`). A plain string
 * keeps it usable in `privateExtendedProperty=frontload=focusBlock` list filters (G-LIST).
 */
export const GOOGLE_TAG_KEY = 'frontload';

export interface GoogleMapContext {
  /** The calendar's zone (`timeZone` of the list response, or the `timezone` setting): all-day events
   * are anchored in it (G-CONC), and it is the zone of events created without one. */
  calendarZone: string;
}

const responseStatuses: readonly ResponseStatus[] = ['needsAction', 'accepted', 'tentative', 'declined'];

const frequencies: Record<string, Recurrence['frequency']> = {
  DAILY: 'daily',
  WEEKLY: 'weekly',
  MONTHLY: 'monthly',
  YEARLY: 'yearly',
};

/** The private-property map for our tag, as written on create. */
export function googleTagProperties(tag: FrontloadTag): Record<string, string> {
  return { [GOOGLE_TAG_KEY]: tag.kind };
}

/** Reads our tag back; anything but a known kind is not ours. */
export function readGoogleTag(event: GoogleEvent): FrontloadTag | undefined {
  const value = event.extendedProperties?.private?.[GOOGLE_TAG_KEY];
  return value === 'focusBlock' ? { kind: 'focusBlock' } : undefined;
}

/** True when mapping this event needs the calendar zone (an all-day event or one without a zone). */
export function needsCalendarZone(event: GoogleEvent): boolean {
  return Boolean(event.start?.date) || !event.start?.timeZone;
}

/** An `EventDateTime` as a UTC instant: `dateTime` carries its offset, `date` is midnight in `zone`. */
export function googleInstant(value: GoogleDateTime | undefined, zone: string): string | undefined {
  if (value?.dateTime) return toUtcInstant(value.dateTime);
  if (value?.date) return startOfDayInstant(value.date, zone);
  return undefined;
}

/** First RRULE line → frequency and interval (enough for the planner's cadence maths). */
export function parseGoogleRecurrence(lines: readonly string[] | null | undefined): Recurrence | undefined {
  const rule = lines?.find((line) => line.toUpperCase().startsWith('RRULE:'));
  if (!rule) return undefined;
  const parts = new Map(
    rule
      .slice('RRULE:'.length)
      .split(';')
      .map((part) => part.split('=') as [string, string | undefined]),
  );
  const frequency = frequencies[(parts.get('FREQ') ?? '').toUpperCase()];
  if (!frequency) return undefined;
  const interval = Number(parts.get('INTERVAL') ?? '1');
  return { frequency, interval: Number.isInteger(interval) && interval >= 1 ? Math.min(interval, 366) : 1 };
}

function mapAttendees(attendees: GoogleEvent['attendees']): Attendee[] {
  const mapped: Attendee[] = [];
  for (const a of attendees ?? []) {
    if (!a.email) continue; // Google may list a resource or group without an address; nobody to count.
    const status = responseStatuses.find((s) => s === a.responseStatus) ?? 'needsAction';
    mapped.push({
      email: a.email,
      ...(a.displayName ? { name: a.displayName } : {}),
      responseStatus: status,
      ...(a.self ? { self: true } : {}),
      ...(a.organizer ? { organizer: true } : {}),
      ...(a.resource ? { resource: true } : {}),
      ...(a.optional ? { optional: true } : {}),
    });
  }
  return mapped;
}

function mapEventType(type: string | null | undefined): CalendarEvent['eventType'] {
  if (!type || type === 'default') return 'default';
  if (type === 'focusTime' || type === 'outOfOffice' || type === 'workingLocation') return type;
  return 'other'; // birthday, fromGmail and anything Google adds later
}

/** `cancelled` means deleted, or (on an instance) a hidden slot of a live series (G-EV). */
function tombstone(event: GoogleEvent, id: string, zone: string): EventChange {
  const originalStart = googleInstant(event.originalStartTime, zone);
  return {
    type: 'delete',
    id,
    ...(event.recurringEventId ? { seriesId: event.recurringEventId } : {}),
    ...(event.recurringEventId && originalStart ? { originalStart } : {}),
  };
}

function kindFields(
  event: GoogleEvent,
  zone: string,
): Pick<CalendarEvent, 'kind' | 'seriesId' | 'originalStart' | 'recurrence'> {
  if (event.recurringEventId) {
    const originalStart = googleInstant(event.originalStartTime, zone);
    return {
      kind: 'occurrence',
      seriesId: event.recurringEventId,
      ...(originalStart ? { originalStart } : {}),
    };
  }
  if (event.recurrence && event.recurrence.length > 0) {
    const recurrence = parseGoogleRecurrence(event.recurrence);
    return { kind: 'series', ...(recurrence ? { recurrence } : {}) };
  }
  return { kind: 'single' };
}

/**
 * Maps one event. Returns a `delete` for `status: cancelled` (deleted events and cancelled instances,
 * the latter with `seriesId` + `originalStart`); throws on an event without id or times, which only a
 * broken payload produces (a live event always has both).
 */
export function mapGoogleEvent(event: GoogleEvent, context: GoogleMapContext): EventChange {
  const id = event.id;
  if (!id) throw new TypeError('Google event without an id');
  // All-day events ignore `timeZone` and belong to the calendar's zone (PROVIDERS.md §6).
  const zone = event.start?.date ? context.calendarZone : (event.start?.timeZone ?? context.calendarZone);
  if (event.status === 'cancelled') return tombstone(event, id, zone);
  const start = googleInstant(event.start, context.calendarZone);
  const end = googleInstant(event.end, context.calendarZone);
  if (!start || !end) throw new TypeError(`Google event ${id} without start or end`);
  const tag = readGoogleTag(event);
  const mapped: CalendarEvent = {
    id,
    ...kindFields(event, zone),
    title: (event.summary ?? '').slice(0, 2000),
    start,
    end,
    zone,
    ...(event.start?.date && event.end?.date
      ? { allDay: { startDate: event.start.date, endDate: event.end.date } }
      : {}),
    status: event.status === 'tentative' ? 'tentative' : 'confirmed',
    attendees: mapAttendees(event.attendees),
    organizerIsSelf: event.organizer?.self === true,
    ...(event.organizer?.email ? { organizerEmail: event.organizer.email } : {}),
    transparency: event.transparency === 'transparent' ? 'free' : 'busy',
    eventType: mapEventType(event.eventType),
    ...(tag ? { tag } : {}),
    ...(event.etag ? { etag: event.etag } : {}),
  };
  return { type: 'upsert', event: mapped };
}
