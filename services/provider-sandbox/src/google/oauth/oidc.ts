/** OpenID Connect discovery, keys, userinfo, tokeninfo and RFC 7009 revocation, as Google serves them. */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { SandboxCore } from '../../core/types.js';
import { grantsEmail, grantsProfile, KNOWN_SCOPES } from '../scopes.js';
import { AUTHORIZE_PATH } from './authorize.js';
import type { GrantBook } from './grants.js';
import { singleValues } from './params.js';
import { profileClaims, type SigningKeys } from './oidc-keys.js';
import { TOKEN_PATH } from './token.js';

export const USERINFO_PATHS = ['/v1/userinfo', '/oauth2/v3/userinfo'];

function bearer(request: FastifyRequest): string | undefined {
  return /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? '')?.[1];
}

export function oidcRoutes(scope: FastifyInstance, core: SandboxCore, keys: SigningKeys, book: GrantBook) {
  scope.get('/.well-known/openid-configuration', async () =>
    discoveryDocument(core.baseUrl(), core.browserUrl()),
  );
  scope.get('/oauth2/v3/certs', async () => keys.jwks);
  // google-auth-library's verifyIdToken reads PEM certs from the v1 endpoint on Node.
  scope.get('/oauth2/v1/certs', async () => keys.pem);
  for (const path of USERINFO_PATHS) {
    scope.get(path, async (request, reply) => userinfo(core, request, reply));
  }
  const tokeninfo = async (request: FastifyRequest, reply: FastifyReply) => {
    const query = singleValues(request.query);
    const token = query.access_token ?? bearer(request);
    const grant = token === undefined ? undefined : core.tokens.verifyAccessToken(token);
    const account = grant ? core.accounts.get(grant.accountId) : undefined;
    if (!grant || !account || grant.provider !== 'google') {
      return reply.code(400).send({ error: 'invalid_token', error_description: 'Invalid Value' });
    }
    core.log.noteAccount(request, account.id);
    const expiresIn = Math.max(0, Math.floor((grant.expiresAtMs - core.clock.nowMs()) / 1000));
    return {
      azp: grant.clientId,
      aud: grant.clientId,
      sub: account.id,
      scope: grant.scopes.filter((s) => KNOWN_SCOPES.has(s)).join(' '),
      exp: String(Math.floor(grant.expiresAtMs / 1000)),
      expires_in: expiresIn,
      ...(grantsEmail(grant.scopes) ? { email: account.email, email_verified: 'true' } : {}),
      access_type: book.refreshTokensOf(account.id, grant.clientId).length > 0 ? 'offline' : 'online',
    };
  };
  scope.get('/tokeninfo', tokeninfo);
  scope.post('/tokeninfo', tokeninfo);
  scope.post('/revoke', async (request, reply) => revoke(core, book, request, reply));
}

async function userinfo(core: SandboxCore, request: FastifyRequest, reply: FastifyReply) {
  const token = bearer(request);
  const grant = token === undefined ? undefined : core.tokens.verifyAccessToken(token);
  const account = grant ? core.accounts.get(grant.accountId) : undefined;
  if (!grant || !account) {
    return reply
      .code(401)
      .header('www-authenticate', 'Bearer realm="https://accounts.google.com/", error="invalid_token"')
      .send({ error: 'invalid_request', error_description: 'Invalid Credentials' });
  }
  core.log.noteAccount(request, account.id);
  return {
    sub: account.id,
    ...(grantsProfile(grant.scopes) ? profileClaims(account) : {}),
    ...(grantsEmail(grant.scopes) ? { email: account.email, email_verified: true } : {}),
  };
}

/** Revoking either token ends the whole grant, as Google documents for its revocation endpoint. */
async function revoke(core: SandboxCore, book: GrantBook, request: FastifyRequest, reply: FastifyReply) {
  const query = singleValues(request.query);
  const form = singleValues(request.body);
  const token = query.token ?? form.token;
  if (!token)
    return reply
      .code(400)
      .send({ error: 'invalid_request', error_description: 'Missing required parameter: token' });
  const grant = core.tokens.verifyAccessToken(token) ?? core.tokens.useRefreshToken(token);
  if (!grant || grant.provider !== 'google') {
    return reply.code(400).send({ error: 'invalid_token', error_description: 'Token expired or revoked' });
  }
  core.log.noteAccount(request, grant.accountId);
  core.tokens.revokeAccessToken(token);
  for (const refreshToken of [token, ...book.refreshTokensOf(grant.accountId, grant.clientId)]) {
    core.tokens.revokeRefreshToken(refreshToken, true);
  }
  book.forget(grant.accountId, grant.clientId);
  return reply.code(200).send({});
}

/** What a standard OIDC client reads to sign a user in against the sandbox. */
/** The authorize page is for the browser (`browser`); every other endpoint is called by servers. */
function discoveryDocument(base: string, browser: string) {
  return {
    issuer: base,
    authorization_endpoint: `${browser}${AUTHORIZE_PATH}`,
    token_endpoint: `${base}${TOKEN_PATH}`,
    userinfo_endpoint: `${base}/v1/userinfo`,
    revocation_endpoint: `${base}/revoke`,
    jwks_uri: `${base}/oauth2/v3/certs`,
    response_types_supported: ['code'],
    subject_types_supported: ['public'],
    id_token_signing_alg_values_supported: ['RS256'],
    scopes_supported: ['openid', 'email', 'profile'],
    token_endpoint_auth_methods_supported: ['client_secret_post', 'client_secret_basic'],
    claims_supported: [
      'aud',
      'email',
      'email_verified',
      'exp',
      'family_name',
      'given_name',
      'iat',
      'iss',
      'name',
      'sub',
    ],
    code_challenge_methods_supported: ['plain', 'S256'],
    grant_types_supported: ['authorization_code', 'refresh_token'],
  };
}
