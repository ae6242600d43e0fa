/**
 * The rewrite pipeline's API: the current plan (preview) with its operations, reasons, emails and
 * metrics; planning on demand; applying all or chosen operations (bounded by the blast radius; a
 * superseded preview, or one older than 12 h, is refused with 409 and changes nothing); runs and their
 * undo. Every write is validated before anything is queued, and nothing here calls
 * a provider: the planner worker applies runs through the ledger.
 */
import { repositories, type Database, type OperationRow, type PlanRow } from '@frontload/db';
import type { Producers } from '@frontload/jobs';
import { irreversibleReason, type ProviderKind } from '@frontload/providers';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import { Errors } from '../../errors.js';
import { conditionalGet } from '../../plugins/etag.js';

const IdParams = Type.Object({ id: Type.String({ format: 'uuid' }) });
/** A preview older than this is not applied: the calendar, the clock and availability have moved on. */
export const DEFAULT_PLAN_MAX_AGE_MS = 12 * 3_600_000;
const ApplyBody = Type.Object(
  {
    operationIds: Type.Optional(
      Type.Array(Type.String({ format: 'uuid' }), { minItems: 1, maxItems: 500, uniqueItems: true }),
    ),
    /** Required when the run changes more events than the blast-radius limit. */
    confirm: Type.Optional(Type.Boolean()),
    /** Required when the run makes changes that cannot be undone (Microsoft skip-week cancellations). */
    confirmIrreversible: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);

/** The provider of each of the user's connections, by connection id. */
async function providersOf(db: Database, userId: string): Promise<Map<string, ProviderKind>> {
  const connections = await repositories(db).connections.listForUser(userId);
  return new Map(connections.map((c) => [c.id, c.provider]));
}

/** Why an operation cannot be undone once applied (its provider cannot take it back), or undefined. */
function irreversibleOf(row: OperationRow, providers: Map<string, ProviderKind>): string | undefined {
  const provider = row.connection_id ? providers.get(row.connection_id) : undefined;
  return provider && irreversibleReason(provider, row.kind);
}

const operationView = (row: OperationRow, providers: Map<string, ProviderKind>) => ({
  id: row.id,
  seq: row.seq,
  kind: row.kind,
  eventId: row.target_event_id,
  reason: row.reason,
  emails: row.emails,
  status: row.status,
  desired: row.desired,
  error: row.error,
  /** Set when applying this operation cannot be undone: why, in the user's words. */
  irreversible: irreversibleOf(row, providers) ?? null,
});

const planView = (
  plan: PlanRow,
  operations: OperationRow[],
  providers: Map<string, ProviderKind> = new Map(),
) => ({
  id: plan.id,
  kind: plan.kind,
  undoOf: plan.undo_of,
  state: plan.state,
  createdAt: plan.created_at.toISOString(),
  /** When planning again last found this plan still current (null: never asked since it was made). */
  checkedAt: plan.checked_at?.toISOString() ?? null,
  appliedAt: plan.applied_at?.toISOString() ?? null,
  /** Why a run ended 'failed' (it could not make progress). */
  failureReason: plan.failure_reason ?? null,
  notes: plan.notes,
  metrics: plan.metrics,
  operations: operations.map((row) => operationView(row, providers)),
});

async function blastRadius(db: Database, userId: string): Promise<number> {
  return (await repositories(db).preferences.get(userId)).blastRadius;
}

export const planRoutes: FastifyPluginAsyncTypebox<{
  db: Database;
  producers: Producers;
  now: () => Date;
  /** How old a preview may be and still be applied (default 12 h). */
  planMaxAgeMs?: number;
}> = async (app, { db, producers, now, planMaxAgeMs = DEFAULT_PLAN_MAX_AGE_MS }) => {
  const repos = repositories(db);
  app.addHook('preHandler', app.requireUser);

  // Tagged, so the page can ask again and again while it waits for a new plan at the cost of a 304.
  app.get('/plan', { onSend: conditionalGet }, async (request) => {
    const plan = await repos.plans.currentPreview(request.user!.id);
    if (!plan) throw new Errors.NotFoundResource('A current plan');
    return planView(plan, await repos.plans.operations(plan.id), await providersOf(db, request.user!.id));
  });

  app.post('/plan', async (request, reply) => {
    const requestedAt = await repos.plans.clock();
    await producers.enqueuePlan({ userId: request.user!.id, reason: 'manual' }, { delay: 0 });
    // The answer to this request is the plan created, or found still current (checkedAt), after this instant.
    return reply.status(202).send({ queued: true, requestedAt: requestedAt.toISOString() });
  });

  app.post('/plans/:id/apply', { schema: { params: IdParams, body: ApplyBody } }, async (request, reply) => {
    const userId = request.user!.id;
    const plan = await repos.plans.byIdForUser(userId, request.params.id);
    if (!plan || plan.kind !== 'plan') throw new Errors.NotFoundResource('Plan');
    if (plan.state === 'superseded') throw new Errors.PlanStale();
    if (!['preview', 'confirm_required'].includes(plan.state)) throw new Errors.PlanAlreadyApplied();
    if (now().getTime() - plan.created_at.getTime() > planMaxAgeMs) {
      // Nothing changes; a fresh plan is queued for the user to review instead.
      await producers.enqueuePlan({ userId, reason: 'manual' });
      throw new Errors.PlanTooOld(Math.round(planMaxAgeMs / 3_600_000));
    }
    const operations = await repos.plans.operations(plan.id);
    const chosen = request.body.operationIds ?? operations.map((o) => o.id);
    const unknown = chosen.filter((id) => !operations.some((o) => o.id === id));
    if (unknown.length > 0) throw new Errors.OperationNotInPlan(unknown.join(', '));
    if (chosen.length > (await blastRadius(db, userId)) && request.body.confirm !== true) {
      throw new Errors.ConfirmationRequired(chosen.length);
    }
    const providers = await providersOf(db, userId);
    const irreversible = operations.filter((o) => chosen.includes(o.id) && irreversibleOf(o, providers));
    if (irreversible.length > 0 && request.body.confirmIrreversible !== true) {
      throw new Errors.IrreversibleConfirmationRequired(irreversible.length);
    }
    const started = await db.transaction(async (tx) => {
      const t = repositories(tx);
      if (!(await t.plans.transition(plan.id, ['preview', 'confirm_required'], 'applying'))) return false;
      for (const op of operations) {
        if (!chosen.includes(op.id))
          await t.plans.updateOperation(op.id, { status: 'skipped', error: 'not selected' });
      }
      await t.users.confirmPreview(userId, now());
      await t.audit.record({
        userId,
        actor: 'user',
        action: 'run.started',
        details: { runId: plan.id, operations: chosen.length },
      });
      return true;
    });
    if (!started) throw new Errors.PlanAlreadyApplied();
    await producers.enqueueApply({ runId: plan.id });
    return reply.status(202).send({ runId: plan.id, operations: chosen.length });
  });

  app.get('/runs', async (request) => {
    const runs = await repos.plans.runs(request.user!.id);
    const applied = await repos.plans.appliedCounts(runs.map((run) => run.id));
    return {
      runs: runs.map((run) => ({
        ...planView(run, []),
        /** Operations applied and not undone: an undo of a run with none would change nothing. */
        appliedOperations: applied.get(run.id) ?? 0,
      })),
    };
  });

  app.get('/runs/:id', { schema: { params: IdParams } }, async (request) => {
    const run = await repos.plans.byIdForUser(request.user!.id, request.params.id);
    if (!run) throw new Errors.NotFoundResource('Run');
    return planView(run, await repos.plans.operations(run.id), await providersOf(db, request.user!.id));
  });

  app.post('/runs/:id/undo', { schema: { params: IdParams } }, async (request, reply) => {
    const userId = request.user!.id;
    const run = await repos.plans.byIdForUser(userId, request.params.id);
    if (!run || run.kind !== 'plan') throw new Errors.NotFoundResource('Run');
    if (!['applied', 'partially_applied', 'stopped', 'failed'].includes(run.state))
      throw new Errors.Conflict('Only a finished run can be undone');
    if (await repos.plans.undoOf(run.id)) throw new Errors.AlreadyUndone();
    await repos.audit.record({
      userId,
      actor: 'user',
      action: 'run.undo_requested',
      details: { runId: run.id },
    });
    // The job id is derived from the run, so two undo requests in a race still undo once.
    await producers.enqueueUndo({ runId: run.id });
    // What the undo cannot bring back, said before it runs (the undo run records each as skipped).
    const providers = await providersOf(db, userId);
    const irreversible = (await repos.plans.operations(run.id))
      .filter((o) => o.status === 'applied')
      .flatMap((o) => {
        const reason = irreversibleOf(o, providers);
        return reason ? [{ operationId: o.id, kind: o.kind, eventId: o.target_event_id, reason }] : [];
      });
    return reply.status(202).send({ runId: run.id, irreversible });
  });
};
