/**
 * Reads: `listChanges` over events.list sync tokens (PROVIDERS.md §2, G-SYNC) and single-event reads.
 * A full sync lists with `showDeleted` and `singleEvents=true`: Google expands every series into its
 * occurrences (each with `recurringEventId` and `originalStartTime`), which is what the planner
 * reasons about — a plain weekly instance is never listed with `singleEvents=false`, so that
 * listing would leave next week's 1:1s out of the mirror. It follows every `nextPageToken`, and takes the
 * `nextSyncToken` that only the last page carries. An incremental sync sends the same parameters with
 * `syncToken` and without the window (forbidden together, G-LIST). 410 → `cursor_expired` (googleError).
 */
import type { calendar_v3 } from 'googleapis';
import type { CalendarEvent } from '@frontload/domain';
import type { ChangeSet, EventChange, ListChangesRequest } from '../calendar-provider.js';
import { ProviderError, isProviderError } from '../provider-error.js';
import type { GoogleClient } from './google-client.js';
import { mapGoogleEvent, needsCalendarZone } from './map-google-event.js';

/** Google's maximum page size (G-LIST): fewer round trips on a full sync. */
const PAGE_SIZE = 2500;
/** A calendar cannot plausibly need more pages than this; a loop past it is a provider bug. */
const MAX_PAGES = 10_000;

/** What the Google read and write helpers share: the client, the calendar and its zone. */
export interface GoogleContext {
  client: GoogleClient;
  calendarId: string;
  /** The calendar's zone: learned from list responses, else read once from settings. */
  calendarZone(): Promise<string>;
  rememberZone(zone: string): void;
}

function pageParams(
  calendarId: string,
  request: ListChangesRequest,
  pageToken: string | undefined,
): calendar_v3.Params$Resource$Events$List {
  const common = {
    calendarId,
    showDeleted: true,
    singleEvents: true,
    maxResults: PAGE_SIZE,
    ...(pageToken ? { pageToken } : {}),
  };
  return request.cursor
    ? { ...common, syncToken: request.cursor }
    : { ...common, timeMin: request.window.start, timeMax: request.window.end };
}

/** One full or incremental listing, every page followed; see the file comment for the rules. */
export async function listGoogleChanges(ctx: GoogleContext, request: ListChangesRequest): Promise<ChangeSet> {
  const changes: EventChange[] = [];
  let pageToken: string | undefined;
  for (let page = 0; page < MAX_PAGES; page += 1) {
    const data = await ctx.client.run('events.list', () =>
      ctx.client.calendar.events.list(pageParams(ctx.calendarId, request, pageToken)),
    );
    if (data.timeZone) ctx.rememberZone(data.timeZone);
    const calendarZone = data.timeZone ?? (await ctx.calendarZone());
    for (const item of data.items ?? []) changes.push(mapGoogleEvent(item, { calendarZone }));
    pageToken = data.nextPageToken ?? undefined;
    if (pageToken) continue;
    if (!data.nextSyncToken) {
      // Never store a cursor we did not get: the next sync would be a silent full listing.
      throw new ProviderError('transient', 'google', 'Google returned a last page without nextSyncToken');
    }
    return { changes, nextCursor: data.nextSyncToken, full: request.cursor === undefined };
  }
  throw new ProviderError('permanent', 'google', `Google listing did not end after ${MAX_PAGES} pages`);
}

/** Maps an event read outside a listing (get, insert, patch), fetching the zone only when needed. */
export async function mapGoogleOne(
  ctx: GoogleContext,
  event: calendar_v3.Schema$Event,
  knownZone?: string,
): Promise<CalendarEvent> {
  const calendarZone = knownZone ?? (needsCalendarZone(event) ? await ctx.calendarZone() : 'UTC');
  const change = mapGoogleEvent(event, { calendarZone });
  if (change.type === 'upsert') return change.event;
  throw new ProviderError('not_found', 'google', `Google event ${change.id} is cancelled`, { status: 410 });
}

/** The event, or undefined when it is gone (404, 410 or cancelled). */
export async function getGoogleEvent(ctx: GoogleContext, id: string): Promise<CalendarEvent | undefined> {
  try {
    const data = await ctx.client.run('events.get', () =>
      ctx.client.calendar.events.get({ calendarId: ctx.calendarId, eventId: id }),
    );
    return await mapGoogleOne(ctx, data);
  } catch (error) {
    if (isProviderError(error) && error.kind === 'not_found') return undefined;
    throw error;
  }
}
