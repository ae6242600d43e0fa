/**
 * The Google adapter against the provider sandbox over HTTP (STYLE rule 21 b/d): googleapis talks to a
 * wire-compatible Calendar v3, nothing is mocked.
 */
import { CalendarEventSchema, type CalendarEvent } from '@frontload/domain';
import { startSandbox, type RunningSandbox } from '@frontload/testing';
import { Value } from 'typebox/value';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CalendarProvider, ChangeSet, TimeWindow } from '../calendar-provider.js';
import { ProviderError } from '../provider-error.js';
import {
  connectSandboxUser,
  startPushReceiver,
  tokenSequence,
  type PushReceiver,
  type SandboxUser,
} from '../../test/sandbox-session.js';
import { createGoogleProvider } from './google-provider.js';
import { FOCUS_DECLINE_MESSAGE } from './google-writes.js';
import { parseGoogleNotification } from './parse-google-notification.js';

const DAY = 86_400_000;
/** A Monday 09:00 UTC a few weeks after the sandbox's "now", so every seeded event is in the future. */
const monday = (() => {
  const d = new Date(Date.now() + 14 * DAY);
  d.setUTCDate(d.getUTCDate() - ((d.getUTCDay() + 6) % 7));
  d.setUTCHours(9, 0, 0, 0);
  return d.getTime();
})();
const at = (days: number, hours = 0) => new Date(monday + days * DAY + hours * 3_600_000).toISOString();
const dateOf = (days: number) => at(days).slice(0, 10);
const window: TimeWindow = { start: at(-7), end: at(35) };

async function rejection(promise: Promise<unknown>): Promise<ProviderError> {
  const error: unknown = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof ProviderError)) throw new Error(`expected a ProviderError, got ${String(error)}`);
  return error;
}

interface LoggedRequest {
  method: string;
  route: string;
  status: number;
  emailsSent?: { to: string; kind: string }[];
}
const requests = (sandbox: RunningSandbox, accountId: string) =>
  sandbox.control<LoggedRequest[]>('GET', `/requests?accountId=${accountId}`);

const upserts = (set: ChangeSet) => set.changes.flatMap((c) => (c.type === 'upsert' ? [c.event] : []));
const byTitle = (set: ChangeSet, title: string) => upserts(set).find((e) => e.title === title);

