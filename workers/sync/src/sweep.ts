/**
 * The catch-up sweep, run every minute by a BullMQ job scheduler: queues a catch-up sync for every
 * live connection not synced within its interval (6 h with live push, a few minutes without — local
 * development polls), a push renewal for every channel past half its lifetime (or missing), and the
 * cleanup of disconnected connections whose disconnect job was lost, and the job of every run being
 * applied (a planner killed between marking a run applying and enqueuing its job left it with none),
 * and the due attempt of every webhook delivery whose job is lost (STUCK_DELIVERY_MS past due).
 * Every enqueue is deduplicated by the catalogue (per connection, per run, per delivery attempt), so
 * an overlapping sweep, push or running job adds nothing. It also deletes expired OAuth states (they
 * hold a PKCE verifier in clear) and expired sessions.
 */
import { repositories } from '@frontload/db';
import { requeueRun } from '@frontload/jobs';
import type { SyncDeps } from './deps.js';

/** What one sweep queued. */
export interface SweepOutcome {
  syncs: number;
  renewals: number;
  disconnects: number;
  runs: number;
  deliveries: number;
  purgedStates: number;
  purgedSessions: number;
}

/** How long a disconnected connection may wait for its cleanup before the sweep queues it again. */
const DISCONNECT_GRACE_MS = 10 * 60_000;

export async function catchUpSweep(deps: SyncDeps): Promise<SweepOutcome> {
  const { syncState } = repositories(deps.db);
  const now = deps.now();
  const { catchUpIntervalMs, pollIntervalMs, sweepLimit } = deps.tuning;
  const due = await syncState.dueForSync({
    now,
    pushedBefore: new Date(now.getTime() - catchUpIntervalMs),
    polledBefore: new Date(now.getTime() - pollIntervalMs),
    limit: sweepLimit,
  });
  for (const connectionId of due) await deps.producers.enqueueSync({ connectionId, reason: 'catch_up' });

  const renew =
    deps.pushPublicUrl === undefined ? [] : await syncState.dueForPushRenewal({ now, limit: sweepLimit });
  for (const connectionId of renew) await deps.producers.enqueueRenewPush({ connectionId });

  const orphaned = await syncState.disconnectedBefore({
    before: new Date(now.getTime() - DISCONNECT_GRACE_MS),
    limit: sweepLimit,
  });
  for (const connectionId of orphaned) await deps.producers.enqueueDisconnect({ connectionId });

  const repos = repositories(deps.db);
  const runs = await repos.plans.applyingRuns(sweepLimit);
  for (const run of runs) await requeueRun(deps.producers, run);

  const deliveries = await repos.webhooks.stuckDeliveries({ now, limit: sweepLimit });
  for (const { id, attempt } of deliveries) {
    await deps.producers.enqueueDeliverWebhook({ deliveryId: id, attempt });
  }
  return {
    syncs: due.length,
    renewals: renew.length,
    disconnects: orphaned.length,
    runs: runs.length,
    deliveries: deliveries.length,
    purgedStates: await repos.oauthStates.purgeExpired(now),
    purgedSessions: await repos.sessions.purgeExpired(now),
  };
}
