import { UnrecoverableError } from 'bullmq';
import { ProviderError, type TokenSet } from '@frontload/providers';
import { describe, expect, it } from 'vitest';
import { ConnectionRevokedError, createRefreshingTokenSource } from './token-source.js';

/** Storage with a version per write, like the sealed value on the connection row. */
function store(initial: TokenSet) {
  let state = { tokens: initial, version: 'v0' };
  let writes = 0;
  return {
    get state() {
      return state;
    },
    get writes() {
      return writes;
    },
    load: async () => state,
    save: async (tokens: TokenSet, expected: string) => {
      if (expected !== state.version) return false;
      state = { tokens, version: `v${++writes}` };
      return true;
    },
    /** Another process writes in between (it refreshed first). */
    overwrite(tokens: TokenSet) {
      state = { tokens, version: `other-${++writes}` };
    },
  };
}

const T0 = 1_800_000_000_000;
const tokens = (access: string, expiresAt: number, refresh?: string): TokenSet => ({
  accessToken: access,
  ...(refresh ? { refreshToken: refresh } : {}),
  expiresAt,
  scopes: [],
});

describe('refreshing token source', () => {
  it('uses the stored token until 60 s before expiry, then refreshes once and keeps the new set', async () => {
    let now = T0;
    const s = store(tokens('a1', T0 + 120_000, 'r1'));
    const refreshed: string[] = [];
    const source = createRefreshingTokenSource({
      ...s,
      now: () => now,
      refresh: async (r) => (refreshed.push(r), tokens('a2', now + 3_600_000, 'r2')),
      onRevoked: async () => undefined,
    });
    expect(await source.getAccessToken()).toBe('a1');
    now = T0 + 61_000; // 59 s left: inside the skew
    const [x, y] = await Promise.all([source.getAccessToken(), source.getAccessToken()]);
    expect([x, y]).toEqual(['a2', 'a2']);
    expect(refreshed).toEqual(['r1']);
    // Microsoft's rotated refresh token is what is stored now.
    expect(s.state.tokens).toMatchObject({ accessToken: 'a2', refreshToken: 'r2' });
  });

  it('keeps the stored refresh token when the provider does not rotate it (Google)', async () => {
    const s = store(tokens('a1', T0 - 1, 'r1'));
    const source = createRefreshingTokenSource({
      ...s,
      now: () => T0,
      refresh: async () => tokens('a2', T0 + 3_600_000),
      onRevoked: async () => undefined,
    });
    expect(await source.getAccessToken()).toBe('a2');
    expect(s.state.tokens.refreshToken).toBe('r1');
  });

  it('never overwrites a set another process stored first (compare-and-set on the version)', async () => {
    const s = store(tokens('a1', T0 - 1, 'r1'));
    const source = createRefreshingTokenSource({
      ...s,
      now: () => T0,
      refresh: async () => {
        s.overwrite(tokens('theirs', T0 + 3_600_000, 'r-theirs'));
        return tokens('mine', T0 + 3_600_000, 'r-mine');
      },
      onRevoked: async () => undefined,
    });
    expect(await source.getAccessToken()).toBe('theirs');
    expect(s.state.tokens.refreshToken).toBe('r-theirs');
  });

  it('after invalidate() never hands out the same access token again', async () => {
    const s = store(tokens('a1', T0 + 3_600_000, 'r1'));
    const source = createRefreshingTokenSource({
      ...s,
      now: () => T0,
      refresh: async () => tokens('a2', T0 + 3_600_000, 'r2'),
      onRevoked: async () => undefined,
    });
    expect(await source.getAccessToken()).toBe('a1');
    source.invalidate();
    expect(await source.getAccessToken()).toBe('a2');
  });

  it('a revoked grant calls onRevoked once and fails unrecoverably (no retries)', async () => {
    const s = store(tokens('a1', T0 - 1, 'r1'));
    const revoked: unknown[] = [];
    const source = createRefreshingTokenSource({
      ...s,
      now: () => T0,
      refresh: async () => {
        throw new ProviderError('auth_revoked', 'microsoft', 'AADSTS50173', {
          status: 400,
          reason: 'invalid_grant',
        });
      },
      onRevoked: async (e) => void revoked.push(e),
    });
    const error = await source.getAccessToken().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectionRevokedError);
    expect(error).toBeInstanceOf(UnrecoverableError);
    expect((error as Error).message).toMatch(/^FL_CONNECTION_REVOKED/);
    expect(revoked).toHaveLength(1);
    expect(s.writes).toBe(0);
  });

  it('a transient refresh failure is thrown as is, for a retry with backoff', async () => {
    const s = store(tokens('a1', T0 - 1, 'r1'));
    const source = createRefreshingTokenSource({
      ...s,
      now: () => T0,
      refresh: async () => {
        throw new ProviderError('transient', 'google', 'HTTP 503');
      },
      onRevoked: async () => expect.fail('not revoked'),
    });
    await expect(source.getAccessToken()).rejects.toMatchObject({ kind: 'transient' });
  });

  it('two sources refreshing one connection under the lock refresh once (rotation-safe)', async () => {
    const s = store(tokens('a1', T0 - 1, 'r1'));
    const used: string[] = [];
    let chain: Promise<unknown> = Promise.resolve();
    const exclusive = <T>(fn: () => Promise<T>) => {
      const run = chain.then(fn);
      chain = run.catch(() => undefined);
      return run;
    };
    const make = () =>
      createRefreshingTokenSource({
        ...s,
        now: () => T0,
        exclusive,
        refresh: async (r) => {
          used.push(r);
          if (r !== 'r1') throw new ProviderError('auth_revoked', 'microsoft', 'AADSTS70008');
          return tokens('a2', T0 + 3_600_000, 'r2');
        },
        onRevoked: async () => expect.fail('not revoked'),
      });
    expect(await Promise.all([make().getAccessToken(), make().getAccessToken()])).toEqual(['a2', 'a2']);
    expect(used).toEqual(['r1']);
  });

  it('a refusal of a refresh token that another process already rotated is not a revocation', async () => {
    const s = store(tokens('a1', T0 - 1, 'r1'));
    const source = createRefreshingTokenSource({
      ...s,
      now: () => T0,
      refresh: async (r) => {
        if (r === 'r1') {
          s.overwrite(tokens('theirs', T0 + 3_600_000, 'r2')); // rotated elsewhere meanwhile
          throw new ProviderError('auth_revoked', 'microsoft', 'AADSTS70008');
        }
        return tokens('unused', T0 + 3_600_000, 'r3');
      },
      onRevoked: async () => expect.fail('not revoked'),
    });
    expect(await source.getAccessToken()).toBe('theirs');
  });
});
