/** Stored events → Google Event resources as one calendar (the viewer) sees them. */
import type { Person, StoredEvent, When } from './model.js';
import { formatInZone, isoUtc } from './time.js';

export interface ViewContext {
  /** The calendar (account email) whose copy is shown. */
  calendar: string;
  /** Zone that dateTimes are written in (the `timeZone` parameter, else the calendar's zone). */
  zone: string;
  baseUrl: string;
  /** `maxAttendees`: longer guest lists shrink to the viewer alone, flagged `attendeesOmitted`. */
  maxAttendees?: number;
}

export type GoogleEventJson = Record<string, unknown>;

/** Google etags are quoted decimal strings; the version keeps two changes in one millisecond apart. */
export function etagOf(event: StoredEvent): string {
  return `"${event.updatedMs * 1000 + (event.version % 1000)}"`;
}

export function whenJson(when: When, zone: string): Record<string, string> {
  if (when.kind === 'date') return { date: when.date };
  return {
    dateTime: formatInZone(when.ms, zone),
    ...(when.timeZone === undefined ? {} : { timeZone: when.timeZone }),
  };
}

function person(p: Person, calendar: string): Record<string, unknown> {
  return {
    email: p.email,
    ...(p.displayName === undefined ? {} : { displayName: p.displayName }),
    ...(p.email === calendar ? { self: true } : {}),
  };
}

/**
 * PROVIDERS.md §2: a cancelled instance of a live series carries only id, recurringEventId and
 * originalStartTime; any other cancelled (deleted) event only its id.
 */
function tombstone(event: StoredEvent, view: ViewContext): GoogleEventJson {
  return {
    kind: 'calendar#event',
    etag: etagOf(event),
    id: event.id,
    status: 'cancelled',
    ...(event.recurringEventId === undefined ? {} : { recurringEventId: event.recurringEventId }),
    ...(event.originalStartTime === undefined
      ? {}
      : { originalStartTime: whenJson(event.originalStartTime, view.zone) }),
  };
}

export function isTombstoneFor(event: StoredEvent, calendar: string, members: readonly string[]): boolean {
  return event.deleted || event.status === 'cancelled' || !members.includes(calendar);
}

export function toGoogleEvent(
  event: StoredEvent,
  view: ViewContext,
  members: readonly string[],
): GoogleEventJson {
  if (isTombstoneFor(event, view.calendar, members)) return tombstone(event, view);
  const privateProps = event.privateProperties[view.calendar];
  const hasPrivate = privateProps !== undefined && Object.keys(privateProps).length > 0;
  const extended =
    hasPrivate || event.sharedProperties !== undefined
      ? {
          extendedProperties: {
            ...(hasPrivate ? { private: privateProps } : {}),
            ...(event.sharedProperties ? { shared: event.sharedProperties } : {}),
          },
        }
      : {};
  return {
    kind: 'calendar#event',
    etag: etagOf(event),
    id: event.id,
    status: event.status,
    htmlLink: `${view.baseUrl}/calendar/event?eid=${Buffer.from(`${event.id} ${event.calendarId}`).toString('base64url')}`,
    created: isoUtc(event.createdMs),
    updated: isoUtc(event.updatedMs),
    ...optionalText(event),
    creator: person(event.creator, view.calendar),
    organizer: person(event.organizer, view.calendar),
    start: whenJson(event.start, view.zone),
    end: whenJson(event.end, view.zone),
    ...(event.recurrence ? { recurrence: [...event.recurrence] } : {}),
    ...(event.recurringEventId === undefined ? {} : { recurringEventId: event.recurringEventId }),
    ...(event.originalStartTime ? { originalStartTime: whenJson(event.originalStartTime, view.zone) } : {}),
    ...(event.transparency ? { transparency: event.transparency } : {}),
    ...(event.visibility ? { visibility: event.visibility } : {}),
    iCalUID: event.iCalUID,
    sequence: event.sequence,
    ...attendeesView(event, view),
    ...guestFlags(event),
    ...extended,
    reminders: event.reminders ?? { useDefault: true },
    ...(event.source ? { source: event.source } : {}),
    eventType: event.eventType,
    ...(event.focusTimeProperties ? { focusTimeProperties: event.focusTimeProperties } : {}),
    ...(event.outOfOfficeProperties ? { outOfOfficeProperties: event.outOfOfficeProperties } : {}),
  };
}

function optionalText(event: StoredEvent) {
  return {
    ...(event.summary === undefined ? {} : { summary: event.summary }),
    ...(event.description === undefined ? {} : { description: event.description }),
    ...(event.location === undefined ? {} : { location: event.location }),
    ...(event.colorId === undefined ? {} : { colorId: event.colorId }),
  };
}

function guestFlags(event: StoredEvent) {
  return {
    ...(event.guestsCanModify ? { guestsCanModify: true } : {}),
    ...(event.guestsCanInviteOthers === false ? { guestsCanInviteOthers: false } : {}),
    ...(event.guestsCanSeeOtherGuests === false ? { guestsCanSeeOtherGuests: false } : {}),
    ...(event.anyoneCanAddSelf ? { anyoneCanAddSelf: true } : {}),
  };
}

/** PROVIDERS.md §8.9: with `maxAttendees` exceeded only the viewer is listed and attendeesOmitted is set. */
function attendeesView(event: StoredEvent, view: ViewContext) {
  const all = attendeesJson(event, view.calendar);
  if (all.length === 0) return {};
  if (view.maxAttendees === undefined || all.length <= view.maxAttendees) return { attendees: all };
  return { attendees: all.filter((a) => a.email === view.calendar), attendeesOmitted: true };
}

function attendeesJson(event: StoredEvent, calendar: string) {
  return (event.attendees ?? []).map((a) => ({
    email: a.email,
    ...(a.displayName === undefined ? {} : { displayName: a.displayName }),
    ...(a.email === event.organizer.email ? { organizer: true } : {}),
    ...(a.email === calendar ? { self: true } : {}),
    ...(a.resource ? { resource: true } : {}),
    ...(a.optional ? { optional: true } : {}),
    responseStatus: a.responseStatus,
    ...(a.comment === undefined ? {} : { comment: a.comment }),
    ...(a.additionalGuests ? { additionalGuests: a.additionalGuests } : {}),
  }));
}
