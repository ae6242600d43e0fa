import type { Queryable } from '../database.js';

export interface AuditRow {
  id: number;
  user_id: string | null;
  at: Date;
  actor: string;
  action: string;
  details: Record<string, unknown>;
}

/** The audit log: who did what, in words a user can read back. Never holds tokens or event bodies. */
export const auditRepository = (db: Queryable) => ({
  async record(input: {
    userId: string | null;
    actor: string;
    action: string;
    details?: object;
  }): Promise<void> {
    await db.query('insert into audit (user_id, actor, action, details) values ($1, $2, $3, $4::jsonb)', [
      input.userId,
      input.actor,
      input.action,
      JSON.stringify(input.details ?? {}),
    ]);
  },

  async listForUser(userId: string, limit = 100): Promise<AuditRow[]> {
    return (
      await db.query<AuditRow>('select * from audit where user_id = $1 order by at desc, id desc limit $2', [
        userId,
        limit,
      ])
    ).rows;
  },
});
