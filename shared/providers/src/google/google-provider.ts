/**
 * `CalendarProvider` for Google Calendar v3 through googleapis. Reads and writes live in google-sync.ts
 * and google-writes.ts; this file wires them and holds free/busy, settings and push channels.
 */
import { randomUUID } from 'node:crypto';
import type { CounterpartAvailability } from '@frontload/domain';
import type {
  CalendarProvider,
  CalendarSettings,
  ProviderSettings,
  PushChannel,
  TimeWindow,
  WatchInput,
} from '../calendar-provider.js';
import { ProviderError, isProviderError } from '../provider-error.js';
import { toUtcInstant } from '../provider-time.js';
import { createGoogleClient, type GoogleClient } from './google-client.js';
import { rejoinGoogleSeries, splitGoogleSeries } from './google-series.js';
import { getGoogleEvent, listGoogleChanges, type GoogleContext } from './google-sync.js';
import {
  cancelGoogleOccurrence,
  createGoogleEvent,
  deleteGoogleEvent,
  moveGoogleEvent,
  restoreGoogleOccurrence,
} from './google-writes.js';

/** freebusy.query accepts at most 50 calendars per request (`calendarExpansionMax`, G-FB). */
export const GOOGLE_FREEBUSY_BATCH = 50;

async function readZone(client: GoogleClient): Promise<string> {
  const data = await client.run('settings.get', () => client.calendar.settings.get({ setting: 'timezone' }));
  // Google's default is Etc/GMT when the user never set one (G-SET).
  return data.value ?? 'Etc/GMT';
}

function createContext(client: GoogleClient, calendarId: string): GoogleContext {
  let zone: Promise<string> | undefined;
  return {
    client,
    calendarId,
    calendarZone() {
      zone ??= readZone(client).catch((error: unknown) => {
        zone = undefined; // read it again next time
        throw error;
      });
      return zone;
    },
    rememberZone(value) {
      zone = Promise.resolve(value);
    },
  };
}

/**
 * Busy intervals per address, one request per 50 addresses. A calendar with `errors` (notFound,
 * groupTooBig…; reported inside a 200, G-FB) is left out: unknown is not free.
 */
async function googleFreeBusy(
  client: GoogleClient,
  emails: string[],
  window: TimeWindow,
): Promise<CounterpartAvailability[]> {
  const result: CounterpartAvailability[] = [];
  for (let i = 0; i < emails.length; i += GOOGLE_FREEBUSY_BATCH) {
    const batch = emails.slice(i, i + GOOGLE_FREEBUSY_BATCH);
    const data = await client.run('freebusy.query', () =>
      client.calendar.freebusy.query({
        requestBody: {
          timeMin: window.start,
          timeMax: window.end,
          timeZone: 'UTC',
          items: batch.map((id) => ({ id })),
        },
      }),
    );
    for (const email of batch) {
      const entry = data.calendars?.[email];
      if (!entry || (entry.errors && entry.errors.length > 0)) continue;
      const busy = (entry.busy ?? []).flatMap((b) =>
        b.start && b.end ? [{ start: toUtcInstant(b.start), end: toUtcInstant(b.end) }] : [],
      );
      result.push({ email, busy });
    }
  }
  return result;
}

async function googleWatch(
  client: GoogleClient,
  calendarId: string,
  input: WatchInput,
  channelId: string,
): Promise<PushChannel> {
  const data = await client.run('events.watch', () =>
    client.calendar.events.watch({
      calendarId,
      requestBody: {
        id: channelId,
        type: 'web_hook',
        address: input.address,
        // Echoed as X-Goog-Channel-Token on every message: the receiver verifies it (G-PUSH).
        token: input.secret,
        params: { ttl: String(input.ttlSeconds) },
      },
    }),
  );
  if (!data.resourceId || !data.expiration)
    throw new ProviderError('transient', 'google', 'Google watch answered without resourceId or expiration');
  return { channelId: data.id ?? channelId, resourceId: data.resourceId, expiresAt: Number(data.expiration) };
}

async function googleUnwatch(client: GoogleClient, channel: { channelId: string; resourceId: string }) {
  try {
    await client.run('channels.stop', () =>
      client.calendar.channels.stop({
        requestBody: { id: channel.channelId, resourceId: channel.resourceId },
      }),
    );
  } catch (error) {
    if (isProviderError(error) && error.kind === 'not_found') return; // expired or stopped already
    throw error;
  }
}

/** Creates the Google adapter. `settings.calendarId` defaults to `primary`. */
export function createGoogleProvider(settings: ProviderSettings): CalendarProvider {
  const client = createGoogleClient(settings);
  const calendarId = settings.calendarId ?? 'primary';
  const ctx = createContext(client, calendarId);
  return {
    kind: 'google',
    listChanges: (request) => listGoogleChanges(ctx, request),
    getEvent: (id) => getGoogleEvent(ctx, id),
    async getSettings(): Promise<CalendarSettings> {
      // Google has no working-hours API (G-SET): those come from the user's preferences.
      const timeZone = await readZone(client);
      ctx.rememberZone(timeZone);
      return { timeZone };
    },
    freeBusy: (emails, window) => googleFreeBusy(client, emails, window),
    moveEvent: (input) => moveGoogleEvent(ctx, input),
    createEvent: (input) => createGoogleEvent(ctx, input),
    cancelOccurrence: (input) => cancelGoogleOccurrence(ctx, input),
    restoreOccurrence: (input) => restoreGoogleOccurrence(ctx, input),
    splitSeries: (input) => splitGoogleSeries(ctx, input),
    rejoinSeries: (input) => rejoinGoogleSeries(ctx, input),
    deleteEvent: (input) => deleteGoogleEvent(ctx, input),
    watch: (input) => googleWatch(client, calendarId, input, input.channelId),
    /**
     * Channels cannot be extended (G-PUSH): open a new one (a fresh channel id — store the returned
     * one) and then stop the old `input.channelId`; both may fire during the overlap.
     */
    async renewWatch(input) {
      const renewed = await googleWatch(client, calendarId, input, randomUUID());
      await googleUnwatch(client, { channelId: input.channelId, resourceId: input.resourceId });
      return renewed;
    },
    unwatch: (channel) => googleUnwatch(client, channel),
  };
}
