/**
 * Applies a plan (or an undo) through the ledger. Each operation is marked `intent` before any
 * provider call and gets its outcome recorded after; the job can die at any instant and run again:
 * finished operations are skipped and an `intent` one is reconciled against the provider (see
 * execute-operation.ts). Provider hiccups (rate limits, 5xx) propagate so BullMQ retries the job;
 * a breaker ends the run `failed`, with the reason, when too many operations fail outright.
 *
 * Before each write the apply-time guard (apply-guard.ts) checks the operation against the clock,
 * the people settings, the counterpart's time and the mirror as they are now; a refusal skips it with
 * its reason. One run makes at most {@link MAX_PROVIDER_CALLS_PER_OPERATION} provider calls per
 * operation (plus one free/busy call): a run that would need more cannot make progress and ends
 * `failed` with the reason.
 */
import { repositories, type Database, type OperationRow } from '@frontload/db';
import { processMetrics } from '@frontload/metrics';
import { isProviderError, type CalendarProvider } from '@frontload/providers';
import { Value } from 'typebox/value';
import { eventsAround, guardRefusal, loadGuardFacts, slotRefusal, type GuardFacts } from './apply-guard.js';
import { executeOperation } from './execute-operation.js';
import {
  LedgerOperationSchema,
  type ExecutionResult,
  type LedgerOperation,
  type OccurrenceFields,
} from './ledger-operation.js';

/**
 * Provider calls one operation may take in a run: a create reads its id and may create twice (the
 * second under a fresh id), a series move reads its master and writes it. Each call is one request
 * of the adapter, or two or three where the provider needs them (a 409 read-back, a focusTime fallback).
 */
export const MAX_PROVIDER_CALLS_PER_OPERATION = 4;

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
  /** The clock the apply-time guard reads (the worker's injected clock). */
  now?: () => Date;
  /** Stop the run when more than this share of attempted operations failed (after 3 attempts). */
  breakerShare?: number;
  /** Told after each operation the run finishes: `done` of the run's `total` operations are finished. */
  onProgress?(progress: { userId: string; runId: string; done: number; total: number }): Promise<void>;
}

export type RunSummary = {
  state: 'applied' | 'partially_applied' | 'failed' | 'not_applying';
  applied: number;
  skipped: number;
  failed: number;
  reason?: string;
};

const finished = new Set(['applied', 'skipped', 'failed', 'reverted']);

type Outcome = { status: 'applied' | 'skipped' | 'failed'; conflict?: boolean };

/** The run ran out of provider calls: it cannot make progress. */
class CallBudgetSpent extends Error {}

/** Counts the provider calls of one run and refuses any past the limit. */
class CallBudget {
  private spent = 0;
  constructor(readonly limit: number) {}
  spend(): void {
    if (++this.spent > this.limit) {
      throw new CallBudgetSpent(
        `the run needed more than ${this.limit} provider calls (at most ${MAX_PROVIDER_CALLS_PER_OPERATION} per operation)`,
      );
    }
  }
}

