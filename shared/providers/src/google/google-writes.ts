/**
 * Writes on Google (PROVIDERS.md §4): patch with `If-Match` preconditions (stale → 412 → `conflict`),
 * inserts with a client-chosen id (a 409 duplicate returns the existing event, so a retried create is
 * idempotent), occurrence cancel/restore by patching the instance's `status` (G-REC), deletes where
 * "already gone" counts as done.
 */
import type { calendar_v3 } from 'googleapis';
import type { CalendarEvent } from '@frontload/domain';
import type { CreateEventInput, MoveEventInput, OccurrenceFields } from '../calendar-provider.js';
import { ProviderError, isProviderError } from '../provider-error.js';
import type { GoogleRequestOptions } from './google-client.js';
import { googleEventId } from './google-event-id.js';
import { getGoogleEvent, mapGoogleOne, type GoogleContext } from './google-sync.js';
import { googleTagProperties } from './map-google-event.js';

function ifMatch(etag: string | undefined): GoogleRequestOptions {
  return etag ? { headers: { 'If-Match': etag } } : {};
}

/** Patches start and end (in `zone`), with `If-Match` when an etag is given. */
const RRULE_DAYS = ['MO', 'TU', 'WE', 'TH', 'FR', 'SA', 'SU'];

/** The series' RRULE lines with BYDAY set to one new weekday (other parts and EXDATE/RDATE lines kept). */
export function withWeekday(recurrence: readonly string[], isoWeekday: number): string[] {
  const day = RRULE_DAYS[isoWeekday - 1]!;
  return recurrence.map((line) =>
    line.startsWith('RRULE:') && /BYDAY=/.test(line) ? line.replace(/BYDAY=[^;]*/, `BYDAY=${day}`) : line,
  );
}

async function seriesRecurrence(ctx: GoogleContext, input: MoveEventInput): Promise<string[] | undefined> {
  if (input.seriesWeekday === undefined) return undefined;
  const current = await ctx.client.run('events.get', () =>
    ctx.client.calendar.events.get({ calendarId: ctx.calendarId, eventId: input.id }),
  );
  return current.recurrence ? withWeekday(current.recurrence, input.seriesWeekday) : undefined;
}

export async function moveGoogleEvent(ctx: GoogleContext, input: MoveEventInput): Promise<CalendarEvent> {
  const recurrence = await seriesRecurrence(ctx, input);
  const data = await ctx.client.run('events.patch', () =>
    ctx.client.calendar.events.patch(
      {
        calendarId: ctx.calendarId,
        eventId: input.id,
        // `all` sends one update per attendee; `none` for events with nobody to tell (§8 trap 13).
        sendUpdates: input.notifyAttendees ? 'all' : 'none',
        requestBody: {
          // The instant carries its offset; timeZone keeps recurring events anchored (G-CONC).
          start: { dateTime: input.start, timeZone: input.zone },
          end: { dateTime: input.end, timeZone: input.zone },
          ...(recurrence ? { recurrence } : {}),
        },
      },
      ifMatch(input.etag),
    ),
  );
  return mapGoogleOne(ctx, data);
}

/** The reply Google sends in the user's name when focus time declines an invitation by itself. */
export const FOCUS_DECLINE_MESSAGE =
  'Declined automatically: this is focus time. Reply to find another time.';

/** Google's `autoDeclineMode` values (PROVIDERS.md §4) for the user's choice. */
const AUTO_DECLINE_MODES = {
  none: 'declineNone',
  new: 'declineOnlyNewConflictingInvitations',
  all: 'declineAllConflictingInvitations',
} as const satisfies Record<NonNullable<CreateEventInput['autoDecline']>, string>;

/**
 * `focusTimeProperties` for the user's choice: declining nothing unless they asked for it, then with
 * our decline message; the Chat status they chose (`available` unless asked).
 */
export function focusTimeProperties(
  input: Pick<CreateEventInput, 'autoDecline' | 'chatStatus'>,
): calendar_v3.Schema$Event['focusTimeProperties'] {
  const mode = input.autoDecline ?? 'none';
  return {
    autoDeclineMode: AUTO_DECLINE_MODES[mode],
    ...(mode === 'none' ? {} : { declineMessage: FOCUS_DECLINE_MESSAGE }),
    chatStatus: input.chatStatus ?? 'available',
  };
}

function insertBody(input: CreateEventInput, focusTime: boolean): calendar_v3.Schema$Event {
  return {
    id: googleEventId(input.clientId),
    summary: input.title,
    start: { dateTime: input.start, timeZone: input.zone },
    end: { dateTime: input.end, timeZone: input.zone },
    transparency: 'opaque',
    extendedProperties: { private: googleTagProperties(input.tag) },
    ...(focusTime
      ? {
          eventType: 'focusTime',
          // Other people's invitations are declined on the user's behalf only when they chose so.
          focusTimeProperties: focusTimeProperties(input),
        }
      : {}),
  };
}

