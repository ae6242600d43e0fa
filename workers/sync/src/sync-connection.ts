/**
 * One sync of one connection (ARCHITECTURE.md flow 2): full on connect or on request, incremental
 * from the stored cursor otherwise; an expired cursor (Google 410, Graph SyncStateNotFound) falls
 * back to a full listing that replaces the mirror only once it is complete (the adapter follows
 * every page before it returns). A plan is queued only when something relevant changed.
 */
import { repositories, type ConnectionRow, type MirrorApplyResult } from '@frontload/db';
import type { JobPayload } from '@frontload/jobs';
import type { CalendarProvider, ChangeSet } from '@frontload/providers';
import type { SyncDeps } from './deps.js';
import { providerErrorKind } from '@frontload/providers/errors';

/** What a sync did; stored as the job's return value (ids and counts only). */
export interface SyncOutcome {
  connectionId: string;
  skipped?: 'gone' | 'not_live';
  mode?: 'full' | 'incremental';
  /** The stored cursor had expired, so the sync fell back to a full listing. */
  cursorExpired?: boolean;
  upserted?: number;
  deleted?: number;
  relevant?: number;
  planQueued?: boolean;
}

type SyncReason = JobPayload<'sync'>['reason'];

function window(deps: SyncDeps) {
  const now = deps.now().getTime();
  return {
    start: new Date(now - deps.tuning.windowBackMs).toISOString(),
    end: new Date(now + deps.tuning.windowAheadMs).toISOString(),
  };
}

/** The last full listing is old enough that its window no longer reaches far enough ahead. */
function windowStale(deps: SyncDeps, connection: ConnectionRow): boolean {
  const last = connection.full_synced_at?.getTime() ?? connection.created_at.getTime();
  return deps.now().getTime() - last >= deps.tuning.windowRefreshMs;
}

/** Lists changes; a cursor the provider no longer knows means "list everything again". */
async function listChanges(
  deps: SyncDeps,
  provider: CalendarProvider,
  cursor: string | undefined,
): Promise<{ changes: ChangeSet; cursorExpired: boolean }> {
  if (cursor === undefined)
    return { changes: await provider.listChanges({ window: window(deps) }), cursorExpired: false };
  try {
    return { changes: await provider.listChanges({ cursor, window: window(deps) }), cursorExpired: false };
  } catch (error) {
    if (providerErrorKind(error) !== 'cursor_expired') throw error;
    return { changes: await provider.listChanges({ window: window(deps) }), cursorExpired: true };
  }
}

/** Writes the change set to the mirror and moves the cursor, in one transaction. */
async function persist(deps: SyncDeps, connectionId: string, set: ChangeSet): Promise<MirrorApplyResult> {
  return deps.db.transaction(async (tx) => {
    const repos = repositories(tx);
    const result = set.full
      ? await repos.mirror.replaceAll(connectionId, set.changes)
      : await repos.mirror.applyChanges(connectionId, set.changes);
    await repos.syncState.markSynced(connectionId, set.nextCursor, deps.now(), set.full);
    return result;
  });
}

/**
 * The calendar's settings, read on the first sync (and whenever the zone is still unknown): its zone,
 * and the provider's working hours (Microsoft mailbox settings), which become the user's working
 * hours until the user edits theirs, when this is the calendar Frontload writes to and the hours are
 * in the calendar's zone (preferences are read in it). Returns whether the user's hours changed.
 */
async function refreshSettings(
  deps: SyncDeps,
  provider: CalendarProvider,
  connection: ConnectionRow,
): Promise<boolean> {
  if (connection.time_zone !== null) return false;
  const settings = await provider.getSettings();
  const repos = repositories(deps.db);
  await repos.syncState.setTimeZone(connection.id, settings.timeZone);
  const hours = settings.workingHours;
  if (!hours || hours.end <= hours.start) return false;
  if ((settings.workingHoursZone ?? settings.timeZone) !== settings.timeZone) return false;
  if (!(await repos.connections.writesTo(connection.id))) return false;
  return repos.preferences.adoptProviderWorkingHours(connection.user_id, hours, deps.now());
}

/** Runs one sync. Throws ProviderError kinds for the runner (rate limits, transient failures). */
export async function syncConnection(
  deps: SyncDeps,
  connectionId: string,
  reason: SyncReason,
  /**
   * This job ran before and did not finish (it failed, or its worker died). An earlier attempt may
   * have committed the changes and moved the cursor, then lost its plan request (Redis down, SIGKILL
   * between the commit and the enqueue): this attempt then lists nothing new, so it plans anyway. A
   * redundant plan costs one unchanged-inputs check.
   */
  options: { retry?: boolean } = {},
): Promise<SyncOutcome> {
  const connection = await repositories(deps.db).connections.byId(connectionId);
  if (!connection) return { connectionId, skipped: 'gone' };
  if (connection.status !== 'syncing' && connection.status !== 'healthy') {
    return { connectionId, skipped: 'not_live' };
  }
  const provider = await deps.providerFor(connection);
  const hoursAdopted = await refreshSettings(
    deps,
    provider,
    reason === 'initial' ? { ...connection, time_zone: null } : connection,
  );

  const full =
    reason === 'initial' ||
    reason === 'resync' ||
    connection.sync_cursor === null ||
    // A full listing was asked for (a series moved) and none has run since: the request lives on the
    // row because the `resync` job that carries it can coalesce into a `push` sync already queued.
    connection.full_synced_at === null ||
    windowStale(deps, connection);
  const { changes, cursorExpired } = await listChanges(
    deps,
    provider,
    full ? undefined : (connection.sync_cursor ?? undefined),
  );
  const result = await persist(deps, connection.id, changes);
  // A new connection always gets its first plan; afterwards only real changes replan.
  const planQueued = reason === 'initial' || result.relevant > 0 || hoursAdopted || options.retry === true;
  if (planQueued) await deps.producers.enqueuePlan({ userId: connection.user_id, reason: 'sync' });
  // The pages show the calendar and the connection's state: tell them when either changed (a push
  // echo of our own write that changed nothing relevant says nothing).
  if (connection.status === 'syncing' || result.relevant > 0 || hoursAdopted)
    await deps.producers.notifyUser(connection.user_id, { kind: 'calendar', connectionId: connection.id });
  if (reason === 'initial' && deps.pushPublicUrl !== undefined) {
    await deps.producers.enqueueRenewPush({ connectionId: connection.id });
  }
  return {
    connectionId,
    mode: changes.full ? 'full' : 'incremental',
    ...(cursorExpired ? { cursorExpired } : {}),
    ...result,
    planQueued,
  };
}
