import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CodeChallengeMethod } from 'google-auth-library';
import { conformanceFailures } from './conformance.js';
import {
  consent,
  createGoogleAccount,
  failure,
  oauthClient,
  REDIRECT_URI,
  SCOPE_CALENDAR,
  signIn,
  startSandbox,
  type Sandbox,
} from './helpers.js';

let sandbox: Sandbox;

beforeAll(async () => {
  sandbox = await startSandbox();
  createGoogleAccount(sandbox, 'alex');
  createGoogleAccount(sandbox, 'priya');
});
afterAll(async () => {
  expect(conformanceFailures(sandbox.captured)).toEqual([]);
  await sandbox.close();
});

describe('Google OAuth 2.0 + OIDC', () => {
  it('runs the code flow with PKCE S256 and signs the user in with a verifiable id_token', async () => {
    const { client, tokens } = await signIn(sandbox, 'priya@sandbox.test');
    expect(tokens.access_token).toMatch(/^ya29\./);
    expect(tokens.refresh_token).toBeTruthy();
    expect(tokens.scope).toContain(SCOPE_CALENDAR);
    const ticket = await client.verifyIdToken({
      idToken: tokens.id_token ?? '',
      audience: 'frontload-local',
    });
    expect(ticket.getPayload()).toMatchObject({
      email: 'priya@sandbox.test',
      iss: sandbox.url,
      aud: 'frontload-local',
    });
    const info = await client.getTokenInfo(tokens.access_token ?? '');
    expect(info.scopes).toContain(SCOPE_CALENDAR);
    expect(info.email).toBe('priya@sandbox.test');
  });

  it('refreshes, and answers invalid_grant once the refresh token is revoked', async () => {
    const { client, tokens } = await signIn(sandbox, 'alex@sandbox.test');
    const refreshed = await client.refreshAccessToken();
    expect(refreshed.credentials.access_token).not.toBe(tokens.access_token);
    await client.revokeToken(tokens.refresh_token ?? '');
    const fresh = oauthClient(sandbox);
    fresh.setCredentials({ refresh_token: tokens.refresh_token ?? null });
    const result = await failure(fresh.refreshAccessToken());
    expect(result).toEqual({
      status: 400,
      body: { error: 'invalid_grant', error_description: 'Token has been expired or revoked.' },
    });
  });

  it('refuses a wrong code verifier, a reused code and a different redirect URI', async () => {
    const client = oauthClient(sandbox);
    const { codeChallenge, codeVerifier } = await client.generateCodeVerifierAsync();
    const url = client.generateAuthUrl({
      scope: [SCOPE_CALENDAR],
      code_challenge: codeChallenge ?? '',
      code_challenge_method: CodeChallengeMethod.S256,
    });
    const code = (await consent(url, 'alex@sandbox.test')).searchParams.get('code') ?? '';
    expect(await failure(client.getToken({ code, codeVerifier: `${codeVerifier}x` }))).toMatchObject({
      status: 400,
      body: { error: 'invalid_grant', error_description: 'Invalid code verifier.' },
    });
    expect(
      await failure(client.getToken({ code, codeVerifier, redirect_uri: 'http://127.0.0.1:1/other' })),
    ).toMatchObject({
      status: 400,
      body: { error: 'redirect_uri_mismatch' },
    });
    const ok = await client.getToken({ code, codeVerifier });
    expect(ok.tokens.access_token).toBeTruthy();
    expect(ok.tokens.refresh_token).toBeUndefined(); // online access: no refresh token
    expect((await failure(client.getToken({ code, codeVerifier }))).body).toMatchObject({
      error: 'invalid_grant',
    });
  });

  it('a transient 503 on /token is answered in OAuth shape and retried by the real client', async () => {
    const { client } = await signIn(sandbox, 'alex@sandbox.test');
    sandbox.core.faults.add({ provider: 'google', route: 'POST /token', status: 503, count: 1 });
    const since = sandbox.core.clock.nowMs();
    const refreshed = await client.refreshAccessToken();
    expect(refreshed.credentials.access_token).toBeTruthy();
    const tokenCalls = sandbox.core.log.entries({ sinceMs: since }).filter((e) => e.route === 'POST /token');
    expect(tokenCalls.map((e) => e.status).slice(-2)).toEqual([503, 200]);
  });

  it('redirects Deny with error=access_denied and keeps the state', async () => {
    const url = oauthClient(sandbox).generateAuthUrl({ scope: [SCOPE_CALENDAR], state: 's-1' });
    const redirect = await consent(url, 'alex@sandbox.test', 'deny');
    expect(`${redirect.origin}${redirect.pathname}`).toBe(REDIRECT_URI);
    expect(Object.fromEntries(redirect.searchParams)).toEqual({ error: 'access_denied', state: 's-1' });
  });

  it('shows an error page instead of redirecting to an unregistered URI or for an unknown client', async () => {
    const bad = oauthClient(sandbox, 'https://evil.example/cb').generateAuthUrl({ scope: [SCOPE_CALENDAR] });
    const page = await fetch(bad, { redirect: 'manual' });
    expect(page.status).toBe(400);
    expect(await page.text()).toContain('redirect_uri_mismatch');
    const unknown = await fetch(
      `${sandbox.url}/o/oauth2/v2/auth?client_id=nope&response_type=code&scope=openid`,
      { redirect: 'manual' },
    );
    expect(unknown.status).toBe(401);
  });

  it('answers a wrong client secret with invalid_client', async () => {
    const client = oauthClient(sandbox);
    Object.assign(client, { _clientSecret: 'wrong' });
    const url = client.generateAuthUrl({ scope: [SCOPE_CALENDAR] });
    const code = (await consent(url, 'alex@sandbox.test')).searchParams.get('code') ?? '';
    expect(await failure(client.getToken(code))).toEqual({
      status: 401,
      body: { error: 'invalid_client', error_description: 'Unauthorized' },
    });
  });

  it('publishes OIDC discovery, JWKS and userinfo', async () => {
    const config = (await (await fetch(`${sandbox.url}/.well-known/openid-configuration`)).json()) as Record<
      string,
      string
    >;
    expect(config.issuer).toBe(sandbox.url);
    const jwks = (await (await fetch(config.jwks_uri ?? '')).json()) as {
      keys: { kty: string; alg: string }[];
    };
    expect(jwks.keys[0]).toMatchObject({ kty: 'RSA', alg: 'RS256' });
    const { client } = await signIn(sandbox, 'alex@sandbox.test', [
      SCOPE_CALENDAR,
      'openid',
      'email',
      'profile',
    ]);
    const info = await client.request<Record<string, unknown>>({ url: config.userinfo_endpoint ?? '' });
    expect(info.data).toMatchObject({ email: 'alex@sandbox.test', email_verified: true, name: 'Alex' });
  });
});
