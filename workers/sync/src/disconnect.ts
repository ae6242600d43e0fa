/**
 * Disconnecting a calendar (ARCHITECTURE.md flow 8): remove our upcoming events if the user asked,
 * stop push, revoke the grant at the provider where it has an endpoint (Google; Microsoft has none),
 * then delete the connection row, which takes its sealed tokens and, by cascade, its mirror rows with
 * it. The last connection of an account being deleted also deletes the user. Provider calls are best effort:
 * an outage or a grant that is already revoked must not keep the user's data around.
 */
import { repositories, type ConnectionRow } from '@frontload/db';
import type { Logger } from '@frontload/logging';
import { StoredTokenSet } from '@frontload/connections';
import { providerErrorKind } from '@frontload/providers/errors';
import type { CalendarProvider } from '@frontload/providers';
import type { SyncDeps } from './deps.js';
import { stopPush } from './push-channel.js';

/** What a disconnect did. */
export interface DisconnectOutcome {
  connectionId: string;
  deleted: boolean;
  pushStopped?: boolean;
  revoked?: boolean;
  /** Our upcoming events deleted from the calendar, when the user asked for that. */
  eventsRemoved?: number;
  /** The account deletion this disconnect was part of is complete: the user and their data are gone. */
  userDeleted?: boolean;
}

const YEAR_MS = 366 * 86_400_000;

/**
 * Deletes the upcoming events Frontload created (our tag) in this calendar. A provider that is busy or
 * down fails the job so it is retried with the connection still in place; a grant that no longer works
 * ends the removal (nothing more can be deleted) and the rest of the disconnect goes on.
 */
async function removeManagedEvents(
  deps: SyncDeps,
  provider: CalendarProvider,
  connection: ConnectionRow,
  log: Logger,
): Promise<number> {
  const now = deps.now();
  const ours = (
    await repositories(deps.db).mirror.eventsInWindow(connection.id, now, new Date(now.getTime() + YEAR_MS))
  ).filter((e) => e.tag !== undefined && e.status !== 'cancelled');
  let removed = 0;
  for (const event of ours) {
    try {
      await provider.deleteEvent({ id: event.id });
      removed += 1;
    } catch (error) {
      const kind = providerErrorKind(error);
      if (kind === 'transient' || kind === 'rate_limited') throw error;
      log.warn(
        { err: error, removed, left: ours.length - removed },
        'disconnect: could not remove our events',
      );
      break;
    }
  }
  return removed;
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
  const provider = await deps.providerFor(connection);
  const eventsRemoved = connection.remove_managed_events
    ? await removeManagedEvents(deps, provider, connection, log)
    : undefined;
  const pushStopped = await attempt(log, 'stopping push', () => stopPush(provider, connection));
  const revoked = await attempt(log, 'revoking the grant', async () => {
    const refreshToken = refreshTokenOf(deps, connection);
    if (refreshToken !== undefined) await deps.oauth.revoke(connection.provider, refreshToken);
  });
  await repos.audit.record({
    userId: connection.user_id,
    actor: 'system',
    action: 'connection.deleted',
    details: {
      connectionId,
      provider: connection.provider,
      account: connection.account_email,
      ...(eventsRemoved === undefined ? {} : { eventsRemoved }),
    },
  });
  await repos.connections.delete(connectionId);
  const userDeleted = await repos.users.finishDeletion(connection.user_id);
  if (!userDeleted) await deps.producers.notifyUser(connection.user_id, { kind: 'calendar', connectionId });
  return {
    connectionId,
    deleted: true,
    pushStopped,
    revoked,
    ...(eventsRemoved === undefined ? {} : { eventsRemoved }),
    ...(userDeleted ? { userDeleted } : {}),
  };
}
