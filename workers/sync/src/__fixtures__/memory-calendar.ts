/**
 * A small in-memory implementation of `CalendarProvider` for the sync worker's own tests (the real
 * adapters are exercised against the provider sandbox in tests/e2e). It keeps a change log so a
 * cursor means "changes after this sequence number", and can expire cursors, fail mid-listing and
 * revoke its grant, which is what the worker has to handle.
 */
import type { CalendarEvent } from '@frontload/domain';
import {
  ProviderError,
  type CalendarProvider,
  type EventChange,
  type PushChannel,
  type TokenSource,
  type WatchInput,
} from '@frontload/providers';

export class MemoryCalendar {
  readonly events = new Map<string, CalendarEvent>();
  log: { seq: number; change: EventChange }[] = [];
  seq = 0;
  private version = 0;
  cursorsExpired = false;
  failNextFullListing = false;
  calls: string[] = [];
  channels = new Map<string, PushChannel & { secret: string }>();
  timeZone = 'Europe/Berlin';

  /** The calendar's clock: a test that moves its own clock hands it in, so channel expiries follow it. */
  constructor(readonly nowMs: () => number = Date.now) {}

  put(event: Omit<CalendarEvent, 'etag'>): CalendarEvent {
    const stored = { ...event, etag: `"${++this.version}"` };
    this.events.set(event.id, stored);
    this.log.push({ seq: ++this.seq, change: { type: 'upsert', event: stored } });
    return stored;
  }

  remove(id: string): void {
    this.events.delete(id);
    this.log.push({ seq: ++this.seq, change: { type: 'delete', id } });
  }

  /** Re-announces an unchanged event (a duplicate, or the echo of a write whose etag we stored). */
  touch(id: string): void {
    const event = this.events.get(id)!;
    this.log.push({ seq: ++this.seq, change: { type: 'upsert', event } });
  }

  provider(tokens: TokenSource): CalendarProvider {
    return memoryProvider(this, tokens);
  }
}

/** The provider view of a memory calendar, as an adapter would be built for one connection. */
function memoryProvider(calendar: MemoryCalendar, tokens: TokenSource): CalendarProvider {
  const authorized = async (call: string) => {
    calendar.calls.push(call);
    await tokens.getAccessToken();
  };
  const unsupported = () => Promise.reject(new ProviderError('permanent', 'google', 'not in this fixture'));
  return {
    kind: 'google',
    async listChanges({ cursor }) {
      await authorized(cursor ? 'list:incremental' : 'list:full');
      if (cursor !== undefined) {
        if (calendar.cursorsExpired)
          throw new ProviderError('cursor_expired', 'google', 'gone', { status: 410 });
        const changes = calendar.log.filter((e) => e.seq > Number(cursor)).map((e) => e.change);
        return { changes, nextCursor: String(calendar.seq), full: false };
      }
      if (calendar.failNextFullListing) {
        calendar.failNextFullListing = false;
        throw new ProviderError('transient', 'google', 'page 3 failed', { status: 503 });
      }
      calendar.cursorsExpired = false;
      const changes = [...calendar.events.values()].map((event) => ({ type: 'upsert' as const, event }));
      return { changes, nextCursor: String(calendar.seq), full: true };
    },
    getEvent: async (id) => calendar.events.get(id),
    async getSettings() {
      await authorized('settings');
      return { timeZone: calendar.timeZone };
    },
    freeBusy: unsupported,
    moveEvent: unsupported,
    createEvent: unsupported,
    cancelOccurrence: unsupported,
    restoreOccurrence: unsupported,
    splitSeries: unsupported,
    rejoinSeries: unsupported,
    deleteEvent: unsupported,
    async watch(input: WatchInput) {
      await authorized('watch');
      const channel = {
        channelId: input.channelId,
        resourceId: 'res-1',
        expiresAt: calendar.nowMs() + input.ttlSeconds * 1000,
      };
      calendar.channels.set(input.channelId, { ...channel, secret: input.secret });
      return channel;
    },
    // Like Google: a new channel, then the renewed one (input.channelId) is stopped.
    async renewWatch(input) {
      const channel = await this.watch({ ...input, channelId: `${input.channelId}-r` });
      calendar.channels.delete(input.channelId);
      return channel;
    },
    async unwatch({ channelId }) {
      await authorized('unwatch');
      if (!calendar.channels.delete(channelId)) throw new ProviderError('not_found', 'google', 'no channel');
    },
  };
}

/** A timed event with defaults for the fields a test does not care about. */
export function timedEvent(
  id: string,
  startIso: string,
  overrides: Partial<CalendarEvent> = {},
): Omit<CalendarEvent, 'etag'> {
  const start = new Date(startIso);
  return {
    id,
    kind: 'single',
    title: id,
    start: start.toISOString(),
    end: new Date(start.getTime() + 30 * 60_000).toISOString(),
    zone: 'Europe/Berlin',
    status: 'confirmed',
    attendees: [],
    organizerIsSelf: true,
    transparency: 'busy',
    eventType: 'default',
    ...overrides,
  };
}
