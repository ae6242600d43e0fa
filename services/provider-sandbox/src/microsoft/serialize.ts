/**
 * EventView → the Graph `event` JSON, with the property set and order of the documented POST /me/events
 * response (graph-docs-calendar-samples.json). Times come back in UTC unless `Prefer: outlook.timezone`
 * names another zone (PROVIDERS.md §6); all-day events stay midnight-to-midnight in whatever zone is shown.
 */
import type { EventView } from './model.js';
import { changeKeyOf } from './store.js';
import { formatGraphDateTime, isoInstant, windowsZone } from './time.js';

/** The zone responses are rendered in: IANA id for maths, `name` exactly as the client asked for it. */
export interface OutputZone {
  iana: string;
  name: string;
}

export const UTC_OUTPUT: OutputZone = { iana: 'UTC', name: 'UTC' };

const NEVER = '0001-01-01T00:00:00Z';

export function etagOf(view: EventView): string {
  return `W/"${changeKeyOf(view.id, view.version)}"`;
}

export function dateTimeTimeZone(
  ms: number,
  zone: OutputZone,
  floatingFrom?: string,
): { dateTime: string; timeZone: string } {
  return { dateTime: formatGraphDateTime(ms, floatingFrom ?? zone.iana), timeZone: zone.name };
}

function bodyPreview(content: string): string {
  return content
    .replace(/<[^>]*>/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, 255);
}

const escapeHtml = (text: string): string =>
  text.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c] ?? c);

/**
 * Graph returns bodies as HTML unless `Prefer: outlook.body-content-type="text"` asks for text; a text
 * body comes back wrapped the way the documented POST /me/events response shows it.
 */
function renderBody(
  body: EventView['fields']['body'],
  wanted: 'html' | 'text',
): { contentType: string; content: string } {
  if (wanted === body.contentType) return { ...body };
  if (wanted === 'text') return { contentType: 'text', content: bodyPreview(body.content) };
  const html =
    body.content === ''
      ? ''
      : `<html><head><meta http-equiv="Content-Type" content="text/html; charset=utf-8"></head><body>${escapeHtml(body.content)}</body></html>`;
  return { contentType: 'html', content: html };
}

function location(displayName: string): Record<string, unknown> {
  if (displayName === '') {
    return {
      displayName: '',
      locationType: 'default',
      uniqueIdType: 'unknown',
      address: {},
      coordinates: {},
    };
  }
  return { displayName, locationType: 'default', uniqueId: displayName, uniqueIdType: 'private' };
}

function timesOf(view: EventView, zone: OutputZone): Record<string, unknown> {
  const f = view.fields;
  const floating = f.isAllDay ? f.startZone : undefined;
  return {
    start: dateTimeTimeZone(f.startMs, zone, floating),
    end: dateTimeTimeZone(f.endMs, zone, f.isAllDay ? f.endZone : undefined),
  };
}

/** The outlookItem part: ids, version stamps, categories; transactionId only on what was POSTed. */
function identity(view: EventView): Record<string, unknown> {
  const changeKey = changeKeyOf(view.id, view.version);
  return {
    '@odata.etag': `W/"${changeKey}"`,
    id: view.id,
    createdDateTime: isoInstant(view.event.createdMs),
    lastModifiedDateTime: isoInstant(view.lastModifiedMs),
    changeKey,
    categories: [...view.fields.categories],
    transactionId: view.type === 'occurrence' || view.type === 'exception' ? null : view.event.transactionId,
  };
}

export function serializeEvent(
  view: EventView,
  zone: OutputZone,
  baseUrl: string,
  bodyType: 'html' | 'text' = 'html',
): Record<string, unknown> {
  const f = view.fields;
  const e = view.event;
  const occurrence = view.originalStartMs === null ? {} : { originalStart: isoInstant(view.originalStartMs) };
  return {
    ...identity(view),
    originalStartTimeZone: windowsZone(f.startZone),
    originalEndTimeZone: windowsZone(f.endZone),
    iCalUId: e.iCalUId,
    reminderMinutesBeforeStart: f.reminderMinutesBeforeStart,
    isReminderOn: f.isReminderOn,
    hasAttachments: false,
    subject: view.isCancelled && !e.isOrganizer ? `Canceled: ${f.subject}` : f.subject,
    bodyPreview: bodyPreview(f.body.content),
    importance: f.importance,
    sensitivity: f.sensitivity,
    isAllDay: f.isAllDay,
    isCancelled: view.isCancelled,
    isOrganizer: e.isOrganizer,
    responseRequested: f.responseRequested,
    seriesMasterId: view.seriesMasterId,
    showAs: view.isCancelled ? 'free' : f.showAs,
    type: view.type,
    webLink: `${baseUrl}/owa/?itemid=${encodeURIComponent(view.id)}&exvsurl=1&path=/calendar/item`,
    onlineMeetingUrl: null,
    isOnlineMeeting: f.isOnlineMeeting,
    onlineMeetingProvider: f.isOnlineMeeting ? 'teamsForBusiness' : 'unknown',
    allowNewTimeProposals: f.allowNewTimeProposals,
    occurrenceId:
      view.originalStartMs === null ? null : `OID.${e.id}.${isoInstant(view.originalStartMs).slice(0, 10)}`,
    isDraft: false,
    hideAttendees: f.hideAttendees,
    ...occurrence,
    responseStatus: {
      response: e.responseStatus.response,
      time: e.responseStatus.timeMs === null ? NEVER : isoInstant(e.responseStatus.timeMs),
    },
    body: renderBody(f.body, bodyType),
    ...timesOf(view, zone),
    location: location(f.location.displayName),
    locations: f.location.displayName === '' ? [] : [location(f.location.displayName)],
    recurrence: view.type === 'seriesMaster' ? e.recurrence : null,
    attendees: f.attendees.map((a) => ({
      type: a.type,
      status: { ...a.status },
      emailAddress: { ...a.emailAddress },
    })),
    organizer: { emailAddress: { ...e.organizer } },
    onlineMeeting: f.isOnlineMeeting ? { joinUrl: `${baseUrl}/meet/${e.iCalUId}` } : null,
  };
}

/** `@removed` tombstone as delta emits it: id only (PROVIDERS.md §2). */
export function removedItem(id: string): Record<string, unknown> {
  return { '@odata.type': '#microsoft.graph.event', id, '@removed': { reason: 'deleted' } };
}
