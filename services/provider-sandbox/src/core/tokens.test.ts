import { describe, expect, it } from 'vitest';
import { createClock } from './clock.js';
import { createTokenStore } from './tokens.js';

const grant = { accountId: 'a1', provider: 'google' as const, clientId: 'c1', scopes: ['openid'] };

describe('token store', () => {
  it('expires access tokens on the sandbox clock', () => {
    const clock = createClock(0);
    const tokens = createTokenStore(clock);
    const { token, expiresAtMs } = tokens.issueAccessToken(grant, 3600);
    expect(expiresAtMs).toBe(3_600_000);
    expect(tokens.verifyAccessToken(token)?.accountId).toBe('a1');
    clock.advance(3_600_000);
    expect(tokens.verifyAccessToken(token)).toBeUndefined();
  });

  it('a cascading refresh-token revoke kills the grant’s access tokens, not other grants’', () => {
    const tokens = createTokenStore(createClock(0));
    const refresh = tokens.issueRefreshToken(grant);
    const access = tokens.issueAccessToken(grant, 3600).token;
    const other = tokens.issueAccessToken({ ...grant, clientId: 'c2' }, 3600).token;
    expect(tokens.revokeRefreshToken(refresh, true)).toBe(true);
    expect(tokens.useRefreshToken(refresh)).toBeUndefined();
    expect(tokens.verifyAccessToken(access)).toBeUndefined();
    expect(tokens.verifyAccessToken(other)).toBeDefined();
    expect(tokens.revokeRefreshToken(refresh)).toBe(false);
  });

  it('revokes everything of an account', () => {
    const tokens = createTokenStore(createClock(0));
    tokens.issueRefreshToken(grant);
    tokens.issueAccessToken(grant, 60);
    tokens.issueAccessToken({ ...grant, accountId: 'a2' }, 60);
    expect(tokens.revokeAccount('a1')).toBe(2);
  });
});
