import { randomBytes } from 'node:crypto';
import type { IssuedGrant, SandboxClock, TokenStore } from './types.js';

export interface ResettableTokenStore extends TokenStore {
  clear(): void;
}

interface AccessRecord {
  grant: IssuedGrant;
  expiresAtMs: number;
  revoked: boolean;
}

interface RefreshRecord {
  grant: IssuedGrant;
  revoked: boolean;
}

const opaque = (prefix: string) => `${prefix}${randomBytes(24).toString('base64url')}`;

/**
 * Opaque random tokens with lifetimes measured on the sandbox clock. A cascading revoke of a refresh
 * token also kills the live access tokens of the same grant (account + client), as Google's `/revoke`
 * does when an app's access is removed.
 */
export function createTokenStore(clock: SandboxClock): ResettableTokenStore {
  const access = new Map<string, AccessRecord>();
  const refresh = new Map<string, RefreshRecord>();
  const revokeGrant = (key: string) => {
    for (const record of access.values()) if (grantKey(record.grant) === key) record.revoked = true;
  };
  return {
    issueAccessToken(grant, lifetimeSeconds) {
      const token = opaque(grant.provider === 'google' ? 'ya29.' : 'eyJ0.');
      const expiresAtMs = clock.nowMs() + lifetimeSeconds * 1000;
      access.set(token, { grant: { ...grant, scopes: [...grant.scopes] }, expiresAtMs, revoked: false });
      return { token, expiresAtMs };
    },
    issueRefreshToken(grant) {
      const token = opaque(grant.provider === 'google' ? '1//' : 'M.R3_');
      refresh.set(token, { grant: { ...grant, scopes: [...grant.scopes] }, revoked: false });
      return token;
    },
    verifyAccessToken(token) {
      const record = access.get(token);
      if (!record || record.revoked || record.expiresAtMs <= clock.nowMs()) return undefined;
      return { ...record.grant, expiresAtMs: record.expiresAtMs };
    },
    useRefreshToken(token) {
      const record = refresh.get(token);
      if (!record || record.revoked) return undefined;
      return { ...record.grant, scopes: [...record.grant.scopes] };
    },
    revokeRefreshToken(token, cascade = true) {
      const record = refresh.get(token);
      if (!record || record.revoked) return false;
      record.revoked = true;
      if (cascade) revokeGrant(grantKey(record.grant));
      return true;
    },
    revokeAccount(accountId) {
      let count = 0;
      for (const record of [...access.values(), ...refresh.values()]) {
        if (record.grant.accountId === accountId && !record.revoked) {
          record.revoked = true;
          count += 1;
        }
      }
      return count;
    },
    revokeAccessToken(token) {
      const record = access.get(token);
      if (!record || record.revoked) return false;
      record.revoked = true;
      return true;
    },
    clear() {
      access.clear();
      refresh.clear();
    },
  };
}

const grantKey = (grant: IssuedGrant) => `${grant.provider}:${grant.accountId}:${grant.clientId}`;