describe('Google adapter against the sandbox', () => {
  let sandbox: RunningSandbox;
  let alex: SandboxUser;
  let bob: SandboxUser;
  let google: CalendarProvider;
  let full: ChangeSet;
  let cancelledInstance = '';

  beforeAll(async () => {
    sandbox = await startSandbox();
    alex = await connectSandboxUser(sandbox, {
      provider: 'google',
      email: 'alex@sandbox.test',
      name: 'Alex Rivera',
      timeZone: 'Europe/Berlin',
    });
    bob = await connectSandboxUser(sandbox, {
      provider: 'google',
      email: 'bob@sandbox.test',
      name: 'Bob Chen',
      timeZone: 'America/New_York',
    });
    google = createGoogleProvider(alex.settings);
    await sandbox.control('POST', `/accounts/${alex.accountId}/events`, {
      events: [
        {
          summary: 'Alex / Bob 1:1',
          start: { dateTime: at(1, 1), timeZone: 'Europe/Berlin' },
          end: { dateTime: at(1, 1.5), timeZone: 'Europe/Berlin' },
          attendees: [{ email: 'alex@sandbox.test' }, { email: 'bob@sandbox.test' }],
          recurrence: ['RRULE:FREQ=WEEKLY;INTERVAL=1'],
        },
        {
          summary: 'Planning',
          start: { dateTime: at(2, 3), timeZone: 'Europe/Berlin' },
          end: { dateTime: at(2, 4), timeZone: 'Europe/Berlin' },
          attendees: [{ email: 'alex@sandbox.test' }, { email: 'bob@sandbox.test' }],
        },
        {
          summary: 'Offsite',
          start: { date: dateOf(3) },
          end: { date: dateOf(5) },
          transparency: 'transparent',
        },
      ],
    });
    full = await google.listChanges({ window });
  });
  afterAll(async () => {
    await sandbox.close();
  });

  it('lists a full sync as domain events: expanded occurrences of a series, single, all-day', () => {
    expect(full.full).toBe(true);
    expect(full.nextCursor).not.toBe('');
    for (const event of upserts(full)) expect(Value.Errors(CalendarEventSchema, event)).toEqual([]);
    const first = byTitle(full, 'Alex / Bob 1:1');
    expect(first).toMatchObject({
      kind: 'occurrence',
      zone: 'Europe/Berlin',
      start: at(1, 1).replace('.000Z', 'Z'),
      originalStart: at(1, 1).replace('.000Z', 'Z'),
      organizerIsSelf: true,
      transparency: 'busy',
    });
    // Google expands the weekly series: every week of the window has its own occurrence.
    const occurrences = upserts(full).filter(
      (e) => e.seriesId !== undefined && e.seriesId === first?.seriesId,
    );
    expect(occurrences.length).toBeGreaterThan(1);
    expect(first?.attendees.find((a) => a.email === 'alex@sandbox.test')).toMatchObject({ self: true });
    expect(byTitle(full, 'Offsite')).toMatchObject({
      kind: 'single',
      allDay: { startDate: dateOf(3), endDate: dateOf(5) },
      transparency: 'free',
      zone: 'Europe/Berlin',
    });
  });

  it('sees an insert made by someone else on the next incremental sync', async () => {
    await sandbox.control('POST', `/accounts/${alex.accountId}/events`, {
      events: [
        {
          summary: 'Added later',
          start: { dateTime: at(4, 2), timeZone: 'UTC' },
          end: { dateTime: at(4, 3), timeZone: 'UTC' },
        },
      ],
    });
    const next = await google.listChanges({ cursor: full.nextCursor, window });
    expect(next.full).toBe(false);
    expect(upserts(next).map((e) => e.title)).toEqual(['Added later']);
    const before = (await requests(sandbox, alex.accountId)).length;
    const quiet = await google.listChanges({ cursor: next.nextCursor, window });
    expect(quiet.changes).toEqual([]);
    // Nothing new costs exactly one provider call (the benchmark counts this).
    expect((await requests(sandbox, alex.accountId)).length - before).toBe(1);
  });

  it('turns a dead sync token (410) into cursor_expired', async () => {
    const { nextCursor } = await google.listChanges({ window });
    await sandbox.control('POST', `/accounts/${alex.accountId}/invalidate-sync-tokens`);
    const error = await rejection(google.listChanges({ cursor: nextCursor, window }));
    expect(error.kind).toBe('cursor_expired');
    expect(error.details.status).toBe(410);
  });

  it('creates a tagged focusTime event once, however often the create is retried', async () => {
    const input = {
      clientId: 'focus-block-2026-w48-thu',
      title: 'Focus',
      start: at(3, 4),
      end: at(3, 6),
      zone: 'Europe/Berlin',
      tag: { kind: 'focusBlock' as const },
      focusTime: true,
    };
    const first = await google.createEvent(input);
    const second = await google.createEvent(input);
    expect(second.id).toBe(first.id);
    expect(first).toMatchObject({
      eventType: 'focusTime',
      tag: { kind: 'focusBlock' },
      transparency: 'busy',
    });
    const listed = upserts(await google.listChanges({ window })).filter((e) => e.id === first.id);
    expect(listed).toHaveLength(1);
    expect(listed[0]?.tag).toEqual({ kind: 'focusBlock' });
  });

  it('writes focus time with the auto-decline mode and chat status asked for, declining nothing by default', async () => {
    const raw = async (id: string) => {
      const response = await fetch(`${sandbox.url}/calendar/v3/calendars/primary/events/${id}`, {
        headers: { authorization: `Bearer ${alex.token}` },
      });
      return ((await response.json()) as { focusTimeProperties?: unknown }).focusTimeProperties;
    };
    const block = { title: 'Focus', zone: 'Europe/Berlin', tag: { kind: 'focusBlock' as const } };
    const plain = await google.createEvent({
      ...block,
      clientId: 'focus-default-mode',
      start: at(2, 6),
      end: at(2, 7),
      focusTime: true,
    });
    expect(await raw(plain.id)).toEqual({ autoDeclineMode: 'declineNone', chatStatus: 'available' });
    const declining = await google.createEvent({
      ...block,
      clientId: 'focus-declines-new',
      start: at(2, 7),
      end: at(2, 8),
      focusTime: true,
      autoDecline: 'new',
      chatStatus: 'doNotDisturb',
    });
    expect(await raw(declining.id)).toEqual({
      autoDeclineMode: 'declineOnlyNewConflictingInvitations',
      declineMessage: FOCUS_DECLINE_MESSAGE,
      chatStatus: 'doNotDisturb',
    });
    const all = await google.createEvent({
      ...block,
      clientId: 'focus-declines-all',
      start: at(2, 8),
      end: at(2, 9),
      focusTime: true,
      autoDecline: 'all',
    });
    expect(await raw(all.id)).toMatchObject({
      autoDeclineMode: 'declineAllConflictingInvitations',
      chatStatus: 'available',
    });
    expect(FOCUS_DECLINE_MESSAGE).toBe(
      'Declined automatically: this is focus time. Reply to find another time.',
    );
  });

  it('falls back to a busy tagged event where focus time is refused', async () => {
    const carol = await connectSandboxUser(sandbox, {
      provider: 'google',
      email: 'carol@sandbox.test',
      name: 'Carol',
      timeZone: 'UTC',
      focusTimeSupported: false,
    });
    const event = await createGoogleProvider(carol.settings).createEvent({
      clientId: 'carol-focus-1',
      title: 'Focus',
      start: at(2, 5),
      end: at(2, 7),
      zone: 'UTC',
      tag: { kind: 'focusBlock' },
      focusTime: true,
    });
    expect(event).toMatchObject({ eventType: 'default', tag: { kind: 'focusBlock' }, transparency: 'busy' });
  });

  it('moves with a fresh etag and refuses a stale one with conflict', async () => {
    const planning = byTitle(full, 'Planning') as CalendarEvent;
    const moved = await google.moveEvent({
      id: planning.id,
      start: at(1, 5),
      end: at(1, 6),
      zone: 'Europe/Berlin',
      etag: planning.etag,
      notifyAttendees: true,
    });
    expect(moved.start).toBe(at(1, 5).replace('.000Z', 'Z'));
    expect(moved.etag).not.toBe(planning.etag);
    const stale = await rejection(
      google.moveEvent({
        ...moved,
        id: planning.id,
        etag: planning.etag,
        zone: 'UTC',
        notifyAttendees: true,
      }),
    );
    expect(stale.kind).toBe('conflict');
    expect(stale.details.status).toBe(412);
  });

  it('cancels one occurrence: the next sync has a tombstone keyed by series and slot', async () => {
    const series = { id: (byTitle(full, 'Alex / Bob 1:1') as CalendarEvent).seriesId! };
    const response = await fetch(
      `${sandbox.url}/calendar/v3/calendars/primary/events/${series.id}/instances?timeMin=${encodeURIComponent(at(7))}&timeMax=${encodeURIComponent(at(14))}`,
      { headers: { authorization: `Bearer ${alex.token}` } },
    );
    const { items } = (await response.json()) as { items: { id: string; etag: string }[] };
    const instance = items[0];
    if (!instance) throw new Error('no instance in week 2');
    const before = await google.listChanges({ window });
    await google.cancelOccurrence({ id: instance.id, etag: instance.etag, message: 'Skipping this week' });
    const after = await google.listChanges({ cursor: before.nextCursor, window });
    expect(after.changes).toEqual([
      { type: 'delete', id: instance.id, seriesId: series.id, originalStart: at(8, 1).replace('.000Z', 'Z') },
    ]);
    const patch = (await requests(sandbox, alex.accountId)).findLast((r) => r.method === 'PATCH');
    expect(patch?.emailsSent).toContainEqual({
      to: 'bob@sandbox.test',
      kind: 'cancellation',
      message: 'Skipping this week',
    });
    cancelledInstance = instance.id;
  });

  it('refuses to cancel a whole series through cancelOccurrence', async () => {
    const series = { id: (byTitle(full, 'Alex / Bob 1:1') as CalendarEvent).seriesId! };
    const before = await google.listChanges({ window });
    const error = await rejection(google.cancelOccurrence({ id: series.id, message: 'no' }));
    expect(error.kind).toBe('permanent');
    expect((await google.listChanges({ cursor: before.nextCursor, window })).changes).toEqual([]);
  });

  // G-EV: organizer copies of cancelled events keep their details, so they can be undeleted.
  it('restores the cancelled occurrence', async () => {
    const restored = await google.restoreOccurrence({ id: cancelledInstance });
    expect(restored).toMatchObject({ kind: 'occurrence', status: 'confirmed' });
  });

  it('deletes, and deleting again is already done', async () => {
    const event = await google.createEvent({
      clientId: 'to-delete-1',
      title: 'Temp',
      start: at(4, 6),
      end: at(4, 7),
      zone: 'UTC',
      tag: { kind: 'focusBlock' },
      focusTime: false,
    });
    await google.deleteEvent({ id: event.id, etag: event.etag });
    await google.deleteEvent({ id: event.id });
    expect(await google.getEvent(event.id)).toBeUndefined();
  });

  it('reads free/busy for several people in one call and leaves unknown people out', async () => {
    const availability = await google.freeBusy(['bob@sandbox.test', 'nobody@elsewhere.test'], window);
    expect(availability.map((a) => a.email)).toEqual(['bob@sandbox.test']);
    expect(availability[0]?.busy.length).toBeGreaterThan(0);
    expect(availability[0]?.busy[0]?.start).toMatch(/Z$/);
  });

  it('asks free/busy for 50 calendars per request', async () => {
    const people = Array.from({ length: 51 }, (_, i) => `person${i}@elsewhere.test`);
    const before = (await requests(sandbox, alex.accountId)).length;
    await google.freeBusy([...people, 'bob@sandbox.test'], window);
    const calls = (await requests(sandbox, alex.accountId)).slice(before);
    expect(calls.map((c) => c.route)).toEqual(['POST /calendar/v3/freeBusy', 'POST /calendar/v3/freeBusy']);
  });

  it('reads the zone setting', async () => {
    expect(await google.getSettings()).toEqual({ timeZone: 'Europe/Berlin' });
    expect(await createGoogleProvider(bob.settings).getSettings()).toEqual({ timeZone: 'America/New_York' });
  });

  describe('push channels', () => {
    let receiver: PushReceiver;
    beforeAll(async () => {
      receiver = await startPushReceiver();
    });
    afterAll(async () => {
      await receiver.close();
    });

    it('watches (sync message with our token), renews with a new channel, and unwatches', async () => {
      const input = {
        channelId: 'chan-1',
        address: `${receiver.url}/push/google`,
        secret: 's3cret',
        ttlSeconds: 3600,
      };
      const channel = await google.watch(input);
      expect(channel).toMatchObject({ channelId: 'chan-1' });
      expect(channel.expiresAt).toBeGreaterThan(Date.now());
      await expect.poll(() => receiver.received.length).toBeGreaterThan(0);
      const parsed = parseGoogleNotification(receiver.received[0]?.headers ?? {});
      expect(parsed).toMatchObject({
        ok: true,
        notification: {
          channelId: 'chan-1',
          resourceState: 'sync',
          token: 's3cret',
          resourceId: channel.resourceId,
        },
      });
      const renewed = await google.renewWatch({ ...input, resourceId: channel.resourceId });
      expect(renewed.channelId).not.toBe('chan-1');
      await google.unwatch(renewed);
      await google.unwatch(renewed); // already stopped: done
    });
  });

  it('maps an injected 429 to rate_limited with the Retry-After delay', async () => {
    await sandbox.control('POST', '/faults', {
      provider: 'google',
      route: 'GET /calendar/v3/calendars/:calendarId/events',
      status: 429,
      count: 1,
      retryAfterSeconds: 7,
    });
    const error = await rejection(google.listChanges({ window }));
    expect(error.kind).toBe('rate_limited');
    expect(error.retryAfterMs).toBe(7000);
    expect(error.retryable).toBe(true);
  });

  it('maps a 503 and a request that outlives the timeout to transient', async () => {
    const route = 'GET /calendar/v3/users/me/settings/:setting';
    await sandbox.control('POST', '/faults', { provider: 'google', route, status: 503, count: 1 });
    expect((await rejection(google.getSettings())).kind).toBe('transient');
    await sandbox.control('POST', '/faults', { provider: 'google', route, latencyMs: 2000, count: 1 });
    const impatient = createGoogleProvider({ ...alex.settings, requestTimeoutMs: 200 });
    const error = await rejection(impatient.getSettings());
    expect(error.kind).toBe('transient');
    expect(error.details.status).toBeUndefined();
  });

  it('retries once with a new token after a 401, and reports auth_revoked if that fails too', async () => {
    const tokens = tokenSequence('ya29.expired', alex.token);
    const provider = createGoogleProvider({ ...alex.settings, tokens });
    expect((await provider.getSettings()).timeZone).toBe('Europe/Berlin');
    expect(tokens.invalidations).toBe(1);
    const dead = createGoogleProvider({ ...alex.settings, tokens: tokenSequence('ya29.expired') });
    expect((await rejection(dead.getSettings())).kind).toBe('auth_revoked');
  });
});
