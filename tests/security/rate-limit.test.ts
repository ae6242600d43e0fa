/**
 * Rate limits on the sign-in routes hold against a client that spreads its requests over replicas or
 * claims other addresses: the budget lives in Redis (shared by every API replica), and the client is the
 * socket address unless the request came through a proxy named in TRUST_PROXY. A limited answer says so:
 * 429 with its own code (FL_RATE_LIMITED) and a Retry-After header, not FL_BAD_REQUEST.
 */
import { buildTestApp, type TestApp } from '@frontload/api/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const LIMIT = 30; // per minute on /auth/{provider}/start and /callback
/** Until the app's Redis connection is up the limiter lets requests through; wait for it. */
async function ready(t: TestApp): Promise<TestApp> {
  for (let i = 0; i < 100; i++) {
    if ((await t.app.inject({ method: 'GET', url: '/readyz' })).statusCode === 200) return t;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error('the test app never became ready');
}
const callback = (app: TestApp['app'], headers: Record<string, string> = {}, remoteAddress = '127.0.0.1') =>
  app.inject({ method: 'GET', url: '/auth/nosuchprovider/callback', headers, remoteAddress });

describe('rate-limited sign-in routes', () => {
  const apps: TestApp[] = [];
  afterAll(() => Promise.all(apps.map((t) => t.close())));

  let t: TestApp;
  beforeAll(async () => {
    t = await ready(await buildTestApp());
    apps.push(t);
  });

  it('answer 429 FL_RATE_LIMITED with Retry-After once a client goes over the limit', async () => {
    const answers = [];
    for (let i = 0; i < LIMIT + 5; i++) answers.push(await callback(t.app, {}, '192.0.2.10'));
    const limited = answers.filter((a) => a.statusCode === 429);
    expect(limited).toHaveLength(5);
    for (const res of limited) {
      expect(res.json()).toMatchObject({ statusCode: 429, code: 'FL_RATE_LIMITED' });
      expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
    }
  });

  it('count one budget per client across API replicas (two apps on one Redis and queue prefix)', async () => {
    const second = await ready(await buildTestApp({ queuePrefix: t.prefix }));
    apps.push(second);
    const statuses = [];
    for (let i = 0; i < LIMIT + 4; i++) {
      const replica = i % 2 === 0 ? t.app : second.app;
      statuses.push((await callback(replica, {}, '192.0.2.20')).statusCode);
    }
    expect(statuses.filter((s) => s === 429)).toHaveLength(4);
  });

  it('ignore X-Forwarded-For from a client that is not a trusted proxy (a spoofed address buys no new budget)', async () => {
    const statuses = [];
    for (let i = 0; i < LIMIT + 3; i++) {
      const res = await callback(t.app, { 'x-forwarded-for': `198.51.100.${i}` }, '192.0.2.30');
      statuses.push(res.statusCode);
    }
    expect(statuses.filter((s) => s === 429)).toHaveLength(3);
  });

  it('believe X-Forwarded-For from a proxy listed in TRUST_PROXY, so clients behind it keep their own budgets', async () => {
    const proxied = await ready(await buildTestApp({ trustProxy: ['192.0.2.40'] }));
    apps.push(proxied);
    const statuses = [];
    for (let i = 0; i < LIMIT + 3; i++) {
      const res = await callback(proxied.app, { 'x-forwarded-for': `198.51.100.${i}` }, '192.0.2.40');
      statuses.push(res.statusCode);
    }
    expect(statuses).not.toContain(429);
  });
});
