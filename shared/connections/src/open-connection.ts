/**
 * Everything a worker needs to talk to one user's calendar: the connection's token source (sealed
 * tokens from its row, refreshed through OAuth, written back with a compare-and-set on the sealed
 * value) and the provider adapter on top of it. A revoked refresh token marks the connection
 * `needs_reauth` and queues `connection-lost`, once.
 */
import { repositories, type ConnectionRow, type Database } from '@frontload/db';
import type { Producers } from '@frontload/jobs';
import {
  createProvider,
  type CalendarProvider,
  type OAuth,
  type TokenSet,
  type TokenSource,
} from '@frontload/providers';
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

export interface ConnectionDeps {
  db: Database;
  vault: TokenVault;
  oauth: Pick<OAuth, 'refresh'>;
  producers: Pick<Producers, 'enqueueConnectionLost'>;
  now: () => Date;
  /** API roots per provider (the sandbox locally, the real hosts in production). */
  apiBaseUrls: { google: string; microsoft: string };
}

/** Marks a connection whose grant was revoked and tells the user, once per loss. */
export async function markRevoked(
  deps: Pick<ConnectionDeps, 'db' | 'producers'>,
  connectionId: string,
): Promise<void> {
  const { rowCount } = await deps.db.query(
    `update connections set status = 'needs_reauth', updated_at = now() where id = $1 and status in ('syncing', 'healthy')`,
    [connectionId],
  );
  if (rowCount === 1) await deps.producers.enqueueConnectionLost({ connectionId });
}

/** A token source bound to one connection row. */
export function connectionTokenSource(deps: ConnectionDeps, connection: ConnectionRow): TokenSource {
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
    async save(tokens, expected) {
      const { rowCount } = await deps.db.query(
        'update connections set sealed_tokens = $3, updated_at = now() where id = $1 and sealed_tokens = $2',
        [connection.id, expected, deps.vault.seal(tokens, context)],
      );
      return rowCount === 1;
    },
    refresh: (refreshToken) => deps.oauth.refresh(connection.provider, refreshToken),
    onRevoked: () => markRevoked(deps, connection.id),
  });
}

/**
 * The provider adapter for one connection, reading and writing with the connection's tokens. The
 * adapters are imported on first use: they load the provider SDKs (googleapis alone takes seconds),
 * which a worker should not wait for before its first heartbeat.
 */
export async function openConnection(
  deps: ConnectionDeps,
  connection: ConnectionRow,
): Promise<CalendarProvider> {
  const { createProvider } = await import('@frontload/providers');
  return createProvider(connection.provider, {
    tokens: connectionTokenSource(deps, connection),
    apiBaseUrl: deps.apiBaseUrls[connection.provider],
    // Graph does not mark the user's own attendee entry; the adapter compares addresses instead.
    accountEmail: connection.account_email,
    // Graph reads the mailbox's default calendar; Google's row names its calendar ('primary').
    ...(connection.provider === 'google' ? { calendarId: connection.calendar_id } : {}),
    now: () => deps.now().getTime(),
  });
}
