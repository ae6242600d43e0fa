import { repositories } from '@frontload/db';
import { QUEUES } from '@frontload/jobs';
import { sampleValue } from '@frontload/metrics';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../../test/test-app.js';

const NOW = new Date('2026-11-20T12:00:00Z');

describe('GET /metrics on the API', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await buildTestApp({ now: () => NOW });
  });
  afterAll(() => t.close());

  const scrape = async () => {
    const res = await t.app.inject({ method: 'GET', url: '/metrics' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    return res.body;
  };

  async function connection(email: string) {
    const repos = repositories(t.db);
    const user = await repos.users.upsertByEmail({ email, name: email });
    const { row } = await repos.connections.upsert({
      userId: user.id,
      provider: 'microsoft',
      accountSubject: `sub-${email}`,
      accountEmail: email,
      sealedTokens: 'sealed',
      scopes: [],
    });
    return row.id;
  }

  it('exposes every Frontload family and the default process metrics', async () => {
    const text = await scrape();
    for (const family of [
      'frontload_queue_jobs',
      'frontload_job_duration_seconds',
      'frontload_provider_calls_total',
      'frontload_provider_call_duration_seconds',
      'frontload_plan_operations_total',
      'frontload_webhook_deliveries_total',
      'frontload_sync_lag_seconds',
      'frontload_http_request_duration_seconds',
      'process_cpu_user_seconds_total',
      'nodejs_eventloop_lag_seconds',
    ]) {
      expect(text, family).toContain(`# TYPE ${family} `);
    }
  });

  it('reports the depth of every queue, read from BullMQ at scrape time', async () => {
    const depth = async (queue: string, state?: string) =>
      sampleValue(await scrape(), 'frontload_queue_jobs', { queue, ...(state ? { state } : {}) });
    for (const queue of Object.values(QUEUES)) expect(await depth(queue), queue).toBe(0);
    await t.producers.enqueueSync({ connectionId: '00000000-0000-4000-8000-00000000000a', reason: 'push' });
    await t.producers.enqueueSync({ connectionId: '00000000-0000-4000-8000-00000000000b', reason: 'push' });
    expect(await depth('sync')).toBe(2);
    expect(await depth('sync', 'waiting')).toBe(2);
    expect(await depth('apply')).toBe(0);
  });

  it('reports the sync lag of each live connection, and none for one that needs reauthorization', async () => {
    const synced = await connection('synced@example.com');
    const lost = await connection('lost@example.com');
    const syncState = repositories(t.db).syncState;
    await syncState.markSynced(synced, 'cursor-1', new Date(NOW.getTime() - 90_000));
    await syncState.markSynced(lost, 'cursor-1', new Date(NOW.getTime() - 30_000));
    await syncState.transition(lost, 'needs_reauth');
    const text = await scrape();
    expect(
      sampleValue(text, 'frontload_sync_lag_seconds', { connection_id: synced, provider: 'microsoft' }),
    ).toBe(90);
    expect(sampleValue(text, 'frontload_sync_lag_seconds', { connection_id: lost })).toBeUndefined();
    await syncState.markSynced(synced, 'cursor-2', NOW);
    expect(sampleValue(await scrape(), 'frontload_sync_lag_seconds', { connection_id: synced })).toBe(0);
  });

  it('times requests by route template and status, unknown URLs under one label', async () => {
    await t.app.inject({ method: 'GET', url: '/healthz' });
    await t.app.inject({ method: 'GET', url: '/healthz' });
    await t.app.inject({ method: 'GET', url: '/no/such/page-123' });
    const text = await scrape();
    const count = (labels: Record<string, string>) =>
      sampleValue(text, 'frontload_http_request_duration_seconds_count', labels);
    expect(count({ method: 'GET', route: '/healthz', status_code: '200' })).toBe(2);
    expect(count({ route: 'unmatched', status_code: '404' })).toBe(1);
    expect(text).not.toContain('page-123');
  });

  it('with METRICS_TOKEN set, answers only the bearer of that token', async () => {
    const guarded = await buildTestApp({ now: () => NOW, metricsToken: 'prometheus-scrape-token-1' });
    try {
      const scrapeWith = (authorization?: string) =>
        guarded.app.inject({
          method: 'GET',
          url: '/metrics',
          ...(authorization ? { headers: { authorization } } : {}),
        });
      const anonymous = await scrapeWith();
      expect([anonymous.statusCode, anonymous.json().code]).toEqual([401, 'FL_UNAUTHENTICATED']);
      expect((await scrapeWith('Bearer wrong-token-of-some-length')).statusCode).toBe(401);
      const allowed = await scrapeWith('Bearer prometheus-scrape-token-1');
      expect(allowed.statusCode).toBe(200);
      expect(allowed.body).toContain('# TYPE frontload_queue_jobs ');
    } finally {
      await guarded.close();
    }
  });
});
