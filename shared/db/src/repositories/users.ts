import type { Queryable } from '../database.js';
import { identitiesRepository, type IdentityInput } from './identities.js';

export interface UserRow {
  id: string;
  email: string;
  name: string;
  time_zone: string;
  mode: 'preview' | 'autopilot';
  preview_confirmed_at: Date | null;
  /** The connection Frontload writes to; null: the first connected. */
  write_connection_id: string | null;
  /** Set when the user deleted their account; the row goes once their connections are cleaned up. */
  deleted_at: Date | null;
  created_at: Date;
}

export const usersRepository = (db: Queryable) => ({
  async byId(id: string): Promise<UserRow | undefined> {
    return (await db.query<UserRow>('select * from users where id = $1', [id])).rows[0];
  },

  /** Chooses the calendar Frontload writes to: one of the user's own connections (false otherwise). */
  async setWriteConnection(id: string, connectionId: string): Promise<boolean> {
    const { rowCount } = await db.query(
      `update users set write_connection_id = $2
       where id = $1 and exists (select 1 from connections c where c.id = $2 and c.user_id = $1)`,
      [id, connectionId],
    );
    return rowCount > 0;
  },

  /** A disconnected calendar stops being the one written to: the first connected is again. */
  async clearWriteConnection(id: string, connectionId: string): Promise<void> {
    await db.query('update users set write_connection_id = null where id = $1 and write_connection_id = $2', [
      id,
      connectionId,
    ]);
  },

  async setMode(id: string, mode: UserRow['mode']): Promise<void> {
    await db.query('update users set mode = $2 where id = $1', [id, mode]);
  },

  /** Records the first time the user applied a preview (later ones keep the first). */
  async confirmPreview(id: string, at: Date): Promise<void> {
    await db.query(
      'update users set preview_confirmed_at = coalesce(preview_confirmed_at, $2) where id = $1',
      [id, at],
    );
  },

  /**
   * Signing in with a provider account: the user of that identity (a pending account deletion is
   * called off, the name refreshed). Without one, a user from before identities were stored (one with
   * no identity at all) whose email the provider says is verified; else a new user with the identity.
   * Never the user of an unverified email claim: anyone may present any email claim.
   */
  async signIn(input: IdentityInput & { name: string }): Promise<{ user: UserRow; created: boolean }> {
    const identities = identitiesRepository(db);
    let userId = (await identities.find(input))?.user_id;
    if (!userId && input.emailVerified && input.email) {
      const { rows } = await db.query<{ id: string }>(
        `select id from users u where email = lower($1)
           and not exists (select 1 from user_identities i where i.user_id = u.id)
         order by created_at limit 1`,
        [input.email],
      );
      userId = rows[0]?.id;
    }
    let created = !userId;
    if (!userId) {
      const { rows } = await db.query<{ id: string }>(
        'insert into users (email, name) values (lower($1), $2) returning id',
        [input.email, input.name],
      );
      userId = rows[0]!.id;
    }
    // A concurrent first sign-in with the same account may have linked it meanwhile: theirs stands.
    const owner = (await identities.link(userId, input)).user_id;
    if (owner !== userId) {
      if (created) await db.query('delete from users where id = $1', [userId]);
      userId = owner;
      created = false;
    }
    const { rows } = await db.query<UserRow>(
      `update users set name = case when $2 = '' then name else $2 end, deleted_at = null
       where id = $1 returning *`,
      [userId, input.name],
    );
    return { user: rows[0]!, created };
  },

  /**
   * For fixtures and scripts: the oldest user with this email (a pending deletion called off), or a
   * new one. Sign-in never finds users this way (see `signIn`).
   */
  async upsertByEmail(input: { email: string; name: string; timeZone?: string }): Promise<UserRow> {
    const { rows } = await db.query<UserRow>(
      `update users set name = case when $2 = '' then name else $2 end, deleted_at = null
       where id = (select id from users where email = lower($1) order by created_at limit 1)
       returning *`,
      [input.email, input.name],
    );
    if (rows[0]) return rows[0];
    const inserted = await db.query<UserRow>(
      `insert into users (email, name, time_zone) values (lower($1), $2, coalesce($3, 'UTC')) returning *`,
      [input.email, input.name, input.timeZone ?? null],
    );
    return inserted.rows[0]!;
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
