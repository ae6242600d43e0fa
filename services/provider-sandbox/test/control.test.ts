import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildSandbox } from '../src/app.js';
import { conformanceFailures } from './conformance.js';
import { failure, signIn, startSandbox, type Sandbox } from './helpers.js';

let sandbox: Sandbox;

/** gaxios hands back a fetch-style Headers object at runtime; its typings still allow a plain record. */
function headerOf(headers: unknown, name: string): string | null | undefined {
  const fetchStyle = headers as { get?: (name: string) => string | null };
  return typeof fetchStyle.get === 'function'
    ? fetchStyle.get(name)
    : (headers as Record<string, string>)[name];
}
let alexId: string;

async function control<T>(
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; body: T }> {
  const response = await fetch(`${sandbox.url}/_sandbox${path}`, {
    method,
    ...(body === undefined
      ? {}
      : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, body: (text ? JSON.parse(text) : undefined) as T };
}

beforeAll(async () => {
  sandbox = await startSandbox({ startAtMs: Date.parse('2026-11-16T07:00:00Z') });
  const created = await control<{ id: string }>('POST', '/accounts', {
    provider: 'google',
    email: 'alex@sandbox.test',
    name: 'Alex Rivera',
    timeZone: 'Europe/Berlin',
    workingHours: { days: [1, 2, 3, 4, 5], start: '08:30', end: '17:00' },
    focusTimeSupported: true,
  });
  expect(created.status).toBe(201);
  alexId = created.body.id;
});
afterAll(async () => {
  expect(conformanceFailures(sandbox.captured)).toEqual([]);
  await sandbox.close();
});

describe('control API', () => {
  it('validates bodies (unknown members, wrong types) and refuses duplicates', async () => {
    expect(
      (
        await control('POST', '/accounts', {
          provider: 'google',
          email: 'x@sandbox.test',
          name: 'X',
          timeZone: 'UTC',
          extra: 1,
        })
      ).status,
    ).toBe(400);
    expect(
      (
        await control('POST', '/accounts', {
          provider: 'yahoo',
          email: 'x@sandbox.test',
          name: 'X',
          timeZone: 'UTC',
        })
      ).status,
    ).toBe(400);
    expect(
      (
        await control('POST', '/accounts', {
          provider: 'google',
          email: 'x@sandbox.test',
          name: 'X',
          timeZone: 'Mars/Base',
        })
      ).status,
    ).toBe(400);
    expect(
      (
        await control('POST', '/accounts', {
          provider: 'google',
          email: 'alex@sandbox.test',
          name: 'A',
          timeZone: 'UTC',
        })
      ).status,
    ).toBe(409);
  });

  it('seeds events in bulk and dumps the calendar', async () => {
    const events = Array.from({ length: 30 }, (_, i) => ({
      summary: `Seeded ${i}`,
      start: { dateTime: `2026-11-17T${String(8 + (i % 9)).padStart(2, '0')}:00:00+01:00` },
      end: { dateTime: `2026-11-17T${String(8 + (i % 9)).padStart(2, '0')}:30:00+01:00` },
    }));
    expect(await control('POST', `/accounts/${alexId}/events`, { events })).toEqual({
      status: 201,
      body: { created: 30 },
    });
    const dump = await control<{ summary: string }[]>('GET', `/accounts/${alexId}/events`);
    expect(dump.body).toHaveLength(30);
    expect(
      (await control('POST', `/accounts/${alexId}/events`, { events: [{ summary: 'no times' }] })).status,
    ).toBe(400);
  });

  it('sets and advances the clock, never backwards', async () => {
    const now = (await control<{ nowMs: number }>('GET', '/clock')).body.nowMs;
    expect((await control('POST', '/clock', { nowMs: now - 1 })).status).toBe(400);
    expect(
      (await control<{ iso: string }>('POST', '/clock', { iso: '2026-11-16T08:00:00.000Z' })).body.iso,
    ).toBe('2026-11-16T08:00:00.000Z');
    expect((await control<{ nowMs: number }>('POST', '/clock/advance', { ms: 60_000 })).body.nowMs).toBe(
      Date.parse('2026-11-16T08:01:00Z'),
    );
  });

  it('injects status faults with Retry-After for a count, latency and timeouts per route', async () => {
    const { calendar } = await signIn(sandbox, 'alex@sandbox.test');
    const route = 'GET /calendar/v3/calendars/:calendarId/events';
    const rule = await control<{ id: string }>('POST', '/faults', {
      provider: 'google',
      route,
      status: 429,
      count: 2,
      retryAfterSeconds: 7,
    });
    expect(rule.status).toBe(201);
    for (let i = 0; i < 2; i += 1) {
      const result = await failure(calendar.events.list({ calendarId: 'primary' }));
      expect(result).toEqual({
        status: 429,
        body: {
          error: {
            errors: [{ domain: 'usageLimits', reason: 'rateLimitExceeded', message: 'Rate Limit Exceeded' }],
            code: 429,
            message: 'Rate Limit Exceeded',
          },
        },
      });
    }
    expect((await calendar.events.list({ calendarId: 'primary' })).status).toBe(200);
    await control('POST', '/faults', {
      provider: 'google',
      route: 'GET /calendar/v3/*',
      status: 503,
      count: 1,
      retryAfterSeconds: 3,
    });
    const unavailable = await calendar.events.list({ calendarId: 'primary' }, { validateStatus: () => true });
    expect([unavailable.status, headerOf(unavailable.headers, 'retry-after')]).toEqual([503, '3']);
    expect(unavailable.data).toMatchObject({ error: { code: 503, errors: [{ reason: 'backendError' }] } });
    await control('POST', '/faults', { route, latencyMs: 150, count: 1 });
    const started = Date.now();
    await calendar.events.list({ calendarId: 'primary' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    await control('POST', '/faults', { route, timeout: true, count: 1 });
    await expect(calendar.events.list({ calendarId: 'primary' }, { timeout: 300 })).rejects.toThrow();
    const log = (
      await control<{ route: string; status: number; faultId?: string }[]>(
        'GET',
        `/requests?accountId=${alexId}`,
      )
    ).body;
    expect(log.filter((e) => e.faultId).map((e) => e.status)).toEqual([429, 429, 503, 200, 0]);
  });

  it('drops and duplicates push notifications on request', async () => {
    let hits = 0;
    const receiver: Server = createServer((_req, res) => {
      hits += 1;
      res.writeHead(204).end();
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    const { calendar } = await signIn(sandbox, 'alex@sandbox.test');
    const address = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/`;
    await control('POST', '/push-faults', { provider: 'google', mode: 'duplicate', count: 1 });
    await calendar.events.watch({
      calendarId: 'primary',
      requestBody: { id: 'c-dup', type: 'web_hook', address },
    });
    await sandbox.core.push.idle();
    expect(hits).toBe(2);
    await control('POST', '/push-faults', { mode: 'drop', count: 1 });
    await calendar.events.insert({
      calendarId: 'primary',
      requestBody: { start: { date: '2026-11-20' }, end: { date: '2026-11-21' } },
    });
    await sandbox.core.push.idle();
    expect(hits).toBe(2);
    const deliveries = (await control<{ fault?: string }[]>('GET', '/push/deliveries')).body;
    expect(deliveries.map((d) => d.fault ?? 'ok')).toEqual(['ok', 'duplicate', 'drop']);
    await new Promise<void>((resolve) => receiver.close(() => resolve()));
  });

  it('records why a push notification got no answer (a subscriber that hangs up), with no status', async () => {
    const receiver: Server = createServer((req) => req.socket.destroy());
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    const { calendar } = await signIn(sandbox, 'alex@sandbox.test');
    const address = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/`;
    await calendar.events.watch({
      calendarId: 'primary',
      requestBody: { id: 'c-hangup', type: 'web_hook', address },
    });
    await sandbox.core.push.idle();
    type Delivery = { url: string; status?: number; error?: { name: string; afterMs: number } };
    const deliveries = (await control<Delivery[]>('GET', '/push/deliveries')).body;
    const mine = deliveries.filter((d) => d.url === address);
    expect(mine).toHaveLength(1);
    expect(mine[0]!.status).toBeUndefined();
    expect(mine[0]!.error).toEqual({
      name: expect.stringMatching(/^TypeError\//),
      afterMs: expect.any(Number),
    });
    await new Promise<void>((resolve) => receiver.close(() => resolve()));
  });

  it('holds push notifications until release, then delivers them newest first when asked', async () => {
    const seen: string[] = [];
    const receiver: Server = createServer((req, res) => {
      seen.push(
        `${String(req.headers['x-goog-channel-id'])}#${String(req.headers['x-goog-message-number'])}`,
      );
      res.writeHead(204).end();
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    const { calendar } = await signIn(sandbox, 'alex@sandbox.test');
    const address = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/`;
    for (const id of ['c-hold-a', 'c-hold-b'])
      await calendar.events.watch({ calendarId: 'primary', requestBody: { id, type: 'web_hook', address } });
    await sandbox.core.push.idle();
    seen.length = 0;
    await control('POST', '/push/hold');
    const insert = (start: string, end: string) =>
      calendar.events.insert({
        calendarId: 'primary',
        requestBody: { start: { date: start }, end: { date: end } },
      });
    await insert('2026-11-20', '2026-11-21');
    await insert('2026-11-21', '2026-11-22');
    await sandbox.core.push.idle();
    expect(seen).toEqual([]);
    // One notification per channel waits at the deliverer; each channel's next one queues behind it.
    const { released } = (await control<{ released: number }>('POST', '/push/release', { reverse: true }))
      .body;
    // (Channels earlier tests opened on this calendar are held too.)
    expect(released).toBeGreaterThanOrEqual(2);
    await sandbox.core.push.idle();
    for (let i = 0; i < 50 && seen.length < 4; i += 1)
      await new Promise((resolve) => setTimeout(resolve, 20));
    expect(seen.length).toBe(4);
    expect(seen[0]).toMatch(/^c-hold-b#/);
    expect(seen[1]).toMatch(/^c-hold-a#/);
    // Released: the next change is delivered at once again.
    await insert('2026-11-23', '2026-11-24');
    for (let i = 0; i < 50 && seen.length < 6; i += 1)
      await new Promise((resolve) => setTimeout(resolve, 20));
    expect(seen.length).toBe(6);
    await new Promise<void>((resolve) => receiver.close(() => resolve()));
  });

  it('retries a notification the subscriber answered with 503, as Google does', async () => {
    const statuses = [503, 200];
    const seen: string[] = [];
    const receiver: Server = createServer((req, res) => {
      seen.push(String(req.headers['x-goog-resource-state']));
      res.writeHead(statuses.shift() ?? 200).end();
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    const { calendar } = await signIn(sandbox, 'alex@sandbox.test');
    const address = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/`;
    await calendar.events.watch({
      calendarId: 'primary',
      requestBody: { id: 'c-retry', type: 'web_hook', address },
    });
    for (let i = 0; i < 50 && seen.length < 2; i += 1)
      await new Promise((resolve) => setTimeout(resolve, 20));
    expect(seen).toEqual(['sync', 'sync']);
    await new Promise<void>((resolve) => receiver.close(() => resolve()));
  });

  it('revokes tokens: API calls answer 401, refreshes answer invalid_grant', async () => {
    const { calendar, tokens } = await signIn(sandbox, 'alex@sandbox.test');
    expect(
      (await control<{ revoked: number }>('POST', `/accounts/${alexId}/revoke-tokens`)).body.revoked,
    ).toBeGreaterThan(0);
    const result = await failure(calendar.events.list({ calendarId: 'primary' }));
    expect(result.status).toBe(400); // the client tried to refresh after the 401 and got invalid_grant
    expect(result.body).toMatchObject({ error: 'invalid_grant' });
    expect(tokens.refresh_token).toBeTruthy();
  });

  it('counts API calls per account, documents itself, and resets', async () => {
    const tokenCalls = await control<{ route: string }[]>(
      'GET',
      `/requests?route=${encodeURIComponent('POST /token')}&limit=2`,
    );
    expect(tokenCalls.body.map((e) => e.route)).toEqual(['POST /token', 'POST /token']);
    const counters = (
      await control<Record<string, { apiCalls: number; emailsSent: number }>>('GET', '/counters')
    ).body;
    expect(counters[alexId]?.apiCalls).toBeGreaterThan(5);
    const openapi = (await control<{ paths: Record<string, unknown> }>('GET', '/openapi.json')).body;
    expect(Object.keys(openapi.paths)).toEqual(
      expect.arrayContaining([
        '/_sandbox/accounts',
        '/_sandbox/faults',
        '/_sandbox/clock',
        '/_sandbox/reset',
      ]),
    );
    expect(Object.keys(openapi.paths).every((p) => p.startsWith('/_sandbox'))).toBe(true);
    expect((await control('POST', '/reset', { seedDemo: true })).status).toBe(200);
    const accounts = (await control<{ email: string }[]>('GET', '/accounts')).body;
    expect(accounts.map((a) => a.email)).toContain('alex.tlm@sandbox.test');
    expect(accounts.map((a) => a.email)).not.toContain('alex@sandbox.test');
  });

  it('mounts no control routes unless asked', async () => {
    const { app } = await buildSandbox({
      publicUrl: 'http://127.0.0.1:1',
      controlEnabled: false,
      allowHttpPush: false,
      seedDemo: false,
    });
    expect((await app.inject({ method: 'GET', url: '/_sandbox/accounts' })).statusCode).toBe(404);
    expect((await app.inject({ method: 'GET', url: '/_sandbox/openapi.json' })).statusCode).toBe(404);
    await app.close();
  });
});
