/**
 * The per-account limiter against the real Redis: leases, the GCRA rate, blocks after throttled
 * answers. Several limiter instances on separate clients stand in for separate worker processes.
 */
import { ProviderError, type ProviderCall, type ProviderCallOutcome } from '@frontload/providers';
import { redisTest as test, testRedisClient, waitUntil } from '@frontload/testing/redis';
import { expect } from 'vitest';
import { createAccountLimiter, type AccountLimiterOptions } from './account-limiter.js';

const graph: ProviderCall = { provider: 'microsoft', route: 'events.delta', account: 'Pat@Example.test' };
const google: ProviderCall = { provider: 'google', route: 'events.list', account: 'pat@example.test' };
const unlimited = { maxConcurrent: 0, ratePerSecond: 0, burst: 1 };

function limiterFor(
  prefix: string,
  onFinished: (fn: () => Promise<void>) => void,
  options: Partial<AccountLimiterOptions> = {},
) {
  // One client per limiter, as each worker process has its own.
  const client = testRedisClient();
  onFinished(async () => void (await client.quit()));
  return createAccountLimiter(client, {
    prefix,
    limits: { google: unlimited, microsoft: { maxConcurrent: 4, ratePerSecond: 0, burst: 1 } },
    random: () => 0,
    ...options,
  });
}

const done = (call: ProviderCall, status: number, error?: ProviderError): ProviderCallOutcome => ({
  ...call,
  status,
  durationMs: 5,
  ...(error ? { error } : {}),
});

const throttle = (call: ProviderCall, retryAfterMs?: number) =>
  done(
    call,
    429,
    new ProviderError('rate_limited', call.provider, 'throttled', {
      status: 429,
      ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
    }),
  );

/** The deferral `before` throws, or undefined when the call was admitted. */
async function deferral(hook: ReturnType<typeof limiterFor>, call: ProviderCall) {
  try {
    await hook.before?.(call);
    return undefined;
  } catch (error) {
    if (!(error instanceof ProviderError)) throw error;
    return error;
  }
}

test('Graph: a fifth request in flight for one mailbox is deferred; a dead process’s leases expire', async ({
  redis,
  onTestFinished,
}) => {
  const crashed = limiterFor(redis.prefix, onTestFinished, { leaseTtlMs: 400 });
  for (let i = 0; i < 4; i++) await crashed.before?.(graph);
  const survivor = limiterFor(redis.prefix, onTestFinished, { busyRetryMs: 300 });
  const started = Date.now();
  const refused = await deferral(survivor, graph);
  expect(refused).toMatchObject({ kind: 'rate_limited', provider: 'microsoft' });
  expect(refused?.details.reason).toBe('limiter_busy');
  expect(refused?.retryAfterMs).toBeGreaterThanOrEqual(300);
  // Another mailbox is not affected.
  expect(await deferral(survivor, { ...graph, account: 'other@example.test' })).toBeUndefined();
  // `crashed` never calls after(): its leases end with their TTL, not never.
  await waitUntil(async () => (await deferral(survivor, graph)) === undefined, {
    timeoutMs: 3_000,
    intervalMs: 25,
    what: 'a lease after the dead ones expired',
  });
  expect(Date.now() - started).toBeGreaterThanOrEqual(350);
});

test('Graph: a request waiting for a lease of its own process gets it as soon as one is released', async ({
  redis,
  onTestFinished,
}) => {
  const hook = limiterFor(redis.prefix, onTestFinished, { maxLeaseWaitMs: 5_000 });
  for (let i = 0; i < 4; i++) await hook.before?.(graph);
  let admitted = false;
  const waiting = Promise.resolve(hook.before?.(graph)).then(() => (admitted = true));
  // Still waiting while all four are in flight (checked after a Redis round trip has happened).
  await redis.client.ping();
  expect(admitted).toBe(false);
  const releasedAt = Date.now();
  await hook.after?.(done(graph, 200));
  await waiting;
  expect(Date.now() - releasedAt).toBeLessThan(1_000);
  // Four in flight again: a different process is refused.
  const other = limiterFor(redis.prefix, onTestFinished);
  expect((await deferral(other, graph))?.details.reason).toBe('limiter_busy');
  for (let i = 0; i < 4; i++) await hook.after?.(done(graph, 200));
  expect(await deferral(other, graph)).toBeUndefined();
});

test('Google: a burst goes through, then the bucket refills at the configured rate', async ({
  redis,
  onTestFinished,
}) => {
  const limits = { google: { maxConcurrent: 0, ratePerSecond: 20, burst: 3 }, microsoft: unlimited };
  const hook = limiterFor(redis.prefix, onTestFinished, { limits });
  for (let i = 0; i < 3; i++) expect(await deferral(hook, google)).toBeUndefined();
  const refused = await deferral(hook, google);
  expect(refused?.details.reason).toBe('limiter_rate');
  // Back when the whole burst (3 ≤ the headroom) may go again: two more slots after the next one.
  expect(refused?.retryAfterMs).toBeGreaterThan(100);
  expect(refused?.retryAfterMs).toBeLessThanOrEqual(150);
  // Asking as fast as possible for a second: the rate (20/s, 50 ms apart) holds.
  const started = Date.now();
  let admitted = 0;
  while (Date.now() - started < 1_000) if ((await deferral(hook, google)) === undefined) admitted += 1;
  expect(admitted).toBeGreaterThanOrEqual(17);
  expect(admitted).toBeLessThanOrEqual(21);
});

