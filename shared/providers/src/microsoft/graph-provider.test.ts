/**
 * The Microsoft adapter against the provider sandbox over HTTP (STYLE rule 21 b/d): the real Graph
 * client talks to a wire-compatible Graph v1.0, nothing is mocked.
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
import { createMicrosoftProvider } from './graph-provider.js';
import { parseGraphNotification } from './parse-graph-notification.js';

const DAY = 86_400_000;
const monday = (() => {
  const d = new Date(Date.now() + 14 * DAY);
  d.setUTCDate(d.getUTCDate() - ((d.getUTCDay() + 6) % 7));
  d.setUTCHours(9, 0, 0, 0);
  return d.getTime();
})();
const at = (days: number, hours = 0) => new Date(monday + days * DAY + hours * 3_600_000).toISOString();
const utc = (iso: string) => ({ dateTime: iso.slice(0, 19), timeZone: 'UTC' });
const window: TimeWindow = { start: at(-7), end: at(35) };
const FILLER = 230; // more than one delta page (200 per page)

async function rejection(promise: Promise<unknown>): Promise<ProviderError> {
  const error: unknown = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof ProviderError)) throw new Error(`expected a ProviderError, got ${String(error)}`);
  return error;
}

const requests = (sandbox: RunningSandbox, accountId: string) =>
  sandbox.control<{ route: string; emailsSent?: { to: string; kind: string }[] }[]>(
    'GET',
    `/requests?accountId=${accountId}`,
  );

const upserts = (set: ChangeSet) => set.changes.flatMap((c) => (c.type === 'upsert' ? [c.event] : []));
const titled = (set: ChangeSet, title: string) => upserts(set).filter((e) => e.title === title);

describe('Microsoft adapter against the sandbox', () => {
  let sandbox: RunningSandbox;
  let maya: SandboxUser;
  let graph: CalendarProvider;
  let full: ChangeSet;

  beforeAll(async () => {
    sandbox = await startSandbox();
    maya = await connectSandboxUser(sandbox, {
      provider: 'microsoft',
      email: 'maya@contoso.test',
      name: 'Maya Patel',
      timeZone: 'Europe/London',
      workingHours: { days: [1, 2, 3, 4], start: '08:30', end: '16:30' },
    });
    await sandbox.createAccount({
      provider: 'microsoft',
      email: 'ravi@contoso.test',
      name: 'Ravi',
      timeZone: 'Asia/Kolkata',
    });
    graph = createMicrosoftProvider({ ...maya.settings, accountEmail: maya.email });
    const filler = Array.from({ length: FILLER }, (_, i) => ({
      subject: `Filler ${i}`,
      start: utc(at(i % 28, 10)),
      end: utc(at(i % 28, 10.25)),
      showAs: 'free',
    }));
    await sandbox.control('POST', `/accounts/${maya.accountId}/events`, {
      events: [
        {
          subject: 'Maya / Ravi 1:1',
          start: { dateTime: at(1, 1).slice(0, 19), timeZone: 'GMT Standard Time' },
          end: { dateTime: at(1, 1.5).slice(0, 19), timeZone: 'GMT Standard Time' },
          attendees: [{ emailAddress: { address: 'ravi@contoso.test', name: 'Ravi' }, type: 'required' }],
          recurrence: {
            pattern: {
              type: 'weekly',
              interval: 1,
              daysOfWeek: [
                new Date(at(1))
                  .toLocaleDateString('en-US', { weekday: 'long', timeZone: 'UTC' })
                  .toLowerCase(),
              ],
            },
            range: { type: 'noEnd', startDate: at(1).slice(0, 10) },
          },
        },
        {
          subject: 'Holiday',
          isAllDay: true,
          start: utc(`${at(3).slice(0, 10)}T00:00:00`),
          end: utc(`${at(4).slice(0, 10)}T00:00:00`),
          showAs: 'oof',
        },
        ...filler,
      ],
    });
    full = await graph.listChanges({ window });
  });
  afterAll(async () => {
    await sandbox.close();
  });

  it('lists a full round over several pages: occurrences keyed by series and slot, all-day dates', () => {
    expect(full.full).toBe(true);
    expect(full.nextCursor).toMatch(/\$deltatoken=/);
    expect(titled(full, 'Filler 0')).toHaveLength(1);
    expect(upserts(full).filter((e) => e.title.startsWith('Filler'))).toHaveLength(FILLER);
    for (const event of upserts(full)) expect(Value.Errors(CalendarEventSchema, event)).toEqual([]);
    const occurrences = titled(full, 'Maya / Ravi 1:1');
    expect(occurrences.length).toBeGreaterThanOrEqual(5);
    expect(occurrences[0]).toMatchObject({
      kind: 'occurrence',
      organizerIsSelf: true,
      zone: 'Europe/London',
    });
    expect(occurrences[0]?.seriesId).toBeTruthy();
    expect(occurrences.map((o) => o.originalStart)).toContain(at(8, 1).replace('.000Z', 'Z'));
    // Names as Graph gives them (emailAddress.name), for the page and the reasons to use.
    expect(occurrences[0]?.attendees).toEqual([
      { email: 'ravi@contoso.test', name: 'Ravi', responseStatus: 'needsAction' },
      {
        email: 'maya@contoso.test',
        name: 'Maya Patel',
        responseStatus: 'accepted',
        organizer: true,
        self: true,
      },
    ]);
    expect(titled(full, 'Holiday')[0]).toMatchObject({
      allDay: { startDate: at(3).slice(0, 10), endDate: at(4).slice(0, 10) },
      eventType: 'outOfOffice',
    });
    expect(titled(full, 'Filler 1')[0]?.transparency).toBe('free');
  });

  it('sees an insert on the next incremental round, then nothing', async () => {
    await sandbox.control('POST', `/accounts/${maya.accountId}/events`, {
      events: [{ subject: 'Added later', start: utc(at(2, 6)), end: utc(at(2, 7)) }],
    });
    const next = await graph.listChanges({ cursor: full.nextCursor, window });
    expect(next.full).toBe(false);
    expect(upserts(next).map((e) => e.title)).toEqual(['Added later']);
    const before = (await requests(sandbox, maya.accountId)).length;
    expect((await graph.listChanges({ cursor: next.nextCursor, window })).changes).toEqual([]);
    // Nothing new costs exactly one provider call (the benchmark counts this).
    expect((await requests(sandbox, maya.accountId)).length - before).toBe(1);
  });

  it('turns 410 SyncStateNotFound into cursor_expired', async () => {
    const { nextCursor } = await graph.listChanges({ window });
    await sandbox.control('POST', `/accounts/${maya.accountId}/invalidate-sync-tokens`);
    const error = await rejection(graph.listChanges({ cursor: nextCursor, window }));
    expect(error).toMatchObject({
      kind: 'cursor_expired',
      details: { status: 410, reason: 'SyncStateNotFound' },
    });
  });

  it('creates once per transactionId, tagged, and reads the tag back', async () => {
    const input = {
      clientId: 'focus-block-w48-thu',
      title: 'Focus',
      start: at(3, 5),
      end: at(3, 7),
      zone: 'Europe/London',
      tag: { kind: 'focusBlock' as const },
      focusTime: true,
    };
    const first = await graph.createEvent(input);
    const second = await graph.createEvent(input);
    expect(second.id).toBe(first.id);
    expect(first).toMatchObject({
      transparency: 'busy',
      tag: { kind: 'focusBlock' },
      start: at(3, 5).replace('.000Z', 'Z'),
    });
    // Delta cannot $expand extended properties; the tag still shows through the transactionId.
    const listed = upserts(await graph.listChanges({ window })).filter((e) => e.id === first.id);
    expect(listed).toMatchObject([{ tag: { kind: 'focusBlock' } }]);
    expect(await graph.getEvent(first.id)).toMatchObject({
      tag: { kind: 'focusBlock' },
      zone: 'Europe/London',
    });
  });

  it('writes a focus block as busy with the "Focus time" category, and other events without it', async () => {
    const raw = async (id: string) => {
      const response = await fetch(`${sandbox.url}/v1.0/me/events/${id}`, {
        headers: { authorization: `Bearer ${maya.token}` },
      });
      return (await response.json()) as { showAs?: string; categories?: string[] };
    };
    const block = await graph.createEvent({
      clientId: 'focus-category',
      title: 'Focus',
      start: at(2, 5),
      end: at(2, 7),
      zone: 'Europe/London',
      tag: { kind: 'focusBlock' },
      focusTime: true,
    });
    expect(await raw(block.id)).toMatchObject({ showAs: 'busy', categories: ['Focus time'] });
    const other = await graph.createEvent({
      clientId: 'not-focus',
      title: 'Hold',
      start: at(2, 8),
      end: at(2, 9),
      zone: 'Europe/London',
      tag: { kind: 'focusBlock' },
      focusTime: false,
    });
    expect(await raw(other.id)).toMatchObject({ showAs: 'busy', categories: [] });
  });

  it('moves an event in its zone and maps a 412 to conflict', async () => {
    const added = await graph.createEvent({
      clientId: 'move-me',
      title: 'Move me',
      start: at(2, 1),
      end: at(2, 2),
      zone: 'Europe/London',
      tag: { kind: 'focusBlock' },
      focusTime: false,
    });
    const moved = await graph.moveEvent({
      id: added.id,
      start: at(2, 3),
      end: at(2, 4),
      zone: 'Europe/London',
      etag: added.etag,
      notifyAttendees: false,
    });
    expect(moved.start).toBe(at(2, 3).replace('.000Z', 'Z'));
    expect(moved.etag).not.toBe(added.etag);
    // The sandbox ignores If-Match on PATCH (reported), so the 412 Graph answers is injected here.
    await sandbox.control('POST', '/faults', {
      provider: 'microsoft',
      route: 'PATCH /v1.0/me/events/:id',
      status: 412,
      count: 1,
    });
    const stale = await rejection(
      graph.moveEvent({
        id: added.id,
        start: at(2, 5),
        end: at(2, 6),
        zone: 'UTC',
        etag: added.etag,
        notifyAttendees: false,
      }),
    );
    expect(stale.kind).toBe('conflict');
  });

  it('cancels one occurrence with a message; restoring is refused as permanent', async () => {
    const occurrence = titled(full, 'Maya / Ravi 1:1').find(
      (o) => o.originalStart === at(8, 1).replace('.000Z', 'Z'),
    ) as CalendarEvent;
    const before = await graph.listChanges({ window });
    await graph.cancelOccurrence({ id: occurrence.id, message: 'Skipping this week, see you next Tuesday' });
    const after = await graph.listChanges({ cursor: before.nextCursor, window });
    expect(after.changes).toEqual([{ type: 'delete', id: occurrence.id }]);
    const others = upserts(await graph.listChanges({ window })).filter(
      (e) => e.seriesId === occurrence.seriesId,
    );
    expect(others.length).toBeGreaterThan(0);
    const cancel = (await requests(sandbox, maya.accountId)).findLast((r) => r.route.endsWith('/cancel'));
    expect(cancel?.emailsSent).toContainEqual({
      to: 'ravi@contoso.test',
      kind: 'cancellation',
      message: 'Skipping this week, see you next Tuesday',
    });
    const error = await rejection(graph.restoreOccurrence({ id: occurrence.id }));
    expect(error.kind).toBe('permanent');
    const master = await rejection(graph.cancelOccurrence({ id: occurrence.seriesId ?? '', message: 'no' }));
    expect(master.kind).toBe('permanent');
    expect(
      upserts(await graph.listChanges({ window })).filter((e) => e.seriesId === occurrence.seriesId),
    ).toEqual(others);
  });

  it('asks getSchedule for at most 20 people and under 42 days per call', async () => {
    const people = Array.from({ length: 21 }, (_, i) => `p${i}@contoso.test`);
    const before = (await requests(sandbox, maya.accountId)).length;
    const result = await graph.freeBusy(people, { start: at(0), end: at(42) });
    const calls = (await requests(sandbox, maya.accountId)).slice(before);
    expect(calls.map((c) => c.route)).toEqual(Array(4).fill('POST /v1.0/me/calendar/getSchedule'));
    expect(result).toEqual([]); // none of them has a mailbox in the sandbox
  });

  it('deletes, and deleting again is already done', async () => {
    const event = await graph.createEvent({
      clientId: 'to-delete',
      title: 'Temp',
      start: at(4, 1),
      end: at(4, 2),
      zone: 'UTC',
      tag: { kind: 'focusBlock' },
      focusTime: false,
    });
    await graph.deleteEvent({ id: event.id });
    await graph.deleteEvent({ id: event.id });
    expect(await graph.getEvent(event.id)).toBeUndefined();
  });

  it('reads free/busy with working hours and zone; unknown mailboxes are left out', async () => {
    const result = await graph.freeBusy(
      ['maya@contoso.test', 'ravi@contoso.test', 'ghost@contoso.test'],
      window,
    );
    expect(result.map((r) => r.email)).toEqual(['maya@contoso.test', 'ravi@contoso.test']);
    const mine = result[0];
    expect(mine?.workingHours).toEqual({ days: [1, 2, 3, 4], start: '08:30', end: '16:30' });
    expect(mine?.zone).toBe('Europe/London');
    // Window of 42 days → two getSchedule calls; busy from both are merged; free fillers are not busy.
    expect(mine?.busy.some((b) => b.start === at(1, 1).replace('.000Z', 'Z'))).toBe(true);
    expect(mine?.busy.some((b) => b.start === at(29, 1).replace('.000Z', 'Z'))).toBe(true);
    expect(result[1]?.zone).toBe('Asia/Calcutta');
  });

  it('reads mailbox settings: IANA zone, working hours and the zone they are in', async () => {
    expect(await graph.getSettings()).toEqual({
      timeZone: 'Europe/London',
      workingHours: { days: [1, 2, 3, 4], start: '08:30', end: '16:30' },
      workingHoursZone: 'Europe/London',
    });
  });

  describe('subscriptions', () => {
    let receiver: PushReceiver;
    beforeAll(async () => {
      receiver = await startPushReceiver();
    });
    afterAll(async () => {
      await receiver.close();
    });

    it('subscribes (after the validation handshake), receives a change, renews and unsubscribes', async () => {
      const input = {
        channelId: 'conn-1',
        address: `${receiver.url}/push/microsoft`,
        lifecycleAddress: `${receiver.url}/push/microsoft/lifecycle`,
        secret: 'client-state-secret',
        ttlSeconds: 3 * 86_400,
      };
      const channel = await graph.watch(input);
      expect(channel.channelId).toBe('conn-1');
      expect(channel.expiresAt).toBeGreaterThan(Date.now() + 2 * DAY);
      await sandbox.control('POST', `/accounts/${maya.accountId}/events`, {
        events: [{ subject: 'Ping', start: utc(at(5, 1)), end: utc(at(5, 2)) }],
      });
      await expect.poll(() => receiver.received.length, { timeout: 5000 }).toBeGreaterThan(0);
      const parsed = parseGraphNotification({
        query: {},
        body: JSON.parse(receiver.received[0]?.body ?? '') as unknown,
      });
      if (parsed.kind !== 'notifications') throw new Error(`not a batch: ${parsed.kind}`);
      // Graph sends `created` and then `updated` for a new event (PROVIDERS.md §3, I-GRAPH-3072).
      expect(parsed.changes[0]).toMatchObject({
        subscriptionId: channel.resourceId,
        clientState: 'client-state-secret',
        changeType: 'created',
      });
      expect(parsed.changes[0]?.resourceId).toBeTruthy();
      const renewed = await graph.renewWatch({ ...input, resourceId: channel.resourceId });
      expect(renewed).toMatchObject({ channelId: 'conn-1', resourceId: channel.resourceId });
      await graph.unwatch(renewed);
      await graph.unwatch(renewed);
    });
  });

  it('maps an injected 429 to rate_limited with the Retry-After delay', async () => {
    await sandbox.control('POST', '/faults', {
      provider: 'microsoft',
      route: 'GET /v1.0/me/mailboxSettings',
      status: 429,
      count: 1,
      retryAfterSeconds: 3,
    });
    const error = await rejection(graph.getSettings());
    expect(error.kind).toBe('rate_limited');
    expect(error.retryAfterMs).toBe(3000);
  });

  it('maps a throttling 503 (with Retry-After) to rate_limited, a 500 and a request that outlives the timeout to transient', async () => {
    const route = 'GET /v1.0/me/mailboxSettings';
    await sandbox.control('POST', '/faults', { provider: 'microsoft', route, status: 503, count: 1 });
    const throttled = await rejection(graph.getSettings());
    expect([throttled.kind, throttled.retryAfterMs]).toEqual(['rate_limited', 2000]);
    await sandbox.control('POST', '/faults', { provider: 'microsoft', route, status: 500, count: 1 });
    expect((await rejection(graph.getSettings())).kind).toBe('transient');
    await sandbox.control('POST', '/faults', { provider: 'microsoft', route, latencyMs: 2000, count: 1 });
    const impatient = createMicrosoftProvider({ ...maya.settings, requestTimeoutMs: 200 });
    const error = await rejection(impatient.getSettings());
    expect(error.kind).toBe('transient');
    expect(error.details.status).toBeUndefined();
  });

  it('retries once with a new token after a 401, and reports auth_revoked if that fails too', async () => {
    const tokens = tokenSequence('eyJ0.expired', maya.token);
    const provider = createMicrosoftProvider({ ...maya.settings, tokens });
    expect((await provider.getSettings()).timeZone).toBe('Europe/London');
    expect(tokens.invalidations).toBe(1);
    const dead = createMicrosoftProvider({ ...maya.settings, tokens: tokenSequence('eyJ0.expired') });
    expect((await rejection(dead.getSettings())).kind).toBe('auth_revoked');
  });

  it('resolves the self address from /me when the settings do not carry it', async () => {
    const provider = createMicrosoftProvider(maya.settings);
    const event = await provider.getEvent(titled(full, 'Maya / Ravi 1:1')[0]?.id ?? '');
    expect(event?.attendees.find((a) => a.self)?.email).toBe('maya@contoso.test');
  });
});
