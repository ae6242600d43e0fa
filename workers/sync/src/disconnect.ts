/**
 * Disconnecting a calendar (ARCHITECTURE.md flow 8): stop push, revoke the grant at the provider
 * where it has an endpoint (Google; Microsoft has none), then delete the connection row, which
 * takes its sealed tokens and, by cascade, its mirror rows with it. Provider calls are best effort:
 * an outage or a grant that is already revoked must not keep the user's data around.
 */
import { repositories, type ConnectionRow } from '@frontload/db';
import type { Logger } from '@frontload/logging';
import { connectionTokenSource, StoredTokenSet } from '@frontload/connections';
import type { SyncDeps } from './deps.js';
import { stopPush } from './push-channel.js';

/** What a disconnect did. */
export interface DisconnectOutcome {
  connectionId: string;
  deleted: boolean;
  pushStopped?: boolean;
  revoked?: boolean;
}

async function attempt(log: Logger, what: string, fn: () => Promise<void>): Promise<boolean> {
  try {
    await fn();
    return true;
  } catch (error) {
    log.warn({ err: error }, `disconnect: ${what} failed; continuing with the deletion`);
    return false;
  }
}

function refreshTokenOf(deps: SyncDeps, connection: ConnectionRow): string | undefined {
  const context = { userId: connection.user_id, provider: connection.provider };
  return deps.vault.unsealJson(connection.sealed_tokens, context, StoredTokenSet).refreshToken;
}

export async function disconnectConnection(
  deps: SyncDeps,
  connectionId: string,
  log: Logger,
): Promise<DisconnectOutcome> {
  const repos = repositories(deps.db);
  const connection = await repos.connections.byId(connectionId);
  // Only connections the user disconnected are cleaned up: a job for a reconnected one is stale.
  if (!connection || connection.status !== 'disconnected') return { connectionId, deleted: false };
  // The token source refuses nothing here: a disconnected connection is not marked needs_reauth.
  const provider = await deps.providerFor(connection, connectionTokenSource(deps, connection));
  const pushStopped = await attempt(log, 'stopping push', () => stopPush(provider, connection));
  const revoked = await attempt(log, 'revoking the grant', async () => {
    const refreshToken = refreshTokenOf(deps, connection);
    if (refreshToken !== undefined) await deps.oauth.revoke(connection.provider, refreshToken);
  });
  await repos.audit.record({
    userId: connection.user_id,
    actor: 'system',
    action: 'connection.deleted',
    details: { connectionId, provider: connection.provider, account: connection.account_email },
  });
  await repos.connections.delete(connectionId);
  return { connectionId, deleted: true, pushStopped, revoked };
}
