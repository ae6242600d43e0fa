/**
 * Moving a series "this and following" over Graph: Graph has no split either, so the old series'
 * recurrence range ends on the day before the first moved occurrence (`endDate`, its past
 * occurrences keep their times) and a new series with the same attendees continues it at the new
 * time, POSTed with a `transactionId` derived from our client id (a replay returns the first one).
 * Undo PATCHes the old recurrence back and deletes the continuing series. Graph mails the attendees
 * on each: an update for the ended series, an invitation (undo: a cancellation) for the continuing one.
 */
import { Temporal } from 'temporal-polyfill';
import type { CalendarEvent } from '@frontload/domain';
import type { SeriesRule, SplitSeriesInput } from '../calendar-provider.js';
import { ProviderError } from '../provider-error.js';
import { instantToWallTime } from '../provider-time.js';
import { ianaToGraphZone } from './graph-zones.js';
import { PREFER_UTC, mapGraphOne, type GraphContext } from './graph-sync.js';
import { deleteGraphEvent } from './graph-writes.js';
import type { GraphDeltaItem } from './map-graph-event.js';

const GRAPH_DAYS = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'];
const eventPath = (id: string) => `/me/events/${encodeURIComponent(id)}`;

interface GraphRecurrence {
  pattern: { daysOfWeek?: string[]; [key: string]: unknown };
  range: { type?: string; startDate?: string; endDate?: string; [key: string]: unknown };
}

interface GraphMaster {
  subject?: string | null;
  body?: { contentType?: string; content?: string } | null;
  location?: unknown;
  attendees?: { emailAddress?: { address?: string; name?: string }; type?: string }[] | null;
  showAs?: string | null;
  sensitivity?: string | null;
  recurrence?: GraphRecurrence | null;
}

/** The transactionId of the series that continues a split one. */
export const continuingTransactionId = (clientId: string) => `frontload.series.${clientId}`;

const localDate = (instant: string, zone: string) =>
  Temporal.Instant.from(instant).toZonedDateTimeISO(zone).toPlainDate();

/** The old range ended on the day before `from` (an inclusive date in the series' zone). */
export function rangeEndedBefore(recurrence: GraphRecurrence, from: string, zone: string): GraphRecurrence {
  const endDate = localDate(from, zone).subtract({ days: 1 }).toString();
  const { numberOfOccurrences: _dropped, ...range } = recurrence.range;
  return { pattern: recurrence.pattern, range: { ...range, type: 'endDate', endDate } };
}

/** The continuing series' recurrence: the same pattern on the new weekday, from the new first date. */
export function continuedFrom(recurrence: GraphRecurrence, start: string, zone: string): GraphRecurrence {
  const first = Temporal.Instant.from(start).toZonedDateTimeISO(zone);
  return {
    pattern: { ...recurrence.pattern, daysOfWeek: [GRAPH_DAYS[first.dayOfWeek - 1]!] },
    range: { ...recurrence.range, startDate: first.toPlainDate().toString() },
  };
}

async function readMaster(ctx: GraphContext, id: string): Promise<GraphMaster> {
  return (await ctx.client.run('events.get', (client) =>
    client.api(eventPath(id)).select('subject,body,location,attendees,showAs,sensitivity,recurrence').get(),
  )) as GraphMaster;
}

async function patchRecurrence(ctx: GraphContext, id: string, recurrence: GraphRecurrence) {
  return ctx.client.run(
    'events.update',
    (client) =>
      client.api(eventPath(id)).header('Prefer', PREFER_UTC).patch({ recurrence }) as Promise<GraphDeltaItem>,
  );
}

export async function splitGraphSeries(
  ctx: GraphContext,
  input: SplitSeriesInput,
): Promise<{ ended: CalendarEvent; continuing: CalendarEvent }> {
  const master = await readMaster(ctx, input.id);
  const recurrence = master.recurrence;
  if (!recurrence?.pattern || !recurrence.range) {
    throw new ProviderError('permanent', 'microsoft', `Graph event ${input.id} is not a series; not split`);
  }
  await input.keep?.(JSON.stringify(recurrence));
  const wall = (instant: string) => ({
    dateTime: instantToWallTime(instant, input.zone),
    timeZone: ianaToGraphZone(input.zone),
  });
  const continuing = await ctx.client.run(
    'events.create',
    (client) =>
      client
        .api(`${ctx.calendarBase}/events`)
        .header('Prefer', PREFER_UTC)
        .post({
          subject: master.subject ?? '',
          ...(master.body ? { body: master.body } : {}),
          ...(master.location ? { location: master.location } : {}),
          attendees: (master.attendees ?? []).map((a) => ({
            emailAddress: a.emailAddress,
            type: a.type ?? 'required',
          })),
          ...(master.showAs ? { showAs: master.showAs } : {}),
          ...(master.sensitivity ? { sensitivity: master.sensitivity } : {}),
          start: wall(input.start),
          end: wall(input.end),
          recurrence: continuedFrom(recurrence, input.start, input.zone),
          transactionId: continuingTransactionId(input.clientId),
        }) as Promise<GraphDeltaItem>,
  );
  const ended = await patchRecurrence(ctx, input.id, rangeEndedBefore(recurrence, input.from, input.zone));
  return { ended: await mapGraphOne(ctx, ended), continuing: await mapGraphOne(ctx, continuing) };
}

export async function rejoinGraphSeries(
  ctx: GraphContext,
  input: { id: string; rule: SeriesRule; continuingId: string },
): Promise<CalendarEvent> {
  const master = await readMaster(ctx, input.id);
  const rule = JSON.parse(input.rule) as GraphRecurrence;
  const same = JSON.stringify(master.recurrence) === input.rule;
  const restored = same
    ? await ctx.client.run(
        'events.get',
        (client) =>
          client.api(eventPath(input.id)).header('Prefer', PREFER_UTC).get() as Promise<GraphDeltaItem>,
      )
    : await patchRecurrence(ctx, input.id, rule);
  await deleteGraphEvent(ctx, { id: input.continuingId });
  return mapGraphOne(ctx, restored);
}
