/**
 * The sync worker against real Postgres and Redis, with an in-memory calendar standing in for the
 * provider (the real adapters run against the sandbox in tests/e2e/sync-*.test.ts).
 */
import { randomUUID } from 'node:crypto';
import { DEVELOPMENT_SEALING_KEY } from '@frontload/config';
import { migrate, openDatabase, repositories, type Database } from '@frontload/db';
import {
  closeRedisConnection,
  createProducers,
  createRedisConnection,
  startWorker,
  type Producers,
} from '@frontload/jobs';
import { connectionTokenSource } from '@frontload/connections';
import { createLogger } from '@frontload/logging';
import { ProviderError } from '@frontload/providers';
import { createTokenVault } from '@frontload/security';
import { createTestDatabase, type TestDatabase } from '@frontload/testing';
import {
  testRedisClient,
  deleteKeysWithPrefix,
  randomQueuePrefix,
  waitUntil,
} from '@frontload/testing/redis';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryCalendar, timedEvent } from './__fixtures__/memory-calendar.js';
import { DEFAULT_TUNING, type SyncDeps } from './deps.js';
import { maintenanceProcessors, syncProcessors } from './processors.js';
import { catchUpSweep } from './sweep.js';
import { syncConnection } from './sync-connection.js';
import { renewPush } from './push-channel.js';

const vault = createTokenVault(DEVELOPMENT_SEALING_KEY);
const logger = createLogger({ LOG_LEVEL: 'silent', LOG_PRETTY: false }, 'test');
const NOW = new Date('2026-11-23T08:00:00Z');

