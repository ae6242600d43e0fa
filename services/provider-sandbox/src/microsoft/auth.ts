/**
 * Bearer-token check for Graph routes. Tokens are the core's opaque tokens; a Google token or an unknown,
 * expired or revoked one is Graph's 401 `InvalidAuthenticationToken`. Scopes are enforced the way the
 * Graph permission reference lists them (PROVIDERS.md §1): Calendars.Read* for reads, Calendars.ReadWrite
 * for writes, MailboxSettings.Read* for mailbox settings.
 */
import type { FastifyRequest } from 'fastify';
import type { SandboxAccount, SandboxCore } from '../core/types.js';
import { GraphError } from './errors.js';

export interface GraphCaller {
  account: SandboxAccount;
  scopes: Set<string>;
  clientId: string;
  /** When the caller's access token expires (subscriptions ask for reauthorization then, M-LIFE). */
  tokenExpiresAtMs: number;
}

const callers = new WeakMap<FastifyRequest, GraphCaller>();

/** Graph scopes may arrive as "https://graph.microsoft.com/Calendars.Read"; compare on the short name. */
export function shortScope(scope: string): string {
  return scope.replace(/^https:\/\/graph\.microsoft\.com\//i, '').toLowerCase();
}

const WWW_AUTHENTICATE =
  'Bearer realm="", authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize", ' +
  'client_id="00000003-0000-0000-c000-000000000000"';

function unauthorized(message: string): GraphError {
  return new GraphError(401, 'InvalidAuthenticationToken', message, { 'www-authenticate': WWW_AUTHENTICATE });
}

/** Verifies the bearer token, records the account in the request log and remembers the caller. */
export function authenticate(core: SandboxCore, request: FastifyRequest): GraphCaller {
  const header = request.headers.authorization ?? '';
  const match = /^Bearer\s+(.+)$/i.exec(header);
  const token = match?.[1]?.trim() ?? '';
  if (token === '') throw unauthorized('Access token is empty.');
  const grant = core.tokens.verifyAccessToken(token);
  if (grant === undefined || grant.provider !== 'microsoft') {
    throw unauthorized('Access token has expired or is not yet valid.');
  }
  const account = core.accounts.get(grant.accountId);
  if (account === undefined) throw unauthorized('Access token validation failure. Invalid audience.');
  core.log.noteAccount(request, account.id);
  const caller: GraphCaller = {
    account,
    scopes: new Set(grant.scopes.map(shortScope)),
    clientId: grant.clientId,
    tokenExpiresAtMs: grant.expiresAtMs,
  };
  callers.set(request, caller);
  return caller;
}

export function callerOf(request: FastifyRequest): GraphCaller {
  const caller = callers.get(request);
  if (caller === undefined) throw unauthorized('Access token is empty.');
  return caller;
}

export type Permission = 'calendars.read' | 'calendars.write' | 'mailbox.read' | 'user.read';

const ACCEPTED: Record<Permission, string[]> = {
  'calendars.read': ['calendars.readbasic', 'calendars.read', 'calendars.readwrite'],
  'calendars.write': ['calendars.readwrite'],
  'mailbox.read': ['mailboxsettings.read', 'mailboxsettings.readwrite'],
  'user.read': ['user.read', 'user.readbasic.all', 'user.read.all', 'openid', 'profile'],
};

export function requirePermission(request: FastifyRequest, permission: Permission): GraphCaller {
  const caller = callerOf(request);
  if (!ACCEPTED[permission].some((s) => caller.scopes.has(s))) {
    throw new GraphError(403, 'ErrorAccessDenied', 'Access is denied. Check credentials and try again.');
  }
  return caller;
}
