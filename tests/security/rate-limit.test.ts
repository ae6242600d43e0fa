/**
 * A rate-limited answer says so: 429 with its own code (FL_RATE_LIMITED) and a Retry-After header,
 * not FL_BAD_REQUEST, so that clients can tell "slow down" from a request to fix.
 */
import { buildTestApp, type TestApp } from '@frontload/api/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

describe('rate-limited sign-in routes', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await buildTestApp();
  });
  afterAll(() => t.close());

  it('answer 429 FL_RATE_LIMITED with Retry-After once a client goes over the limit', async () => {
    const answers = [];
    for (let i = 0; i < 35; i++) {
      answers.push(await t.app.inject({ method: 'GET', url: '/auth/nosuchprovider/callback' }));
    }
    const limited = answers.filter((a) => a.statusCode === 429);
    expect(limited.length).toBeGreaterThan(0);
    for (const res of limited) {
      expect(res.json()).toMatchObject({ statusCode: 429, code: 'FL_RATE_LIMITED' });
      expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
    }
  });
});
