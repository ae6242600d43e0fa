/**
 * Writes over Graph (PROVIDERS.md §4): sparse PATCH with `If-Match` (stale change key → 412 →
 * `conflict`), POST with `transactionId` (Graph's dedupe of retried creates, M-EVENT-SDK) and our tag
 * as a single-value extended property, `/cancel` with a comment, DELETE where already gone is done.
 */
import { Temporal } from 'temporal-polyfill';
import type { CalendarEvent } from '@frontload/domain';
import type { CreateEventInput, MoveEventInput } from '../calendar-provider.js';
import { ProviderError, isProviderError } from '../provider-error.js';
import { instantToWallTime } from '../provider-time.js';
import { ianaToGraphZone } from './graph-zones.js';
import { PREFER_UTC, mapGraphOne, type GraphContext } from './graph-sync.js';
import { graphTagProperties, graphTransactionId, type GraphDeltaItem } from './map-graph-event.js';

/** A `dateTimeTimeZone` in the event's own zone, so a moved series keeps its DST behaviour. */
function dateTimeTimeZone(instant: string, zone: string) {
  return { dateTime: instantToWallTime(instant, zone), timeZone: ianaToGraphZone(zone) };
}

const eventPath = (id: string) => `/me/events/${encodeURIComponent(id)}`;

/**
 * Graph has no `sendUpdates`: an organizer's change to a meeting always notifies its attendees, so
 * `notifyAttendees` cannot be honoured here (it only matters for events with nobody to tell anyway).
 */
const GRAPH_DAYS = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'];

interface GraphRecurrence {
  pattern?: { daysOfWeek?: string[]; [key: string]: unknown };
  range?: { startDate?: string; [key: string]: unknown };
}

/** A series master's recurrence moved to one new weekday, its range starting on the new first date. */
async function seriesRecurrence(
  ctx: GraphContext,
  input: MoveEventInput,
): Promise<GraphRecurrence | undefined> {
  if (input.seriesWeekday === undefined) return undefined;
  const current = (await ctx.client.run('events.get', (client) =>
    client.api(eventPath(input.id)).select('recurrence').get(),
  )) as {
    recurrence?: GraphRecurrence | null;
  };
  if (!current.recurrence?.pattern) return undefined;
  const startDate = Temporal.Instant.from(input.start)
    .toZonedDateTimeISO(input.zone)
    .toPlainDate()
    .toString();
  return {
    pattern: { ...current.recurrence.pattern, daysOfWeek: [GRAPH_DAYS[input.seriesWeekday - 1]!] },
    range: { ...current.recurrence.range, startDate },
  };
}

export async function moveGraphEvent(ctx: GraphContext, input: MoveEventInput): Promise<CalendarEvent> {
  const recurrence = await seriesRecurrence(ctx, input);
  const item = await ctx.client.run('events.update', (client) => {
    let request = client.api(eventPath(input.id)).header('Prefer', PREFER_UTC);
    if (input.etag) request = request.header('If-Match', input.etag);
    return request.patch({
      start: dateTimeTimeZone(input.start, input.zone),
      end: dateTimeTimeZone(input.end, input.zone),
      ...(recurrence ? { recurrence } : {}),
    }) as Promise<GraphDeltaItem>;
  });
  return mapGraphOne(ctx, item);
}

/** The Outlook category our focus blocks carry. */
export const FOCUS_CATEGORY = 'Focus time';

/**
 * Creates a busy, tagged event (Graph has no focus-time type, §8 trap 14); a focus block also gets the
 * "Focus time" category. The `transactionId` is derived from the clientId (see graphTransactionId), so
 * a retried POST returns the first event instead of a duplicate, and carries the tag kind where delta
 * rounds can see it. The tag is also set
 * as our extended property, the form documented for tagging (ARCHITECTURE "Contracts").
 */
export async function createGraphEvent(ctx: GraphContext, input: CreateEventInput): Promise<CalendarEvent> {
  const item = await ctx.client.run(
    'events.create',
    (client) =>
      client
        .api(`${ctx.calendarBase}/events`)
        .header('Prefer', PREFER_UTC)
        .post({
          subject: input.title,
          start: dateTimeTimeZone(input.start, input.zone),
          end: dateTimeTimeZone(input.end, input.zone),
          showAs: 'busy',
          // A focus block is a busy event; the category names it in Outlook (§8 trap 14).
          ...(input.focusTime ? { categories: [FOCUS_CATEGORY] } : {}),
          isReminderOn: false,
          transactionId: graphTransactionId(input.tag, input.clientId),
          singleValueExtendedProperties: graphTagProperties(input.tag),
        }) as Promise<GraphDeltaItem>,
  );
  return mapGraphOne(ctx, item);
}

/**
 * `POST /events/{occurrenceId}/cancel {comment}` (M-CANCEL): organizer only; the comment travels in
 * the cancellation mail. Graph documents no precondition for this action, so `etag` is not sent.
 */
export async function cancelGraphOccurrence(
  ctx: GraphContext,
  input: { id: string; etag?: string; message: string },
): Promise<void> {
  // Cancelling a series master cancels the whole series: read first and refuse anything that is not an
  // occurrence or exception (one extra GET per cancel; cancels are a handful a week).
  const target = await ctx.client.run(
    'events.get',
    (client) => client.api(eventPath(input.id)).select(['type']).get() as Promise<GraphDeltaItem>,
  );
  if (target.type !== 'occurrence' && target.type !== 'exception') {
    throw new ProviderError(
      'permanent',
      'microsoft',
      `Graph event ${input.id} is a ${target.type ?? 'non-recurring event'}, not an occurrence; not cancelled`,
    );
  }
  await ctx.client.run('events.cancel', (client) =>
    client.api(`${eventPath(input.id)}/cancel`).post({ comment: input.message }),
  );
}

/** Graph cannot un-cancel: a cancelled occurrence goes to Deleted Items and leaves the series (M-CANCEL). */
export function restoreGraphOccurrence(input: { id: string }): Promise<CalendarEvent> {
  return Promise.reject(
    new ProviderError(
      'permanent',
      'microsoft',
      `Microsoft Graph cannot restore the cancelled occurrence ${input.id}: a cancel is final there`,
    ),
  );
}

/** Deletes (with `If-Match` when given); already gone counts as done. */
export async function deleteGraphEvent(
  ctx: GraphContext,
  input: { id: string; etag?: string },
): Promise<void> {
  try {
    await ctx.client.run('events.delete', (client) => {
      const request = client.api(eventPath(input.id));
      return (input.etag ? request.header('If-Match', input.etag) : request).delete() as Promise<unknown>;
    });
  } catch (error) {
    if (isProviderError(error) && error.kind === 'not_found') return;
    throw error;
  }
}
