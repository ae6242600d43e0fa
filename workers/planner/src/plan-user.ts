/**
 * One planning pass for a user: load → pure plan() → store the plan as the current preview → queue
 * the overload-alert evaluation → in autopilot, start applying it.
 * A plan whose inputs did not change since the current preview is not stored again; in autopilot, such
 * a preview that was never started (its job died in between) is started by the retry.
 */
import { repositories, type ConnectionRow, type Database } from '@frontload/db';
import { JobDeferredError, requeueRun, type Producers } from '@frontload/jobs';
import { processMetrics } from '@frontload/metrics';
import { contentHash, detectRoles, plan, type PlannerInput } from '@frontload/planner';
import { irreversibleReason, type CalendarProvider } from '@frontload/providers';
import { buildPlannerInput } from './build-input.js';
import type { FreeBusyCache } from './free-busy-cache.js';

export interface PlanDeps {
  db: Database;
  producers: Producers;
  providerFor(connection: ConnectionRow): Promise<CalendarProvider>;
  now: () => Date;
  /** Keeps the user's weekly plan scheduled in the zone just planned in (weekly-schedule.ts). */
  scheduleWeekly?: (userId: string, zone: string) => Promise<void>;
  freeBusyCache?: FreeBusyCache;
}

export type PlanOutcome =
  | { outcome: 'stored'; planId: string; operations: number; autopilot: boolean }
  | { outcome: 'unchanged'; planId: string }
  | { outcome: 'skipped'; reason: string }
  | { outcome: 'rejected'; errors: { path: string; message: string }[] };

/** A run that wrote to its ledger this recently counts as still being applied. */
const ACTIVE_RUN_MS = 10 * 60_000;
/** How long a plan waits before looking again. */
const RUN_WAIT_MS = 2_000;
/** How long a plan waits for a pending full listing before looking again. */
const LISTING_WAIT_MS = 5_000;

/**
 * The reports and partners this plan counted (the user's roles, else the calendar's suggestions):
 * the notifier's `people.not_seen` watches exactly these people.
 */
function rolesPlanned(input: PlannerInput) {
  const roles = detectRoles(input.events, {
    userEmail: input.userEmail,
    preferences: input.preferences,
    people: input.people,
  });
  return [...roles].flatMap(([email, view]) => (view.role === 'other' ? [] : [{ email, role: view.role }]));
}