describe('sync worker (in-memory calendar, real Postgres and Redis)', () => {
  let testDb: TestDatabase;
  let db: Database;
  let redis: Redis;
  let producerConnection: Redis;
  let producers: Producers;
  let prefix: string;
  const calendars = new Map<string, MemoryCalendar>();
  let revokeRefresh = false;
  let now = NOW;

  const deps = (): SyncDeps => ({
    db,
    producers,
    vault,
    oauth: {
      refresh: async () => {
        if (revokeRefresh)
          throw new ProviderError('auth_revoked', 'google', 'invalid_grant', { status: 400 });
        return { accessToken: `a-${randomUUID()}`, expiresAt: now.getTime() + 3_600_000, scopes: [] };
      },
      revoke: async () => undefined,
    },
    providerFor: async (connection) =>
      calendars.get(connection.id)!.provider(connectionTokenSource(deps(), connection)),
    now: () => now,
    pushPublicUrl: 'https://push.example.test',
    tuning: DEFAULT_TUNING,
  });

  async function connect(email: string, expiresAt = NOW.getTime() + 3_600_000) {
    const repos = repositories(db);
    const user = await repos.users.upsertByEmail({ email, name: 'T' });
    const { row } = await repos.connections.upsert({
      userId: user.id,
      provider: 'google',
      accountSubject: email,
      accountEmail: email,
      sealedTokens: vault.seal(
        { accessToken: 'a0', refreshToken: 'r0', expiresAt, scopes: [] },
        {
          userId: user.id,
          provider: 'google',
        },
      ),
      scopes: [],
    });
    const calendar = new MemoryCalendar(() => now.getTime());
    calendars.set(row.id, calendar);
    return { userId: user.id, connectionId: row.id, calendar };
  }

  const jobs = async (queue: string) => {
    const q = new Queue(queue, { connection: redis, prefix });
    const list = await q.getJobs(['waiting', 'delayed', 'prioritized', 'failed', 'completed']);
    await q.close();
    return list;
  };
  const drain = async (queue: string) => {
    const q = new Queue(queue, { connection: redis, prefix });
    await q.obliterate({ force: true });
    await q.close();
  };

  beforeAll(async () => {
    testDb = await createTestDatabase();
    db = await openDatabase({ url: testDb.url, maxConnections: 4 });
    await migrate(db);
    redis = testRedisClient();
    prefix = randomQueuePrefix();
    producerConnection = createRedisConnection('redis://127.0.0.1:6379', { role: 'producer' });
    producers = createProducers(producerConnection, prefix);
  });
  afterAll(async () => {
    await producers.close();
    await closeRedisConnection(producerConnection);
    await deleteKeysWithPrefix(redis, prefix);
    await redis.quit();
    await db.close();
    await testDb.drop();
  });

  it('a first sync fills the mirror, stores cursor and zone, marks healthy, plans once and asks for push', async () => {
    const { connectionId, calendar, userId } = await connect('first@example.test');
    calendar.put(timedEvent('e1', '2026-11-24T09:00:00Z'));
    calendar.put(
      timedEvent('series1', '2026-11-02T10:00:00Z', {
        kind: 'series',
        recurrence: { frequency: 'weekly', interval: 1 },
      }),
    );
    calendar.put(
      timedEvent('series1_occ', '2026-11-25T11:00:00Z', {
        kind: 'occurrence',
        seriesId: 'series1',
        originalStart: '2026-11-25T10:00:00.000Z',
      }),
    );
    calendar.put(
      timedEvent('series1_cancel', '2026-12-02T10:00:00Z', {
        kind: 'occurrence',
        seriesId: 'series1',
        originalStart: '2026-12-02T10:00:00.000Z',
        status: 'cancelled',
      }),
    );
    const outcome = await syncConnection(deps(), connectionId, 'initial');
    expect(outcome).toMatchObject({ mode: 'full', upserted: 4, planQueued: true });

    const repos = repositories(db);
    const row = await repos.connections.byId(connectionId);
    expect(row).toMatchObject({ status: 'healthy', sync_cursor: '4', time_zone: 'Europe/Berlin' });
    expect((await repos.users.byId(userId))?.time_zone).toBe('Europe/Berlin');
    const mirror = await repos.mirror.eventsInWindow(
      connectionId,
      new Date('2026-11-23'),
      new Date('2026-12-07'),
    );
    expect(mirror.map((e) => [e.id, e.kind, e.status])).toEqual([
      ['series1', 'series', 'confirmed'],
      ['e1', 'single', 'confirmed'],
      ['series1_occ', 'occurrence', 'confirmed'],
      ['series1_cancel', 'occurrence', 'cancelled'],
    ]);
    expect(mirror[0]).toEqual(calendar.events.get('series1'));
    expect((await jobs('plan')).map((j) => j.data)).toEqual([{ userId, reason: 'sync' }]);
    expect((await jobs('maintenance')).map((j) => [j.name, j.data])).toEqual([
      ['renew-push', { connectionId }],
    ]);
    await drain('plan');
    await drain('maintenance');
  });

  it('incremental: upserts and explicit tombstones apply; an echo or duplicate (same etag) plans nothing', async () => {
    const { connectionId, calendar } = await connect('incr@example.test');
    calendar.put(timedEvent('keep', '2026-11-24T09:00:00Z'));
    calendar.put(timedEvent('gone', '2026-11-24T10:00:00Z'));
    await syncConnection(deps(), connectionId, 'initial');
    await drain('plan');
    const repos = repositories(db);

    calendar.touch('keep');
    expect(await syncConnection(deps(), connectionId, 'push')).toMatchObject({
      mode: 'incremental',
      relevant: 0,
      planQueued: false,
    });
    expect(await jobs('plan')).toEqual([]);

    calendar.put(timedEvent('new', '2026-11-26T09:00:00Z', { title: 'added' }));
    calendar.remove('gone');
    expect(await syncConnection(deps(), connectionId, 'push')).toMatchObject({
      upserted: 1,
      deleted: 1,
      relevant: 2,
      planQueued: true,
    });
    expect((await repos.mirror.byId(connectionId, 'new'))?.title).toBe('added');
    expect(await repos.mirror.byId(connectionId, 'gone')).toBeUndefined();
    expect(await repos.mirror.count(connectionId)).toBe(2);
    await drain('plan');
  });

  it('a retried sync plans even when it lists nothing new: the failed attempt may have committed the changes and lost its plan request', async () => {
    const { connectionId, calendar } = await connect('retry@example.test');
    calendar.put(timedEvent('first', '2026-11-24T09:00:00Z'));
    await syncConnection(deps(), connectionId, 'initial');
    await drain('plan');
    // The first attempt commits the change; its plan request is what a Redis outage or a SIGKILL loses.
    calendar.put(timedEvent('added', '2026-11-25T09:00:00Z'));
    expect(await syncConnection(deps(), connectionId, 'push')).toMatchObject({ relevant: 1 });
    await drain('plan');
    expect(await syncConnection(deps(), connectionId, 'push')).toMatchObject({
      relevant: 0,
      planQueued: false,
    });
    expect(await syncConnection(deps(), connectionId, 'push', { retry: true })).toMatchObject({
      relevant: 0,
      planQueued: true,
    });
    expect((await jobs('plan')).length).toBe(1);
    await drain('plan');
  });

  it('an occurrence seen under a new id replaces the old row of the same (series, original start)', async () => {
    const { connectionId, calendar } = await connect('slot@example.test');
    const slot = { kind: 'occurrence' as const, seriesId: 's', originalStart: '2026-11-26T10:00:00.000Z' };
    calendar.put(timedEvent('occ-old', '2026-11-26T10:00:00Z', slot));
    await syncConnection(deps(), connectionId, 'initial');
    calendar.put(timedEvent('occ-new', '2026-11-26T12:00:00Z', slot));
    await syncConnection(deps(), connectionId, 'push');
    const rows = await repositories(db).mirror.eventsInWindow(
      connectionId,
      new Date('2026-11-26'),
      new Date('2026-11-27'),
    );
    expect(rows.map((e) => e.id)).toEqual(['occ-new']);
    await drain('plan');
  });

  it('tombstones: a cancelled instance becomes a cancelled slot; a series tombstone removes its occurrences', async () => {
    const { connectionId } = await connect('tomb@example.test');
    const { mirror } = repositories(db);
    const slot = { kind: 'occurrence' as const, seriesId: 'ser', originalStart: '2026-11-26T10:00:00.000Z' };
    await mirror.replaceAll(connectionId, [
      {
        type: 'upsert',
        event: { ...timedEvent('ser', '2026-11-19T10:00:00Z', { kind: 'series' }), etag: '"1"' },
      },
      { type: 'upsert', event: { ...timedEvent('ser_1', '2026-11-26T11:00:00Z', slot), etag: '"2"' } },
      { type: 'delete', id: 'gone-before' },
    ]);
    const cancel = {
      type: 'delete' as const,
      id: 'ser_1',
      seriesId: 'ser',
      originalStart: slot.originalStart,
    };
    expect(await mirror.applyChanges(connectionId, [cancel])).toMatchObject({ relevant: 1, deleted: 0 });
    expect(await mirror.byId(connectionId, 'ser_1')).toMatchObject({ ...slot, status: 'cancelled' });
    // The same tombstone again changes nothing the planner cares about.
    expect(await mirror.applyChanges(connectionId, [cancel])).toMatchObject({ relevant: 0 });
    expect(await mirror.applyChanges(connectionId, [{ type: 'delete', id: 'ser' }])).toMatchObject({
      deleted: 2,
    });
    expect(await mirror.count(connectionId)).toBe(0);
  });

  it('a full listing asked for on the connection (after a series move) runs on the next sync whatever queued it', async () => {
    const { connectionId, calendar } = await connect('asked-full@example.test');
    calendar.put(timedEvent('a', '2026-11-24T09:00:00Z'));
    await syncConnection(deps(), connectionId, 'initial');
    await drain('plan');
    expect((await syncConnection(deps(), connectionId, 'push')).mode).toBe('incremental');
    // What the planner does after moving a series (its `resync` job may coalesce into a `push` one).
    await db.query('update connections set full_synced_at = null where id = $1', [connectionId]);
    expect((await syncConnection(deps(), connectionId, 'push')).mode).toBe('full');
    expect((await syncConnection(deps(), connectionId, 'push')).mode).toBe('incremental');
    await drain('plan');
  });

  it('an expired cursor falls back to a full listing, and the mirror is replaced only once it completed', async () => {
    const { connectionId, calendar } = await connect('expired@example.test');
    calendar.put(timedEvent('a', '2026-11-24T09:00:00Z'));
    calendar.put(timedEvent('b', '2026-11-24T10:00:00Z'));
    await syncConnection(deps(), connectionId, 'initial');
    const repos = repositories(db);

    calendar.cursorsExpired = true;
    calendar.failNextFullListing = true;
    // Silently lost while the cursor was dead: only a full listing can notice it.
    calendar.events.delete('b');
    await expect(syncConnection(deps(), connectionId, 'push')).rejects.toMatchObject({ kind: 'transient' });
    expect(await repos.mirror.count(connectionId)).toBe(2);
    expect((await repos.connections.byId(connectionId))?.sync_cursor).toBe('2');

    const outcome = await syncConnection(deps(), connectionId, 'push');
    expect(outcome).toMatchObject({ mode: 'full', cursorExpired: true, deleted: 1, planQueued: true });
    expect(
      (await repos.mirror.eventsInWindow(connectionId, new Date('2026-11-01'), new Date('2027-01-01'))).map(
        (e) => e.id,
      ),
    ).toEqual(['a']);
    await drain('plan');
  });

  it('the sync window rolls forward: a week after the last full listing, the next sync lists everything again', async () => {
    const { connectionId, calendar } = await connect('rolling@example.test');
    calendar.put(timedEvent('a', '2026-11-24T09:00:00Z'));
    const sync = async (at: Date) => {
      now = at;
      const outcome = await syncConnection(deps(), connectionId, 'push');
      return {
        mode: outcome.mode,
        fullAt: (await repositories(db).connections.byId(connectionId))?.full_synced_at,
      };
    };
    try {
      expect((await syncConnection(deps(), connectionId, 'initial')).mode).toBe('full');
      const day = 86_400_000;
      expect(await sync(new Date(NOW.getTime() + 6 * day))).toEqual({ mode: 'incremental', fullAt: NOW });
      const week = new Date(NOW.getTime() + 7 * day);
      expect(await sync(week)).toEqual({ mode: 'full', fullAt: week });
      expect(await sync(new Date(NOW.getTime() + 8 * day))).toEqual({ mode: 'incremental', fullAt: week });
      expect(calendar.calls.filter((c) => c.startsWith('list:'))).toEqual([
        'list:full',
        'list:incremental',
        'list:full',
        'list:incremental',
      ]);
    } finally {
      now = NOW;
      await drain('plan');
      await drain('maintenance');
    }
  });

  it('a revoked grant: needs_reauth, connection-lost queued, one attempt, and no further syncs', async () => {
    const { connectionId } = await connect('revoked@example.test', NOW.getTime() - 1);
    revokeRefresh = true;
    const worker = startWorker({
      queue: 'sync',
      processors: syncProcessors(deps()),
      connectionUrl: 'redis://127.0.0.1:6379',
      prefix,
      concurrency: 1,
      logger,
      drainDelaySeconds: 1,
    });
    try {
      await producers.enqueueSync({ connectionId, reason: 'push' });
      const [failed] = await waitUntil(async () => {
        const list = (await jobs('sync')).filter((j) => j.failedReason);
        return list.length > 0 ? list : undefined;
      });
      expect(failed?.failedReason).toMatch(/^FL_CONNECTION_REVOKED/);
      expect(failed?.attemptsMade).toBe(1);
      expect((await repositories(db).connections.byId(connectionId))?.status).toBe('needs_reauth');
      const lost = await jobs('notify');
      expect(lost.map((j) => [j.name, j.data])).toEqual([['connection-lost', { connectionId }]]);
      // Later pushes or sweeps find nothing to do for it.
      expect(await syncConnection(deps(), connectionId, 'push')).toEqual({
        connectionId,
        skipped: 'not_live',
      });
    } finally {
      revokeRefresh = false;
      await worker.close();
      await drain('sync');
      await drain('notify');
    }
  });

  it('push: created on connect with a hashed secret, renewed past half-life by the sweep (new channel, old stopped)', async () => {
    const { connectionId, calendar } = await connect('push@example.test');
    await syncConnection(deps(), connectionId, 'initial');
    await drain('maintenance');
    expect(await renewPush(deps(), connectionId)).toMatchObject({ action: 'created' });
    const repos = repositories(db);
    const first = await repos.connections.byId(connectionId);
    const channel = calendar.channels.get(first!.push_channel_id!);
    expect(first?.push_secret_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(first?.push_secret_hash).not.toBe(channel?.secret);

    now = new Date(NOW.getTime() + 4 * 24 * 3600_000); // past half of 7 days
    try {
      const sweep = await catchUpSweep(deps());
      expect(sweep.renewals).toBeGreaterThanOrEqual(1);
      const renewals = (await jobs('maintenance')).filter((j) => j.name === 'renew-push').map((j) => j.data);
      expect(renewals).toContainEqual({ connectionId });
      expect(await renewPush(deps(), connectionId)).toMatchObject({ action: 'renewed' });
      const second = await repos.connections.byId(connectionId);
      expect(second?.push_channel_id).not.toBe(first?.push_channel_id);
      expect([...calendar.channels.keys()]).toEqual([second?.push_channel_id]);
    } finally {
      now = NOW;
      await drain('maintenance');
      await drain('sync');
    }
  });

  it('the sweep queues the job of a run left applying without one (its planner died before enqueuing it), once', async () => {
    const { userId } = await connect('stranded@example.test');
    const run = await repositories(db).plans.create({
      userId,
      inputsHash: 'h',
      horizon: { start: NOW, end: NOW },
      notes: [],
      metrics: {},
      state: 'applying',
      operations: [],
    });
    try {
      expect((await catchUpSweep(deps())).runs).toBeGreaterThanOrEqual(1);
      await catchUpSweep(deps());
      const applies = (await jobs('apply')).filter((j) => (j.data as { runId: string }).runId === run.id);
      expect(applies).toHaveLength(1);
    } finally {
      await repositories(db).plans.transition(run.id, ['applying'], 'stopped');
      await drain('apply');
      await drain('sync');
    }
  });

  it('the sweep re-queues a webhook delivery whose job was lost past its deadline, and only that one', async () => {
    const { userId } = await connect('deliveries@example.test');
    const repos = repositories(db);
    const endpoint = await repos.webhooks.createEndpoint({
      userId,
      url: 'https://hooks.example.test/x',
      description: '',
      eventTypes: ['overload.tripped'],
      format: 'json',
      sealedSecrets: 'unused',
    });
    const delivery = (messageId: string) =>
      repos.webhooks.createDelivery({
        endpointId: endpoint.id,
        userId,
        messageId,
        eventType: 'overload.tripped',
        payload: {},
      });
    const lost = await delivery('msg-lost');
    const fresh = await delivery('msg-fresh');
    const retrying = await delivery('msg-retrying');
    const at = (minutesAgo: number) => new Date(NOW.getTime() - minutesAgo * 60_000);
    await db.query('update webhook_deliveries set created_at = $2 where id = $1', [lost.id, at(60)]);
    await db.query('update webhook_deliveries set created_at = $2 where id = $1', [fresh.id, at(1)]);
    // Failed twice, its third attempt long overdue: the delayed job died with Redis.
    await db.query(
      `update webhook_deliveries set status = 'failed', attempts = 2, created_at = $2, next_attempt_at = $3
       where id = $1`,
      [retrying.id, at(120), at(30)],
    );
    try {
      expect((await catchUpSweep(deps())).deliveries).toBe(2);
      await catchUpSweep(deps());
      const queued = (await jobs('notify'))
        .filter((j) => j.name === 'deliver-webhook')
        .map((j) => j.data as { deliveryId: string; attempt?: number });
      expect(queued).toHaveLength(2);
      expect(queued).toContainEqual({ deliveryId: lost.id, attempt: 1 });
      expect(queued).toContainEqual({ deliveryId: retrying.id, attempt: 3 });
    } finally {
      await db.query('delete from webhook_endpoints where id = $1', [endpoint.id]);
      await drain('notify');
    }
  });

  it('the sweep deletes expired OAuth states (PKCE verifiers in clear) and expired sessions, and keeps live ones', async () => {
    const { userId } = await connect('purge@example.test');
    const repos = repositories(db);
    const state = (stateHash: string, expiresAt: Date) =>
      repos.oauthStates.create({
        stateHash,
        provider: 'google',
        codeVerifier: `verifier-${stateHash}`,
        userId: null,
        returnTo: '/',
        browserHash: 'b',
        expiresAt,
      });
    await state('expired-state', new Date(NOW.getTime() - 1_000));
    await state('live-state', new Date(NOW.getTime() + 600_000));
    await repos.sessions.create({
      tokenHash: 'expired-session',
      userId,
      expiresAt: new Date(NOW.getTime() - 1_000),
    });
    await repos.sessions.create({
      tokenHash: 'live-session',
      userId,
      expiresAt: new Date(NOW.getTime() + 3_600_000),
    });

    const outcome = await catchUpSweep(deps());
    expect(outcome).toMatchObject({ purgedStates: 1, purgedSessions: 1 });
    const states = await db.query<{ state_hash: string }>('select state_hash from oauth_states');
    expect(states.rows.map((r) => r.state_hash)).toEqual(['live-state']);
    const sessions = await db.query<{ token_hash: string }>(
      'select token_hash from sessions where user_id = $1',
      [userId],
    );
    expect(sessions.rows.map((r) => r.token_hash)).toEqual(['live-session']);
    await drain('sync');
    await drain('maintenance');
  });

  it('the sweep queues catch-up syncs: every 6 h with live push, every few minutes without', async () => {
    await drain('sync');
    const polled = await connect('poll@example.test');
    const pushed = await connect('pushed@example.test');
    await syncConnection(deps(), polled.connectionId, 'initial');
    await syncConnection(deps(), pushed.connectionId, 'initial');
    await renewPush(deps(), pushed.connectionId);
    await drain('sync');
    now = new Date(NOW.getTime() + 10 * 60_000);
    try {
      await catchUpSweep(deps());
      const ids = (await jobs('sync')).map((j) => j.data.connectionId);
      expect(ids).toContain(polled.connectionId);
      expect(ids).not.toContain(pushed.connectionId);
      now = new Date(NOW.getTime() + 6 * 3600_000 + 60_000);
      await catchUpSweep(deps());
      expect((await jobs('sync')).map((j) => j.data.connectionId)).toContain(pushed.connectionId);
    } finally {
      now = NOW;
      await drain('sync');
      await drain('maintenance');
      await drain('plan');
    }
  });

  it('disconnect stops push, revokes, and deletes the connection with its tokens and mirror rows', async () => {
    const { connectionId, calendar } = await connect('bye@example.test');
    calendar.put(timedEvent('x', '2026-11-24T09:00:00Z'));
    await syncConnection(deps(), connectionId, 'initial');
    await renewPush(deps(), connectionId);
    const repos = repositories(db);
    await repos.syncState.transition(connectionId, 'disconnected');
    const worker = startWorker({
      queue: 'maintenance',
      processors: maintenanceProcessors(deps()),
      connectionUrl: 'redis://127.0.0.1:6379',
      prefix,
      concurrency: 1,
      logger,
      drainDelaySeconds: 1,
    });
    try {
      await drain('maintenance');
      await producers.enqueueDisconnect({ connectionId });
      await waitUntil(async () => (await repos.connections.byId(connectionId)) === undefined);
      expect(calendar.channels.size).toBe(0);
      expect(await repos.mirror.count(connectionId)).toBe(0);
    } finally {
      await worker.close();
      await drain('maintenance');
      await drain('plan');
    }
  });
});
