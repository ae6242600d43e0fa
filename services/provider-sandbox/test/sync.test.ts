import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { calendar_v3 } from 'googleapis';
import { conformanceFailures } from './conformance.js';
import { createGoogleAccount, failure, signIn, startSandbox, type Sandbox } from './helpers.js';

let sandbox: Sandbox;
let alexCal: calendar_v3.Calendar;
let otherClientCal: calendar_v3.Calendar;
let alexId: string;

const at = (iso: string) => ({ dateTime: iso, timeZone: 'Europe/Berlin' });

async function listAll(cal: calendar_v3.Calendar, params: calendar_v3.Params$Resource$Events$List) {
  const items: calendar_v3.Schema$Event[] = [];
  let pageToken: string | undefined;
  let pages = 0;
  for (;;) {
    const { data } = await cal.events.list({
      calendarId: 'primary',
      ...params,
      ...(pageToken ? { pageToken } : {}),
    });
    pages += 1;
    items.push(...(data.items ?? []));
    if (data.nextPageToken) {
      expect(data.nextSyncToken).toBeUndefined(); // nextSyncToken only on the last page
      pageToken = data.nextPageToken;
    } else {
      return { items, pages, nextSyncToken: data.nextSyncToken ?? '' };
    }
  }
}

beforeAll(async () => {
  sandbox = await startSandbox({ startAtMs: Date.parse('2026-11-16T07:00:00Z') });
  alexId = createGoogleAccount(sandbox, 'alex').id;
  createGoogleAccount(sandbox, 'priya');
  alexCal = (await signIn(sandbox, 'alex@sandbox.test')).calendar;
  // "Another client": the same user through a second, independent sign-in.
  otherClientCal = (await signIn(sandbox, 'alex@sandbox.test')).calendar;
  for (let i = 0; i < 7; i += 1) {
    await alexCal.events.insert({
      calendarId: 'primary',
      requestBody: {
        summary: `Block ${i}`,
        start: at(`2026-11-1${7 + (i % 3)}T1${i}:00:00`),
        end: at(`2026-11-1${7 + (i % 3)}T1${i}:30:00`),
      },
    });
  }
});
afterAll(async () => {
  expect(conformanceFailures(sandbox.captured)).toEqual([]);
  await sandbox.close();
});

describe('events.list sync', () => {
  it('pages a full sync, then an incremental sync sees only what another client inserted', async () => {
    const full = await listAll(alexCal, { maxResults: 3 });
    expect(full.items).toHaveLength(7);
    expect(full.pages).toBe(3);
    expect(full.nextSyncToken).not.toBe('');
    const inserted = await otherClientCal.events.insert({
      calendarId: 'primary',
      requestBody: {
        summary: 'Added elsewhere',
        start: at('2026-11-20T09:00:00'),
        end: at('2026-11-20T10:00:00'),
      },
    });
    const incremental = await listAll(alexCal, { syncToken: full.nextSyncToken });
    expect(incremental.items.map((e) => e.id)).toEqual([inserted.data.id]);
    await otherClientCal.events.delete({ calendarId: 'primary', eventId: inserted.data.id ?? '' });
    const afterDelete = await listAll(alexCal, { syncToken: incremental.nextSyncToken });
    expect(afterDelete.items).toEqual([
      expect.objectContaining({ id: inserted.data.id, status: 'cancelled' }),
    ]);
    expect(Object.keys(afterDelete.items[0] ?? {}).sort()).toEqual(['etag', 'id', 'kind', 'status']);
  });

  it('does not lose a change made while a client is still paging', async () => {
    const { data: first } = await alexCal.events.list({ calendarId: 'primary', maxResults: 2 });
    const { data: during } = await otherClientCal.events.insert({
      calendarId: 'primary',
      requestBody: {
        summary: 'While paging',
        start: at('2026-11-21T09:00:00'),
        end: at('2026-11-21T09:30:00'),
      },
    });
    let pageToken = first.nextPageToken ?? undefined;
    let syncToken = '';
    while (pageToken) {
      const { data } = await alexCal.events.list({ calendarId: 'primary', maxResults: 2, pageToken });
      pageToken = data.nextPageToken ?? undefined;
      syncToken = data.nextSyncToken ?? syncToken;
    }
    const { data: next } = await alexCal.events.list({ calendarId: 'primary', syncToken });
    expect(next.items?.map((e) => e.id)).toContain(during.id);
  });

  it('answers 410 fullSyncRequired after injected invalidation, in Google error shape', async () => {
    const { nextSyncToken } = await listAll(alexCal, {});
    const control = await fetch(`${sandbox.url}/_sandbox/accounts/${alexId}/invalidate-sync-tokens`, {
      method: 'POST',
    });
    expect(control.status).toBe(204);
    const result = await failure(alexCal.events.list({ calendarId: 'primary', syncToken: nextSyncToken }));
    expect(result.status).toBe(410);
    expect(result.body).toEqual({
      error: {
        errors: [
          {
            domain: 'calendar',
            reason: 'fullSyncRequired',
            message: 'Sync token is no longer valid, a full sync is required.',
            locationType: 'parameter',
            location: 'syncToken',
          },
        ],
        code: 410,
        message: 'Sync token is no longer valid, a full sync is required.',
      },
    });
  });

  it('refuses parameters that cannot go with a sync token', async () => {
    const { nextSyncToken } = await listAll(alexCal, {});
    const result = await failure(
      alexCal.events.list({
        calendarId: 'primary',
        syncToken: nextSyncToken,
        timeMin: '2026-11-01T00:00:00Z',
      }),
    );
    expect(result.status).toBe(400);
  });

  it('filters by time window, private extended property and orders by start time', async () => {
    await alexCal.events.insert({
      calendarId: 'primary',
      requestBody: {
        summary: 'Tagged focus',
        start: at('2026-11-19T08:00:00'),
        end: at('2026-11-19T09:00:00'),
        extendedProperties: { private: { frontload: 'focus' } },
      },
    });
    const tagged = await alexCal.events.list({
      calendarId: 'primary',
      privateExtendedProperty: ['frontload=focus'],
    });
    expect(tagged.data.items?.map((e) => e.summary)).toEqual(['Tagged focus']);
    const window = await alexCal.events.list({
      calendarId: 'primary',
      timeMin: '2026-11-18T00:00:00+01:00',
      timeMax: '2026-11-19T00:00:00+01:00',
      singleEvents: true,
      orderBy: 'startTime',
    });
    const starts = window.data.items?.map((e) => e.start?.dateTime ?? '') ?? [];
    expect(starts.length).toBeGreaterThan(0);
    expect([...starts].sort()).toEqual(starts);
    expect(starts.every((s) => s.startsWith('2026-11-18'))).toBe(true);
    expect(await failure(alexCal.events.list({ calendarId: 'primary', orderBy: 'startTime' }))).toMatchObject(
      { status: 400 },
    );
  });
});

