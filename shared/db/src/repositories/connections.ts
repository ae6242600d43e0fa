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
   * in: the calendar zone of the connection Frontload writes to (else the first healthy one), else the
   * user's own, as the planner reads it.
   */
  async weeklyPlanZones(): Promise<{ userId: string; zone: string }[]> {
    const { rows } = await db.query<{ user_id: string; zone: string }>(
      `select distinct on (c.user_id) c.user_id, coalesce(c.time_zone, u.time_zone) as zone
       from connections c join users u on u.id = c.user_id
       where c.status = 'healthy'
       order by c.user_id, (c.id = u.write_connection_id) is true desc, c.created_at`,
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

  /**
   * The calendars one plan reads: the one Frontload writes to (the user's choice, else the first
   * connected), when it is healthy, and every other healthy connection, whose events only count as
   * busy time. A chosen calendar that is not healthy leaves `write` undefined: nothing is planned
   * rather than written elsewhere.
   */
  async forPlanning(
    userId: string,
  ): Promise<{ write: ConnectionRow | undefined; busyOnly: ConnectionRow[] }> {
    const { rows } = await db.query<ConnectionRow & { chosen: boolean | null }>(
      `select c.*, (c.id = u.write_connection_id) as chosen
       from connections c join users u on u.id = c.user_id
       where c.user_id = $1 order by c.created_at`,
      [userId],
    );
    const connections = rows.map(({ chosen, ...row }) => ({
      row: row as ConnectionRow,
      chosen: chosen === true,
    }));
    const healthy = connections.filter((c) => c.row.status === 'healthy');
    const chosen = connections.find((c) => c.chosen);
    const write = chosen ? (chosen.row.status === 'healthy' ? chosen.row : undefined) : healthy[0]?.row;
    return { write, busyOnly: healthy.map((c) => c.row).filter((row) => row.id !== write?.id) };
  },

  /**
   * Whether Frontload writes to this connection's calendar: the user chose it, or chose none and no
   * healthy connection was made before it (a first connection still syncing already counts).
   */
  async writesTo(connectionId: string): Promise<boolean> {
    const { rows } = await db.query<{ writes: boolean }>(
      `select coalesce(u.write_connection_id = c.id, not exists (
         select 1 from connections o where o.user_id = c.user_id and o.id <> c.id
           and o.status = 'healthy' and o.created_at < c.created_at)) as writes
       from connections c join users u on u.id = c.user_id where c.id = $1`,
      [connectionId],
    );
    return rows[0]?.writes === true;
  },

  /** The id of the connection Frontload writes to: the user's choice, else the first healthy one. */
  async writeTargetId(userId: string): Promise<string | undefined> {
    const { rows } = await db.query<{ id: string | null }>(
      `select coalesce(u.write_connection_id, (select c.id from connections c
         where c.user_id = u.id and c.status = 'healthy' order by c.created_at limit 1)) as id
       from users u where u.id = $1`,
      [userId],
    );
    return rows[0]?.id ?? undefined;
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
