import type { FastifyRequest } from 'fastify';
import type { IssuedGrant, SandboxAccount, SandboxCore } from '../core/types.js';
import { gerr } from './errors.js';
import { grants, type Operation } from './scopes.js';

export interface GoogleCaller {
  account: SandboxAccount;
  grant: IssuedGrant;
}

/**
 * Bearer-token check of every Calendar call: no header → 401 `required`; unknown, expired or revoked
 * token → 401 `authError`; a token whose scopes do not cover the operation → 403 `insufficientPermissions`.
 */
export function authenticate(core: SandboxCore, request: FastifyRequest, operation: Operation): GoogleCaller {
  const header = request.headers.authorization;
  if (header === undefined || header.trim() === '') throw gerr.loginRequired();
  const match = /^Bearer\s+(\S+)$/i.exec(header);
  const token = match?.[1];
  const grant = token === undefined ? undefined : core.tokens.verifyAccessToken(token);
  if (!grant || grant.provider !== 'google') throw gerr.invalidCredentials();
  const account = core.accounts.get(grant.accountId);
  if (!account) throw gerr.invalidCredentials();
  core.log.noteAccount(request, account.id);
  if (!grants(grant.scopes, operation)) throw gerr.insufficientPermissions();
  return { account, grant };
}
