import { createProvider } from '@frontload/providers';
import { connectSandboxUser } from '@frontload/providers/testing';
import { startSandbox } from '@frontload/testing';
import { expect } from 'vitest';
import { redisTest as test } from '@frontload/testing/redis';
import { cachedFreeBusy, redisFreeBusyCache } from './free-busy-cache.js';

test('asks the provider only for people not cached, in one call, and serves a burst of replans from Redis', async ({
  redis,
}) => {
  const sandbox = await startSandbox();
  try {
    const alex = await connectSandboxUser(sandbox, {
      provider: 'google',
      email: 'alex@sandbox.test',
      name: 'Alex',
      timeZone: 'Europe/Berlin',
    });
    for (const name of ['a', 'b', 'c']) {
      await sandbox.createAccount({
        provider: 'google',
        email: `${name}@sandbox.test`,
        name,
        timeZone: 'Europe/Berlin',
      });
    }
    const provider = createProvider('google', alex.settings);
    const cache = redisFreeBusyCache(redis.client, redis.prefix);
    const window = { start: '2026-11-23T00:00:00Z', end: '2026-12-07T00:00:00Z' };
    const first = await cachedFreeBusy(
      cache,
      provider,
      'conn-1',
      ['a@sandbox.test', 'b@sandbox.test'],
      window,
    );
    const second = await cachedFreeBusy(
      cache,
      provider,
      'conn-1',
      ['a@sandbox.test', 'b@sandbox.test', 'c@sandbox.test'],
      window,
    );
    const third = await cachedFreeBusy(
      cache,
      provider,
      'conn-1',
      ['a@sandbox.test', 'c@sandbox.test'],
      window,
    );
    expect(first.map((a) => a.email).sort()).toEqual(['a@sandbox.test', 'b@sandbox.test']);
    expect(second.map((a) => a.email).sort()).toEqual(['a@sandbox.test', 'b@sandbox.test', 'c@sandbox.test']);
    expect(third.map((a) => a.email).sort()).toEqual(['a@sandbox.test', 'c@sandbox.test']);
    const log = await sandbox.control<{ route: string }[]>('GET', `/requests?accountId=${alex.accountId}`);
    // Three plans, two provider calls: all of the first, only the newcomer in the second, none in the third.
    expect(log.filter((e) => /freeBusy/i.test(e.route))).toHaveLength(2);
    const ttl = await redis.client.ttl(
      `${redis.prefix}:freebusy:conn-1:2026-11-23:2026-12-07:a@sandbox.test`,
    );
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(300);
  } finally {
    await sandbox.close();
  }
});