async function insert(ctx: GoogleContext, input: CreateEventInput, focusTime: boolean) {
  return ctx.client.run('events.insert', () =>
    ctx.client.calendar.events.insert({
      calendarId: ctx.calendarId,
      // Nobody is invited to a focus block; `none` avoids any mail.
      sendUpdates: 'none',
      requestBody: insertBody(input, focusTime),
    }),
  );
}

/** A refusal of the focusTime type itself: status events exist only "for some users" (G-STATUS). */
function focusTimeRefused(error: unknown): boolean {
  return isProviderError(error) && error.kind === 'permanent' && error.details.status === 400;
}

/**
 * Inserts with the id derived from `clientId`; focusTime when asked and allowed, else a busy event;
 * a duplicate id returns the existing event.
 */
export async function createGoogleEvent(ctx: GoogleContext, input: CreateEventInput): Promise<CalendarEvent> {
  try {
    try {
      return await mapGoogleOne(ctx, await insert(ctx, input, input.focusTime), input.zone);
    } catch (error) {
      if (!input.focusTime || !focusTimeRefused(error)) throw error;
      return await mapGoogleOne(ctx, await insert(ctx, input, false), input.zone);
    }
  } catch (error) {
    // 409 duplicate: this clientId was created before (a retried create) — return what exists.
    if (!isProviderError(error) || error.details.status !== 409) throw error;
    const existing = await getGoogleEvent(ctx, googleEventId(input.clientId));
    if (!existing) throw error; // the id is taken by a deleted event: a real conflict
    return existing;
  }
}

/**
 * Cancels one instance by setting its `status` to `cancelled` (G-REC) with `sendUpdates=all`. Google
 * has no cancellation comment, so `message` becomes the instance's description in the same patch: the
 * cancellation mail shows the event's details, and one call sends one mail per attendee. The
 * instance's status and description as they were are handed to `keep` before the patch, so an undo
 * can put them back (restoreGoogleOccurrence).
 */
export async function cancelGoogleOccurrence(
  ctx: GoogleContext,
  input: {
    id: string;
    etag?: string;
    message: string;
    keep?: (fields: OccurrenceFields) => Promise<void>;
  },
): Promise<void> {
  // Cancelling a master or a single event would cancel all of it: read first, refuse anything that is
  // not an instance (one extra GET per cancel; cancels are a handful a week).
  const target = await ctx.client.run('events.get', () =>
    ctx.client.calendar.events.get({ calendarId: ctx.calendarId, eventId: input.id }),
  );
  if (!target.recurringEventId) {
    throw new ProviderError(
      'permanent',
      'google',
      `Google event ${input.id} is not an occurrence; not cancelled`,
    );
  }
  await input.keep?.({
    status: target.status === 'tentative' ? 'tentative' : 'confirmed',
    description: target.description ?? null,
  });
  await ctx.client.run('events.patch', () =>
    ctx.client.calendar.events.patch(
      {
        calendarId: ctx.calendarId,
        eventId: input.id,
        sendUpdates: 'all',
        requestBody: { status: 'cancelled', description: input.message },
      },
      ifMatch(input.etag),
    ),
  );
}

/**
 * Undo of a cancel: the organizer's copy keeps the details, so the instance can be confirmed again,
 * with the status and description it had before the cancellation (`fields`; null clears the
 * description the cancellation message took). Without them only the status comes back.
 */
export async function restoreGoogleOccurrence(
  ctx: GoogleContext,
  input: { id: string; fields?: OccurrenceFields },
): Promise<CalendarEvent> {
  const fields = input.fields;
  const data = await ctx.client.run('events.patch', () =>
    ctx.client.calendar.events.patch({
      calendarId: ctx.calendarId,
      eventId: input.id,
      sendUpdates: 'all',
      requestBody: fields
        ? { status: fields.status, description: fields.description }
        : { status: 'confirmed' },
    }),
  );
  return mapGoogleOne(ctx, data);
}

/** Deletes (with `If-Match` when given); already gone counts as done. */
export async function deleteGoogleEvent(
  ctx: GoogleContext,
  input: { id: string; etag?: string },
): Promise<void> {
  try {
    await ctx.client.run('events.delete', () =>
      ctx.client.calendar.events.delete(
        { calendarId: ctx.calendarId, eventId: input.id, sendUpdates: 'all' },
        ifMatch(input.etag),
      ),
    );
  } catch (error) {
    // 404, and 410 `deleted` (G-ERR), both map to not_found: already gone is done.
    if (isProviderError(error) && error.kind === 'not_found') return;
    throw error;
  }
}
