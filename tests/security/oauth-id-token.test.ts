/**
 * The id_token a sign-in is decided by is checked before anyone is signed in: a token endpoint that
 * answers with an id_token for another client, from another tenant's issuer than its `tid` claims,
 * expired, not yet valid, or signed with `alg: none` is refused as a permanent provider error, and no
 * identity comes out of it. The login host here is hostile on purpose: a small server that speaks the
 * identity platform's discovery and token protocol and signs whatever claims the test hands it.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createOAuth, isProviderError, type OAuth } from '@frontload/providers';
import { exportJWK, generateKeyPair, SignJWT, type JWK } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const CLIENT_ID = 'frontload-local';
const TENANT = '3d1f6a2e-5b4c-4e8f-9a7d-1c2b3e4f5a60';
const ISSUER = `https://login.microsoftonline.com/${TENANT}/v2.0`;

type Claims = Record<string, unknown>;

describe('a hostile login host cannot sign anyone in with a forged id_token', () => {
  let server: Server;
  let oauth: OAuth;
  let nextIdToken: () => Promise<string>;
  /** Signs claims with the login host's own key (the one its JWKS publishes). */
  let sign: (claims: Claims) => Promise<string>;
  const now = () => Math.floor(Date.now() / 1000);
  const valid = (): Claims => ({
    iss: ISSUER,
    aud: CLIENT_ID,
    sub: 'pairwise-subject',
    oid: '0a1b2c3d-0000-4000-8000-000000000001',
    tid: TENANT,
    iat: now(),
    nbf: now(),
    exp: now() + 3600,
    email: 'someone@contoso.example',
  });

  beforeAll(async () => {
    const { privateKey, publicKey } = await generateKeyPair('RS256');
    const jwk: JWK = { ...(await exportJWK(publicKey)), kid: 'k1', use: 'sig', alg: 'RS256' };
    sign = (claims: Claims) =>
      new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid: 'k1', typ: 'JWT' }).sign(privateKey);
    server = createServer((req, res) => {
      const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/common`;
      const json = (body: unknown) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify(body));
      };
      if (req.url?.endsWith('/.well-known/openid-configuration'))
        return json({
          issuer: 'https://login.microsoftonline.com/{tenantid}/v2.0',
          authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
          token_endpoint: `${base}/oauth2/v2.0/token`,
          jwks_uri: `${base}/discovery/v2.0/keys`,
          response_types_supported: ['code'],
          subject_types_supported: ['pairwise'],
          id_token_signing_alg_values_supported: ['RS256'],
        });
      if (req.url?.endsWith('/keys')) return json({ keys: [jwk] });
      void nextIdToken().then((idToken) =>
        json({ token_type: 'Bearer', access_token: 'at', expires_in: 3600, id_token: idToken }),
      );
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    oauth = createOAuth({
      publicUrl: 'http://localhost:3000',
      google: { clientId: CLIENT_ID, clientSecret: 's', oauthBaseUrl: url },
      microsoft: { clientId: CLIENT_ID, clientSecret: 's', tenant: 'common', loginBaseUrl: url },
    });
    nextIdToken = () => sign(valid());
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const exchange = (idToken: () => Promise<string>) => {
    nextIdToken = idToken;
    return oauth.exchangeCode('microsoft', 'code', 'v'.repeat(43));
  };
  const unsigned = (claims: Claims) => {
    const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
    return Promise.resolve(`${part({ alg: 'none', typ: 'JWT' })}.${part(claims)}.`);
  };

  it('accepts the genuine token: the identity is the tenant and the object id', async () => {
    const { identity } = await exchange(() => sign(valid()));
    expect(identity).toMatchObject({ issuer: TENANT, subject: valid().oid });
  });

  it.each<[string, (c: Claims) => Claims]>([
    ['meant for another client', (c) => ({ ...c, aud: 'someone-else' })],
    [
      "from another tenant's issuer than its tid",
      (c) => ({ ...c, iss: 'https://login.microsoftonline.com/00000000-0000-4000-8000-00000000dead/v2.0' }),
    ],
    ['from an issuer that is not Entra', (c) => ({ ...c, iss: 'https://evil.example/v2.0' })],
    ['expired an hour ago', (c) => ({ ...c, iat: now() - 7200, nbf: now() - 7200, exp: now() - 3600 })],
    [
      'not valid until tomorrow',
      (c) => ({ ...c, iat: now() + 86_400, nbf: now() + 86_400, exp: now() + 90_000 }),
    ],
  ])('refuses an id_token %s, as a permanent provider error', async (_, change) => {
    const error = await exchange(() => sign(change(valid()))).catch((e: unknown) => e);
    expect(isProviderError(error) && error.kind).toBe('permanent');
  });

  it('refuses an unsigned id_token (alg: none)', async () => {
    const error = await exchange(() => unsigned(valid())).catch((e: unknown) => e);
    expect(isProviderError(error)).toBe(true);
    expect((error as { kind?: string }).kind).not.toBe('transient');
  });
});