describe('push notifications', () => {
  let receiver: Server;
  const received: IncomingHttpHeaders[] = [];
  let waiters: (() => void)[] = [];
  beforeAll(async () => {
    receiver = createServer((request, response) => {
      received.push(request.headers);
      response.writeHead(200).end();
      for (const w of waiters) w();
      waiters = [];
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  });
  afterAll(() => new Promise<void>((resolve) => receiver.close(() => resolve())));
  const waitFor = async (count: number) => {
    while (received.length < count) await new Promise<void>((resolve) => waiters.push(resolve));
  };

  it('sends sync first, then exists after an insert by another client; stop ends it', async () => {
    const address = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks/google`;
    const { data: channel } = await alexCal.events.watch({
      calendarId: 'primary',
      requestBody: { id: 'chan-1', type: 'web_hook', address, token: 'tok=1' },
    });
    expect(channel).toMatchObject({ kind: 'api#channel', id: 'chan-1', token: 'tok=1' });
    await waitFor(1);
    expect(received[0]).toMatchObject({
      'x-goog-channel-id': 'chan-1',
      'x-goog-resource-state': 'sync',
      'x-goog-message-number': '1',
      'x-goog-channel-token': 'tok=1',
      'x-goog-resource-id': channel.resourceId,
    });
    await otherClientCal.events.insert({
      calendarId: 'primary',
      requestBody: { summary: 'Ping', start: at('2026-11-20T11:00:00'), end: at('2026-11-20T11:30:00') },
    });
    await waitFor(2);
    expect(received[1]).toMatchObject({ 'x-goog-resource-state': 'exists', 'x-goog-channel-id': 'chan-1' });
    expect(Number(received[1]?.['x-goog-message-number'])).toBeGreaterThan(1);
    await alexCal.channels.stop({ requestBody: { id: 'chan-1', resourceId: channel.resourceId ?? '' } });
    await otherClientCal.events.insert({
      calendarId: 'primary',
      requestBody: { summary: 'Silent', start: at('2026-11-20T12:00:00'), end: at('2026-11-20T12:30:00') },
    });
    await sandbox.core.push.idle();
    expect(received).toHaveLength(2);
  });

  it('refuses a non-HTTPS address unless the sandbox runs in local mode', async () => {
    Object.assign(sandbox.core, { allowHttpPush: false });
    const result = await failure(
      alexCal.events.watch({
        calendarId: 'primary',
        requestBody: { id: 'chan-2', type: 'web_hook', address: 'http://127.0.0.1:1/x' },
      }),
    );
    Object.assign(sandbox.core, { allowHttpPush: true });
    expect(result.status).toBe(400);
    expect(result.body).toMatchObject({ error: { errors: [{ reason: 'push.webhookUrlNotHttps' }] } });
  });

  it('stops firing when the channel expires on the sandbox clock; delays on request', async () => {
    const address = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks/expiring`;
    const before = received.length;
    await alexCal.events.watch({
      calendarId: 'primary',
      requestBody: { id: 'chan-3', type: 'web_hook', address, params: { ttl: '60' } },
    });
    await waitFor(before + 1);
    await fetch(`${sandbox.url}/_sandbox/push-faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ mode: 'delay', delayMs: 50, count: 1 }),
    });
    await otherClientCal.events.insert({
      calendarId: 'primary',
      requestBody: { summary: 'Late', start: at('2026-11-20T13:00:00'), end: at('2026-11-20T13:30:00') },
    });
    await waitFor(before + 2);
    sandbox.core.clock.advance(61_000);
    await otherClientCal.events.insert({
      calendarId: 'primary',
      requestBody: { summary: 'Unheard', start: at('2026-11-20T14:00:00'), end: at('2026-11-20T14:30:00') },
    });
    await sandbox.core.push.idle();
    expect(received.length).toBe(before + 2);
    expect(sandbox.core.push.delivered().some((d) => d.fault === 'delay')).toBe(true);
  });
});
