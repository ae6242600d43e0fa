/**
 * A `TokenSource` that refreshes an access token shortly before it expires and stores the result
 * with a compare-and-set, so that two processes refreshing the same connection at once never
 * overwrite a rotated Microsoft refresh token with a stale one. Storage, the refresh call and the
 * revocation handling are injected: the sync and planner workers wire it to the database and OAuth.
 */
import { UnrecoverableError } from 'bullmq';
import type { TokenSet, TokenSource } from '@frontload/providers';
import { providerErrorKind } from '@frontload/providers/errors';

/** A stored token set and the opaque version it was read at (the sealed value). */
export interface VersionedTokens {
  tokens: TokenSet;
  version: string;
}

/** Settings for {@link createRefreshingTokenSource}. */
export interface RefreshingTokenSourceOptions {
  load: () => Promise<VersionedTokens>;
  /** Stores `tokens` if the stored version is still `expectedVersion`; false when another writer won. */
  save: (tokens: TokenSet, expectedVersion: string) => Promise<boolean>;
  refresh: (refreshToken: string) => Promise<TokenSet>;
  /** The provider refused the refresh token (invalid_grant / AADSTS): mark the connection, tell the user. */
  onRevoked: (error: unknown) => Promise<void>;
  now: () => number;
  /**
   * Runs a refresh exclusively per connection (across processes). Microsoft rotates refresh tokens
   * and refuses a used one, so two refreshes racing with the same token would make the loser look
   * revoked. Default: no lock.
   */
  exclusive?: <T>(fn: () => Promise<T>) => Promise<T>;
  /** Refresh this long before expiry, so a token never expires mid-request. Default 60 s. */
  skewMs?: number;
}

/**
 * The connection's refresh token was revoked. An `UnrecoverableError`: BullMQ fails the job once
 * without retrying, so a revoked connection never causes a retry storm.
 */
export class ConnectionRevokedError extends UnrecoverableError {
  readonly code = 'FL_CONNECTION_REVOKED';
  constructor(options?: { cause?: unknown }) {
    super('FL_CONNECTION_REVOKED: the provider revoked this connection; the user must reconnect');
    this.name = 'ConnectionRevokedError';
    if (options?.cause !== undefined) this.cause = options.cause;
  }
}

/** Builds a token source; one per connection and job (it caches the token for the job's lifetime). */
export function createRefreshingTokenSource(options: RefreshingTokenSourceOptions): TokenSource {
  const skewMs = options.skewMs ?? 60_000;
  const exclusive = options.exclusive ?? (<T>(fn: () => Promise<T>) => fn());
  let current: TokenSet | undefined;
  let invalidated: string | undefined;
  let inFlight: Promise<string> | undefined;

  const usable = (tokens: TokenSet | undefined): tokens is TokenSet =>
    tokens !== undefined && tokens.accessToken !== invalidated && tokens.expiresAt - skewMs > options.now();

  async function refreshStored(stored: VersionedTokens, retried = false): Promise<string> {
    const refreshToken = stored.tokens.refreshToken;
    if (!refreshToken) {
      await options.onRevoked(new Error('no refresh token stored'));
      throw new ConnectionRevokedError();
    }
    let fresh: TokenSet;
    try {
      fresh = await options.refresh(refreshToken);
    } catch (error) {
      if (providerErrorKind(error) !== 'auth_revoked') throw error;
      // Someone without the lock (an older worker) may have rotated the token meanwhile: only a
      // refusal of the token that is still stored means the grant is gone.
      const latest = await options.load();
      if (!retried && latest.version !== stored.version) {
        if (usable(latest.tokens)) return use(latest.tokens);
        return refreshStored(latest, true);
      }
      await options.onRevoked(error);
      throw new ConnectionRevokedError({ cause: error });
    }
    // Google returns no refresh token on refresh: keep the stored one. Microsoft rotates it.
    const merged: TokenSet = { ...fresh, refreshToken: fresh.refreshToken ?? refreshToken };
    if (!(await options.save(merged, stored.version))) {
      // Another process refreshed first and stored its set; ours is valid too, use it for now.
      const winner = await options.load();
      return use(usable(winner.tokens) ? winner.tokens : merged);
    }
    return use(merged);
  }

  function use(tokens: TokenSet): string {
    current = tokens;
    return tokens.accessToken;
  }

  async function obtain(): Promise<string> {
    // Another process may have refreshed since this job started (or while we waited for the lock).
    const stored = await options.load();
    if (usable(stored.tokens)) return use(stored.tokens);
    return exclusive(async () => {
      const locked = await options.load();
      return usable(locked.tokens) ? use(locked.tokens) : refreshStored(locked);
    });
  }

  return {
    async getAccessToken() {
      if (usable(current)) return current.accessToken;
      // One refresh at a time per source: parallel calls share it.
      inFlight ??= obtain().finally(() => {
        inFlight = undefined;
      });
      return inFlight;
    },
    invalidate() {
      if (current) invalidated = current.accessToken;
      current = undefined;
    },
  };
}
