import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../../test/test-app.js';

describe('browser protections: CSRF on cookie writes, CSP and helmet headers, the page itself', () => {
  let t: TestApp;
  let alice: Awaited<ReturnType<TestApp['signIn']>>;

  beforeAll(async () => {
    t = await buildTestApp();
    alice = await t.signIn('alice@example.com');
  });
  afterAll(() => t.close());

  const createToken = (headers: Record<string, string>) =>
    t.app.inject({ method: 'POST', url: '/api/v1/tokens', headers, payload: { name: 'cli' } });
  const tokens = async () =>
    (await t.db.query<{ n: number }>('select count(*)::int as n from api_tokens')).rows[0]!.n;

  it('refuses a cookie-authenticated write without a CSRF token, or with a forged one, storing nothing', async () => {
    const before = await tokens();
    const missing = await createToken({ cookie: alice.cookie });
    expect(missing.statusCode).toBe(403);
    expect(missing.json()).toMatchObject({ code: 'FL_CSRF_INVALID' });
    const forged = await createToken({ ...alice.headers, 'x-csrf-token': 'forged' });
    expect(forged.json()).toMatchObject({ code: 'FL_CSRF_INVALID' });
    const noSecret = await createToken({
      cookie: alice.cookie,
      'x-csrf-token': alice.headers['x-csrf-token']!,
    });
    expect(noSecret.json()).toMatchObject({ code: 'FL_CSRF_INVALID' });
    expect(await tokens()).toBe(before);
  });

  it("does not accept another session's CSRF pair for this session's secret cookie", async () => {
    const bob = await t.signIn('bob@example.com');
    const mixed = await createToken({
      cookie: `${alice.cookie}; ${bob.headers.cookie!.split('; ')[1]}`,
      'x-csrf-token': alice.headers['x-csrf-token']!,
    });
    expect(mixed.statusCode).toBe(403);
  });

  it("refuses another session's whole CSRF pair (secret cookie and token) under this session", async () => {
    // Cookie tossing: an attacker plants the CSRF secret of their own session in the victim's
    // browser and sends the matching token; the token is bound to the session that fetched it.
    const mallory = await t.signIn('mallory@example.com');
    const before = await tokens();
    const tossed = await createToken({
      cookie: `${alice.cookie}; ${mallory.headers.cookie!.split('; ')[1]}`,
      'x-csrf-token': mallory.headers['x-csrf-token']!,
    });
    expect(tossed.statusCode).toBe(403);
    expect(tossed.json()).toMatchObject({ code: 'FL_CSRF_INVALID' });
    // A pair fetched with no session at all is no better.
    const anonymous = await t.app.inject({ method: 'GET', url: '/api/v1/csrf-token' });
    const secret = anonymous.cookies.find((c) => c.name === 'fl_csrf')!.value;
    const unbound = await createToken({
      cookie: `${alice.cookie}; fl_csrf=${secret}`,
      'x-csrf-token': anonymous.json<{ token: string }>().token,
    });
    expect(unbound.statusCode).toBe(403);
    expect(await tokens()).toBe(before);
  });

  it('accepts the write with the token, and exempts the Bearer API-token path', async () => {
    const created = await createToken(alice.headers);
    expect(created.statusCode).toBe(201);
    const { token } = created.json<{ token: string }>();
    const viaToken = await t.app.inject({
      method: 'PATCH',
      url: '/api/v1/mode',
      headers: { authorization: `Bearer ${token}` },
      payload: { mode: 'preview' },
    });
    expect(viaToken.json()).not.toMatchObject({ code: 'FL_CSRF_INVALID' });
    expect(viaToken.statusCode).toBe(200);
  });

  it('serves the page at / with a strict CSP and no inline script or style', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/text\/html/);
    const csp = String(res.headers['content-security-policy']);
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('unsafe-inline');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['referrer-policy']).toBe('no-referrer');
    expect(res.body).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    expect(res.body).not.toMatch(/\sstyle=|\son[a-z]+=/);
    const js = await t.app.inject({ method: 'GET', url: '/app.js' });
    expect(js.statusCode).toBe(200);
    expect(js.headers['content-type']).toMatch(/javascript/);
  });
});
