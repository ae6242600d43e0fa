import type { Queryable } from '../database.js';

/** A provider account a user signs in with: (provider, issuer, subject) is the key, never the email. */
export interface IdentityRow {
  provider: 'google' | 'microsoft';
  /** Google: the id_token's `iss`; Microsoft: the tenant id. '' for one carried over from a connection. */
  issuer: string;
  subject: string;
  user_id: string;
  email: string;
  email_verified: boolean;
  created_at: Date;
}

export interface IdentityInput {
  provider: 'google' | 'microsoft';
  issuer: string;
  subject: string;
  email: string;
  emailVerified: boolean;
}

export const identitiesRepository = (db: Queryable) => ({
  /**
   * The identity with this key. One carried over from a connection made before issuers were stored
   * (issuer '') matches its subject and is given the issuer now presented.
   */
  async find(input: IdentityInput): Promise<IdentityRow | undefined> {
    const { rows } = await db.query<IdentityRow>(
      `select * from user_identities where provider = $1 and subject = $3 and issuer in ($2, '')
       order by issuer desc limit 1`,
      [input.provider, input.issuer, input.subject],
    );
    const found = rows[0];
    if (!found) return undefined;
    const updated = await db.query<IdentityRow>(
      `update user_identities set issuer = $2, email = $4, email_verified = $5
       where provider = $1 and issuer = $6 and subject = $3
       returning *`,
      [input.provider, input.issuer, input.subject, input.email, input.emailVerified, found.issuer],
    );
    return updated.rows[0] ?? found;
  },

  /** Links the identity to the user unless it is linked already (to anyone); returns its owner. */
  async link(userId: string, input: IdentityInput): Promise<IdentityRow> {
    const existing = await this.find(input);
    if (existing) return existing;
    const { rows } = await db.query<IdentityRow>(
      `insert into user_identities (provider, issuer, subject, user_id, email, email_verified)
       values ($1, $2, $3, $4, $5, $6)
       on conflict (provider, issuer, subject) do update set email = excluded.email
       returning *`,
      [input.provider, input.issuer, input.subject, userId, input.email, input.emailVerified],
    );
    return rows[0]!;
  },

  async listForUser(userId: string): Promise<IdentityRow[]> {
    return (
      await db.query<IdentityRow>('select * from user_identities where user_id = $1 order by created_at', [
        userId,
      ])
    ).rows;
  },
});