/** `provider` with every method call counted against `budget`. */
function metered(provider: CalendarProvider, budget: CallBudget): CalendarProvider {
  return new Proxy(provider, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        budget.spend();
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
}

/** One run's shared state: a provider per connection (opened once), its guard facts, its call budget. */
interface RunContext {
  deps: RunDeps;
  planRun: boolean;
  userId: string;
  pending: LedgerOperation[];
  budget: CallBudget;
  providers: Map<string, Promise<CalendarProvider>>;
  facts: Map<string, Promise<GuardFacts>>;
  /** Events (and series) this run moved or cancelled: their mirror rows may show the old time. */
  vacated: Set<string>;
}

function providerOf(ctx: RunContext, connectionId: string): Promise<CalendarProvider> {
  let provider = ctx.providers.get(connectionId);
  if (!provider) {
    provider = ctx.deps.providerFor(connectionId).then((p) => metered(p, ctx.budget));
    provider.catch(() => ctx.providers.delete(connectionId));
    ctx.providers.set(connectionId, provider);
  }
  return provider;
}

function factsOf(ctx: RunContext, connectionId: string): Promise<GuardFacts> {
  let facts = ctx.facts.get(connectionId);
  if (!facts) {
    facts = loadGuardFacts(
      ctx.deps.db,
      ctx.userId,
      () => providerOf(ctx, connectionId),
      ctx.pending,
      (ctx.deps.now?.() ?? new Date()).getTime(),
      ctx.planRun,
    );
    facts.catch(() => ctx.facts.delete(connectionId));
    ctx.facts.set(connectionId, facts);
  }
  return facts;
}

/** Why the guard refuses `op` now, or undefined. */
async function refusedNow(
  ctx: RunContext,
  row: OperationRow,
  op: LedgerOperation,
): Promise<string | undefined> {
  const connectionId = row.connection_id!;
  const refusal = guardRefusal(op, await factsOf(ctx, connectionId));
  if (refusal) return refusal;
  if (op.kind === 'createFocusBlock' || op.kind === 'updateFocusBlock') {
    return slotRefusal(op, await eventsAround(ctx.deps.db, connectionId, op.after), ctx.vacated);
  }
  if (op.kind === 'moveSeries' || op.kind === 'moveOccurrence') {
    // A 1:1 the plan moves or cancels later in this run may still be at the new time: the plan frees it.
    const freed = new Set(ctx.vacated);
    for (const other of ctx.pending)
      if (other.key !== op.key && ['moveSeries', 'moveOccurrence', 'cancelOccurrence'].includes(other.kind)) {
        freed.add(other.eventId);
        if ('seriesId' in other && other.seriesId !== undefined) freed.add(other.seriesId);
      }
    return slotRefusal(op, await eventsAround(ctx.deps.db, connectionId, op.after), freed);
  }
  return undefined;
}

/**
 * The id a focus block is created under: the planned one, unless Frontload created a block under it
 * before (since undone or deleted: providers refuse a deleted event's id), then one salted by how many
 * times. Stored on the operation at intent, so a replay after a crash uses the same.
 */
async function blockIdFor(db: Database, row: OperationRow, op: LedgerOperation): Promise<string> {
  const stored = (row.provider_result as { clientId?: unknown } | null)?.clientId;
  if (typeof stored === 'string') return stored;
  const earlier = await repositories(db).plans.earlierBlockCreates(
    row.connection_id!,
    op.eventId,
    row.plan_id,
  );
  return earlier === 0 ? op.eventId : `${op.eventId}g${earlier}`;
}

/** Keeps the mirror true to our own writes at once, so a preview asked for right after is true. */
async function recordInMirror(
  db: Database,
  connectionId: string,
  op: LedgerOperation,
  result: Extract<ExecutionResult, { status: 'applied' }>,
): Promise<void> {
  const mirror = repositories(db).mirror;
  // Our own write, recorded with its new etag: the sync recognises the echo (no replan loop) and the
  // week view shows the change at once. A series master is left to the resync.
  if (result.wrote && result.after && op.kind !== 'moveSeries' && op.kind !== 'rejoinSeries')
    await mirror.recordOwnWrite(connectionId, result.after);
  if (op.kind === 'deleteFocusBlock')
    await mirror.applyChanges(connectionId, [{ type: 'delete', id: op.eventId }]);
  if (op.kind === 'cancelOccurrence' && result.before && result.before.status !== 'cancelled')
    await mirror.recordOwnWrite(connectionId, { ...result.before, status: 'cancelled' });
}

/**
 * What a series move records on its ledger operation (`provider_result.series`): the old series' rule,
 * before its first write, kept from an earlier attempt of the same operation.
 */
function seriesLedgerOf(ctx: RunContext, row: OperationRow) {
  let series = (row.provider_result as { series?: { rule: string } } | null)?.series;
  const plans = repositories(ctx.deps.db).plans;
  return {
    ...(series === undefined ? {} : { rule: series.rule }),
    keep: async (rule: string) => {
      series = { rule };
      await plans.updateOperation(row.id, { status: 'intent', providerResult: { series } });
    },
    recorded: () => series,
    // One per ledger operation: a later plan's move of the same series (after an undo) gets another.
    clientId: `continues-${row.id}`,
    now: (ctx.deps.now?.() ?? new Date()).getTime(),
  };
}

async function runOne(ctx: RunContext, row: OperationRow): Promise<Outcome> {
  const { db } = ctx.deps;
  const plans = repositories(db).plans;
  const planned: LedgerOperation = Value.Parse(LedgerOperationSchema, row.desired);
  const clientId = planned.kind === 'createFocusBlock' ? await blockIdFor(db, row, planned) : undefined;
  const op = clientId === undefined ? planned : { ...planned, eventId: clientId };
  await plans.updateOperation(row.id, {
    status: 'intent',
    ...(clientId === undefined ? {} : { providerResult: { clientId } }),
  });
  // What a cancellation changes of the occurrence, recorded before it writes (kept from an earlier attempt).
  let occurrence = (row.provider_result as { occurrence?: OccurrenceFields } | null)?.occurrence;
  const keep = async (fields: OccurrenceFields) => {
    occurrence = fields;
    await plans.updateOperation(row.id, { status: 'intent', providerResult: { occurrence } });
  };
  const series = seriesLedgerOf(ctx, row);
  try {
    const provider = await providerOf(ctx, row.connection_id!);
    const result = await executeOperation(
      provider,
      op,
      async () => {
        const refused = await refusedNow(ctx, row, op);
        return refused && `refused at apply time: ${refused}`;
      },
      keep,
      series,
    );
    if (result.status !== 'applied') {
      await plans.updateOperation(row.id, {
        status: result.status,
        beforeSnapshot: result.before,
        error: result.reason,
      });
      return { status: result.status, conflict: result.status === 'skipped' && result.resync };
    }
    await recordInMirror(db, row.connection_id!, op, result);
    if (op.kind === 'moveSeries' || op.kind === 'rejoinSeries') ctx.vacated.add(op.seriesId);
    if (op.kind === 'moveOccurrence' || op.kind === 'cancelOccurrence') ctx.vacated.add(op.eventId);
    await plans.updateOperation(row.id, {
      status: 'applied',
      beforeSnapshot: result.before,
      afterSnapshot: result.after,
      providerResult: {
        id: result.after?.id ?? op.eventId,
        etag: result.after?.etag ?? null,
        wrote: result.wrote,
        ...(clientId === undefined ? {} : { clientId }),
        ...(occurrence === undefined ? {} : { occurrence }),
        ...(series.recorded() === undefined ? {} : { series: series.recorded() }),
      },
    });
    return { status: 'applied' };
  } catch (error) {
    if (error instanceof CallBudgetSpent) {
      await plans.updateOperation(row.id, { status: 'failed', error: error.message });
      throw error;
    }
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

/** What earlier attempts of the run already did: outcomes so far, and the events they moved away. */
function tally(rows: OperationRow[]): { count: Record<Outcome['status'], number>; vacated: Set<string> } {
  const count = { applied: 0, skipped: 0, failed: 0 };
  const vacated = new Set<string>();
  for (const row of rows) {
    if (finished.has(row.status))
      count[row.status === 'reverted' ? 'applied' : (row.status as keyof typeof count)]++;
    if (
      row.status === 'applied' &&
      ['moveSeries', 'rejoinSeries', 'moveOccurrence', 'cancelOccurrence'].includes(row.kind)
    ) {
      const desired = row.desired as { seriesId?: string; eventId?: string };
      vacated.add((row.kind.endsWith('Series') ? desired.seriesId : desired.eventId) ?? '');
    }
  }
  return { count, vacated };
}

export async function runPlan(planId: string, deps: RunDeps): Promise<RunSummary> {
  const plans = repositories(deps.db).plans;
  const plan = await plans.byId(planId);
  if (plan?.state !== 'applying') return { state: 'not_applying', applied: 0, skipped: 0, failed: 0 };
  const rows = await plans.operations(planId);
  const { count, vacated } = tally(rows);
  const todo = rows.filter((r) => !finished.has(r.status));
  const pending = todo.map((r) => Value.Parse(LedgerOperationSchema, r.desired));
  const connections = new Set(todo.map((r) => r.connection_id));
  const ctx: RunContext = {
    deps,
    planRun: plan.kind === 'plan',
    userId: plan.user_id,
    pending,
    budget: new CallBudget(MAX_PROVIDER_CALLS_PER_OPERATION * todo.length + connections.size),
    providers: new Map(),
    facts: new Map(),
    vacated,
  };
  const conflicts = new Set<string>();
  const seriesMoved = new Set<string>();
  const settle = async () => {
    for (const connectionId of conflicts) await deps.onConflict(connectionId);
    for (const connectionId of seriesMoved) await deps.onSeriesMoved(connectionId);
  };
  /** Ends the run `failed`; the operations it did not get to are skipped with the reason. */
  const fail = async (reason: string) => {
    await settle();
    for (const row of await plans.operations(planId))
      if (row.status === 'planned')
        await plans.updateOperation(row.id, { status: 'skipped', error: `not tried: ${reason}` });
    await plans.fail(planId, reason);
  };
  let done = rows.length - todo.length;
  for (const row of todo) {
    let outcome: Outcome;
    try {
      outcome = await runOne(ctx, row);
    } catch (error) {
      if (!(error instanceof CallBudgetSpent)) throw error;
      await fail(error.message);
      return { state: 'failed', ...count, failed: count.failed + 1, reason: error.message };
    }
    processMetrics().planOperations.inc({ kind: row.kind, stage: outcome.status });
    count[outcome.status]++;
    await deps.onProgress?.({ userId: plan.user_id, runId: planId, done: ++done, total: rows.length });
    if (outcome.conflict && row.connection_id) conflicts.add(row.connection_id);
    if (
      outcome.status === 'applied' &&
      ['moveSeries', 'rejoinSeries'].includes(row.kind) &&
      row.connection_id
    )
      seriesMoved.add(row.connection_id);
    const attempted = count.applied + count.failed;
    if (attempted >= 3 && count.failed / attempted > (deps.breakerShare ?? 0.3)) {
      // Most of what was tried failed outright: the run cannot make progress, and says why.
      const last = (await plans.operations(planId)).findLast((r) => r.status === 'failed')?.error;
      const reason = `${count.failed} of ${attempted} operations failed, so the run stopped${last ? ` (last: ${last})` : ''}`;
      await fail(reason);
      return { state: 'failed', ...count, reason };
    }
  }
  await settle();
  const state = count.failed > 0 ? 'partially_applied' : 'applied';
  await plans.transition(planId, ['applying'], state);
  return { state, ...count };
}
