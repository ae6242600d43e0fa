import type { Queryable } from '../database.js';

export interface AlertStateRow {
  user_id: string;
  week_start: string;
  rule: string;
  tripped: boolean;
}

export const alertStatesRepository = (db: Queryable) => ({
  async forUserWeeks(userId: string, weekStarts: string[]): Promise<AlertStateRow[]> {
    return (
      await db.query<AlertStateRow>(
        `select user_id, to_char(week_start, 'YYYY-MM-DD') as week_start, rule, tripped
         from alert_states where user_id = $1 and week_start = any($2::date[])`,
        [userId, weekStarts],
      )
    ).rows;
  },

  /**
   * Records a rule's new state only if it differs from the stored one; returns the transition's
   * sequence number when it changed, undefined when it did not.
   * The conditional upsert makes two concurrent evaluations of the same week emit one transition.
   */
  async transition(input: {
    userId: string;
    weekStart: string;
    rule: string;
    tripped: boolean;
    measured: Record<string, number>;
  }): Promise<number | undefined> {
    const { rows } = await db.query<{ transitions: number }>(
      `insert into alert_states (user_id, week_start, rule, tripped, measured)
       values ($1, $2::date, $3, $4, $5::jsonb)
       on conflict (user_id, week_start, rule) do update
         set tripped = excluded.tripped, measured = excluded.measured, updated_at = now(),
             transitions = alert_states.transitions + 1
         where alert_states.tripped is distinct from excluded.tripped
       returning transitions`,
      [input.userId, input.weekStart, input.rule, input.tripped, JSON.stringify(input.measured)],
    );
    return rows[0]?.transitions;
  },
});

/** One person's gap, as `people.not_seen` knows it: who, and when the user last met them. */
export interface NotSeenGap {
  email: string;
  /** Null when they have not met within the eight weeks read. */
  seenAt: Date | null;
}

/** Which not-seen gaps were alerted (table `not_seen_alerts`): once per person per gap. */
export const notSeenAlertsRepository = (db: Queryable) => ({
  /**
   * Records each gap and returns the addresses whose gap is new: never alerted, or a different gap
   * (they met since). A gap whose last meeting slid out of the eight weeks read (no date any more)
   * is the gap already alerted, not a new one. The conditional upsert makes concurrent evaluations
   * record a gap once.
   */
  async recordNew(userId: string, gaps: readonly NotSeenGap[]): Promise<string[]> {
    if (gaps.length === 0) return [];
    const { rows } = await db.query<{ email: string }>(
      `insert into not_seen_alerts (user_id, email, seen_at)
       select $1, g.email, g.seen_at from jsonb_to_recordset($2::jsonb) as g(email text, seen_at timestamptz)
       on conflict (user_id, email) do update set seen_at = excluded.seen_at, alerted_at = now()
         where excluded.seen_at is not null and not_seen_alerts.seen_at is distinct from excluded.seen_at
       returning email`,
      [
        userId,
        JSON.stringify(gaps.map((g) => ({ email: g.email, seen_at: g.seenAt?.toISOString() ?? null }))),
      ],
    );
    return rows.map((r) => r.email);
  },
});
