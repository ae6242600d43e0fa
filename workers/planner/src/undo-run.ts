/**
 * Undo of a run: a new run of kind 'undo' whose operations revert the original's applied ones in
 * reverse order (build-undo.ts). Created once per original run (a retried job finds and resumes
 * it), then applied through the same ledger as any run.
 */
import { repositories, type Database } from '@frontload/db';
import { buildUndo } from './ledger/build-undo.js';
import { runPlan, type RunDeps, type RunSummary } from './ledger/run-plan.js';

export async function undoRun(runId: string, deps: RunDeps): Promise<RunSummary & { undoRunId?: string }> {
  const db: Database = deps.db;
  const plans = repositories(db).plans;
  const original = await plans.byId(runId);
  if (!original || original.kind !== 'plan')
    return { state: 'not_applying', applied: 0, skipped: 0, failed: 0 };
  const existing = await plans.undoOf(runId);
  const undoId =
    existing?.id ??
    (
      await db.transaction(async (tx) =>
        repositories(tx).plans.create({
          userId: original.user_id,
          kind: 'undo',
          undoOf: runId,
          inputsHash: original.inputs_hash,
          horizon: { start: original.horizon_start, end: original.horizon_end },
          notes: [],
          metrics: {},
          state: 'applying',
          operations: buildUndo(await repositories(tx).plans.operations(runId)),
        }),
      )
    ).id;
  const summary = await runPlan(undoId, deps);
  for (const row of await plans.operations(runId)) {
    if (row.status === 'applied') await plans.updateOperation(row.id, { status: 'reverted' });
  }
  return { ...summary, undoRunId: undoId };
}
