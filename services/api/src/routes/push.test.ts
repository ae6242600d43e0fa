import { createHash } from 'node:crypto';
import { repositories } from '@frontload/db';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../../test/test-app.js';
import { CHANNEL_CACHE_MS, channelCache } from './push.js';

const sha = (s: string) => createHash('sha256').update(s).digest('hex');
const SECRET = 'channel-secret-1';

describe('push receivers: validate, enqueue, answer fast', () => {
  let t: TestApp;
  let redis: Redis;
  let googleConnection: string;
  let graphConnection: string;

  const queued = async (queue: string) => {
    const q = new Queue(queue, { connection: redis, prefix: t.prefix });
    const jobs = await q.getJobs(['waiting', 'delayed', 'prioritized']);
    await q.close();
    return jobs.map((j) => [j.name, j.data] as const);
  };
  const clear = async () => {
    for (const name of ['sync', 'maintenance']) {
      const q = new Queue(name, { connection: redis, prefix: t.prefix });
      await q.obliterate({ force: true });
      await q.close();
    }
  };

  async function connection(
    email: string,
    provider: 'google' | 'microsoft',
    channelId: string,
    resourceId: string,
  ) {
    const repos = repositories(t.db);
    const { userId } = await t.signIn(email);
    const { row } = await repos.connections.upsert({
      userId,
      provider,
      accountSubject: email,
      accountEmail: email,
      sealedTokens: 'v1.x',
      scopes: [],
    });
    await repos.syncState.setPush(row.id, {
      channelId,
      resourceId,
      secretHash: sha(SECRET),
      expiresAt: new Date(Date.now() + 86_400_000),
      registeredAt: new Date(),
    });
    await repos.syncState.markSynced(row.id, 'cursor', new Date());
    return row.id;
  }

  beforeAll(async () => {
    t = await buildTestApp();
    redis = new Redis('redis://127.0.0.1:6379');
    googleConnection = await connection('g@example.test', 'google', 'chan-1', 'res-1');
    graphConnection = await connection('m@example.test', 'microsoft', 'sub-chan', 'sub-1');
  });
  afterAll(async () => {
    await clear();
    redis.disconnect();
    await t.close();
  });
  beforeEach(clear);

  const google = (headers: Record<string, string>) =>
    t.app.inject({
      method: 'POST',
      url: '/push/google',
      headers: { 'x-goog-message-number': '7', 'x-goog-resource-id': 'res-1', ...headers },
    });
  const graph = (body: unknown, url = '/push/microsoft') =>
    t.app.inject({ method: 'POST', url, payload: body as object });

  it('Google: a change enqueues one sync; a burst of duplicates and reordered messages coalesces into it', async () => {
    const base = {
      'x-goog-channel-id': 'chan-1',
      'x-goog-channel-token': SECRET,
      'x-goog-resource-id': 'res-1',
    };
    for (const n of [5, 3, 9, 5]) {
      const res = await google({
        ...base,
        'x-goog-resource-state': 'exists',
        'x-goog-message-number': String(n),
      });
      expect(res.statusCode).toBe(200);
    }
    expect(await queued('sync')).toEqual([['sync', { connectionId: googleConnection, reason: 'push' }]]);
  });

  it("Google: the channel's first `sync` message is acknowledged without work", async () => {
    const res = await google({
      'x-goog-channel-id': 'chan-1',
      'x-goog-channel-token': SECRET,
      'x-goog-resource-state': 'sync',
    });
    expect(res.statusCode).toBe(200);
    expect(await queued('sync')).toEqual([]);
  });

  it('Google: unknown channel → 401, wrong or missing token → 403, missing headers → 400; nothing enqueued', async () => {
    const unknown = await google({
      'x-goog-channel-id': 'nope',
      'x-goog-channel-token': SECRET,
      'x-goog-resource-state': 'exists',
    });
    expect([unknown.statusCode, unknown.json().code]).toEqual([401, 'FL_PUSH_UNKNOWN_CHANNEL']);
    const forged = await google({
      'x-goog-channel-id': 'chan-1',
      'x-goog-channel-token': 'guess',
      'x-goog-resource-state': 'exists',
    });
    expect([forged.statusCode, forged.json().code]).toEqual([403, 'FL_PUSH_FORBIDDEN']);
    const tokenless = await google({ 'x-goog-channel-id': 'chan-1', 'x-goog-resource-state': 'exists' });
    expect(tokenless.statusCode).toBe(403);
    const otherResource = await google({
      'x-goog-channel-id': 'chan-1',
      'x-goog-channel-token': SECRET,
      'x-goog-resource-id': 'res-2',
      'x-goog-resource-state': 'exists',
    });
    expect(otherResource.statusCode).toBe(403);
    const malformed = await google({ 'x-goog-channel-token': SECRET });
    expect([malformed.statusCode, malformed.json().code]).toEqual([400, 'FL_VALIDATION_FAILED']);
    expect(await queued('sync')).toEqual([]);
  });

  it('Graph: answers the validation handshake with the decoded token as text/plain', async () => {
    const token = 'Validation: Testing client application reachability for subscription Request-Id: 1';
    const res = await t.app.inject({
      method: 'POST',
      url: `/push/microsoft?validationToken=${encodeURIComponent(token)}`,
      headers: { 'content-type': 'text/plain; charset=utf-8' },
      payload: '',
    });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain/);
    expect(res.body).toBe(token);
  });

  it('Graph: a batch enqueues one sync per connection; lifecycle events renew or resync', async () => {
    const item = {
      subscriptionId: 'sub-1',
      clientState: SECRET,
      changeType: 'updated',
      resource: 'Users/x/Events/1',
    };
    const res = await graph({ value: [item, item, { ...item, changeType: 'created' }] });
    expect(res.statusCode).toBe(202);
    expect(await queued('sync')).toEqual([['sync', { connectionId: graphConnection, reason: 'push' }]]);

    await clear();
    const life = (lifecycleEvent: string) => ({
      value: [{ subscriptionId: 'sub-1', clientState: SECRET, lifecycleEvent }],
    });
    expect((await graph(life('reauthorizationRequired'))).statusCode).toBe(202);
    expect(await queued('maintenance')).toEqual([['renew-push', { connectionId: graphConnection }]]);
    expect(await queued('sync')).toEqual([]);
    await clear();
    expect((await graph(life('missed'))).statusCode).toBe(202);
    expect(await queued('sync')).toEqual([['sync', { connectionId: graphConnection, reason: 'push' }]]);
    await clear();
    expect((await graph(life('subscriptionRemoved'))).statusCode).toBe(202);
    expect(await queued('maintenance')).toEqual([['renew-push', { connectionId: graphConnection }]]);
    expect(await queued('sync')).toEqual([['sync', { connectionId: graphConnection, reason: 'push' }]]);
  });

  it('Graph: forged clientState → 403, unknown subscription → 401, malformed or oversized → 4xx; nothing enqueued', async () => {
    const forged = await graph({
      value: [{ subscriptionId: 'sub-1', clientState: 'guess', changeType: 'updated' }],
    });
    expect([forged.statusCode, forged.json().code]).toEqual([403, 'FL_PUSH_FORBIDDEN']);
    const unknown = await graph({
      value: [{ subscriptionId: 'sub-x', clientState: SECRET, changeType: 'updated' }],
    });
    expect([unknown.statusCode, unknown.json().code]).toEqual([401, 'FL_PUSH_UNKNOWN_CHANNEL']);
    const malformed = await graph({ value: 'nope' });
    expect([malformed.statusCode, malformed.json().code]).toEqual([400, 'FL_VALIDATION_FAILED']);
    const huge = await graph({
      value: [{ subscriptionId: 'sub-1', clientState: SECRET, pad: 'x'.repeat(70_000) }],
    });
    expect([huge.statusCode, huge.json().code]).toEqual([413, 'FL_PAYLOAD_TOO_LARGE']);
    expect(await queued('sync')).toEqual([]);
    expect(await queued('maintenance')).toEqual([]);
  });

  it('answers within 100 ms', async () => {
    const started = performance.now();
    for (let i = 0; i < 20; i += 1) {
      await google({
        'x-goog-channel-id': 'chan-1',
        'x-goog-channel-token': SECRET,
        'x-goog-resource-state': 'exists',
      });
    }
    expect((performance.now() - started) / 20).toBeLessThan(100);
  });
});

