import type { Queryable } from '../database.js';

export type PlanState =
  | 'preview'
  | 'confirm_required'
  | 'applying'
  | 'applied'
  | 'partially_applied'
  | 'stopped'
  | 'failed'
  | 'superseded';
export type OperationStatus = 'planned' | 'intent' | 'applied' | 'skipped' | 'failed' | 'reverted';

export interface PlanRow {
  id: string;
  user_id: string;
  kind: 'plan' | 'undo';
  undo_of: string | null;
  inputs_hash: string;
  horizon_start: Date;
  horizon_end: Date;
  notes: unknown;
  metrics: unknown;
  state: PlanState;
  created_at: Date;
  applied_at: Date | null;
  /** Why a run ended 'failed'. */
  failure_reason: string | null;
  /** When the planner last found this preview still current (the database's clock). */
  checked_at: Date | null;
}

export interface OperationRow {
  id: string;
  plan_id: string;
  seq: number;
  kind: string;
  connection_id: string | null;
  target_event_id: string | null;
  desired: unknown;
  reason: string;
  emails: string[];
  idempotency_key: string;
  status: OperationStatus;
  provider_result: unknown;
  before_snapshot: unknown;
  after_snapshot: unknown;
  error: string | null;
  updated_at: Date;
}

export interface NewOperation {
  kind: string;
  connectionId: string;
  targetEventId: string;
  desired: unknown;
  reason: string;
  emails: string[];
  key: string;
}

const json = (value: unknown) => (value === undefined ? null : JSON.stringify(value));

