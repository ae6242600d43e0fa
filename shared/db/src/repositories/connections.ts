import type { Queryable } from '../database.js';

export type ConnectionStatus = 'syncing' | 'healthy' | 'needs_reauth' | 'disconnected';

export interface ConnectionRow {
  id: string;
  user_id: string;
  provider: 'google' | 'microsoft';
  /** Google: the id_token's `iss`; Microsoft: the tenant id. '' for rows made before it was stored. */
  account_issuer: string;
  account_subject: string;
  account_email: string;
  calendar_id: string;
  sealed_tokens: string;
  scopes: string[];
  status: ConnectionStatus;
  time_zone: string | null;
  sync_cursor: string | null;
  last_synced_at: Date | null;
  /** When the last full listing finished (the sync window rolls forward from it). */
  full_synced_at: Date | null;
  /** The user asked, when disconnecting, that the events Frontload created be removed. */
  remove_managed_events: boolean;
  push_channel_id: string | null;
  push_resource_id: string | null;
  push_secret_hash: string | null;
  push_expires_at: Date | null;
  created_at: Date;
  updated_at: Date;
}

/** What the schedulers kept in Redis are built from. */
const schedules = (db: Queryable) => ({
  /**
   * Every user the weekly plan is for (one with a healthy connection), with the zone that plan runs
   * in: the first healthy connection's calendar zone, else the user's own, as the planner reads it.
   */
  async weeklyPlanZones(): Promise<{ userId: string; zone: string }[]> {
    const { rows } = await db.query<{ user_id: string; zone: string }>(
      `select distinct on (c.user_id) c.user_id, coalesce(c.time_zone, u.time_zone) as zone
       from connections c join users u on u.id = c.user_id
       where c.status = 'healthy'
       order by c.user_id, c.created_at`,
    );
    return rows.map((row) => ({ userId: row.user_id, zone: row.zone }));
  },
});

export const connectionsRepository = (db: Queryable) => ({
  ...schedules(db),
  /**
   * Connecting the same account (provider, issuer, subject) again updates its tokens instead of adding
   * a second connection; a row from before issuers were stored is given the issuer now presented.
   */
  async upsert(input: {
    userId: string;
    provider: 'google' | 'microsoft';
    /** Omitted by fixtures that do not model it: ''. */
    accountIssuer?: string;
    accountSubject: string;
    accountEmail: string;
    sealedTokens: string;
    scopes: string[];
  }): Promise<{ row: ConnectionRow; created: boolean }> {
    const issuer = input.accountIssuer ?? '';
    await db.query(
      `update connections set account_issuer = $3
       where user_id = $1 and provider = $2 and account_subject = $4 and account_issuer = ''
         and not exists (select 1 from connections c where c.user_id = $1 and c.provider = $2
                           and c.account_issuer = $3 and c.account_subject = $4)`,
      [input.userId, input.provider, issuer, input.accountSubject],
    );
    const { rows } = await db.query<ConnectionRow & { inserted: boolean }>(
      `insert into connections (user_id, provider, account_issuer, account_subject, account_email, sealed_tokens, scopes, status)
       values ($1, $2, $3, $4, $5, $6, $7, 'syncing')
       on conflict (user_id, provider, account_issuer, account_subject) do update set
         account_email = excluded.account_email, sealed_tokens = excluded.sealed_tokens,
         scopes = excluded.scopes, status = 'syncing', remove_managed_events = false, updated_at = now()
       returning *, (xmax = 0) as inserted`,
      [
        input.userId,
        input.provider,
        issuer,
        input.accountSubject,
        input.accountEmail,
        input.sealedTokens,
        input.scopes,
      ],
    );
    const { inserted, ...row } = rows[0]!;
    return { row, created: inserted };
  },

  async byId(id: string): Promise<ConnectionRow | undefined> {
    return (await db.query<ConnectionRow>('select * from connections where id = $1', [id])).rows[0];
  },

  /** Scoped read: undefined unless the connection belongs to this user. */
  async byIdForUser(userId: string, id: string): Promise<ConnectionRow | undefined> {
    return (
      await db.query<ConnectionRow>('select * from connections where id = $1 and user_id = $2', [id, userId])
    ).rows[0];
  },

  async listForUser(userId: string): Promise<ConnectionRow[]> {
    return (
      await db.query<ConnectionRow>('select * from connections where user_id = $1 order by created_at', [
        userId,
      ])
    ).rows;
  },

  async setTokens(id: string, sealedTokens: string): Promise<void> {
    await db.query('update connections set sealed_tokens = $2, updated_at = now() where id = $1', [
      id,
      sealedTokens,
    ]);
  },

  /** Every connection's sealed tokens, for re-sealing under a new key. */
  async allSealedTokens(): Promise<{ id: string; user_id: string; provider: string; sealed: string }[]> {
    const { rows } = await db.query<{ id: string; user_id: string; provider: string; sealed: string }>(
      'select id, user_id, provider, sealed_tokens as sealed from connections',
    );
    return rows;
  },

  /** Compare-and-set: replaces the sealed tokens only where they still are `previous`. */
  async replaceSealedTokens(id: string, sealed: string, previous: string): Promise<boolean> {
    const { rowCount } = await db.query(
      'update connections set sealed_tokens = $2 where id = $1 and sealed_tokens = $3',
      [id, sealed, previous],
    );
    return rowCount > 0;
  },

  async setStatus(id: string, status: ConnectionStatus): Promise<void> {
    await db.query('update connections set status = $2, updated_at = now() where id = $1', [id, status]);
  },

  async delete(id: string): Promise<void> {
    await db.query('delete from connections where id = $1', [id]);
  },
});