export async function planUser(userId: string, deps: PlanDeps): Promise<PlanOutcome> {
  const repos = repositories(deps.db);
  const user = await repos.users.byId(userId);
  // The calendar Frontload writes to; the user's other healthy calendars lend their busy time.
  const { write: connection, busyOnly } = await repos.connections.forPlanning(userId);
  if (!user || !connection) return { outcome: 'skipped', reason: 'no healthy connection to write to' };
  const now = deps.now();
  // A plan built while a run is half applied would plan from a calendar in between two states and
  // race the run's remaining writes: it waits until the run has finished, then sees its result.
  const running = await repos.plans.activeRun(userId, new Date(Date.now() - ACTIVE_RUN_MS));
  if (running) {
    // The run's job may be gone (its planner was killed before enqueuing it): asking again is harmless.
    await requeueRun(deps.producers, running);
    throw new JobDeferredError(`run ${running.id} is still being applied`, RUN_WAIT_MS);
  }
  // A full listing is pending (a run moved or rejoined a series, whose occurrences come back only in
  // one, or the first listing has not finished): the mirror does not yet show the calendar as it is,
  // and a plan made from it would be stale. The sync that lists everything queues the plan again.
  if (connection.full_synced_at === null) {
    await deps.producers.enqueueSync({ connectionId: connection.id, reason: 'resync' });
    throw new JobDeferredError(`connection ${connection.id} waits for a full listing`, LISTING_WAIT_MS);
  }
  const input = await buildPlannerInput(
    {
      db: deps.db,
      provider: await deps.providerFor(connection),
      now,
      ...(deps.freeBusyCache ? { freeBusyCache: deps.freeBusyCache } : {}),
    },
    user,
    connection,
    busyOnly,
  );
  await deps.scheduleWeekly?.(userId, input.zone);
  const result = plan(input);
  if (!result.ok) {
    await repos.audit.record({
      userId,
      actor: 'planner',
      action: 'plan.rejected',
      details: { errors: result.errors },
    });
    return { outcome: 'rejected', errors: result.errors };
  }
  // `now` moves on every run; the rest decides whether anything is new.
  const inputsHash = contentHash([JSON.stringify({ ...input, now: undefined })]);
  const current = await repos.plans.currentPreview(userId);
  if (current?.inputs_hash === inputsHash) {
    // The same plan is stored already. Still a preview in autopilot means the job that stored it died
    // before starting it (this is its retry): finish that job's work. Every step is idempotent.
    if (current.state === 'preview' && autopilotFor(user, result.operations.length)) {
      await followUp(deps.producers, userId, current.id);
      await startRun(deps.db, deps.producers, userId, current.id, result.operations.length);
    }
    // Asked to plan again with nothing new: say so, so whoever asked gets this plan at once.
    await repos.plans.markChecked(current.id);
    return { outcome: 'unchanged', planId: current.id };
  }

  const stored = await deps.db.transaction((tx) =>
    repositories(tx).plans.create({
      userId,
      inputsHash,
      horizon: { start: now, end: new Date(now.getTime() + 14 * 86_400_000) },
      notes: result.notes,
      metrics: {
        weeks: result.metrics,
        skipWeek: result.skipWeek,
        calendarWeeks: result.calendarMetrics,
        people: rolesPlanned(input),
      },
      // Past the blast radius, or with changes that cannot be undone (Microsoft skip-week
      // cancellations), the plan waits for the user's confirmation, in autopilot too.
      state:
        result.requiresConfirmation ||
        result.operations.some((op) => irreversibleReason(connection.provider, op.kind))
          ? 'confirm_required'
          : 'preview',
      operations: result.operations.map((op) => ({
        kind: op.kind,
        connectionId: connection.id,
        targetEventId: op.eventId,
        desired: op,
        reason: op.reason,
        emails: op.emails,
        key: op.key,
      })),
    }),
  );
  const planOperations = processMetrics().planOperations;
  for (const op of result.operations) planOperations.inc({ kind: op.kind, stage: 'planned' });
  await followUp(deps.producers, userId, stored.id);
  const autopilot = stored.state === 'preview' && autopilotFor(user, result.operations.length);
  if (autopilot) await startRun(deps.db, deps.producers, userId, stored.id, result.operations.length);
  return { outcome: 'stored', planId: stored.id, operations: result.operations.length, autopilot };
}

/**
 * Autopilot applies every plan with work in it as soon as it is stored (switching autopilot on is the
 * user's consent; a plan beyond the blast radius still waits for their confirmation). Each run is
 * recorded and can be undone like a run applied by hand.
 */
function autopilotFor(user: { mode: string }, operations: number): boolean {
  return user.mode === 'autopilot' && operations > 0;
}

/**
 * The plan's overload check (one job per plan). A skip week is announced only once a run of the plan
 * has cancelled its occurrences (processors.ts), never for a preview that may not be applied.
 */
async function followUp(producers: Producers, userId: string, planId: string): Promise<void> {
  await producers.enqueueEvaluateAlerts({ userId, planId });
}

/** Starts applying a stored preview; only the caller that moves it to `applying` queues the run. */
async function startRun(
  db: Database,
  producers: Producers,
  userId: string,
  planId: string,
  operations: number,
): Promise<void> {
  const repos = repositories(db);
  if (!(await repos.plans.transition(planId, ['preview'], 'applying'))) return;
  await repos.audit.record({
    userId,
    actor: 'autopilot',
    action: 'run.started',
    details: { runId: planId, operations },
  });
  await producers.enqueueApply({ runId: planId });
}
