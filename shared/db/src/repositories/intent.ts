/**
 * What the intent model (workers/planner/src/intent.ts) reads and keeps: the ledger's evidence of
 * what Frontload wrote or showed, and the user's overrides (table `user_overrides`), which last until
 * the user hands them back.
 */
import type { Queryable } from '../database.js';

/** Operation kinds the intent model reads from the ledger. */
const EVIDENCE_KINDS = [
  'createFocusBlock',
  'updateFocusBlock',
  'deleteFocusBlock',
  'moveSeries',
  'moveOccurrence',
];

/** One operation of the user's recent plans, runs and undos, with when it was shown or applied. */
export interface EvidenceRow {
  kind: string;
  status: string;
  plan_kind: 'plan' | 'undo';
  connection_id: string | null;
  desired: unknown;
  provider_result: unknown;
  before_snapshot: unknown;
  after_snapshot: unknown;
  /** When the plan holding it was made (a preview shows it from then on). */
  planned_at: Date;
  /** When its status last changed (for an applied operation: when it was applied). */
  updated_at: Date;
}

export interface OverrideRow {
  id: string;
  user_id: string;
  connection_id: string;
  target_id: string;
  target_kind: 'event' | 'series';
  title: string;
  counterpart: string | null;
  evidence_at: Date;
  created_at: Date;
  released_at: Date | null;
}

export interface NewOverride {
  connectionId: string;
  targetId: string;
  targetKind: 'event' | 'series';
  title: string;
  counterpart: string | null;
  evidenceAt: Date;
}

export const intentRepository = (db: Queryable) => ({
  /**
   * Focus-block and move operations of the user's plans made in the last `appliedDays` that were
   * applied (plans and undos), and the moves plans made in the last `shownDays` showed without
   * applying them (only the newest per event matters, so a shorter window bounds what every plan reads).
   */
  async evidence(userId: string, appliedDays: number, shownDays: number): Promise<EvidenceRow[]> {
    // The windows are measured on the database's clock, the clock `created_at` and `updated_at` are
    // stamped with (the planner's clock may be another: a test's, or a simulation's weeks ahead).
    const { rows } = await db.query<EvidenceRow>(
      `select o.kind, o.status, p.kind as plan_kind, o.connection_id, o.desired, o.provider_result,
         o.before_snapshot, o.after_snapshot, p.created_at as planned_at, o.updated_at
       from operations o join plans p on p.id = o.plan_id
       where p.user_id = $1 and p.created_at >= now() - make_interval(days => $2)
         and o.kind = any($3::text[])
         and (o.status = 'applied'
           or (p.kind = 'plan' and o.status <> 'reverted'
               and p.created_at >= now() - make_interval(days => $4)
               and o.kind in ('moveSeries', 'moveOccurrence')))
       order by o.updated_at, o.seq`,
      [userId, appliedDays, EVIDENCE_KINDS, shownDays],
    );
    return rows;
  },

  /** The user's overrides still in force, oldest first. */
  async active(userId: string): Promise<OverrideRow[]> {
    const { rows } = await db.query<OverrideRow>(
      'select * from user_overrides where user_id = $1 and released_at is null order by created_at, id',
      [userId],
    );
    return rows;
  },

  /** When each target was last handed back to Frontload (the newest release per target). */
  async releases(userId: string): Promise<{ connection_id: string; target_id: string; released_at: Date }[]> {
    const { rows } = await db.query<{ connection_id: string; target_id: string; released_at: Date }>(
      `select connection_id, target_id, max(released_at) as released_at from user_overrides
       where user_id = $1 and released_at is not null group by connection_id, target_id`,
      [userId],
    );
    return rows;
  },

  /** Stores new overrides; one already in force for the same target is kept as it is. Returns those stored. */
  async add(userId: string, overrides: readonly NewOverride[]): Promise<OverrideRow[]> {
    const stored: OverrideRow[] = [];
    for (const o of overrides) {
      const { rows } = await db.query<OverrideRow>(
        `insert into user_overrides (user_id, connection_id, target_id, target_kind, title, counterpart, evidence_at)
         values ($1, $2, $3, $4, $5, $6, $7)
         on conflict (user_id, connection_id, target_id) where released_at is null do nothing
         returning *`,
        [userId, o.connectionId, o.targetId, o.targetKind, o.title, o.counterpart, o.evidenceAt],
      );
      if (rows[0]) stored.push(rows[0]);
    }
    return stored;
  },

  /** Hands an override back to Frontload; undefined when the user has no such override in force. */
  async release(userId: string, id: string, at: Date): Promise<OverrideRow | undefined> {
    const { rows } = await db.query<OverrideRow>(
      `update user_overrides set released_at = $3
       where id = $2 and user_id = $1 and released_at is null returning *`,
      [userId, id, at],
    );
    return rows[0];
  },
});

export type IntentRepository = ReturnType<typeof intentRepository>;
