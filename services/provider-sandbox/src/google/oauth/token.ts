/**
 * `POST /token` with Google's error bodies (`{"error":"invalid_grant","error_description":...}`):
 * authorization_code (exact redirect_uri match, PKCE S256/plain verification) and refresh_token.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { SandboxAccount, SandboxCore } from '../../core/types.js';
import { hasOpenId } from '../scopes.js';
import type { ClientRegistry, OAuthClient } from './clients.js';
import { pkceMatches, type GrantBook } from './grants.js';
import type { SigningKeys } from './oidc-keys.js';
import { singleValues } from './params.js';

export const TOKEN_PATH = '/token';
/** Google access tokens live one hour; responses say 3599. */
export const ACCESS_TOKEN_SECONDS = 3599;

type Form = Record<string, string | undefined>;

export class OAuthError extends Error {
  constructor(
    readonly status: number,
    readonly error: string,
    readonly description: string,
  ) {
    super(description);
  }
}

export function sendOAuthError(reply: FastifyReply, error: OAuthError) {
  return reply
    .code(error.status)
    .header('cache-control', 'no-store')
    .send({ error: error.error, error_description: error.description });
}

/** Client authentication by HTTP Basic or by client_id/client_secret in the body. */
export function authenticateClient(
  request: FastifyRequest,
  form: Form,
  clients: ClientRegistry,
): OAuthClient {
  let id = form.client_id;
  let secret = form.client_secret;
  const basic = /^Basic\s+(\S+)$/i.exec(request.headers.authorization ?? '');
  if (basic?.[1]) {
    const [user, pass] = Buffer.from(basic[1], 'base64').toString('utf8').split(':');
    id = user === undefined ? undefined : decodeURIComponent(user);
    secret = pass === undefined ? undefined : decodeURIComponent(pass);
  }
  const client = id === undefined ? undefined : clients.get(id);
  if (!client) throw new OAuthError(401, 'invalid_client', 'The OAuth client was not found.');
  if (secret !== client.clientSecret) throw new OAuthError(401, 'invalid_client', 'Unauthorized');
  return client;
}

interface TokenDeps {
  core: SandboxCore;
  clients: ClientRegistry;
  book: GrantBook;
  keys: SigningKeys;
}

export function tokenRoute(scope: FastifyInstance, deps: TokenDeps) {
  scope.post(TOKEN_PATH, async (request, reply) => {
    const form = singleValues(request.body);
    try {
      const client = authenticateClient(request, form, deps.clients);
      if (form.grant_type === 'authorization_code') return await exchangeCode(request, form, client, deps);
      if (form.grant_type === 'refresh_token') return await refresh(request, form, client, deps);
      if (form.grant_type === undefined)
        throw new OAuthError(400, 'invalid_request', 'Missing required parameter: grant_type');
      throw new OAuthError(400, 'unsupported_grant_type', `Invalid grant_type: ${form.grant_type}`);
    } catch (error) {
      if (error instanceof OAuthError) return sendOAuthError(reply, error);
      throw error;
    }
  });
}

async function exchangeCode(request: FastifyRequest, form: Form, client: OAuthClient, deps: TokenDeps) {
  if (!form.code) throw new OAuthError(400, 'invalid_request', 'Missing required parameter: code');
  const code = deps.book.code(form.code);
  if (!code || code.clientId !== client.clientId)
    throw new OAuthError(400, 'invalid_grant', 'Malformed auth code.');
  if (code.used || code.expiresAtMs <= deps.core.clock.nowMs())
    throw new OAuthError(400, 'invalid_grant', 'Bad Request');
  if (form.redirect_uri !== code.redirectUri)
    throw new OAuthError(400, 'redirect_uri_mismatch', 'Bad Request');
  if (code.codeChallenge !== undefined) {
    if (!form.code_verifier) throw new OAuthError(400, 'invalid_grant', 'Missing code verifier.');
    if (!pkceMatches(code.codeChallengeMethod ?? 'plain', code.codeChallenge, form.code_verifier)) {
      throw new OAuthError(400, 'invalid_grant', 'Invalid code verifier.');
    }
  }
  code.used = true;
  const account = deps.core.accounts.get(code.accountId);
  if (!account) throw new OAuthError(400, 'invalid_grant', 'Account has been deleted');
  deps.core.log.noteAccount(request, account.id);
  const grant = {
    accountId: account.id,
    provider: 'google' as const,
    clientId: client.clientId,
    scopes: code.scopes,
  };
  let refreshToken: string | undefined;
  if (code.accessType === 'offline') {
    refreshToken = deps.core.tokens.issueRefreshToken(grant);
    deps.book.trackRefresh(account.id, client.clientId, refreshToken);
  }
  return tokenResponse(deps, account, grant.scopes, client.clientId, code.nonce, refreshToken);
}

async function refresh(request: FastifyRequest, form: Form, client: OAuthClient, deps: TokenDeps) {
  if (!form.refresh_token)
    throw new OAuthError(400, 'invalid_request', 'Missing required parameter: refresh_token');
  const grant = deps.core.tokens.useRefreshToken(form.refresh_token);
  // PROVIDERS.md §1: a dead refresh token surfaces as 400 invalid_grant "Token has been expired or revoked."
  if (!grant || grant.provider !== 'google')
    throw new OAuthError(400, 'invalid_grant', 'Token has been expired or revoked.');
  if (grant.clientId !== client.clientId) throw new OAuthError(401, 'unauthorized_client', 'Unauthorized');
  const account = deps.core.accounts.get(grant.accountId);
  if (!account) throw new OAuthError(400, 'invalid_grant', 'Token has been expired or revoked.');
  deps.core.log.noteAccount(request, account.id);
  return tokenResponse(deps, account, grant.scopes, client.clientId, undefined, undefined);
}

async function tokenResponse(
  deps: TokenDeps,
  account: SandboxAccount,
  scopes: string[],
  clientId: string,
  nonce: string | undefined,
  refreshToken: string | undefined,
) {
  const grant = { accountId: account.id, provider: 'google' as const, clientId, scopes };
  const { token } = deps.core.tokens.issueAccessToken(grant, ACCESS_TOKEN_SECONDS + 1);
  const idToken = hasOpenId(scopes)
    ? await deps.keys.signIdToken({
        issuer: deps.core.baseUrl(),
        clientId,
        account,
        scopes,
        accessToken: token,
        ...(nonce === undefined ? {} : { nonce }),
      })
    : undefined;
  return {
    access_token: token,
    expires_in: ACCESS_TOKEN_SECONDS,
    ...(refreshToken === undefined ? {} : { refresh_token: refreshToken }),
    scope: scopes.join(' '),
    token_type: 'Bearer',
    ...(idToken === undefined ? {} : { id_token: idToken }),
  };
}
