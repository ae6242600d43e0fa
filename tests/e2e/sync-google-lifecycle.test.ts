/**
 * Google connection lifecycle end to end against the sandbox: duplicated, reordered and forged
 * notifications, channel renewal after six days, a revoked grant, a large calendar, disconnect, and
 * deleting the account.
 */
import { repositories } from '@frontload/db';
import { GOOGLE_TAG_KEY } from '@frontload/providers';
import { waitUntil } from '@frontload/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectionRow, mirrorCount, startSyncHarness, type SyncHarness } from './sync-harness.js';

const DAY = 86_400_000;

function googleEvent(id: string, startMs: number) {
  return {
    id,
    summary: id,
    start: { dateTime: new Date(startMs).toISOString() },
    end: { dateTime: new Date(startMs + 30 * 60_000).toISOString() },
  };
}

type LogEntry = { route: string; status: number; accountId?: string; at: number };

describe('Google connection lifecycle through the sandbox', () => {
  let h: SyncHarness;
  let base: number;

  async function account(email: string, events: unknown[] = []) {
    const { id } = await h.sandbox.createAccount({
      provider: 'google',
      email,
      name: email,
      timeZone: 'Europe/Berlin',
    });
    if (events.length > 0) await h.sandbox.control('POST', `/accounts/${id}/events`, { events });
    const { connectionId, userId } = await h.connect('google', id);
    await waitUntil(async () => (await connectionRow(h, connectionId))?.push_channel_id ?? undefined, {
      what: 'a push channel',
    });
    await h.idle();
    return { accountId: id, connectionId, userId };
  }
  const insert = (accountId: string, id: string, at: number) =>
    h.sandbox.control('POST', `/accounts/${accountId}/events`, { events: [googleEvent(id, at)] });
  const inMirror = (connectionId: string, id: string, timeoutMs = 2_000) =>
    waitUntil(async () => (await repositories(h.t.db).mirror.byId(connectionId, id)) !== undefined, {
      timeoutMs,
      intervalMs: 20,
      what: `${id} in the mirror`,
    });
  const requests = (filter = '') => h.sandbox.control<LogEntry[]>('GET', `/requests${filter}`);

  beforeAll(async () => {
    h = await startSyncHarness();
    const clock = await h.sandbox.control<{ nowMs: number }>('GET', '/clock');
    base = Math.ceil(clock.nowMs / DAY) * DAY + 9 * 3600_000;
  });
  afterAll(async () => {
    await h?.close();
  });

  it('duplicated and delayed notifications coalesce; every change still lands; a forged one is refused', async () => {
    const { accountId, connectionId } = await account('dup@sandbox.test');
    await h.sandbox.control('POST', '/push-faults', {
      provider: 'google',
      accountId,
      mode: 'duplicate',
      count: 3,
    });
    for (const [i, id] of ['dupa1', 'dupa2', 'dupa3'].entries())
      await insert(accountId, id, base + (i + 1) * DAY);
    for (const id of ['dupa1', 'dupa2', 'dupa3']) await inMirror(connectionId, id);
    await h.sandbox.control('POST', '/push-faults', {
      provider: 'google',
      accountId,
      mode: 'delay',
      count: 1,
      delayMs: 300,
    });
    await insert(accountId, 'dupa4', base + 4 * DAY);
    await insert(accountId, 'dupa5', base + 5 * DAY);
    await inMirror(connectionId, 'dupa4');
    await inMirror(connectionId, 'dupa5');
    await h.idle();
    const deliveries = await h.sandbox.control<{ status?: number; fault?: string; accountId: string }[]>(
      'GET',
      '/push/deliveries',
    );
    const mine = deliveries.filter((d) => d.accountId === accountId);
    expect(mine.filter((d) => d.fault === 'duplicate').length).toBeGreaterThanOrEqual(3);
    expect(mine.filter((d) => d.fault !== undefined).every((d) => d.status === 200)).toBe(true);

    const row = (await connectionRow(h, connectionId))!;
    const syncsBefore = (await h.jobs('sync')).length;
    const forged = await fetch(`${h.deps.pushPublicUrl}/push/google`, {
      method: 'POST',
      headers: {
        'x-goog-channel-id': row.push_channel_id!,
        'x-goog-channel-token': 'forged',
        'x-goog-resource-id': row.push_resource_id!,
        'x-goog-resource-state': 'exists',
        'x-goog-message-number': '99',
      },
    });
    expect(forged.status).toBe(403);
    expect(((await forged.json()) as { code: string }).code).toBe('FL_PUSH_FORBIDDEN');
    expect((await h.jobs('sync')).length).toBe(syncsBefore);
  });

  it('after the sandbox clock moves 6 days, the sweep renews the channel and push keeps working', async () => {
    const { accountId, connectionId } = await account('renew@sandbox.test');
    const first = (await connectionRow(h, connectionId))!;
    await h.advance(6 * DAY);
    await h.deps.producers.enqueueCatchUpSweep({});
    await waitUntil(
      async () => {
        const row = await connectionRow(h, connectionId);
        return row?.push_channel_id !== first.push_channel_id ? row : undefined;
      },
      { what: 'a renewed channel' },
    );
    await h.idle();
    const renewed = (await connectionRow(h, connectionId))!;
    expect(renewed.push_expires_at!.getTime()).toBeGreaterThan(first.push_expires_at!.getTime() + 5 * DAY);
    await insert(accountId, 'afterrenel1', base + 7 * DAY);
    await inMirror(connectionId, 'afterrenel1');
    // The old channel was stopped: only the new one delivered the insert.
    const deliveries = await h.sandbox.control<{ headers: Record<string, string>; accountId: string }[]>(
      'GET',
      '/push/deliveries',
    );
    const last = deliveries.filter((d) => d.accountId === accountId).at(-1);
    expect(last?.headers['x-goog-channel-id']).toBe(renewed.push_channel_id);
  });

  it('a revoked grant: needs_reauth after one attempt, connection-lost queued, no retry storm', async () => {
    const { accountId, connectionId } = await account('revoked@sandbox.test');
    await h.sandbox.control('POST', `/accounts/${accountId}/revoke-tokens`);
    // The sandbox clock does not tick by itself: position in the log tells what came after.
    const logged = (await requests()).length;
    await insert(accountId, 'afterrevoke1', base + DAY);
    await waitUntil(async () => (await connectionRow(h, connectionId))?.status === 'needs_reauth', {
      what: 'needs_reauth',
    });
    await h.idle();
    // More changes and sweeps: nothing is retried or even tried for this connection.
    await insert(accountId, 'afterrevoke2', base + 2 * DAY);
    await h.deps.producers.enqueueCatchUpSweep({});
    await h.idle();
    const tokenCalls = (await requests()).slice(logged).filter((r) => r.route.includes('token'));
    expect(tokenCalls).toHaveLength(1);
    expect(tokenCalls[0]?.status).toBe(400);
    const lost = (await h.jobs('notify')).filter((j) => j.name === 'connection-lost');
    expect(lost.map((j) => j.data)).toEqual([{ connectionId }]);
    expect((await connectionRow(h, connectionId))?.status).toBe('needs_reauth');
  });

  it('a 5,000-event calendar syncs fully', async () => {
    const events = Array.from({ length: 5_000 }, (_, i) =>
      googleEvent(`bulk${i.toString(32).padStart(4, '0')}`, base + (i % 50) * DAY + (i % 16) * 1800_000),
    );
    const started = performance.now();
    const { connectionId } = await account('bulk@sandbox.test', events);
    expect(await mirrorCount(h, connectionId)).toBe(5_000);
    expect(performance.now() - started).toBeLessThan(20_000);
  }, 60_000);

  it('disconnect stops the channel, revokes the grant and deletes tokens and mirror rows', async () => {
    const { accountId, connectionId, userId } = await account('bye@sandbox.test', [
      googleEvent('leavingev1', base + DAY),
    ]);
    const session = await sessionFor(userId);
    const logged = (await requests()).length;
    const res = await h.t.app.inject({
      method: 'DELETE',
      url: `/api/v1/connections/${connectionId}`,
      headers: session,
    });
    expect(res.statusCode).toBe(202);
    await waitUntil(async () => (await connectionRow(h, connectionId)) === undefined, {
      what: 'connection deleted',
    });
    expect(await mirrorCount(h, connectionId)).toBe(0);
    const log = await requests(`?accountId=${accountId}`);
    expect(log.some((r) => r.route.includes('/channels/stop') && r.status < 300)).toBe(true);
    expect((await requests()).slice(logged).some((r) => r.route.includes('revoke') && r.status < 300)).toBe(
      true,
    );
    // The channel no longer fires: a change after the disconnect is delivered to nobody.
    type Delivery = { accountId: string };
    const delivered = async () =>
      (await h.sandbox.control<Delivery[]>('GET', '/push/deliveries')).filter(
        (d) => d.accountId === accountId,
      ).length;
    const deliveriesBefore = await delivered();
    await insert(accountId, 'afterleave1', base + 2 * DAY);
    expect(await delivered()).toBe(deliveriesBefore);
  });

  it('deleting the account (removing our focus blocks) stops push, revokes, deletes our upcoming events and then every row of the user', async () => {
    // Well ahead of the clock, which an earlier test moved on by six days.
    const ours = {
      ...googleEvent('goneours1', base + 14 * DAY),
      extendedProperties: { private: { [GOOGLE_TAG_KEY]: 'focusBlock' } },
    };
    const { accountId, userId } = await account('gone@sandbox.test', [
      googleEvent('goneev1', base + DAY),
      ours,
    ]);
    const tables = (
      await h.t.db.query<{ table_name: string }>(
        `select table_name from information_schema.columns
         where table_schema = 'public' and column_name = 'user_id' order by table_name`,
      )
    ).rows.map((r) => r.table_name);
    const count = async () => {
      const counts: Record<string, number> = {};
      for (const table of tables) {
        const { rows } = await h.t.db.query<{ n: number }>(
          `select count(*)::int as n from ${table} where user_id = $1`,
          [userId],
        );
        counts[table] = rows[0]!.n;
      }
      const events = await h.t.db.query<{ n: number }>(
        'select count(*)::int as n from events e join connections c on c.id = e.connection_id where c.user_id = $1',
        [userId],
      );
      counts.events = events.rows[0]!.n;
      return counts;
    };
    const before = await count();
    expect(before.connections).toBe(1);
    expect(before.events).toBe(2);
    expect(before.sessions).toBeGreaterThanOrEqual(1);
    const session = await sessionFor(userId);
    const logged = (await requests()).length;
    const res = await h.t.app.inject({
      method: 'DELETE',
      url: '/api/v1/me?removeFocusBlocks=true',
      headers: session,
    });
    expect(res.statusCode, res.body).toBe(204);
    // Signed out at once; the rows go once the calendar is cleaned up at the provider.
    const me = await h.t.app.inject({ method: 'GET', url: '/api/v1/me', headers: session });
    expect(me.statusCode).toBe(401);
    await waitUntil(
      async () => (await h.t.db.query('select 1 from users where id = $1', [userId])).rowCount === 0,
      { timeoutMs: 20_000, what: 'the user row deleted' },
    );
    const after = await count();
    expect(Object.values(after).every((n) => n === 0)).toBe(true);
    const log = (await requests()).slice(logged);
    expect(log.some((r) => r.route.includes('/channels/stop') && r.status < 300)).toBe(true);
    expect(log.some((r) => r.route.includes('revoke') && r.status < 300)).toBe(true);
    type SandboxEvent = { id: string; status?: string };
    const left = await h.sandbox.control<{ items?: SandboxEvent[] } | SandboxEvent[]>(
      'GET',
      `/accounts/${accountId}/events`,
    );
    const live = (Array.isArray(left) ? left : (left.items ?? [])).filter((e) => e.status !== 'cancelled');
    expect(live.map((e) => e.id)).toEqual(['goneev1']);
  });

  /** Session cookie and CSRF headers for an existing user (the consent flow signed them in). */
  async function sessionFor(userId: string) {
    const user = await repositories(h.t.db).users.byId(userId);
    const { headers } = await h.t.signIn(user!.email);
    return headers;
  }
});
