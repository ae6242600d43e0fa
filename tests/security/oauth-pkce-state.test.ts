/**
 * What held in the attack run, kept covered: the PKCE verifier never leaves the server (the consent
 * URL carries only its S256 challenge), and a callback URL works once, even in the browser that
 * started it.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { approveConsent, useSandboxApp } from './oauth-flow.js';

describe('PKCE and single-use state at sign-in', () => {
  const env = useSandboxApp({ account: { provider: 'microsoft', email: 'sam@sandbox.test', name: 'Sam' } });

  it('sends only the S256 challenge of a verifier kept server-side, and a callback works once', async () => {
    const start = await env.t.app.inject({ method: 'GET', url: '/auth/microsoft/start' });
    expect(start.statusCode).toBe(302);
    const authorize = new URL(String(start.headers.location));
    const { rows } = await env.t.db.query<{ code_verifier: string }>(
      'select code_verifier from oauth_states',
    );
    const verifier = rows[0]!.code_verifier;
    expect(authorize.searchParams.get('code_challenge_method')).toBe('S256');
    expect(authorize.searchParams.get('code_challenge')).toBe(
      createHash('sha256').update(verifier).digest('base64url'),
    );
    const sent = [authorize.href, ...start.cookies.map((c) => c.value)].join(' ');
    expect(sent).not.toContain(verifier);

    const callback = await approveConsent(authorize, env.accountId, 'microsoft');
    const cookie = start.cookies.map((c) => `${c.name}=${c.value}`).join('; ');
    const url = `${callback.pathname}${callback.search}`;
    const first = await env.t.app.inject({ method: 'GET', url, headers: { cookie } });
    expect(first.statusCode, first.body).toBe(303);
    const replay = await env.t.app.inject({ method: 'GET', url, headers: { cookie } });
    expect(replay.statusCode).toBe(400);
    expect(replay.json()).toMatchObject({ code: 'FL_OAUTH_STATE_INVALID' });
    const { rows: connections } = await env.t.db.query('select id from connections');
    expect(connections).toHaveLength(1);
  });
});

describe('the nonce cookie over https', () => {
  const env = useSandboxApp({ app: { publicUrl: 'https://frontload.example' } });

  /** Starts a flow; returns its nonce cookie and the callback URL the provider would send back. */
  async function start() {
    const res = await env.t.app.inject({ method: 'GET', url: '/auth/microsoft/start' });
    expect(res.statusCode).toBe(302);
    const state = new URL(String(res.headers.location)).searchParams.get('state')!;
    return { nonce: res.cookies[0]!, callback: `/auth/microsoft/callback?state=${state}&code=some-code` };
  }

  it('is __Host- prefixed, Secure, HttpOnly, Lax, host-only on path /, and only that name is honoured', async () => {
    const first = await start();
    expect(first.nonce).toMatchObject({
      name: '__Host-fl_oauth',
      secure: true,
      httpOnly: true,
      sameSite: 'Lax',
      path: '/',
      maxAge: 600,
    });
    expect(first.nonce.domain).toBeUndefined();
    // The same value under the unprefixed name (which a sibling host could have set) does not count.
    const plain = await env.t.app.inject({
      method: 'GET',
      url: first.callback,
      headers: { cookie: `fl_oauth=${first.nonce.value}` },
    });
    expect(plain.statusCode).toBe(403);
    expect(plain.json()).toMatchObject({ code: 'FL_OAUTH_BROWSER_MISMATCH' });
    // Under its own name it passes the browser check, and the flow goes on to the code exchange
    // (where the made-up code is refused).
    const second = await start();
    const prefixed = await env.t.app.inject({
      method: 'GET',
      url: second.callback,
      headers: { cookie: `__Host-fl_oauth=${second.nonce.value}` },
    });
    expect(prefixed.statusCode).toBe(400);
    expect(prefixed.json()).toMatchObject({ code: 'FL_OAUTH_EXCHANGE_FAILED' });
  });
});
