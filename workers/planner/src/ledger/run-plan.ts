/**
 * Applies a plan (or an undo) through the ledger. Each operation is marked `intent` before any
 * provider call and gets its outcome recorded after; the job can die at any instant and run again:
 * finished operations are skipped and an `intent` one is reconciled against the provider (see
 * execute-operation.ts). Provider hiccups (rate limits, 5xx) propagate so BullMQ retries the job;
 * a breaker stops the run when too many operations fail outright.
 */
import { repositories, type Database, type OperationRow } from '@frontload/db';
import { processMetrics } from '@frontload/metrics';
import { isProviderError, type CalendarProvider } from '@frontload/providers';
import { Value } from 'typebox/value';
import { executeOperation } from './execute-operation.js';
import { LedgerOperationSchema, type LedgerOperation } from './ledger-operation.js';

export interface RunDeps {
  db: Database;
  providerFor(connectionId: string): Promise<CalendarProvider>;
  /** The provider said the event changed under us: re-sync that connection and re-plan. */
  onConflict(connectionId: string): Promise<void>;
  /**
   * A series moved: its occurrences now have other ids and slots. A full resync replaces the
   * connection's mirror once complete, whatever the provider reports for the vanished instances.
   */
  onSeriesMoved(connectionId: string): Promise<void>;
  /** Stop the run when more than this share of attempted operations failed (after 3 attempts). */
  breakerShare?: number;
}

export type RunSummary = {
  state: 'applied' | 'partially_applied' | 'stopped' | 'not_applying';
  applied: number;
  skipped: number;
  failed: number;
};

const finished = new Set(['applied', 'skipped', 'failed', 'reverted']);

type Outcome = { status: 'applied' | 'skipped' | 'failed'; conflict?: boolean };

async function runOne(deps: RunDeps, row: OperationRow): Promise<Outcome> {
  const plans = repositories(deps.db).plans;
  const op: LedgerOperation = Value.Parse(LedgerOperationSchema, row.desired);
  await plans.updateOperation(row.id, { status: 'intent' });
  try {
    const provider = await deps.providerFor(row.connection_id!);
    const result = await executeOperation(provider, op);
    if (result.status === 'skipped') {
      await plans.updateOperation(row.id, {
        status: 'skipped',
        beforeSnapshot: result.before,
        error: result.reason,
      });
      return { status: 'skipped', conflict: result.resync };
    }
    // Our own write, recorded in the mirror with its new etag: the sync recognises the echo (no replan
    // loop) and the week view shows the change at once. A series master is left to the resync.
    if (result.wrote && result.after && op.kind !== 'moveSeries') {
      await repositories(deps.db).mirror.recordOwnWrite(row.connection_id!, result.after);
    }
    await plans.updateOperation(row.id, {
      status: 'applied',
      beforeSnapshot: result.before,
      afterSnapshot: result.after,
      providerResult: {
        id: result.after?.id ?? op.eventId,
        etag: result.after?.etag ?? null,
        wrote: result.wrote,
      },
    });
    return { status: 'applied' };
  } catch (error) {
    if (!isProviderError(error) || error.retryable) throw error; // the job retries; the op stays `intent`
    if (error.kind === 'conflict' || error.kind === 'not_found') {
      await plans.updateOperation(row.id, {
        status: 'skipped',
        error: `changed since the plan: ${error.message}`,
      });
      return { status: 'skipped', conflict: true };
    }
    await plans.updateOperation(row.id, { status: 'failed', error: error.message });
    if (error.kind === 'auth_revoked') throw error;
    return { status: 'failed' };
  }
}

export async function runPlan(planId: string, deps: RunDeps): Promise<RunSummary> {
  const plans = repositories(deps.db).plans;
  const plan = await plans.byId(planId);
  if (plan?.state !== 'applying') return { state: 'not_applying', applied: 0, skipped: 0, failed: 0 };
  const rows = await plans.operations(planId);
  const count = { applied: 0, skipped: 0, failed: 0 };
  for (const row of rows)
    if (finished.has(row.status))
      count[row.status === 'reverted' ? 'applied' : (row.status as keyof typeof count)]++;
  const conflicts = new Set<string>();
  const seriesMoved = new Set<string>();
  for (const row of rows.filter((r) => !finished.has(r.status))) {
    const outcome = await runOne(deps, row);
    processMetrics().planOperations.inc({ kind: row.kind, stage: outcome.status });
    count[outcome.status]++;
    if (outcome.conflict && row.connection_id) conflicts.add(row.connection_id);
    if (outcome.status === 'applied' && row.kind === 'moveSeries' && row.connection_id)
      seriesMoved.add(row.connection_id);
    const attempted = count.applied + count.failed;
    if (attempted >= 3 && count.failed / attempted > (deps.breakerShare ?? 0.3)) {
      await plans.transition(planId, ['applying'], 'stopped');
      return { state: 'stopped', ...count };
    }
  }
  for (const connectionId of conflicts) await deps.onConflict(connectionId);
  for (const connectionId of seriesMoved) await deps.onSeriesMoved(connectionId);
  const state = count.failed > 0 ? 'partially_applied' : 'applied';
  await plans.transition(planId, ['applying'], state);
  return { state, ...count };
}
