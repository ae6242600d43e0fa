import type { Queryable } from '../database.js';

export interface OAuthStateRow {
  provider: 'google' | 'microsoft';
  code_verifier: string;
  user_id: string | null;
  return_to: string;
  /** SHA-256 of the nonce cookie of the browser that started the flow (null: written before it). */
  browser_hash: string | null;
  expires_at: Date;
}

export const oauthStatesRepository = (db: Queryable) => ({
  async create(input: {
    stateHash: string;
    provider: 'google' | 'microsoft';
    codeVerifier: string;
    userId: string | null;
    returnTo: string;
    browserHash: string;
    expiresAt: Date;
  }): Promise<void> {
    await db.query(
      `insert into oauth_states (state_hash, provider, code_verifier, user_id, return_to, browser_hash, expires_at)
       values ($1, $2, $3, $4, $5, $6, $7)`,
      [
        input.stateHash,
        input.provider,
        input.codeVerifier,
        input.userId,
        input.returnTo,
        input.browserHash,
        input.expiresAt,
      ],
    );
  },

  /** Deletes and returns the state: a second callback with the same state finds nothing (replay). */
  async consume(stateHash: string, provider: string, now: Date): Promise<OAuthStateRow | undefined> {
    const { rows } = await db.query<OAuthStateRow>(
      `delete from oauth_states where state_hash = $1 returning provider, code_verifier, user_id, return_to, browser_hash, expires_at`,
      [stateHash],
    );
    const row = rows[0];
    return row && row.provider === provider && row.expires_at > now ? row : undefined;
  },

  /** Deletes expired states (each holds a PKCE verifier in clear); the catch-up sweep calls it. */
  async purgeExpired(now: Date): Promise<number> {
    return (await db.query('delete from oauth_states where expires_at <= $1', [now])).rowCount;
  },
});
