/**
 * `CalendarProvider` for Microsoft 365 through @microsoft/microsoft-graph-client. Reads and writes live
 * in graph-sync.ts and graph-writes.ts; this file wires them and holds free/busy, settings and
 * subscriptions (PROVIDERS.md §3, M-WEBHOOK, M-SUB).
 */
import type * as Graph from '@microsoft/microsoft-graph-types';
import type { CounterpartAvailability } from '@frontload/domain';
import type {
  CalendarProvider,
  CalendarSettings,
  ProviderSettings,
  PushChannel,
  TimeWindow,
  WatchInput,
} from '../calendar-provider.js';
import { rejoinGraphSeries, splitGraphSeries } from './graph-series.js';
import { ProviderError, isProviderError } from '../provider-error.js';
import { instantToWallTime, msToInstant } from '../provider-time.js';
import { createGraphClient, type GraphClient } from './graph-client.js';
import {
  GRAPH_SCHEDULE_BATCH,
  mapSchedule,
  mapWorkingHours,
  workingHoursZone,
  mergeAvailability,
  scheduleWindows,
} from './graph-schedule.js';
import { PREFER_UTC, getGraphEvent, listGraphChanges, type GraphContext } from './graph-sync.js';
import {
  cancelGraphOccurrence,
  createGraphEvent,
  deleteGraphEvent,
  moveGraphEvent,
  restoreGraphOccurrence,
} from './graph-writes.js';
import { graphZoneToIana } from './graph-zones.js';
import type { GraphMapContext } from './map-graph-event.js';

/** The safe subscription lifetime for Outlook events: 4,230 minutes (one doc version's maximum, M-SUB). */
export const GRAPH_MAX_SUBSCRIPTION_MINUTES = 4230;

function createContext(client: GraphClient, settings: ProviderSettings): GraphContext {
  let self: Promise<string | undefined> | undefined = settings.accountEmail
    ? Promise.resolve(settings.accountEmail)
    : undefined;
  const readSelf = () =>
    client
      .run('me.get', (c) => c.api('/me').select(['mail', 'userPrincipalName']).get() as Promise<Graph.User>)
      .then((me) => me.mail ?? me.userPrincipalName ?? undefined);
  return {
    client,
    calendarBase: settings.calendarId ? `/me/calendars/${encodeURIComponent(settings.calendarId)}` : '/me',
    async mapContext(): Promise<GraphMapContext> {
      self ??= readSelf().catch((error: unknown) => {
        self = undefined;
        throw error;
      });
      const selfEmail = await self;
      return { fallbackZone: 'UTC', ...(selfEmail ? { selfEmail } : {}) };
    },
  };
}

async function scheduleChunk(client: GraphClient, emails: string[], window: TimeWindow) {
  const body = await client.run(
    'calendar.getSchedule',
    (c) =>
      c
        .api('/me/calendar/getSchedule')
        .header('Prefer', PREFER_UTC)
        .post({
          schedules: emails,
          startTime: { dateTime: instantToWallTime(window.start, 'UTC'), timeZone: 'UTC' },
          endTime: { dateTime: instantToWallTime(window.end, 'UTC'), timeZone: 'UTC' },
          availabilityViewInterval: 30,
        }) as Promise<{ value?: Graph.ScheduleInformation[] }>,
  );
  return body.value ?? [];
}

/** Busy times and working hours; addresses Graph cannot resolve are left out (unknown is not free). */
async function graphFreeBusy(
  client: GraphClient,
  emails: string[],
  window: TimeWindow,
): Promise<CounterpartAvailability[]> {
  const parts = new Map<string, CounterpartAvailability[]>();
  for (let i = 0; i < emails.length; i += GRAPH_SCHEDULE_BATCH) {
    const batch = emails.slice(i, i + GRAPH_SCHEDULE_BATCH);
    for (const piece of scheduleWindows(window)) {
      for (const info of await scheduleChunk(client, batch, piece)) {
        const mapped = mapSchedule(info);
        // Report the address as asked: Graph may echo it in another case.
        const asked = batch.find((e) => e.toLowerCase() === mapped?.email.toLowerCase());
        if (!mapped || !asked) continue;
        parts.set(asked, [...(parts.get(asked) ?? []), { ...mapped, email: asked }]);
      }
    }
  }
  return emails.flatMap((email) => {
    const found = parts.get(email);
    return found ? [mergeAvailability(found)] : [];
  });
}

