/**
 * Cookie tossing over https: a sibling subdomain (or a plain-http answer on the way) can set a
 * cookie for the parent domain and shadow the app's own. Over https the session and CSRF cookies
 * are `__Host-` prefixed (Secure, this host only, path /), which browsers never accept from anyone
 * else, and the unprefixed names are ignored; and a CSRF token only counts for the session it was
 * fetched with.
 */
import { buildTestApp, type TestApp } from '@frontload/api/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

describe('session and CSRF cookies over https', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await buildTestApp({ publicUrl: 'https://frontload.example.com' });
  });
  afterAll(() => t.close());

  it('names the session and CSRF cookies __Host-, Secure, host-only on path /', async () => {
    const alice = await t.signIn('host-alice@example.com');
    expect(alice.cookie).toMatch(/^__Host-fl_session=/);
    const res = await t.app.inject({
      method: 'GET',
      url: '/api/v1/csrf-token',
      headers: { cookie: alice.cookie },
    });
    const csrf = res.cookies.find((c) => c.name.endsWith('fl_csrf'));
    expect(csrf).toMatchObject({ name: '__Host-fl_csrf', secure: true, httpOnly: true, path: '/' });
    expect(csrf?.domain).toBeUndefined();
    const me = await t.app.inject({ method: 'GET', url: '/api/v1/me', headers: { cookie: alice.cookie } });
    expect(me.statusCode).toBe(200);
  });

  it('ignores the unprefixed session cookie a sibling host could plant', async () => {
    const alice = await t.signIn('host-plain@example.com');
    const token = alice.cookie.split('=')[1]!;
    const me = await t.app.inject({
      method: 'GET',
      url: '/api/v1/me',
      headers: { cookie: `fl_session=${token}` },
    });
    expect(me.statusCode).toBe(401);
  });

  it('refuses a write whose CSRF pair was planted under the unprefixed name or fetched by another session', async () => {
    const victim = await t.signIn('host-victim@example.com');
    const attacker = await t.signIn('host-attacker@example.com');
    const [attackerSecret] = attacker.headers
      .cookie!.split('; ')
      .filter((c) => c.startsWith('__Host-fl_csrf='));
    const attempts = [
      // The attacker's own pair, tossed in under the unprefixed name.
      `${victim.cookie}; fl_csrf=${attackerSecret!.split('=')[1]}`,
      // Even under the right name (had it got there), the token is bound to the attacker's session.
      `${victim.cookie}; ${attackerSecret}`,
    ];
    for (const cookie of attempts) {
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/v1/tokens',
        headers: { cookie, 'x-csrf-token': attacker.headers['x-csrf-token']! },
        payload: { name: 'tossed' },
      });
      expect(res.statusCode, cookie).toBe(403);
      expect(res.json()).toMatchObject({ code: 'FL_CSRF_INVALID' });
    }
    const own = await t.app.inject({
      method: 'POST',
      url: '/api/v1/tokens',
      headers: victim.headers,
      payload: { name: 'mine' },
    });
    expect(own.statusCode).toBe(201);
  });
});
