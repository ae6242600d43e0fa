import { startSandbox, type RunningSandbox } from '@frontload/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../../test/test-app.js';

/** What Chromium sends when it navigates to a page. */
const NAVIGATION = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8';

describe('OAuth failures: a page in plain words for a browser, the coded JSON for API clients', () => {
  let sandbox: RunningSandbox;
  let t: TestApp;

  beforeAll(async () => {
    sandbox = await startSandbox();
    t = await buildTestApp({ sandboxUrl: sandbox.url });
  });
  afterAll(async () => {
    await t?.close();
    await sandbox?.close();
  });

  /** Starts a Google sign-in; returns its state and the nonce cookie the callback must carry. */
  async function start() {
    const res = await t.app.inject({ method: 'GET', url: '/auth/google/start' });
    expect(res.statusCode).toBe(302);
    const state = new URL(String(res.headers.location)).searchParams.get('state')!;
    const nonce = res.cookies.find((c) => c.name === 'fl_oauth')!;
    return { state, cookie: `${nonce.name}=${nonce.value}` };
  }

  const callback = (query: string, accept: string | undefined, cookie = '') =>
    t.app.inject({
      method: 'GET',
      url: `/auth/google/callback?${query}`,
      headers: { ...(accept ? { accept } : {}), ...(cookie ? { cookie } : {}) },
    });

  it('Deny on the consent page: the browser gets a 400 page saying nothing was connected, with a link back', async () => {
    const { state, cookie } = await start();
    const res = await callback(`error=access_denied&state=${state}`, NAVIGATION, cookie);
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.body).toContain('<h1 id="failure-title">Google did not give Frontload access</h1>');
    expect(res.body).toContain('No calendar was connected and nothing in your calendar changed.');
    expect(res.body).toContain('<a class="button" href="/">Back to Frontload</a>');
    expect(res.body).toContain('error FL_OAUTH_DENIED (HTTP 400)');
    // The page is served under the site's strict CSP like every other page.
    expect(res.headers['content-security-policy']).toContain("script-src 'self'");
    // The flow's nonce cookie is cleared as it was with the JSON answer.
    expect(res.cookies.find((c) => c.name === 'fl_oauth')?.value).toBe('');
    const { rows } = await t.db.query('select id from connections');
    expect(rows).toEqual([]);
  });

  it('Deny asked for as JSON keeps the 400 FL_OAUTH_DENIED body', async () => {
    const { state, cookie } = await start();
    const res = await callback(`error=access_denied&state=${state}`, 'application/json', cookie);
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ code: 'FL_OAUTH_DENIED' });
  });

  it('another provider error is named on the page, escaped', async () => {
    const { state, cookie } = await start();
    const res = await callback(`error=%3Cb%3Eserver_error&state=${state}`, NAVIGATION, cookie);
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('Google could not finish the sign-in');
    expect(res.body).toContain('(it said “&lt;b&gt;server_error”)');
    expect(res.body).not.toContain('<b>');
  });

  it('an unknown, used or expired state: a browser gets a 400 page telling it to start again; JSON and no-Accept clients get FL_OAUTH_STATE_INVALID', async () => {
    const page = await callback('state=made-up&code=x', NAVIGATION);
    expect(page.statusCode).toBe(400);
    expect(page.body).toContain('This sign-in link cannot be used any more');
    expect(page.body).toContain('going back in the browser');
    expect(page.body).toContain('href="/"');
    for (const accept of ['application/json', undefined, '*/*']) {
      const res = await callback('state=made-up&code=x', accept);
      expect(res.statusCode).toBe(400);
      expect(res.json()).toMatchObject({ code: 'FL_OAUTH_STATE_INVALID' });
    }
  });

  it('a callback from another browser (no nonce cookie) is a 403 page, and the JSON code for API clients', async () => {
    const { state } = await start();
    const page = await callback(`state=${state}&code=x`, NAVIGATION);
    expect(page.statusCode).toBe(403);
    expect(page.body).toContain('This sign-in cannot be finished here');
    const again = await start();
    const json = await callback(`state=${again.state}&code=x`, 'application/json');
    expect(json.statusCode).toBe(403);
    expect(json.json()).toMatchObject({ code: 'FL_OAUTH_BROWSER_MISMATCH' });
  });

  it('too many sign-in starts from one address: a browser gets a 429 page asking to wait, a JSON client FL_RATE_LIMITED', async () => {
    const from = { remoteAddress: '192.0.2.77' };
    const answers = [];
    for (let i = 0; i < 31; i++)
      answers.push(await t.app.inject({ method: 'GET', url: '/auth/google/start', ...from }));
    expect(answers.filter((a) => a.statusCode === 302)).toHaveLength(30);
    const page = await t.app.inject({
      method: 'GET',
      url: '/auth/google/start',
      headers: { accept: NAVIGATION },
      ...from,
    });
    expect(page.statusCode).toBe(429);
    expect(page.body).toContain('Too many sign-in attempts');
    expect(page.body).toContain('Wait a minute, then start again.');
    const json = await t.app.inject({ method: 'GET', url: '/auth/google/start', ...from });
    expect(json.statusCode).toBe(429);
    expect(json.json()).toMatchObject({ code: 'FL_RATE_LIMITED' });
  });

  it('/start navigations: an unknown provider is a 404 page and a foreign returnTo a 400 page; JSON clients keep the codes', async () => {
    const unknown = await t.app.inject({
      method: 'GET',
      url: '/auth/yahoo/start',
      headers: { accept: NAVIGATION },
    });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.body).toContain('Unknown calendar provider');
    const foreign = await t.app.inject({
      method: 'GET',
      url: '/auth/google/start?returnTo=https://evil.example/',
      headers: { accept: NAVIGATION },
    });
    expect(foreign.statusCode).toBe(400);
    expect(foreign.body).toContain('This sign-in link is not valid');
    expect(foreign.headers.location).toBeUndefined();
    const json = await t.app.inject({ method: 'GET', url: '/auth/yahoo/start' });
    expect(json.statusCode).toBe(404);
    expect(json.json()).toMatchObject({ code: 'FL_UNKNOWN_PROVIDER' });
  });
});
