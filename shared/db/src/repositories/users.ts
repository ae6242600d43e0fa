import type { Queryable } from '../database.js';

export interface UserRow {
  id: string;
  email: string;
  name: string;
  time_zone: string;
  mode: 'preview' | 'autopilot';
  preview_confirmed_at: Date | null;
  created_at: Date;
}

export const usersRepository = (db: Queryable) => ({
  async byId(id: string): Promise<UserRow | undefined> {
    return (await db.query<UserRow>('select * from users where id = $1', [id])).rows[0];
  },

  /** Signing in again with the same email finds the same user; a first sign-in creates one. */
  async upsertByEmail(input: { email: string; name: string; timeZone?: string }): Promise<UserRow> {
    const { rows } = await db.query<UserRow>(
      `insert into users (email, name, time_zone) values (lower($1), $2, coalesce($3, 'UTC'))
       on conflict (email) do update set name = case when excluded.name = '' then users.name else excluded.name end
       returning *`,
      [input.email, input.name, input.timeZone ?? null],
    );
    return rows[0]!;
  },

  async delete(id: string): Promise<boolean> {
    return (await db.query('delete from users where id = $1', [id])).rowCount > 0;
  },
});
