/**
 * OpenID Connect on the identity platform v2: signed RS256 id_tokens with Entra's v2 claims (oid, tid
 * of the account's own tenant and its issuer, preferred_username, pairwise sub, ver 2.0), the `/{tenant}/v2.0/.well-known/openid-configuration`
 * discovery document and its JWKS, so a standard OIDC client can sign a user in (Frontload reads `oid`
 * and `email`/`preferred_username` from the id_token).
 */
import { createHash, randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { exportJWK, generateKeyPair, SignJWT, type JWK } from 'jose';
import type { SandboxAccount, SandboxCore } from '../core/types.js';
import { TENANT_ID } from './subscription-model.js';

export interface IdTokenInput {
  clientId: string;
  account: SandboxAccount;
  scopes: string[];
  nonce: string | undefined;
}

export interface EntraKeys {
  jwks: { keys: JWK[] };
  signIdToken(input: IdTokenInput): Promise<string>;
}

/**
 * Entra's issuers are on its login host whichever host served the document: a tenant's id_tokens
 * carry `https://login.microsoftonline.com/{tid}/v2.0`, and the multi-tenant documents (`common`,
 * `organizations`) name the template `{tenantid}`, which a client fills from the token's `tid`.
 * The sandbox says the same, so a client checks its id_tokens exactly as it checks Entra's.
 */
export const ENTRA_ISSUER_HOST = 'https://login.microsoftonline.com';
/** The tenant Microsoft personal accounts sign in under. */
const CONSUMERS_TENANT = '9188040d-6c67-4c5b-b112-36a304b66dad';

export const issuerOfTenant = (tenantId: string): string => `${ENTRA_ISSUER_HOST}/${tenantId}/v2.0`;

/** The issuer a tenant path's discovery document names. */
export function issuerOfPath(tenant: string): string {
  const lower = tenant.toLowerCase();
  if (lower === 'common' || lower === 'organizations') return issuerOfTenant('{tenantid}');
  if (lower === 'consumers') return issuerOfTenant(CONSUMERS_TENANT);
  return issuerOfTenant(tenant);
}

const has = (scopes: string[], scope: string): boolean => scopes.some((s) => s.toLowerCase() === scope);

export async function createEntraKeys(core: SandboxCore): Promise<EntraKeys> {
  const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
  const kid = randomBytes(16).toString('base64url');
  const jwk: JWK = { ...(await exportJWK(publicKey)), kid, use: 'sig', alg: 'RS256' };
  return {
    jwks: { keys: [jwk] },
    async signIdToken({ clientId, account, scopes, nonce }) {
      const iat = Math.floor(core.clock.nowMs() / 1000);
      // Entra's `sub` is pairwise (per app); `oid` is the user's stable id across apps.
      const sub = createHash('sha256').update(`${account.id}|${clientId}`).digest('base64url').slice(0, 43);
      const tenantId = account.tenantId ?? TENANT_ID;
      const claims: Record<string, unknown> = {
        oid: account.id,
        tid: tenantId,
        ver: '2.0',
        nbf: iat,
        ...(nonce === undefined ? {} : { nonce }),
        ...(has(scopes, 'profile') ? { name: account.name, preferred_username: account.email } : {}),
        ...(has(scopes, 'email') ? { email: account.email } : {}),
      };
      return new SignJWT(claims)
        .setProtectedHeader({ alg: 'RS256', kid, typ: 'JWT' })
        .setIssuer(issuerOfTenant(tenantId))
        .setAudience(clientId)
        .setSubject(sub)
        .setIssuedAt(iat)
        .setExpirationTime(iat + 3600)
        .sign(privateKey);
    },
  };
}

export function registerOidcRoutes(app: FastifyInstance, core: SandboxCore, keys: EntraKeys): void {
  app.get<{ Params: { tenant: string } }>(
    '/:tenant/v2.0/.well-known/openid-configuration',
    async (request) => {
      const base = `${core.baseUrl()}/${encodeURIComponent(request.params.tenant)}`;
      return {
        token_endpoint: `${base}/oauth2/v2.0/token`,
        token_endpoint_auth_methods_supported: ['client_secret_post', 'client_secret_basic'],
        jwks_uri: `${base}/discovery/v2.0/keys`,
        response_modes_supported: ['query'],
        subject_types_supported: ['pairwise'],
        id_token_signing_alg_values_supported: ['RS256'],
        response_types_supported: ['code'],
        scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
        issuer: issuerOfPath(request.params.tenant),
        // The sign-in page is for the browser; every other endpoint is called by servers.
        authorization_endpoint: `${core.browserUrl()}/${encodeURIComponent(request.params.tenant)}/oauth2/v2.0/authorize`,
        code_challenge_methods_supported: ['plain', 'S256'],
        claims_supported: [
          'sub',
          'iss',
          'aud',
          'exp',
          'iat',
          'nbf',
          'nonce',
          'oid',
          'tid',
          'ver',
          'name',
          'preferred_username',
          'email',
        ],
        tenant_region_scope: 'EU',
      };
    },
  );
  app.get('/:tenant/discovery/v2.0/keys', async () => keys.jwks);
}
