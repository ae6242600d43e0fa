import type { Queryable } from '../database.js';

export interface UserRow {
  id: string;
  email: string;
  name: string;
  time_zone: string;
  mode: 'preview' | 'autopilot';
  preview_confirmed_at: Date | null;
  /** Set when the user deleted their account; the row goes once their connections are cleaned up. */
  deleted_at: Date | null;
  created_at: Date;
}

export const usersRepository = (db: Queryable) => ({
  async byId(id: string): Promise<UserRow | undefined> {
    return (await db.query<UserRow>('select * from users where id = $1', [id])).rows[0];
  },

  /**
   * Signing in again with the same email finds the same user; a first sign-in creates one. Signing in
   * while an account deletion is still cleaning up calls the deletion off (the account stays).
   */
  async upsertByEmail(input: { email: string; name: string; timeZone?: string }): Promise<UserRow> {
    const { rows } = await db.query<UserRow>(
      `insert into users (email, name, time_zone) values (lower($1), $2, coalesce($3, 'UTC'))
       on conflict (email) do update set name = case when excluded.name = '' then users.name else excluded.name end,
         deleted_at = null
       returning *`,
      [input.email, input.name, input.timeZone ?? null],
    );
    return rows[0]!;
  },

  async delete(id: string): Promise<boolean> {
    return (await db.query('delete from users where id = $1', [id])).rowCount > 0;
  },

  /**
   * Starts deleting an account: no session or API token works any more, every live connection is
   * marked disconnected (with the user's choice about our events), and the user is marked deleted.
   * Returns the connections whose cleanup must be queued; when there are none the user is gone already.
   */
  async beginDeletion(id: string, removeManagedEvents: boolean): Promise<string[]> {
    await db.query('delete from sessions where user_id = $1', [id]);
    await db.query('delete from api_tokens where user_id = $1', [id]);
    const { rows } = await db.query<{ id: string }>(
      `update connections set status = 'disconnected', remove_managed_events = $2, updated_at = now()
       where user_id = $1 returning id`,
      [id, removeManagedEvents],
    );
    if (rows.length === 0) await db.query('delete from users where id = $1', [id]);
    else await db.query('update users set deleted_at = now() where id = $1', [id]);
    return rows.map((r) => r.id);
  },

  /** Finishes a deletion once the user's last connection is cleaned up; false if not due (yet). */
  async finishDeletion(id: string): Promise<boolean> {
    const { rowCount } = await db.query(
      `delete from users where id = $1 and deleted_at is not null
         and not exists (select 1 from connections where user_id = $1)`,
      [id],
    );
    return rowCount > 0;
  },
});
