import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../../test/test-app.js';

/** What Chromium sends when it navigates to a page. */
const NAVIGATION = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8';

describe('a sign-in while the provider cannot be reached', () => {
  let t: TestApp;

  beforeAll(async () => {
    // Nothing listens on port 9: discovery of either provider fails to connect.
    t = await buildTestApp({ sandboxUrl: 'http://127.0.0.1:9' });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('answers 502 FL_PROVIDER_UNAVAILABLE naming the provider, never a 500, and stores no sign-in', async () => {
    for (const [provider, name] of [
      ['google', 'Google'],
      ['microsoft', 'Microsoft'],
    ] as const) {
      const res = await t.app.inject({ method: 'GET', url: `/auth/${provider}/start` });
      expect(res.statusCode).toBe(502);
      expect(res.json()).toMatchObject({
        code: 'FL_PROVIDER_UNAVAILABLE',
        message: `${name} did not answer as expected; nothing was changed. Try again in a moment`,
      });
    }
    const { rows } = await t.db.query('select 1 from connections');
    expect(rows).toEqual([]);
  });

  it('shows a browser a page saying the provider could not be reached and nothing was connected', async () => {
    const res = await t.app.inject({
      method: 'GET',
      url: '/auth/microsoft/start',
      headers: { accept: NAVIGATION },
    });
    expect(res.statusCode).toBe(502);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.body).toContain('Microsoft could not be reached');
    expect(res.body).toContain('No calendar was connected and nothing in your calendar changed.');
    expect(res.body).toContain('href="/"');
  });
});
