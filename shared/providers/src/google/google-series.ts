/**
 * Moving a series "this and following" on Google (PROVIDERS.md §4/§6, Google's recurring-events
 * guide): Google has no split call, so the old series' RRULE gets an UNTIL just before the first
 * moved occurrence (its past instances keep their times) and a new series with the same guests
 * continues it at the new time, inserted under an id we choose (a 409 duplicate returns what a
 * replay already created). Undo puts the old lines back and deletes the continuing series.
 */
import type { calendar_v3 } from 'googleapis';
import type { CalendarEvent } from '@frontload/domain';
import { Temporal } from 'temporal-polyfill';
import type { SeriesRule, SplitSeriesInput } from '../calendar-provider.js';
import { ProviderError, isProviderError } from '../provider-error.js';
import { googleEventId } from './google-event-id.js';
import { mapGoogleOne, type GoogleContext } from './google-sync.js';
import { deleteGoogleEvent, withWeekday } from './google-writes.js';

/** `20261123T095959Z`: an RRULE UNTIL in UTC, one second before `instant`. */
export function untilBefore(instant: string): string {
  const ms = Temporal.Instant.from(instant).epochMilliseconds - 1000;
  return new Date(ms)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
}

/** The series' lines ending just before `from`: every RRULE's COUNT or UNTIL replaced by that UNTIL. */
export function endedBefore(recurrence: readonly string[], from: string): string[] {
  const until = untilBefore(from);
  return recurrence.map((line) => {
    if (!line.startsWith('RRULE:')) return line;
    const parts = line
      .slice('RRULE:'.length)
      .split(';')
      .filter((part) => !/^(COUNT|UNTIL)=/i.test(part));
    return `RRULE:${[...parts, `UNTIL=${until}`].join(';')}`;
  });
}

/** The continuing series' lines: its RRULEs on the new weekday; EXDATE/RDATE name the old times, so they stay behind. */
export function continuedOn(recurrence: readonly string[], isoWeekday: number): string[] {
  return withWeekday(
    recurrence.filter((line) => line.startsWith('RRULE:')),
    isoWeekday,
  );
}

async function getRaw(ctx: GoogleContext, id: string): Promise<calendar_v3.Schema$Event> {
  return ctx.client.run('events.get', () =>
    ctx.client.calendar.events.get({ calendarId: ctx.calendarId, eventId: id }),
  );
}

function continuingBody(
  master: calendar_v3.Schema$Event,
  input: SplitSeriesInput,
  recurrence: string[],
): calendar_v3.Schema$Event {
  return {
    id: googleEventId(input.clientId),
    summary: master.summary ?? null,
    description: master.description ?? null,
    location: master.location ?? null,
    // The guests as they are; their answers to the old series do not carry over (Google asks again).
    attendees: (master.attendees ?? []).map((a) => ({
      email: a.email ?? null,
      ...(a.optional ? { optional: true } : {}),
      ...(a.resource ? { resource: true } : {}),
      ...(a.self ? { responseStatus: 'accepted' } : {}),
    })),
    ...(master.reminders ? { reminders: master.reminders } : {}),
    ...(master.transparency ? { transparency: master.transparency } : {}),
    ...(master.visibility ? { visibility: master.visibility } : {}),
    start: { dateTime: input.start, timeZone: input.zone },
    end: { dateTime: input.end, timeZone: input.zone },
    recurrence,
  };
}

/** Inserts the continuing series; a 409 duplicate means a replay already did: return that one. */
async function insertContinuing(ctx: GoogleContext, body: calendar_v3.Schema$Event) {
  try {
    return await ctx.client.run('events.insert', () =>
      ctx.client.calendar.events.insert({
        calendarId: ctx.calendarId,
        sendUpdates: 'all',
        requestBody: body,
      }),
    );
  } catch (error) {
    if (!isProviderError(error) || error.details.status !== 409) throw error;
    const existing = await getRaw(ctx, body.id!);
    if (existing.status === 'cancelled') throw error; // the id is spent by a deleted event
    return existing;
  }
}

export async function splitGoogleSeries(
  ctx: GoogleContext,
  input: SplitSeriesInput,
): Promise<{ ended: CalendarEvent; continuing: CalendarEvent }> {
  const master = await getRaw(ctx, input.id);
  if (!master.recurrence?.length) {
    throw new ProviderError('permanent', 'google', `Google event ${input.id} is not a series; not split`);
  }
  await input.keep?.(JSON.stringify(master.recurrence));
  const weekday = Temporal.Instant.from(input.start).toZonedDateTimeISO(input.zone).dayOfWeek;
  const continuing = await insertContinuing(
    ctx,
    continuingBody(master, input, continuedOn(master.recurrence, weekday)),
  );
  const ended = await ctx.client.run('events.patch', () =>
    ctx.client.calendar.events.patch({
      calendarId: ctx.calendarId,
      eventId: input.id,
      sendUpdates: 'all',
      requestBody: { recurrence: endedBefore(master.recurrence!, input.from) },
    }),
  );
  return {
    ended: await mapGoogleOne(ctx, ended),
    continuing: await mapGoogleOne(ctx, continuing, input.zone),
  };
}

export async function rejoinGoogleSeries(
  ctx: GoogleContext,
  input: { id: string; rule: SeriesRule; continuingId: string },
): Promise<CalendarEvent> {
  const recurrence = JSON.parse(input.rule) as string[];
  const master = await getRaw(ctx, input.id);
  const restored =
    JSON.stringify(master.recurrence ?? []) === input.rule
      ? master
      : await ctx.client.run('events.patch', () =>
          ctx.client.calendar.events.patch({
            calendarId: ctx.calendarId,
            eventId: input.id,
            sendUpdates: 'all',
            requestBody: { recurrence },
          }),
        );
  await deleteGoogleEvent(ctx, { id: googleEventId(input.continuingId) });
  return mapGoogleOne(ctx, restored);
}