test('a job deferred by the rate finds room, when it comes back, for an operation of several calls (no livelock at one slot a return)', async ({
  redis,
  onTestFinished,
}) => {
  const limits = { google: { maxConcurrent: 0, ratePerSecond: 10, burst: 30 }, microsoft: unlimited };
  const hook = limiterFor(redis.prefix, onTestFinished, { limits });
  while ((await deferral(hook, google)) === undefined);
  // An operation of four calls (read, write, read back, write), retried each time it is deferred.
  for (let attempt = 1; ; attempt++) {
    let made = 0;
    let refused: ProviderError | undefined;
    while (made < 4 && (refused = await deferral(hook, google)) === undefined) made += 1;
    if (made === 4) break;
    expect(attempt, 'attempts before the operation went through').toBeLessThan(3);
    await new Promise((resolve) => setTimeout(resolve, refused!.retryAfterMs));
  }
});

test('a 429 with Retry-After blocks the whole account until then, and only that account', async ({
  redis,
  onTestFinished,
}) => {
  const hook = limiterFor(redis.prefix, onTestFinished);
  const other = limiterFor(redis.prefix, onTestFinished);
  await hook.before?.(graph);
  await hook.after?.(throttle(graph, 600));
  const blockedAt = Date.now();
  const refused = await deferral(other, graph);
  expect(refused?.details.reason).toBe('limiter_blocked');
  expect(refused?.retryAfterMs).toBeGreaterThan(450);
  expect(refused?.retryAfterMs).toBeLessThanOrEqual(600);
  expect(await deferral(other, google)).toBeUndefined(); // same address on Google: its own account
  expect(await deferral(other, { ...graph, account: 'other@example.test' })).toBeUndefined();
  await waitUntil(async () => (await deferral(other, graph)) === undefined, {
    timeoutMs: 3_000,
    intervalMs: 25,
    what: 'the block to end',
  });
  expect(Date.now() - blockedAt).toBeGreaterThanOrEqual(550);
  // The first request after the block probes alone; a success opens the account again.
  expect((await deferral(hook, graph))?.details.reason).toBe('limiter_busy');
  await other.after?.(done(graph, 200));
  for (let i = 0; i < 4; i++) expect(await deferral(hook, graph)).toBeUndefined();
});

test('without Retry-After the block doubles with each consecutive throttle and resets after a success', async ({
  redis,
  onTestFinished,
}) => {
  const hook = limiterFor(redis.prefix, onTestFinished, { backoffBaseMs: 200 });
  const blockAfterThrottle = async (outcome: ProviderCallOutcome) => {
    await waitUntil(async () => (await deferral(hook, graph)) === undefined, {
      timeoutMs: 3_000,
      intervalMs: 20,
      what: 'admission',
    });
    await hook.after?.(outcome);
    return (await deferral(hook, graph))?.retryAfterMs ?? 0;
  };
  const first = await blockAfterThrottle(throttle(graph));
  const second = await blockAfterThrottle(throttle(graph));
  // Graph's 503 (throttling under load) counts like a 429.
  const third = await blockAfterThrottle(
    done(graph, 503, new ProviderError('transient', 'microsoft', '503')),
  );
  expect([first, second, third].map((ms) => Math.round(ms / 100))).toEqual([2, 4, 8]);
  await blockAfterThrottle(done(graph, 200));
  expect(await blockAfterThrottle(throttle(graph))).toBeGreaterThan(150);
  expect(await deferral(hook, graph)).toBeDefined();
  expect((await deferral(hook, graph))?.retryAfterMs).toBeLessThanOrEqual(200);
});

test('throttled answers to requests sent together count as one strike; Google 5xx is not throttling', async ({
  redis,
  onTestFinished,
}) => {
  const hook = limiterFor(redis.prefix, onTestFinished, { backoffBaseMs: 200 });
  for (let i = 0; i < 4; i++) await hook.before?.(graph);
  for (let i = 0; i < 4; i++) await hook.after?.(throttle(graph));
  const block = (await deferral(hook, graph))?.retryAfterMs ?? 0;
  expect(block).toBeGreaterThan(100);
  expect(block).toBeLessThanOrEqual(200);

  await hook.before?.(google);
  await hook.after?.(done(google, 503, new ProviderError('transient', 'google', '503')));
  expect(await deferral(hook, google)).toBeUndefined();
});
