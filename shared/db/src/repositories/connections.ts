import type { Queryable } from '../database.js';

export type ConnectionStatus = 'syncing' | 'healthy' | 'needs_reauth' | 'disconnected';

export interface ConnectionRow {
  id: string;
  user_id: string;
  provider: 'google' | 'microsoft';
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

export const connectionsRepository = (db: Queryable) => ({
  /** Connecting the same account again updates its tokens instead of adding a second connection. */
  async upsert(input: {
    userId: string;
    provider: 'google' | 'microsoft';
    accountSubject: string;
    accountEmail: string;
    sealedTokens: string;
    scopes: string[];
  }): Promise<{ row: ConnectionRow; created: boolean }> {
    const { rows } = await db.query<ConnectionRow & { inserted: boolean }>(
      `insert into connections (user_id, provider, account_subject, account_email, sealed_tokens, scopes, status)
       values ($1, $2, $3, $4, $5, $6, 'syncing')
       on conflict (user_id, provider, account_subject) do update set
         account_email = excluded.account_email, sealed_tokens = excluded.sealed_tokens,
         scopes = excluded.scopes, status = 'syncing', remove_managed_events = false, updated_at = now()
       returning *, (xmax = 0) as inserted`,
      [
        input.userId,
        input.provider,
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

  async setStatus(id: string, status: ConnectionStatus): Promise<void> {
    await db.query('update connections set status = $2, updated_at = now() where id = $1', [id, status]);
  },

  async delete(id: string): Promise<void> {
    await db.query('delete from connections where id = $1', [id]);
  },
});
