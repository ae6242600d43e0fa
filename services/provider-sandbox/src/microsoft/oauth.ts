/**
 * Microsoft identity platform v2 under /{tenant}/oauth2/v2.0/ (PROVIDERS.md §1): authorize with an HTML
 * consent page, token with authorization_code (PKCE, exact redirect_uri) and refresh_token (rotated on
 * every use). A refresh token is only issued when `offline_access` was requested (M-OFFLINE-QA).
 * Errors are Entra-shaped (AADSTS code first in error_description, error_codes, trace/correlation ids).
 */
import formbody from '@fastify/formbody';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { IssuedGrant, SandboxCore } from '../core/types.js';
import { consentPage, errorPage } from './consent-page.js';
import { EntraError, entraErrorBody } from './errors.js';
import { OAuthGrants, type AuthorizeRequest } from './oauth-grants.js';
import { registerOidcRoutes, type EntraKeys } from './oidc.js';

const ACCESS_LIFETIME_S = 3600;
const TENANT = /^[A-Za-z0-9.-]{1,100}$/;

type Form = Record<string, string | undefined>;

function field(source: unknown, name: string): string | undefined {
  const value = (source as Record<string, unknown> | undefined)?.[name];
  if (Array.isArray(value)) return typeof value[0] === 'string' ? value[0] : undefined;
  return typeof value === 'string' ? value : undefined;
}