/** Plans, runs and the operation ledger. A plan that is applied is a run; an undo is a run of kind 'undo'. */
export const plansRepository = (db: Queryable) => ({
  /** Stores a plan with its operations; earlier previews of the user are superseded. */
  async create(input: {
    userId: string;
    kind?: 'plan' | 'undo';
    undoOf?: string;
    inputsHash: string;
    horizon: { start: Date; end: Date };
    notes: unknown;
    metrics: unknown;
    state: PlanState;
    operations: NewOperation[];
  }): Promise<PlanRow> {
    if ((input.kind ?? 'plan') === 'plan') {
      await db.query(
        `update plans set state = 'superseded' where user_id = $1 and kind = 'plan' and state in ('preview', 'confirm_required')`,
        [input.userId],
      );
    }
    const { rows } = await db.query<PlanRow>(
      `insert into plans (user_id, kind, undo_of, inputs_hash, horizon_start, horizon_end, notes, metrics, state)
       values ($1, $2, $3, $4, $5, $6, $7::jsonb, $8::jsonb, $9) returning *`,
      [
        input.userId,
        input.kind ?? 'plan',
        input.undoOf ?? null,
        input.inputsHash,
        input.horizon.start,
        input.horizon.end,
        json(input.notes),
        json(input.metrics),
        input.state,
      ],
    );
    const plan = rows[0]!;
    for (const [seq, op] of input.operations.entries()) {
      await db.query(
        `insert into operations (plan_id, seq, kind, connection_id, target_event_id, desired, reason, emails, idempotency_key)
         values ($1, $2, $3, $4, $5, $6::jsonb, $7, $8, $9)`,
        [
          plan.id,
          seq,
          op.kind,
          op.connectionId,
          op.targetEventId,
          json(op.desired),
          op.reason,
          op.emails,
          op.key,
        ],
      );
    }
    return plan;
  },

  async byIdForUser(userId: string, id: string): Promise<PlanRow | undefined> {
    return (await db.query<PlanRow>('select * from plans where id = $1 and user_id = $2', [id, userId]))
      .rows[0];
  },

  async byId(id: string): Promise<PlanRow | undefined> {
    return (await db.query<PlanRow>('select * from plans where id = $1', [id])).rows[0];
  },

  /** The newest plan of kind 'plan' that is still a preview (or waits for confirmation). */
  async currentPreview(userId: string): Promise<PlanRow | undefined> {
    return (
      await db.query<PlanRow>(
        `select * from plans where user_id = $1 and kind = 'plan' and state in ('preview', 'confirm_required')
         order by created_at desc limit 1`,
        [userId],
      )
    ).rows[0];
  },

  /** Runs: plans that were (or are being) applied, and undos. Newest first. */
  async runs(userId: string, limit = 50): Promise<PlanRow[]> {
    return (
      await db.query<PlanRow>(
        `select * from plans where user_id = $1 and (kind = 'undo' or state in ('applying', 'applied', 'partially_applied', 'stopped', 'failed'))
         order by created_at desc limit $2`,
        [userId, limit],
      )
    ).rows;
  },

  /**
   * How many operations of each run are applied and not undone, by run id (runs with none are
   * absent): what an undo of the run could still take back.
   */
  async appliedCounts(planIds: string[]): Promise<Map<string, number>> {
    const { rows } = await db.query<{ plan_id: string; n: number }>(
      `select plan_id, count(*)::int as n from operations
       where plan_id = any($1::uuid[]) and status = 'applied' group by plan_id`,
      [planIds],
    );
    return new Map(rows.map((r) => [r.plan_id, r.n]));
  },

  async operations(planId: string): Promise<OperationRow[]> {
    return (
      await db.query<OperationRow>('select * from operations where plan_id = $1 order by seq', [planId])
    ).rows;
  },

  /**
   * Moves a plan from one state to another only if it is still in `from`; false when someone else
   * (a second apply, an undo) got there first. This is what makes "apply twice" harmless.
   */
  async transition(id: string, from: PlanState[], to: PlanState): Promise<boolean> {
    const { rowCount } = await db.query(
      `update plans set state = $3, applied_at = case when $3 in ('applied', 'partially_applied') then now() else applied_at end
       where id = $1 and state = any($2::text[])`,
      [id, from, to],
    );
    return rowCount > 0;
  },

  /** Records that planning again found this preview still current, at the database's clock. */
  async markChecked(id: string): Promise<void> {
    await db.query('update plans set checked_at = now() where id = $1', [id]);
  },

  /** The database's clock, to compare with `created_at` and `checked_at`. */
  async clock(): Promise<Date> {
    return (await db.query<{ now: Date }>('select now() as now')).rows[0]!.now;
  },

  /** Ends a run being applied as 'failed' with its reason; false when it was no longer being applied. */
  async fail(id: string, reason: string): Promise<boolean> {
    const { rowCount } = await db.query(
      `update plans set state = 'failed', failure_reason = $2 where id = $1 and state = 'applying'`,
      [id, reason],
    );
    return rowCount > 0;
  },

  /**
   * How many focus blocks Frontload created earlier on the connection under the planned id `eventId`
   * (applied, or applied and undone), outside plan `exceptPlanId`: a new block with that id must take
   * another, since the earlier one is gone or still there.
   */
  async earlierBlockCreates(connectionId: string, eventId: string, exceptPlanId: string): Promise<number> {
    const { rows } = await db.query<{ n: number }>(
      `select count(*)::int as n from operations
       where connection_id = $1 and target_event_id = $2 and plan_id <> $3
         and kind = 'createFocusBlock' and status in ('applied', 'reverted')`,
      [connectionId, eventId, exceptPlanId],
    );
    return rows[0]?.n ?? 0;
  },

  async updateOperation(
    id: string,
    change: {
      status: OperationStatus;
      providerResult?: unknown;
      beforeSnapshot?: unknown;
      afterSnapshot?: unknown;
      error?: string | null;
    },
  ): Promise<void> {
    await db.query(
      `update operations set status = $2,
         provider_result = coalesce($3::jsonb, provider_result),
         before_snapshot = coalesce($4::jsonb, before_snapshot),
         after_snapshot = coalesce($5::jsonb, after_snapshot),
         error = $6, updated_at = now()
       where id = $1`,
      [
        id,
        change.status,
        json(change.providerResult),
        json(change.beforeSnapshot),
        json(change.afterSnapshot),
        change.error ?? null,
      ],
    );
  },

  /** Last skip week the user actually had (an applied cancellation), for the planner's cadence. */
  /**
   * A run of the user's still being applied that moved within `activeSince` (its last ledger write,
   * or its creation before any). A run stuck in `applying` longer than that does not count.
   */
  async activeRun(
    userId: string,
    activeSince: Date,
  ): Promise<{ id: string; kind: 'plan' | 'undo'; undo_of: string | null } | undefined> {
    const { rows } = await db.query<{ id: string; kind: 'plan' | 'undo'; undo_of: string | null }>(
      `select p.id, p.kind, p.undo_of from plans p
       where p.user_id = $1 and p.state = 'applying'
         and coalesce((select max(o.updated_at) from operations o where o.plan_id = p.id), p.created_at) >= $2
       limit 1`,
      [userId, activeSince],
    );
    return rows[0];
  },

  /** Runs being applied, oldest first: the sweep makes sure each still has its job. */
  async applyingRuns(
    limit: number,
  ): Promise<{ id: string; kind: 'plan' | 'undo'; undo_of: string | null }[]> {
    const { rows } = await db.query<{ id: string; kind: 'plan' | 'undo'; undo_of: string | null }>(
      `select id, kind, undo_of from plans where state = 'applying' order by created_at limit $1`,
      [limit],
    );
    return rows;
  },

  /** The undo run made for a run, if any (one per run). */
  async undoOf(runId: string): Promise<{ id: string } | undefined> {
    return (
      await db.query<{ id: string }>("select id from plans where undo_of = $1 and kind = 'undo'", [runId])
    ).rows[0];
  },

  /** The counterparts whose occurrence a run of this plan cancelled and that stays cancelled (not undone). */
  /**
   * The people whose 1:1 a run's applied skip-week cancellations cancelled: each once, with the name
   * the calendar gives (empty when none) and the check-in drafted for them (null when none).
   */
  async cancelledCounterparts(
    planId: string,
  ): Promise<{ email: string; name: string; checkIn: string | null }[]> {
    const { rows } = await db.query<{ email: string; name: string | null; check_in: string | null }>(
      `select desired->>'counterpart' as email, max(desired->>'counterpartName') as name,
         max(desired->>'checkIn') as check_in
       from operations
       where plan_id = $1 and kind = 'cancelOccurrence' and status = 'applied'
       group by desired->>'counterpart' order by 1`,
      [planId],
    );
    return rows.map((r) => ({ email: r.email, name: r.name ?? '', checkIn: r.check_in }));
  },

  async lastSkipWeek(userId: string): Promise<string | null> {
    const { rows } = await db.query<{ week: string | null }>(
      `select max(o.desired->>'skipWeek') as week from operations o join plans p on p.id = o.plan_id
       where p.user_id = $1 and o.kind = 'cancelOccurrence' and o.status = 'applied'`,
      [userId],
    );
    return rows[0]?.week ?? null;
  },
});
