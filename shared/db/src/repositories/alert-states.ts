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