describe('push receivers: the channel lookup cache', () => {
  const channel = { id: 'conn-1', status: 'healthy', push_secret_hash: null, push_resource_id: 'r' } as const;
  const deferred = <T>() => {
    let resolve!: (value: T) => void;
    let reject!: (error: Error) => void;
    const promise = new Promise<T>((res, rej) => ((resolve = res), (reject = rej)));
    return { promise, resolve, reject };
  };

  it('a burst for one channel that arrives before the first answer asks Postgres once', async () => {
    const cached = channelCache();
    const answer = deferred<typeof channel>();
    let loads = 0;
    const load = () => ((loads += 1), answer.promise);
    const burst = Array.from({ length: 8 }, () => cached('g:chan-1', load));
    answer.resolve(channel);
    expect(await Promise.all(burst)).toEqual(Array(8).fill(channel));
    expect(await cached('g:chan-1', load)).toBe(channel);
    expect(loads).toBe(1);
  });

  it('keeps a found channel for CHANNEL_CACHE_MS, then asks again', async () => {
    let clock = 0;
    const cached = channelCache(() => clock);
    let loads = 0;
    const load = async () => ((loads += 1), channel);
    await cached('g:chan-1', load);
    clock = CHANNEL_CACHE_MS - 1;
    await cached('g:chan-1', load);
    clock = CHANNEL_CACHE_MS + 1;
    await cached('g:chan-1', load);
    expect(loads).toBe(2);
  });

  it('keeps neither an unknown channel nor a failed lookup: the next message asks again', async () => {
    const cached = channelCache();
    let loads = 0;
    expect(await cached('g:forged', async () => ((loads += 1), undefined))).toBeUndefined();
    expect(await cached('g:forged', async () => ((loads += 1), undefined))).toBeUndefined();
    await expect(
      cached('g:chan-1', () => ((loads += 1), Promise.reject(new Error('db down')))),
    ).rejects.toThrow('db down');
    expect(await cached('g:chan-1', async () => ((loads += 1), channel))).toBe(channel);
    expect(loads).toBe(4);
  });
});
