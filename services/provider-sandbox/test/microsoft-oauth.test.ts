import { createRemoteJWKSet, jwtVerify } from 'jose';
import * as oidc from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  authorize,
  CLIENT_ID,
  CLIENT_SECRET,
  completeConsent,
  START_MS,
  createAccount,
  graphClient,
  pkce,
  REDIRECT_URI,
  signIn,
  startSandbox,
  tokenRequest,
  type Sandbox,
} from './microsoft-helpers.js';

const ENTRA_ERROR_FIELDS = [
  'correlation_id',
  'error',
  'error_codes',
  'error_description',
  'error_uri',
  'timestamp',
  'trace_id',
];

describe('Microsoft identity platform v2 (authorize + token)', () => {
  let sandbox: Sandbox;
  let accountId: string;

  beforeAll(async () => {
    sandbox = await startSandbox();
    accountId = createAccount(sandbox.core, 'Priya Raman', 'priya@fabrikam.example').id;
  });
  afterAll(async () => sandbox.close());

  it('runs the code flow with PKCE and the token works against Graph', async () => {
    const tokens = await signIn(sandbox.base, accountId);
    expect(tokens.token_type).toBe('Bearer');
    expect(tokens.expires_in).toBeGreaterThan(0);
    expect(tokens.refresh_token).toEqual(expect.any(String));
    expect(tokens.scope.split(' ')).toContain('Calendars.ReadWrite');
    const me = (await graphClient(sandbox.base, tokens.access_token).api('/me').get()) as { mail: string };
    expect(me.mail).toBe('priya@fabrikam.example');
  });

  it('rotates the refresh token on every refresh and refuses the old one with AADSTS70008', async () => {
    const first = await signIn(sandbox.base, accountId);
    const refreshed = await tokenRequest(sandbox.base, {
      grant_type: 'refresh_token',
      refresh_token: first.refresh_token ?? '',
    });
    expect(refreshed.status).toBe(200);
    expect(refreshed.body.refresh_token).not.toBe(first.refresh_token);
    const again = await tokenRequest(sandbox.base, {
      grant_type: 'refresh_token',
      refresh_token: String(refreshed.body.refresh_token),
    });
    expect(again.status).toBe(200);
    const replay = await tokenRequest(sandbox.base, {
      grant_type: 'refresh_token',
      refresh_token: first.refresh_token ?? '',
    });
    expect(replay.status).toBe(400);
    expect(Object.keys(replay.body).sort()).toEqual(ENTRA_ERROR_FIELDS);
    expect(replay.body.error).toBe('invalid_grant');
    expect(replay.body.error_codes).toEqual([70008]);
    expect(String(replay.body.error_description)).toMatch(/^AADSTS70008: /);
  });

  it('issues no refresh token without offline_access', async () => {
    const tokens = await signIn(sandbox.base, accountId, 'User.Read Calendars.Read');
    expect(tokens.refresh_token).toBeUndefined();
  });

  it('checks the PKCE verifier, the exact redirect URI and single use of codes', async () => {
    const { verifier, challenge } = pkce();
    const code = (await authorize(sandbox.base, accountId, { challenge })).searchParams.get('code') ?? '';
    const wrongVerifier = await tokenRequest(sandbox.base, {
      grant_type: 'authorization_code',
      code,
      redirect_uri: REDIRECT_URI,
      code_verifier: pkce().verifier,
    });
    expect(wrongVerifier.body.error_codes).toEqual([501481]);

    const code2 = (await authorize(sandbox.base, accountId, { challenge })).searchParams.get('code') ?? '';
    const wrongRedirect = await tokenRequest(sandbox.base, {
      grant_type: 'authorization_code',
      code: code2,
      redirect_uri: `${REDIRECT_URI}/x`,
      code_verifier: verifier,
    });
    expect(wrongRedirect.body.error).toBe('invalid_grant');

    const code3 = (await authorize(sandbox.base, accountId, { challenge })).searchParams.get('code') ?? '';
    const ok = await tokenRequest(sandbox.base, {
      grant_type: 'authorization_code',
      code: code3,
      redirect_uri: REDIRECT_URI,
      code_verifier: verifier,
    });
    expect(ok.status).toBe(200);
    const reused = await tokenRequest(sandbox.base, {
      grant_type: 'authorization_code',
      code: code3,
      redirect_uri: REDIRECT_URI,
      code_verifier: verifier,
    });
    expect(reused.body.error_codes).toEqual([54005]);
  });

  it('returns error=access_denied with the state when the user cancels', async () => {
    const redirect = await authorize(sandbox.base, accountId, { decision: 'cancel', state: 's-1' });
    expect(redirect.searchParams.get('error')).toBe('access_denied');
    expect(redirect.searchParams.get('state')).toBe('s-1');
    expect(redirect.searchParams.get('code')).toBeNull();
  });

  it('answers AADSTS50173 for a revoked grant and AADSTS700082 after 90 idle days', async () => {
    const revoked = await signIn(sandbox.base, accountId);
    sandbox.core.tokens.revokeRefreshToken(revoked.refresh_token ?? '', true);
    const r1 = await tokenRequest(sandbox.base, {
      grant_type: 'refresh_token',
      refresh_token: revoked.refresh_token ?? '',
    });
    expect(r1.body.error_codes).toEqual([50173]);

    const idle = await signIn(sandbox.base, accountId);
    sandbox.core.clock.advance(91 * 86_400_000);
    const r2 = await tokenRequest(sandbox.base, {
      grant_type: 'refresh_token',
      refresh_token: idle.refresh_token ?? '',
    });
    expect(r2.body.error).toBe('invalid_grant');
    expect(r2.body.error_codes).toEqual([700082]);
  });

  it('rejects a wrong client secret and an unknown grant type the way Entra does', async () => {
    const badSecret = await tokenRequest(sandbox.base, {
      grant_type: 'refresh_token',
      refresh_token: 'x',
      client_secret: 'nope',
    });
    expect(badSecret.status).toBe(401);
    expect(badSecret.body.error).toBe('invalid_client');
    expect(badSecret.body.error_codes).toEqual([7000215]);
    const unknown = await tokenRequest(sandbox.base, { grant_type: 'password' });
    expect(unknown.body.error).toBe('unsupported_grant_type');
    const garbage = await tokenRequest(sandbox.base, {
      grant_type: 'refresh_token',
      refresh_token: 'garbage',
    });
    expect(garbage.body.error_codes).toEqual([9002313]);
  });
});