/** Graph resource prefixes are dropped; `.default` stands for the app's configured Graph permissions. */
function normaliseScopes(raw: string): string[] {
  return raw
    .split(/\s+/)
    .filter((s) => s !== '')
    .flatMap((s) => {
      const short = s.replace(/^https:\/\/graph\.microsoft\.com\//i, '');
      return short === '.default' ? ['User.Read', 'Calendars.ReadWrite', 'MailboxSettings.Read'] : [short];
    });
}

function redirectWith(
  reply: FastifyReply,
  redirectUri: string,
  params: Record<string, string | undefined>,
): FastifyReply {
  const url = new URL(redirectUri);
  for (const [key, value] of Object.entries(params))
    if (value !== undefined) url.searchParams.set(key, value);
  return reply.redirect(url.toString(), 302);
}

function parseAuthorize(grants: OAuthGrants, q: Form): AuthorizeRequest | { page: [string, string] } {
  const clientId = q.client_id ?? '';
  if (grants.client(clientId) === undefined) {
    return {
      page: [
        'AADSTS700016',
        `Application with identifier '${clientId}' was not found in the directory 'Frontload Sandbox'.`,
      ],
    };
  }
  const redirectUri = q.redirect_uri ?? '';
  if (!/^https?:\/\/[^\s]+$/i.test(redirectUri)) {
    return {
      page: [
        'AADSTS50011',
        `The redirect URI '${redirectUri}' specified in the request does not match the redirect URIs configured for the application '${clientId}'.`,
      ],
    };
  }
  return {
    clientId,
    redirectUri,
    scopes: normaliseScopes(q.scope ?? ''),
    state: q.state,
    codeChallenge: q.code_challenge,
    codeChallengeMethod: q.code_challenge_method === 'plain' ? 'plain' : 'S256',
    loginHint: q.login_hint,
    nonce: q.nonce,
  };
}

/** Errors Entra reports back to the redirect URI once the client and redirect URI are trusted. */
function redirectError(q: Form, request: AuthorizeRequest): [string, string] | undefined {
  if (q.response_type !== 'code')
    return [
      'unsupported_response_type',
      "AADSTS700054: response_type '" + (q.response_type ?? '') + "' is not enabled for the application.",
    ];
  if (request.scopes.length === 0)
    return [
      'invalid_request',
      "AADSTS900144: The request body must contain the following parameter: 'scope'.",
    ];
  if (q.code_challenge_method !== undefined && !['S256', 'plain'].includes(q.code_challenge_method)) {
    return ['invalid_request', 'AADSTS501491: Invalid size of Code_Challenge parameter.'];
  }
  // The sandbox keeps no sign-in session, so a silent request always needs interaction.
  if (q.prompt === 'none') {
    return ['login_required', 'AADSTS50058: A silent sign-in request was sent but no user is signed in.'];
  }
  // A sandbox limitation, not an Entra rule: form_post and fragment are not emulated.
  if (q.response_mode !== undefined && q.response_mode !== 'query') {
    return [
      'invalid_request',
      `response_mode '${q.response_mode}' is not emulated by the provider sandbox (it answers with response_mode=query only).`,
    ];
  }
  return undefined;
}

function registerAuthorize(app: FastifyInstance, core: SandboxCore, grants: OAuthGrants): void {
  app.get<{ Params: { tenant: string } }>('/:tenant/oauth2/v2.0/authorize', async (request, reply) => {
    const q = request.query as Form;
    if (!TENANT.test(request.params.tenant)) {
      return reply
        .code(400)
        .type('text/html')
        .send(errorPage('AADSTS90002', `Tenant '${request.params.tenant}' not found.`));
    }
    const parsed = parseAuthorize(grants, q);
    if ('page' in parsed)
      return reply
        .code(400)
        .type('text/html')
        .send(errorPage(...parsed.page));
    const failure = redirectError(q, parsed);
    if (failure !== undefined)
      return redirectWith(reply, parsed.redirectUri, {
        error: failure[0],
        error_description: failure[1],
        state: parsed.state,
      });
    const html = consentPage({
      consentId: grants.holdConsent(parsed),
      clientId: parsed.clientId,
      scopes: parsed.scopes,
      accounts: core.accounts.list('microsoft'),
      loginHint: parsed.loginHint,
      action: `/${encodeURIComponent(request.params.tenant)}/oauth2/v2.0/authorize`,
    });
    return reply.type('text/html; charset=utf-8').header('cache-control', 'no-store').send(html);
  });
}

/** The consent form's submit: Accept issues a code, Cancel returns error=access_denied (Entra AADSTS65004). */
function registerConsentSubmit(app: FastifyInstance, core: SandboxCore, grants: OAuthGrants): void {
  app.post<{ Params: { tenant: string } }>('/:tenant/oauth2/v2.0/authorize', async (request, reply) => {
    const consent = grants.takeConsent(field(request.body, 'consent') ?? '');
    if (consent === undefined) {
      return reply
        .code(400)
        .type('text/html')
        .send(errorPage('AADSTS90014', 'The sign-in session has expired or was already used. Start again.'));
    }
    if (field(request.body, 'decision') !== 'accept') {
      return redirectWith(reply, consent.redirectUri, {
        error: 'access_denied',
        error_subcode: 'cancel',
        error_description: 'AADSTS65004: User declined to consent to access the app.',
        state: consent.state,
      });
    }
    const account = core.accounts.get(field(request.body, 'account') ?? '');
    if (account?.provider !== 'microsoft') {
      return reply
        .code(400)
        .type('text/html')
        .send(
          errorPage('AADSTS50034', 'The user account does not exist in the Frontload Sandbox directory.'),
        );
    }
    return redirectWith(reply, consent.redirectUri, {
      code: grants.issueCode(consent, account.id),
      state: consent.state,
      session_state: account.id,
    });
  });
}

function clientCredentials(request: FastifyRequest): { id: string | undefined; secret: string | undefined } {
  const basic = /^Basic\s+(.+)$/i.exec(request.headers.authorization ?? '');
  if (basic?.[1] !== undefined) {
    const [id, secret] = Buffer.from(basic[1], 'base64').toString('utf8').split(':').map(decodeURIComponent);
    return { id, secret };
  }
  return { id: field(request.body, 'client_id'), secret: field(request.body, 'client_secret') };
}

interface TokenDeps {
  core: SandboxCore;
  grants: OAuthGrants;
  keys: EntraKeys;
}

/** Entra returns an id_token whenever `openid` was granted, on code exchange and on refresh. */
async function tokenResponse(
  deps: TokenDeps,
  grant: IssuedGrant,
  nonce?: string,
): Promise<Record<string, unknown>> {
  const { core, grants } = deps;
  const access = core.tokens.issueAccessToken(grant, ACCESS_LIFETIME_S);
  const offline = grant.scopes.some((s) => s.toLowerCase() === 'offline_access');
  const account = core.accounts.get(grant.accountId);
  const openid = account !== undefined && grant.scopes.some((s) => s.toLowerCase() === 'openid');
  const idToken = openid
    ? await deps.keys.signIdToken({ clientId: grant.clientId, account, scopes: grant.scopes, nonce })
    : undefined;
  return {
    token_type: 'Bearer',
    scope: grant.scopes.filter((s) => s.toLowerCase() !== 'offline_access').join(' '),
    expires_in: ACCESS_LIFETIME_S,
    ext_expires_in: ACCESS_LIFETIME_S,
    access_token: access.token,
    ...(offline ? { refresh_token: grants.issueRefreshToken(grant) } : {}),
    ...(idToken === undefined ? {} : { id_token: idToken }),
  };
}

const required = (value: string | undefined, name: string): string => {
  if (value === undefined || value === '') {
    throw new EntraError(
      400,
      'invalid_request',
      900144,
      `The request body must contain the following parameter: '${name}'.`,
    );
  }
  return value;
};

async function exchange(deps: TokenDeps, request: FastifyRequest): Promise<Record<string, unknown>> {
  const { grants } = deps;
  // The token endpoint reads form bodies only; a JSON body is, to Entra, a body without grant_type.
  const form = (request.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded');
  const body = form ? request.body : {};
  const grantType = required(field(body, 'grant_type'), 'grant_type');
  const credentials = clientCredentials(request);
  if (grantType === 'authorization_code') {
    const client = grants.authenticateClient(credentials.id, credentials.secret);
    const code = grants.redeemCode(
      required(field(body, 'code'), 'code'),
      client.id,
      field(body, 'redirect_uri'),
      field(body, 'code_verifier'),
    );
    const grant: IssuedGrant = {
      accountId: code.accountId,
      provider: 'microsoft',
      clientId: client.id,
      scopes: code.scopes,
    };
    deps.core.log.noteAccount(request, grant.accountId);
    return tokenResponse(deps, grant, code.nonce);
  }
  if (grantType === 'refresh_token') {
    const client = grants.authenticateClient(credentials.id, credentials.secret);
    const grant = grants.useRefreshToken(required(field(body, 'refresh_token'), 'refresh_token'), client.id);
    const asked = normaliseScopes(field(body, 'scope') ?? '');
    const extra = asked.filter((s) => !grant.scopes.some((g) => g.toLowerCase() === s.toLowerCase()));
    if (extra.length > 0) {
      throw new EntraError(
        400,
        'invalid_grant',
        65001,
        `The user or administrator has not consented to use the application with ID '${client.id}' named '${client.id}'. Send an interactive authorization request for this user and resource.`,
      );
    }
    // The request log counts token calls per account too, once the grant names it.
    deps.core.log.noteAccount(request, grant.accountId);
    return tokenResponse(deps, grant);
  }
  throw new EntraError(
    400,
    'unsupported_grant_type',
    70003,
    `The app requested an unsupported grant type '${grantType}'.`,
  );
}

export async function oauthRoutes(app: FastifyInstance, opts: TokenDeps): Promise<void> {
  const { core, grants } = opts;
  await app.register(formbody);
  registerAuthorize(app, core, grants);
  registerConsentSubmit(app, core, grants);
  registerOidcRoutes(app, core, opts.keys);
  app.post('/:tenant/oauth2/v2.0/token', async (request, reply) => {
    void reply.header('cache-control', 'no-store').header('pragma', 'no-cache');
    try {
      return reply.send(await exchange(opts, request));
    } catch (error) {
      if (!(error instanceof EntraError)) throw error;
      return reply.code(error.status).send(entraErrorBody(error, core.clock.nowMs()));
    }
  });
}
