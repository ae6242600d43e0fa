import type { Queryable } from '../database.js';

/** Sessions are stored by the SHA-256 of their token: a database leak does not leak live sessions. */
export const sessionsRepository = (db: Queryable) => ({
  async create(input: { tokenHash: string; userId: string; expiresAt: Date }): Promise<void> {
    await db.query('insert into sessions (token_hash, user_id, expires_at) values ($1, $2, $3)', [
      input.tokenHash,
      input.userId,
      input.expiresAt,
    ]);
  },

  async userIdFor(tokenHash: string, now: Date): Promise<string | undefined> {
    const { rows } = await db.query<{ user_id: string }>(
      'select user_id from sessions where token_hash = $1 and expires_at > $2',
      [tokenHash, now],
    );
    return rows[0]?.user_id;
  },

  async delete(tokenHash: string): Promise<void> {
    await db.query('delete from sessions where token_hash = $1', [tokenHash]);
  },

  /** Deletes expired sessions; the catch-up sweep calls it. */
  async purgeExpired(now: Date): Promise<number> {
    return (await db.query('delete from sessions where expires_at <= $1', [now])).rowCount;
  },
});
