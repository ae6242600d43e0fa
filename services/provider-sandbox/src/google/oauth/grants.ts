import { createHash, randomBytes } from 'node:crypto';
import type { SandboxClock } from '../../core/types.js';

/** An authorize request waiting on the consent page. */
export interface PendingConsent {
  id: string;
  clientId: string;
  redirectUri: string;
  scopes: string[];
  state?: string;
  nonce?: string;
  codeChallenge?: string;
  codeChallengeMethod?: 'S256' | 'plain';
  accessType: 'online' | 'offline';
  includeGrantedScopes: boolean;
  loginHint?: string;
  expiresAtMs: number;
}

export interface AuthorizationCode {
  clientId: string;
  redirectUri: string;
  accountId: string;
  scopes: string[];
  nonce?: string;
  codeChallenge?: string;
  codeChallengeMethod?: 'S256' | 'plain';
  accessType: 'online' | 'offline';
  expiresAtMs: number;
  used: boolean;
}

// Google's consent screens and authorization codes are short-lived; ten minutes on the sandbox clock.
const TEN_MINUTES = 10 * 60 * 1000;

/** Consent requests, one-time codes and the scopes each user granted each client (incremental consent). */
export function createGrantBook(clock: SandboxClock) {
  const pending = new Map<string, PendingConsent>();
  const codes = new Map<string, AuthorizationCode>();
  const granted = new Map<string, Set<string>>();
  const refreshByGrant = new Map<string, Set<string>>();
  return {
    openConsent(request: Omit<PendingConsent, 'id' | 'expiresAtMs'>): PendingConsent {
      const consent = {
        ...request,
        id: randomBytes(18).toString('base64url'),
        expiresAtMs: clock.nowMs() + TEN_MINUTES,
      };
      pending.set(consent.id, consent);
      return consent;
    },
    takeConsent(id: string): PendingConsent | undefined {
      const consent = pending.get(id);
      pending.delete(id);
      return consent && consent.expiresAtMs > clock.nowMs() ? consent : undefined;
    },
    issueCode(code: Omit<AuthorizationCode, 'expiresAtMs' | 'used'>): string {
      // Google's codes start with "4/" and are URL-safe.
      const value = `4/0${randomBytes(30).toString('base64url')}`;
      codes.set(value, { ...code, expiresAtMs: clock.nowMs() + TEN_MINUTES, used: false });
      return value;
    },
    code: (value: string) => codes.get(value),
    rememberScopes(accountId: string, clientId: string, scopes: string[]): string[] {
      const key = `${accountId}:${clientId}`;
      const set = granted.get(key) ?? new Set<string>();
      for (const scope of scopes) set.add(scope);
      granted.set(key, set);
      return [...set];
    },
    previousScopes: (accountId: string, clientId: string) => [
      ...(granted.get(`${accountId}:${clientId}`) ?? []),
    ],
    trackRefresh(accountId: string, clientId: string, token: string) {
      const key = `${accountId}:${clientId}`;
      refreshByGrant.set(key, (refreshByGrant.get(key) ?? new Set()).add(token));
    },
    refreshTokensOf: (accountId: string, clientId: string) => [
      ...(refreshByGrant.get(`${accountId}:${clientId}`) ?? []),
    ],
    forget(accountId: string, clientId: string) {
      granted.delete(`${accountId}:${clientId}`);
    },
    reset() {
      pending.clear();
      codes.clear();
      granted.clear();
      refreshByGrant.clear();
    },
  };
}

export type GrantBook = ReturnType<typeof createGrantBook>;

/** RFC 7636 §4.6: S256 compares BASE64URL(SHA256(verifier)) with the challenge; plain compares as is. */
export function pkceMatches(method: 'S256' | 'plain', challenge: string, verifier: string): boolean {
  if (method === 'plain') return challenge === verifier;
  return createHash('sha256').update(verifier).digest('base64url') === challenge;
}
