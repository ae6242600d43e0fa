/**
 * The token source of one connection: sealed tokens from the connection row, refreshed through
 * OAuth, written back with a compare-and-set on the sealed value; a revoked refresh token marks the
 * connection `needs_reauth` and raises `connection-lost`. Used by every worker that talks to a
 * calendar (sync, planner).
 */
import { repositories, type ConnectionRow, type Database } from '@frontload/db';
import type { Producers } from '@frontload/jobs';
import type { OAuth, TokenSet, TokenSource } from '@frontload/providers';
import type { TokenVault } from '@frontload/security';
import Type from 'typebox';
import { createRefreshingTokenSource } from './token-source.js';

/** The stored token set (sealed JSON; stored JSON is a trust boundary, so it is checked). */
export const StoredTokenSet = Type.Object({
  accessToken: Type.String(),
  refreshToken: Type.Optional(Type.String()),
  expiresAt: Type.Number(),
  scopes: Type.Array(Type.String()),
});

/** What a connection's token source needs. */
export interface TokenDeps {
  db: Database;
  vault: TokenVault;
  oauth: Pick<OAuth, 'refresh'>;
  producers: Pick<Producers, 'enqueueConnectionLost'>;
  now: () => Date;
}

/** Marks a connection whose grant was revoked and tells the user, once. */
export async function markRevoked(
  deps: Pick<TokenDeps, 'db' | 'producers'>,
  connection: ConnectionRow,
): Promise<void> {
  const changed = await repositories(deps.db).syncState.transition(connection.id, 'needs_reauth');
  if (changed) await deps.producers.enqueueConnectionLost({ connectionId: connection.id });
}

/** In-process queue per connection: jobs of one worker process refresh one after another. */
const local = new Map<string, Promise<unknown>>();

/**
 * Serialises refreshes of one connection: in this process by a promise chain, across processes by a
 * transaction-scoped Postgres advisory lock held while the refresh runs (PGlite is single-process,
 * so the local queue is enough there).
 */
export function refreshLock(db: Database, connectionId: string) {
  return <T>(fn: () => Promise<T>): Promise<T> => {
    const previous = local.get(connectionId) ?? Promise.resolve();
    const run = previous
      .catch(() => undefined)
      .then(() =>
        db.driver === 'postgres'
          ? db.transaction(async (tx) => {
              await repositories(tx).locks.holdForTransaction(`refresh:${connectionId}`);
              return fn();
            })
          : fn(),
      );
    const settled = run.catch(() => undefined);
    local.set(connectionId, settled);
    void settled.then(() => {
      if (local.get(connectionId) === settled) local.delete(connectionId);
    });
    return run;
  };
}

/** A token source bound to one connection row. */
export function connectionTokenSource(deps: TokenDeps, connection: ConnectionRow): TokenSource {
  const repos = repositories(deps.db);
  const context = { userId: connection.user_id, provider: connection.provider };
  return createRefreshingTokenSource({
    now: () => deps.now().getTime(),
    async load() {
      const row = await repos.connections.byId(connection.id);
      if (!row) throw new Error(`connection ${connection.id} is gone`);
      const tokens: TokenSet = deps.vault.unsealJson(row.sealed_tokens, context, StoredTokenSet);
      return { tokens, version: row.sealed_tokens };
    },
    save: (tokens, expected) =>
      repos.syncState.compareAndSetTokens(connection.id, expected, deps.vault.seal(tokens, context)),
    refresh: (refreshToken) => deps.oauth.refresh(connection.provider, refreshToken),
    onRevoked: () => markRevoked(deps, connection),
    exclusive: refreshLock(deps.db, connection.id),
  });
}
