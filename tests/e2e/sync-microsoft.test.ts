/**
 * Microsoft sync end to end: the real Graph adapter against the provider sandbox, a subscription
 * created through the validation handshake on the API's real port, notifications and lifecycle
 * events delivered to it.
 */
import { repositories } from '@frontload/db';
import { waitUntil } from '@frontload/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectionRow, mirrorCount, startSyncHarness, type SyncHarness } from './sync-harness.js';

const DAY = 86_400_000;

/** A Graph event body in UTC. */
function graphEvent(subject: string, startMs: number, extra: Record<string, unknown> = {}) {
  const at = (ms: number) => ({ dateTime: new Date(ms).toISOString().slice(0, 19), timeZone: 'UTC' });
  return { subject, start: at(startMs), end: at(startMs + 30 * 60_000), ...extra };
}

describe('Microsoft sync through the sandbox', () => {
  let h: SyncHarness;
  let accountId: string;
  let connectionId: string;
  let base: number;

  const titles = async () =>
    (
      await repositories(h.t.db).mirror.eventsInWindow(
        connectionId,
        new Date(base - 30 * DAY),
        new Date(base + 80 * DAY),
      )
    ).map((e) => e.title);
  const inMirror = (title: string, timeoutMs = 2_000) =>
    waitUntil(async () => (await titles()).includes(title), {
      timeoutMs,
      intervalMs: 20,
      what: `${title} mirrored`,
    });
  const insert = (subject: string, at: number) =>
    h.sandbox.control('POST', `/accounts/${accountId}/events`, { events: [graphEvent(subject, at)] });

  beforeAll(async () => {
    h = await startSyncHarness();
    const account = await h.sandbox.createAccount({
      provider: 'microsoft',
      email: 'morgan@sandbox.test',
      name: 'Morgan Lee',
      timeZone: 'Europe/Berlin',
    });
    accountId = account.id;
    const clock = await h.sandbox.control<{ nowMs: number }>('GET', '/clock');
    base = Math.ceil(clock.nowMs / DAY) * DAY + 9 * 3600_000;
    await h.sandbox.control('POST', `/accounts/${accountId}/events`, {
      events: [
        graphEvent('Design review', base + DAY),
        graphEvent('1:1 Sam', base + 2 * DAY, {
          recurrence: {
            pattern: { type: 'daily', interval: 7 },
            range: {
              type: 'numbered',
              startDate: new Date(base + 2 * DAY).toISOString().slice(0, 10),
              numberOfOccurrences: 4,
            },
          },
        }),
      ],
    });
  });
  afterAll(async () => {
    await h?.close();
  });

  it('connect → initial delta sync fills the mirror (occurrences keyed by series) and subscribes', async () => {
    ({ connectionId } = await h.connect('microsoft', accountId));
    await waitUntil(async () => (await connectionRow(h, connectionId))?.push_resource_id ?? undefined, {
      what: 'a subscription',
    });
    await h.idle();
    const row = await connectionRow(h, connectionId);
    expect(row).toMatchObject({ status: 'healthy', time_zone: 'Europe/Berlin' });
    const events = await repositories(h.t.db).mirror.eventsInWindow(
      connectionId,
      new Date(base - DAY),
      new Date(base + 60 * DAY),
    );
    const occurrences = events.filter((e) => e.title === '1:1 Sam' && e.kind === 'occurrence');
    expect(occurrences).toHaveLength(4);
    expect(new Set(occurrences.map((e) => e.seriesId)).size).toBe(1);
    expect(occurrences.every((e) => e.originalStart !== undefined)).toBe(true);
    expect(events.some((e) => e.title === 'Design review' && e.kind === 'single')).toBe(true);
  });

  it('an insert in the sandbox reaches the mirror through push within 2 s', async () => {
    const started = Date.now();
    await insert('Pushed insert', base + 3 * DAY);
    await inMirror('Pushed insert');
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('a forged clientState is refused with 403 and enqueues nothing', async () => {
    const row = (await connectionRow(h, connectionId))!;
    const before = (await h.jobs('sync')).length;
    const res = await fetch(`${h.deps.pushPublicUrl}/push/microsoft`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        value: [{ subscriptionId: row.push_resource_id, clientState: 'forged', changeType: 'updated' }],
      }),
    });
    expect(res.status).toBe(403);
    expect((await h.jobs('sync')).length).toBe(before);
  });

  it('SyncStateNotFound (410) → full resync; the mirror ends up the same', async () => {
    const before = await mirrorCount(h, connectionId);
    await h.sandbox.control('POST', `/accounts/${accountId}/invalidate-sync-tokens`);
    await h.deps.producers.enqueueSync({ connectionId, reason: 'catch_up' });
    await h.idle();
    const requests = await h.sandbox.control<{ status: number }[]>('GET', `/requests?accountId=${accountId}`);
    expect(requests.some((r) => r.status === 410)).toBe(true);
    expect(await mirrorCount(h, connectionId)).toBe(before);
  });

  it('after the sandbox clock moves 6 days the subscription is renewed or recreated, and push keeps working', async () => {
    const first = (await connectionRow(h, connectionId))!;
    await h.advance(6 * DAY);
    await h.deps.producers.enqueueCatchUpSweep({});
    await waitUntil(
      async () => {
        const row = await connectionRow(h, connectionId);
        return row && row.push_expires_at!.getTime() > first.push_expires_at!.getTime() ? row : undefined;
      },
      { what: 'a renewed subscription', timeoutMs: 15_000 },
    );
    await h.idle();
    await insert('After renewal', base + 8 * DAY);
    await inMirror('After renewal');
  });

  it('a revoked grant (AADSTS50173): needs_reauth after one refresh attempt, connection-lost queued', async () => {
    const logged = (await h.sandbox.control<unknown[]>('GET', '/requests')).length;
    await h.sandbox.control('POST', `/accounts/${accountId}/revoke-tokens`);
    await insert('After revocation', base + 9 * DAY);
    await waitUntil(async () => (await connectionRow(h, connectionId))?.status === 'needs_reauth', {
      what: 'needs_reauth',
    });
    await h.deps.producers.enqueueCatchUpSweep({});
    await h.idle();
    const after = (await h.sandbox.control<{ route: string; status: number }[]>('GET', '/requests')).slice(
      logged,
    );
    const refreshes = after.filter((r) => r.route.includes('token'));
    expect(refreshes.map((r) => r.status)).toEqual([400]);
    const lost = (await h.jobs('notify')).filter((j) => j.name === 'connection-lost');
    expect(lost.map((j) => j.data)).toEqual([{ connectionId }]);
  });
});
