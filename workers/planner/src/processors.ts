/**
 * The planner worker's processors: `plan` (per user, debounced by the catalogue) and `apply`/`undo`
 * (a run through the operation ledger). The runner has already validated each payload.
 */
import { repositories, type ConnectionRow, type Database } from '@frontload/db';
import type { Producers, QueueBinding, QueueProcessors } from '@frontload/jobs';
import type { CalendarProvider } from '@frontload/providers';
import type { FreeBusyCache } from './free-busy-cache.js';
import { runPlan, type RunSummary } from './ledger/run-plan.js';
import { planUser } from './plan-user.js';
import { undoRun } from './undo-run.js';

/** Process name: logger name, heartbeat file and key. */
export const WORKER_NAME = 'worker-planner';

export interface PlannerDeps {
  db: Database;
  producers: Producers;
  providerFor(connection: ConnectionRow): Promise<CalendarProvider>;
  now: () => Date;
  scheduleWeekly?: (userId: string, zone: string) => Promise<void>;
  freeBusyCache?: FreeBusyCache;
}

function runDeps(deps: PlannerDeps) {
  return {
    db: deps.db,
    now: deps.now,
    providerFor: async (connectionId: string) => {
      const connection = await repositories(deps.db).connections.byId(connectionId);
      if (!connection) throw new Error(`connection ${connectionId} no longer exists`);
      return deps.providerFor(connection);
    },
    // Our precondition failed: the event changed. Re-sync that calendar; the sync queues a new plan.
    onConflict: async (connectionId: string) =>
      void (await deps.producers.enqueueSync({ connectionId, reason: 'push' })),
    onProgress: ({
      userId,
      runId,
      done,
      total,
    }: {
      userId: string;
      runId: string;
      done: number;
      total: number;
    }) => deps.producers.notifyUser(userId, { kind: 'run', runId, state: 'applying', done, total }),
    // A moved series' occurrences come back only in a full listing. The request is kept on the row
    // (the next sync, whatever queued it, lists everything): the `resync` job itself can coalesce into
    // a `push` sync already waiting for this connection, and its reason would be lost.
    onSeriesMoved: async (connectionId: string) => {
      await repositories(deps.db).syncState.requestFullSync(connectionId);
      await deps.producers.enqueueSync({ connectionId, reason: 'resync' });
    },
  };
}

/** Processors of the `plan` queue. */
export function planProcessors(deps: PlannerDeps): QueueProcessors<'plan'> {
  return {
    plan: async ({ userId, reason }, _job, log) => {
      const result = await planUser(userId, deps);
      log.info({ userId, reason, ...result }, 'planned');
      if (result.outcome !== 'skipped')
        await deps.producers.notifyUser(userId, {
          kind: 'plan',
          outcome: result.outcome,
          ...('planId' in result ? { planId: result.planId } : {}),
        });
      return result;
    },
  };
}

/**
 * A skip week is announced (`skip_week.announced`) once a run of the plan has cancelled occurrences,
 * never for a preview. Asked after every attempt, so a job retried after the run finished still
 * announces; the job id is the plan's, so it is queued once.
 */
async function announceSkipWeek(deps: PlannerDeps, runId: string): Promise<void> {
  const plans = repositories(deps.db).plans;
  const run = await plans.byId(runId);
  if (run?.kind !== 'plan' || run.state === 'applying') return;
  const rows = await plans.operations(runId);
  if (!rows.some((row) => row.kind === 'cancelOccurrence' && row.status === 'applied')) return;
  await deps.producers.enqueueSkipWeekAnnounced({ userId: run.user_id, planId: runId });
}

/** Tells the user's pages how a run ended (its operations were reported one by one as it went). */
async function runEnded(deps: PlannerDeps, runId: string, result: RunSummary): Promise<void> {
  if (result.state === 'not_applying') return;
  const plans = repositories(deps.db).plans;
  const run = await plans.byId(runId);
  if (!run) return;
  const rows = await plans.operations(runId);
  const done = rows.filter((row) => row.status !== 'planned' && row.status !== 'intent').length;
  await deps.producers.notifyUser(run.user_id, {
    kind: 'run',
    runId,
    state: run.state,
    done,
    total: rows.length,
  });
}

/** Processors of the `apply` queue. */
export function applyProcessors(deps: PlannerDeps): QueueProcessors<'apply'> {
  return {
    apply: async ({ runId }, _job, log) => {
      const result = await runPlan(runId, runDeps(deps));
      log.info({ runId, ...result }, 'run applied');
      await announceSkipWeek(deps, runId);
      await runEnded(deps, runId, result);
      return result;
    },
    undo: async ({ runId }, _job, log) => {
      const result = await undoRun(runId, runDeps(deps));
      log.info({ runId, ...result }, 'run undone');
      await runEnded(deps, result.undoRunId ?? runId, result);
      return result;
    },
  };
}

/** The queues this process serves. */
export function queueBindings(deps: PlannerDeps): QueueBinding[] {
  return [
    { queue: 'plan', processors: planProcessors(deps) },
    { queue: 'apply', processors: applyProcessors(deps) },
  ];
}