async function graphSettings(client: GraphClient): Promise<CalendarSettings> {
  const settings = await client.run(
    'mailboxSettings.get',
    (c) => c.api('/me/mailboxSettings').get() as Promise<Graph.MailboxSettings>,
  );
  const timeZone = graphZoneToIana(settings.timeZone);
  if (!timeZone) {
    throw new ProviderError(
      'permanent',
      'microsoft',
      `Unknown mailbox time zone ${settings.timeZone ?? '(none)'}`,
    );
  }
  const workingHours = mapWorkingHours(settings.workingHours);
  const hoursZone = workingHoursZone(settings.workingHours);
  return {
    timeZone,
    ...(workingHours ? { workingHours } : {}),
    ...(workingHours && hoursZone ? { workingHoursZone: hoursZone } : {}),
  };
}

function expiry(settings: ProviderSettings, ttlSeconds: number): string {
  const minutes = Math.min(ttlSeconds / 60, GRAPH_MAX_SUBSCRIPTION_MINUTES);
  return msToInstant(settings.now() + Math.floor(minutes * 60_000));
}

function toChannel(channelId: string, subscription: Graph.Subscription): PushChannel {
  const expiresAt = Date.parse(subscription.expirationDateTime ?? '');
  if (!subscription.id || Number.isNaN(expiresAt))
    throw new ProviderError('transient', 'microsoft', 'Graph subscription without id or expiration');
  return { channelId, resourceId: subscription.id, expiresAt };
}

async function graphWatch(
  client: GraphClient,
  settings: ProviderSettings,
  input: WatchInput,
): Promise<PushChannel> {
  const subscription = await client.run(
    'subscriptions.create',
    (c) =>
      c.api('/subscriptions').post({
        changeType: 'created,updated,deleted',
        notificationUrl: input.address,
        // Lifecycle events only exist if the URL is given at creation (M-LIFE).
        ...(input.lifecycleAddress ? { lifecycleNotificationUrl: input.lifecycleAddress } : {}),
        resource: 'me/events',
        expirationDateTime: expiry(settings, input.ttlSeconds),
        clientState: input.secret,
      }) as Promise<Graph.Subscription>,
  );
  return toChannel(input.channelId, subscription);
}

async function graphUnwatch(client: GraphClient, channel: { resourceId: string }): Promise<void> {
  try {
    await client.run(
      'subscriptions.delete',
      (c) => c.api(`/subscriptions/${encodeURIComponent(channel.resourceId)}`).delete() as Promise<unknown>,
    );
  } catch (error) {
    if (isProviderError(error) && error.kind === 'not_found') return; // expired or removed
    throw error;
  }
}

/** Creates the Microsoft adapter; `settings.calendarId` absent means the default calendar. */
export function createMicrosoftProvider(settings: ProviderSettings): CalendarProvider {
  const client = createGraphClient(settings);
  const ctx = createContext(client, settings);
  return {
    kind: 'microsoft',
    listChanges: (request) => listGraphChanges(ctx, request),
    getEvent: (id) => getGraphEvent(ctx, id),
    getSettings: () => graphSettings(client),
    freeBusy: (emails, window) => graphFreeBusy(client, emails, window),
    moveEvent: (input) => moveGraphEvent(ctx, input),
    createEvent: (input) => createGraphEvent(ctx, input),
    cancelOccurrence: (input) => cancelGraphOccurrence(ctx, input),
    restoreOccurrence: (input) => restoreGraphOccurrence(input),
    splitSeries: (input) => splitGraphSeries(ctx, input),
    rejoinSeries: (input) => rejoinGraphSeries(ctx, input),
    deleteEvent: (input) => deleteGraphEvent(ctx, input),
    watch: (input) => graphWatch(client, settings, input),
    /** A renewing PATCH also reauthorizes the subscription (M-LIFE); the ids stay the same. */
    async renewWatch(input) {
      const subscription = await client.run(
        'subscriptions.update',
        (c) =>
          c
            .api(`/subscriptions/${encodeURIComponent(input.resourceId)}`)
            .patch({ expirationDateTime: expiry(settings, input.ttlSeconds) }) as Promise<Graph.Subscription>,
      );
      return toChannel(input.channelId, subscription);
    },
    unwatch: (channel) => graphUnwatch(client, channel),
  };
}