describe('a standard OIDC client (openid-client, as shared/providers uses it) against the sandbox', () => {
  let sandbox: Sandbox;
  let accountId: string;

  beforeAll(async () => {
    sandbox = await startSandbox();
    accountId = createAccount(sandbox.core, 'Priya Raman', 'priya@fabrikam.example').id;
  });
  afterAll(async () => sandbox.close());

  /** Discovers the multi-tenant issuer as Frontload does: Entra's name, the sandbox's documents. */
  const discover = () =>
    oidc.discovery(
      new URL('https://login.microsoftonline.com/common/v2.0'),
      CLIENT_ID,
      // The sandbox's clock starts at START_MS; the id_token's times are checked against it.
      { client_secret: CLIENT_SECRET, [oidc.clockSkew]: Math.round((START_MS - Date.now()) / 1000) },
      oidc.ClientSecretPost(CLIENT_SECRET),
      {
        [oidc.customFetch]: (url, options) =>
          fetch(url.replace('https://login.microsoftonline.com', sandbox.base), options),
        execute: [oidc.allowInsecureRequests],
      },
    );

  it('signs in with discovery, PKCE and an id_token checked against its own tenant, then refreshes with rotation', async () => {
    const config = await discover();
    const metadata = config.serverMetadata();
    expect(metadata.issuer).toBe('https://login.microsoftonline.com/{tenantid}/v2.0');
    const verifier = oidc.randomPKCECodeVerifier();
    const scopes = [
      'openid',
      'email',
      'profile',
      'offline_access',
      'User.Read',
      'Calendars.ReadWrite',
      'MailboxSettings.Read',
    ];
    const url = oidc.buildAuthorizationUrl(config, {
      redirect_uri: REDIRECT_URI,
      scope: scopes.join(' '),
      state: 'state-1',
      code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
    });
    const redirect = await completeConsent(url, accountId);
    expect(redirect.searchParams.get('state')).toBe('state-1');
    const tokens = await oidc.authorizationCodeGrant(config, redirect, {
      pkceCodeVerifier: verifier,
      expectedState: 'state-1',
      idTokenExpected: true,
    });
    const claims = tokens.claims()!;
    expect(claims.iss).toBe(`https://login.microsoftonline.com/${String(claims.tid)}/v2.0`);
    const { payload } = await jwtVerify(tokens.id_token!, createRemoteJWKSet(new URL(metadata.jwks_uri!)), {
      issuer: claims.iss,
      audience: CLIENT_ID,
      currentDate: new Date(START_MS),
    });
    expect(payload.oid).toBe(accountId);
    expect(payload.email).toBe('priya@fabrikam.example');
    expect(payload.preferred_username).toBe('priya@fabrikam.example');
    const refreshed = await oidc.refreshTokenGrant(config, tokens.refresh_token!);
    expect(refreshed.refresh_token).not.toBe(tokens.refresh_token);
    const me = (await graphClient(sandbox.base, refreshed.access_token).api('/me').get()) as { id: string };
    expect(me.id).toBe(accountId);
    const stale = await oidc.refreshTokenGrant(config, tokens.refresh_token!).catch((e: unknown) => e);
    expect(stale).toBeInstanceOf(oidc.ResponseBodyError);
    expect((stale as oidc.ResponseBodyError).error).toBe('invalid_grant');
  });

  it("names a tenant's own issuer in its discovery document, and the template only for common and organizations", async () => {
    const issuerAt = async (tenant: string) =>
      (
        (await (await fetch(`${sandbox.base}/${tenant}/v2.0/.well-known/openid-configuration`)).json()) as {
          issuer: string;
        }
      ).issuer;
    const tenant = '7c3f1a52-0b7e-4d8e-9f21-3a6b5c4d2e10';
    expect(await issuerAt(tenant)).toBe(`https://login.microsoftonline.com/${tenant}/v2.0`);
    expect(await issuerAt('common')).toBe('https://login.microsoftonline.com/{tenantid}/v2.0');
    expect(await issuerAt('organizations')).toBe('https://login.microsoftonline.com/{tenantid}/v2.0');
  });

  it("gives an account of another tenant that tenant's tid and issuer, the sandbox's own tenant otherwise", async () => {
    const otherTenant = '7c3f1a52-0b7e-4d8e-9f21-3a6b5c4d2e10';
    const guest = sandbox.core.accounts.create({
      provider: 'microsoft',
      email: 'guest@contoso.example',
      name: 'Guest',
      timeZone: 'Europe/Berlin',
      workingHours: { days: [1, 2, 3, 4, 5], start: '09:00', end: '17:00' },
      focusTimeSupported: false,
      tenantId: otherTenant,
    });
    const claimsOf = async (id: string) => {
      const tokens = (await signIn(sandbox.base, id)) as { id_token?: string };
      const payload = tokens.id_token?.split('.')[1] ?? '';
      return JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<string, unknown>;
    };
    const guestClaims = await claimsOf(guest.id);
    expect(guestClaims.tid).toBe(otherTenant);
    expect(guestClaims.iss).toBe(`https://login.microsoftonline.com/${otherTenant}/v2.0`);
    const home = await claimsOf(accountId);
    expect(home.tid).not.toBe(otherTenant);
    expect(home.iss).toBe(`https://login.microsoftonline.com/${String(home.tid)}/v2.0`);
  });
});
