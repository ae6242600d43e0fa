/**
 * Per-account limits end to end: the real sync worker (BullMQ, concurrency 8) running many jobs for one
 * account through the real adapters and the per-account limiter against the provider sandbox, which
 * measures what it received (GET /_sandbox/load) and injects latency and 429 storms.
 */
import { randomUUID } from 'node:crypto';
import { createAccountLimiter, type ProviderLimits } from '@frontload/connections';
import { JOBS } from '@frontload/jobs';
import type { ProviderCallHook } from '@frontload/providers';
import { deleteKeysWithPrefix, randomQueuePrefix, testRedisClient, waitUntil } from '@frontload/testing';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startSyncHarness, type Provider, type SyncHarness } from './sync-harness.js';

type Load = Record<
  string,
  { inFlight: number; maxInFlight: number; started: number; maxStartedPerSecond: number }
>;

const GRAPH: ProviderLimits = { maxConcurrent: 4, ratePerSecond: 16, burst: 8 };
const OPEN: ProviderLimits = { maxConcurrent: 0, ratePerSecond: 0, burst: 1 };

describe('per-account provider limits (sync worker at concurrency 8, sandbox)', () => {
  let h: SyncHarness;
  let limiterRedis: Redis;
  const limiterPrefix = randomQueuePrefix();
  /** The harness reads this list on every request: tests install the limiter (or nothing) here. */
  const hooks: ProviderCallHook[] = [];
  const useHooks = (...list: ProviderCallHook[]) => hooks.splice(0, hooks.length, ...list);
  const limiter = (limits: { google: ProviderLimits; microsoft: ProviderLimits }) =>
    createAccountLimiter(limiterRedis, { prefix: limiterPrefix, limits });

  beforeAll(async () => {
    limiterRedis = testRedisClient();
    h = await startSyncHarness({ push: false, callHooks: hooks, concurrency: 8 });
  }, 60_000);
  afterAll(async () => {
    await h.close();
    await deleteKeysWithPrefix(limiterRedis, limiterPrefix);
    await limiterRedis.quit();
  });
  beforeEach(() => void useHooks());

  async function connectAccount(provider: Provider, email: string) {
    const account = await h.sandbox.createAccount({
      provider,
      email,
      name: email,
      timeZone: 'Europe/Berlin',
    });
    const { connectionId } = await h.connect(provider, account.id);
    await h.idle();
    return { accountId: account.id, connectionId };
  }
  const fault = (rule: Record<string, unknown>) => h.sandbox.control<{ id: string }>('POST', '/faults', rule);
  const load = async (accountId: string) => (await h.sandbox.control<Load>('GET', '/load'))[accountId];
  const resetLoad = () => h.sandbox.control('DELETE', '/load');

  /** Adds `count` sync jobs for one connection (distinct ids: none coalesces with another). */
  async function addSyncJobs(connectionId: string, count: number): Promise<string[]> {
    const queue = new Queue('sync', { connection: h.redis, prefix: h.t.prefix });
    try {
      const jobs = await queue.addBulk(
        Array.from({ length: count }, () => ({
          name: 'sync',
          data: { connectionId, reason: 'push' as const },
          opts: { ...JOBS.sync.defaults, jobId: `limits-${randomUUID()}` },
        })),
      );
      return jobs.map((job) => job.id!);
    } finally {
      await queue.close();
    }
  }

  /** Waits until every job finished; returns each one's state and failed attempts. */
  async function finished(ids: string[], timeoutMs = 30_000) {
    const queue = new Queue('sync', { connection: h.redis, prefix: h.t.prefix });
    try {
      const states = await waitUntil(
        async () => {
          const all = await Promise.all(ids.map((id) => queue.getJobState(id)));
          return all.every((s) => s === 'completed' || s === 'failed') && all;
        },
        { timeoutMs, intervalMs: 100, what: `${ids.length} sync jobs finished` },
      );
      const jobs = await Promise.all(ids.map((id) => queue.getJob(id)));
      return jobs.map((job, i) => ({ state: states[i], job }));
    } finally {
      await queue.close();
    }
  }

  it('Graph: 24 jobs for one mailbox never have more than 4 requests in flight, and all complete', async () => {
    const { accountId, connectionId } = await connectAccount('microsoft', 'quinn@sandbox.test');
    const slow = await fault({ provider: 'microsoft', route: '*', accountId, latencyMs: 150 });

    // Without the limiter the same jobs do put more than 4 in flight: the measurement can see an excess.
    await resetLoad();
    const unlimited = await finished(await addSyncJobs(connectionId, 16));
    expect(unlimited.every((j) => j.state === 'completed')).toBe(true);
    expect((await load(accountId))?.maxInFlight).toBeGreaterThan(4);

    useHooks(limiter({ google: OPEN, microsoft: GRAPH }));
    await resetLoad();
    const limited = await finished(await addSyncJobs(connectionId, 24));
    expect(limited.map((j) => j.state)).toEqual(Array(24).fill('completed'));
    // Waiting for a lease is a deferral, never a failed attempt.
    expect(limited.map((j) => j.job?.attemptsMade)).toEqual(Array(24).fill(1));
    const seen = await load(accountId);
    expect(seen?.maxInFlight).toBeLessThanOrEqual(4);
    expect(seen?.maxInFlight).toBeGreaterThanOrEqual(3);
    expect(seen?.started).toBeGreaterThanOrEqual(24);
    await h.sandbox.control('DELETE', `/faults/${slow.id}`);
  }, 90_000);

  it('a 429 storm on one mailbox slows its jobs down (Retry-After honoured) instead of failing them', async () => {
    const { accountId, connectionId } = await connectAccount('microsoft', 'river@sandbox.test');
    const sent: number[] = [];
    const recorder: ProviderCallHook = { before: (call) => void (call.account && sent.push(Date.now())) };
    // After the limiter: it records only the requests the limiter let through.
    useHooks(limiter({ google: OPEN, microsoft: GRAPH }), recorder);
    const storm = await fault({
      provider: 'microsoft',
      route: '*',
      accountId,
      status: 429,
      retryAfterSeconds: 1,
    });
    const stormStart = Date.now();
    const ids = await addSyncJobs(connectionId, 12);
    // The storm lasts four Retry-After periods.
    await waitUntil(() => Date.now() - stormStart >= 4_000, {
      timeoutMs: 6_000,
      intervalMs: 50,
      what: 'storm',
    });
    await h.sandbox.control('DELETE', `/faults/${storm.id}`);
    const stormCalls = [...sent];

    const jobs = await finished(ids);
    expect(jobs.map((j) => j.state)).toEqual(Array(12).fill('completed'));
    expect(jobs.map((j) => j.job?.attemptsMade)).toEqual(Array(12).fill(1));
    const throttled = (
      await h.sandbox.control<{ faultId?: string }[]>('GET', `/requests?accountId=${accountId}`)
    ).filter((e) => e.faultId === storm.id);
    // 12 jobs retrying every Retry-After would have made about 48 calls; the account made one wave
    // (the requests already under way when the first 429 came) and then one probe per period.
    expect(throttled.length).toBeGreaterThanOrEqual(3);
    expect(throttled.length).toBeLessThanOrEqual(4 + 5);
    expect(stormCalls.length).toBe(throttled.length);
    // Apart from requests sent together in the first wave, each call waited out the Retry-After.
    const gaps = stormCalls.slice(1).map((at, i) => at - stormCalls[i]!);
    const waited = gaps.filter((gap) => gap >= 950);
    expect(gaps.length - waited.length).toBeLessThanOrEqual(3);
    expect(waited.length).toBeGreaterThanOrEqual(2);
  }, 60_000);

  it('Google: jobs for one account stay under the configured per-user rate', async () => {
    const { accountId, connectionId } = await connectAccount('google', 'sage@sandbox.test');
    const rate = 5;
    const burst = 2;

    await resetLoad();
    const unlimited = await finished(await addSyncJobs(connectionId, 12));
    expect(unlimited.every((j) => j.state === 'completed')).toBe(true);
    expect((await load(accountId))?.maxStartedPerSecond).toBeGreaterThan(rate + burst);

    useHooks(limiter({ google: { maxConcurrent: 0, ratePerSecond: rate, burst }, microsoft: GRAPH }));
    await resetLoad();
    const started = Date.now();
    const jobs = await finished(await addSyncJobs(connectionId, 15));
    const elapsedSeconds = (Date.now() - started) / 1_000;
    expect(jobs.map((j) => j.state)).toEqual(Array(15).fill('completed'));
    expect(jobs.map((j) => j.job?.attemptsMade)).toEqual(Array(15).fill(1));
    const seen = await load(accountId);
    // GCRA: never more than burst + rate requests in any one second, and on average at most the rate.
    expect(seen?.maxStartedPerSecond).toBeLessThanOrEqual(rate + burst);
    expect(seen?.started).toBeGreaterThanOrEqual(15);
    expect(seen!.started).toBeLessThanOrEqual(burst + rate * elapsedSeconds);
  }, 60_000);
});
