/**
 * `GET /o/oauth2/v2/auth` (the consent screen) and the form it posts back to. Client and redirect URI
 * problems are shown as an error page, never redirected (an unverified redirect URI must not receive
 * anything); consent decisions are redirected with `code` or `error=access_denied`.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { SandboxCore } from '../../core/types.js';
import { KNOWN_SCOPES, normalizeScopes } from '../scopes.js';
import { redirectAllowed, type ClientRegistry } from './clients.js';
import { consentPage, errorPage } from './consent-page.js';
import type { GrantBook, PendingConsent } from './grants.js';
import { singleValues } from './params.js';

export const AUTHORIZE_PATH = '/o/oauth2/v2/auth';
const DECISION_PATH = '/o/oauth2/v2/auth/decision';

type Query = Record<string, string | undefined>;

function html(reply: FastifyReply, status: number, body: string) {
  return reply
    .code(status)
    .headers({
      'cache-control': 'no-store',
      // Inline CSS only, no scripts, never framed (a consent page must not be clickjacked).
      'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'",
      'x-frame-options': 'DENY',
    })
    .type('text/html; charset=utf-8')
    .send(body);
}

function redirectWith(reply: FastifyReply, redirectUri: string, params: Record<string, string | undefined>) {
  const url = new URL(redirectUri);
  for (const [key, value] of Object.entries(params))
    if (value !== undefined) url.searchParams.set(key, value);
  return reply.code(302).header('location', url.toString()).send();
}

/** Parses an authorize request; returns an error to show, or the consent to open. */
function parseAuthorize(
  q: Query,
  clients: ClientRegistry,
): { page: [number, string, string] } | { consent: Omit<PendingConsent, 'id' | 'expiresAtMs'> } {
  const client = q.client_id === undefined ? undefined : clients.get(q.client_id);
  if (!client) return { page: [401, 'invalid_client', 'The OAuth client was not found.'] };
  if (q.redirect_uri === undefined || !redirectAllowed(client, q.redirect_uri)) {
    return {
      page: [
        400,
        'redirect_uri_mismatch',
        `redirect_uri ${q.redirect_uri ?? '(missing)'} is not registered for this client.`,
      ],
    };
  }
  if (q.response_type !== 'code')
    return { page: [400, 'unsupported_response_type', `Invalid response_type: ${q.response_type ?? ''}`] };
  const scopes = normalizeScopes(q.scope ?? '');
  if (scopes.length === 0) return { page: [400, 'invalid_request', 'Missing required parameter: scope'] };
  const unknown = scopes.find((s) => !KNOWN_SCOPES.has(s));
  if (unknown)
    return { page: [400, 'invalid_scope', `Some requested scopes were invalid. {invalid=[${unknown}]}`] };
  const method = q.code_challenge_method ?? (q.code_challenge ? 'plain' : undefined);
  if (method !== undefined && method !== 'S256' && method !== 'plain') {
    return { page: [400, 'invalid_request', `Invalid code_challenge_method: ${method}`] };
  }
  return {
    consent: {
      clientId: client.clientId,
      redirectUri: q.redirect_uri,
      scopes,
      accessType: q.access_type === 'offline' ? 'offline' : 'online',
      includeGrantedScopes: q.include_granted_scopes === 'true',
      ...(q.state === undefined ? {} : { state: q.state }),
      ...(q.nonce === undefined ? {} : { nonce: q.nonce }),
      ...(q.login_hint === undefined ? {} : { loginHint: q.login_hint }),
      ...(q.code_challenge === undefined || method === undefined
        ? {}
        : { codeChallenge: q.code_challenge, codeChallengeMethod: method }),
    },
  };
}

export function authorizeRoutes(
  scope: FastifyInstance,
  core: SandboxCore,
  clients: ClientRegistry,
  book: GrantBook,
) {
  scope.get(AUTHORIZE_PATH, async (request, reply) => {
    const parsed = parseAuthorize(singleValues(request.query), clients);
    if ('page' in parsed) return html(reply, parsed.page[0], errorPage(...parsed.page));
    const consent = book.openConsent(parsed.consent);
    const page = consentPage({
      consentId: consent.id,
      clientId: consent.clientId,
      scopes: consent.scopes,
      accounts: core.accounts.list('google'),
      action: DECISION_PATH,
      ...(consent.loginHint === undefined ? {} : { loginHint: consent.loginHint }),
    });
    return html(reply, 200, page);
  });
  scope.post(DECISION_PATH, async (request, reply) => decide(core, book, request, reply));
}

/** The consent form's answer: Deny redirects with access_denied, Allow with a one-time code. */
async function decide(core: SandboxCore, book: GrantBook, request: FastifyRequest, reply: FastifyReply) {
  const form = singleValues(request.body);
  const consent = form.consent === undefined ? undefined : book.takeConsent(form.consent);
  if (!consent)
    return html(
      reply,
      400,
      errorPage(400, 'invalid_request', 'This sign-in request expired or was already used. Start again.'),
    );
  if (form.decision !== 'allow')
    return redirectWith(reply, consent.redirectUri, { error: 'access_denied', state: consent.state });
  const account = form.account === undefined ? undefined : core.accounts.get(form.account);
  if (!account || account.provider !== 'google')
    return html(reply, 400, errorPage(400, 'invalid_request', 'Choose a sandbox Google account.'));
  core.log.noteAccount(request, account.id);
  const scopes = consent.includeGrantedScopes
    ? [...new Set([...book.previousScopes(account.id, consent.clientId), ...consent.scopes])]
    : consent.scopes;
  book.rememberScopes(account.id, consent.clientId, scopes);
  const code = book.issueCode({
    clientId: consent.clientId,
    redirectUri: consent.redirectUri,
    accountId: account.id,
    scopes,
    accessType: consent.accessType,
    ...(consent.nonce === undefined ? {} : { nonce: consent.nonce }),
    ...(consent.codeChallenge === undefined
      ? {}
      : {
          codeChallenge: consent.codeChallenge,
          codeChallengeMethod: consent.codeChallengeMethod ?? 'plain',
        }),
  });
  return redirectWith(reply, consent.redirectUri, {
    state: consent.state,
    code,
    scope: scopes.join(' '),
    authuser: '0',
    prompt: 'consent',
  });
}
