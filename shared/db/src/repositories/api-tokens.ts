import type { Queryable } from '../database.js';

export interface ApiTokenRow {
  id: string;
  user_id: string;
  name: string;
  token_prefix: string;
  created_at: Date;
  last_used_at: Date | null;
  revoked_at: Date | null;
}

const columns = 'id, user_id, name, token_prefix, created_at, last_used_at, revoked_at';

/** Personal API tokens, stored hashed; the token itself is shown once at creation. */
export const apiTokensRepository = (db: Queryable) => ({
  async create(input: {
    userId: string;
    name: string;
    tokenHash: string;
    tokenPrefix: string;
  }): Promise<ApiTokenRow> {
    const { rows } = await db.query<ApiTokenRow>(
      `insert into api_tokens (user_id, name, token_hash, token_prefix) values ($1, $2, $3, $4) returning ${columns}`,
      [input.userId, input.name, input.tokenHash, input.tokenPrefix],
    );
    return rows[0]!;
  },

  /**
   * Locks the owner's user row for the rest of the transaction, so that concurrent creations for
   * one user take turns, and counts the user's live (unrevoked) tokens. Call inside a transaction.
   */
  async lockOwnerAndCountLive(userId: string): Promise<number> {
    await db.query('select id from users where id = $1 for update', [userId]);
    const { rows } = await db.query<{ n: number }>(
      'select count(*)::int as n from api_tokens where user_id = $1 and revoked_at is null',
      [userId],
    );
    return rows[0]?.n ?? 0;
  },

  async listForUser(userId: string): Promise<ApiTokenRow[]> {
    return (
      await db.query<ApiTokenRow>(
        `select ${columns} from api_tokens where user_id = $1 order by created_at desc`,
        [userId],
      )
    ).rows;
  },

  /** The owner of a live token, stamping its last use. */
  async useToken(tokenHash: string, now: Date): Promise<string | undefined> {
    const { rows } = await db.query<{ user_id: string }>(
      `update api_tokens set last_used_at = $2 where token_hash = $1 and revoked_at is null returning user_id`,
      [tokenHash, now],
    );
    return rows[0]?.user_id;
  },

  /** Revokes a token of this user; false when the user has no such live token. */
  async revoke(userId: string, id: string, now: Date): Promise<boolean> {
    const { rowCount } = await db.query(
      'update api_tokens set revoked_at = $3 where id = $1 and user_id = $2 and revoked_at is null',
      [id, userId, now],
    );
    return rowCount > 0;
  },
});
