/**
 * Google sync end to end: the real adapter against the provider sandbox, the sync worker's queues on
 * real Redis, Postgres, and the API's push receiver on a real port that the sandbox POSTs to.
 */
import { DEVELOPMENT_SEALING_KEY } from '@frontload/config';
import { repositories } from '@frontload/db';
import { createTokenVault } from '@frontload/security';
import { waitUntil } from '@frontload/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectionRow, mirrorCount, startSyncHarness, type SyncHarness } from './sync-harness.js';

const DAY = 86_400_000;
const vault = createTokenVault(DEVELOPMENT_SEALING_KEY);

/** A Google Event resource starting `days` from the sandbox's now at 09:00 UTC. */
function googleEvent(id: string, startMs: number, extra: Record<string, unknown> = {}) {
  return {
    id,
    summary: id,
    start: { dateTime: new Date(startMs).toISOString(), timeZone: 'Europe/Berlin' },
    end: { dateTime: new Date(startMs + 30 * 60_000).toISOString(), timeZone: 'Europe/Berlin' },
    ...extra,
  };
}

describe('Google sync through the sandbox', () => {
  let h: SyncHarness;
  let accountId: string;
  let connectionId: string;
  let base: number;

  /** Calls the sandbox's Calendar API as the connected user (to edit instances as a user would). */
  async function calendarApi(method: string, path: string, body?: unknown) {
    const row = (await connectionRow(h, connectionId))!;
    const tokens = vault.unseal(row.sealed_tokens, { userId: row.user_id, provider: 'google' }) as {
      accessToken: string;
    };
    const res = await fetch(`${h.sandbox.url}/calendar/v3/calendars/primary${path}`, {
      method,
      headers: { authorization: `Bearer ${tokens.accessToken}`, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
    return res.json() as Promise<Record<string, unknown>>;
  }
  const mirror = () =>
    repositories(h.t.db).mirror.eventsInWindow(
      connectionId,
      new Date(base - 30 * DAY),
      new Date(base + 60 * DAY),
    );

  beforeAll(async () => {
    h = await startSyncHarness();
    const account = await h.sandbox.createAccount({
      provider: 'google',
      email: 'alex@sandbox.test',
      name: 'Alex Rivera',
      timeZone: 'Europe/Berlin',
    });
    accountId = account.id;
    const clock = await h.sandbox.control<{ nowMs: number }>('GET', '/clock');
    base = Math.ceil(clock.nowMs / DAY) * DAY + 8 * 3600_000;
    await h.sandbox.control('POST', `/accounts/${accountId}/events`, {
      events: [
        googleEvent('designrev1', base + DAY),
        googleEvent('oneonesam1', base + 2 * DAY, {
          summary: '1:1 Sam',
          recurrence: ['RRULE:FREQ=WEEKLY;COUNT=6'],
          attendees: [
            { email: 'alex@sandbox.test', responseStatus: 'accepted' },
            { email: 'sam@example.test' },
          ],
        }),
      ],
    });
  });
  afterAll(async () => {
    await h?.close();
  });

  it('connect → initial full sync fills the mirror, marks the connection healthy and registers a channel', async () => {
    ({ connectionId } = await h.connect('google', accountId));
    await waitUntil(async () => (await connectionRow(h, connectionId))?.push_channel_id ?? undefined, {
      what: 'a push channel',
    });
    await h.idle();
    const row = await connectionRow(h, connectionId);
    expect(row).toMatchObject({ status: 'healthy', time_zone: 'Europe/Berlin' });
    expect(row?.sync_cursor).toBeTruthy();
    expect(row?.push_secret_hash).toMatch(/^[0-9a-f]{64}$/);
    const events = await mirror();
    // The adapter lists expanded instances: each occurrence keyed by its series and original start.
    expect(events.filter((e) => e.kind === 'single').map((e) => e.id)).toEqual(['designrev1']);
    const occurrences = events.filter((e) => e.seriesId === 'oneonesam1');
    expect(occurrences).toHaveLength(6);
    expect(occurrences.every((e) => e.kind === 'occurrence' && e.originalStart === e.start)).toBe(true);
    expect((await h.jobs('plan')).map((j) => j.data)).toContainEqual({
      userId: row?.user_id,
      reason: 'sync',
    });
  });

  it('an exception and a cancelled instance are normalized to occurrences keyed by (series, original start)', async () => {
    const instances = (await calendarApi('GET', '/events/oneonesam1/instances')).items as {
      id: string;
      start: { dateTime: string };
      originalStartTime: { dateTime: string };
    }[];
    const [, moved, cancelled] = instances;
    const later = new Date(Date.parse(moved!.start.dateTime) + 3600_000).toISOString();
    await calendarApi('PATCH', `/events/${moved!.id}`, {
      start: { dateTime: later, timeZone: 'Europe/Berlin' },
      end: { dateTime: new Date(Date.parse(later) + 30 * 60_000).toISOString(), timeZone: 'Europe/Berlin' },
    });
    await calendarApi('PATCH', `/events/${cancelled!.id}`, { status: 'cancelled' });
    await waitUntil(
      async () => {
        const byId = new Map((await mirror()).map((e) => [e.id, e]));
        return byId.get(moved!.id)?.start === later && byId.get(cancelled!.id)?.status === 'cancelled';
      },
      { what: 'both instance edits in the mirror' },
    );
    const byId = new Map((await mirror()).map((e) => [e.id, e]));
    expect(byId.get(moved!.id)).toMatchObject({
      kind: 'occurrence',
      seriesId: 'oneonesam1',
      originalStart: new Date(moved!.originalStartTime.dateTime).toISOString(),
      start: later,
      status: 'confirmed',
    });
    expect(byId.get(cancelled!.id)).toMatchObject({
      kind: 'occurrence',
      seriesId: 'oneonesam1',
      originalStart: new Date(cancelled!.originalStartTime.dateTime).toISOString(),
      status: 'cancelled',
    });
    // A full resync arrives at the same normalized mirror.
    await h.deps.producers.enqueueSync({ connectionId, reason: 'resync' });
    await h.idle();
    expect((await mirror()).map((e) => [e.id, e.kind, e.status]).sort()).toEqual(
      [...byId.values()].map((e) => [e.id, e.kind, e.status]).sort(),
    );
  });

  it('an insert in the sandbox reaches the mirror through push within 2 s', async () => {
    const started = Date.now();
    await h.sandbox.control('POST', `/accounts/${accountId}/events`, {
      events: [googleEvent('pushedinsert1', base + 3 * DAY)],
    });
    await waitUntil(
      async () => (await repositories(h.t.db).mirror.byId(connectionId, 'pushedinsert1')) !== undefined,
      {
        timeoutMs: 2_000,
        intervalMs: 20,
        what: 'the inserted event in the mirror',
      },
    );
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('410: an invalidated sync token leads to a full resync that replaces the mirror', async () => {
    const before = await mirrorCount(h, connectionId);
    await h.sandbox.control('POST', `/accounts/${accountId}/invalidate-sync-tokens`);
    await h.deps.producers.enqueueSync({ connectionId, reason: 'catch_up' });
    await h.idle();
    const requests = await h.sandbox.control<{ route?: string; status?: number; query?: unknown }[]>(
      'GET',
      `/requests?accountId=${accountId}`,
    );
    expect(requests.some((r) => r.status === 410)).toBe(true);
    expect(await mirrorCount(h, connectionId)).toBe(before);
    expect((await connectionRow(h, connectionId))?.status).toBe('healthy');
  });
});
