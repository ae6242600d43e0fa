/**
 * The sync and push half of a connection row: cursor, health, push channel bookkeeping, the
 * compare-and-set token write, and the sweeps that find work. The API's connection routes use
 * `connections`; the sync worker and the push receivers use this.
 */
import type { Queryable } from '../database.js';
import type { ConnectionRow } from './connections.js';

/** A push channel (Google) or subscription (Graph) as stored on the connection. */
export interface StoredPush {
  channelId: string;
  resourceId: string;
  /** sha256 hex of the secret the provider echoes (Google channel token, Graph clientState). */
  secretHash: string;
  expiresAt: Date;
  registeredAt: Date;
}

/** The statuses in which a connection is synced. */
const LIVE = `status in ('syncing', 'healthy')`;

/** Tokens, cursor, health and zone. */
const syncWrites = (db: Queryable) => ({
  /**
   * Writes a refreshed token set only if nobody else did since `expected` was read, so two workers
   * refreshing at once cannot overwrite Microsoft's rotated refresh token with a stale one.
   */
  async compareAndSetTokens(id: string, expected: string, sealed: string): Promise<boolean> {
    const { rowCount } = await db.query(
      'update connections set sealed_tokens = $3, updated_at = now() where id = $1 and sealed_tokens = $2',
      [id, expected, sealed],
    );
    return rowCount === 1;
  },

  /** A successful sync: new cursor, healthy (unless the user disconnected meanwhile). */
  /** Stores the new cursor; `full` also records that this sync was a full listing (see full_synced_at). */
  async markSynced(id: string, cursor: string, at: Date, full = false): Promise<boolean> {
    const { rowCount } = await db.query(
      `update connections set sync_cursor = $2, last_synced_at = $3, status = 'healthy', updated_at = now(),
         full_synced_at = case when $4 then $3 else full_synced_at end
       where id = $1 and ${LIVE}`,
      [id, cursor, at, full],
    );
    return rowCount === 1;
  },

  /**
   * needs_reauth only from a live state (a disconnected connection stays disconnected); disconnected
   * from any. False when nothing changed, so callers act once per transition.
   */
  async transition(id: string, status: 'needs_reauth' | 'disconnected'): Promise<boolean> {
    const from = status === 'needs_reauth' ? LIVE : `status <> 'disconnected'`;
    const { rowCount } = await db.query(
      `update connections set status = $2, updated_at = now() where id = $1 and ${from}`,
      [id, status],
    );
    return rowCount === 1;
  },

  /**
   * The user disconnects: sync and push stop seeing the connection as live at once; the disconnect job
   * cleans up, removing our events too when `removeManagedEvents` (a repeated request may add that wish).
   */
  async markDisconnected(id: string, removeManagedEvents: boolean): Promise<void> {
    await db.query(
      `update connections set status = 'disconnected', updated_at = now(),
         remove_managed_events = remove_managed_events or $2
       where id = $1`,
      [id, removeManagedEvents],
    );
  },

  /**
   * Asks for a full listing at the next sync of this connection, whatever queues it: the request lives
   * on the row because the `resync` job carrying it can coalesce into a `push` sync already waiting.
   */
  async requestFullSync(id: string): Promise<void> {
    await db.query('update connections set full_synced_at = null where id = $1', [id]);
  },

  /** The calendar's zone on the connection, and on the user while the user still has the default. */
  async setTimeZone(id: string, timeZone: string): Promise<void> {
    await db.query('update connections set time_zone = $2, updated_at = now() where id = $1', [id, timeZone]);
    await db.query(
      `update users set time_zone = $2 where id = (select user_id from connections where id = $1)
       and time_zone = 'UTC'`,
      [id, timeZone],
    );
  },
});

/** The push channel on the connection, and the receivers' lookups. */
const pushState = (db: Queryable) => ({
  async setPush(id: string, push: StoredPush | null): Promise<void> {
    await db.query(
      `update connections set push_channel_id = $2, push_resource_id = $3, push_secret_hash = $4,
         push_expires_at = $5, push_registered_at = $6, updated_at = now() where id = $1`,
      [
        id,
        push?.channelId ?? null,
        push?.resourceId ?? null,
        push?.secretHash ?? null,
        push?.expiresAt ?? null,
        push?.registeredAt ?? null,
      ],
    );
  },

  /** The connection a Google channel belongs to. */
  async byPushChannel(channelId: string): Promise<ConnectionRow | undefined> {
    return (
      await db.query<ConnectionRow>('select * from connections where push_channel_id = $1', [channelId])
    ).rows[0];
  },

  /** The connection a Graph subscription belongs to. */
  async byPushResource(provider: 'google' | 'microsoft', resourceId: string): Promise<ConnectionRow[]> {
    return (
      await db.query<ConnectionRow>(
        'select * from connections where provider = $1 and push_resource_id = $2',
        [provider, resourceId],
      )
    ).rows;
  },

  /** The connections of many Graph subscriptions at once (one query, whatever the batch size). */
  async byPushResources(
    provider: 'google' | 'microsoft',
    resourceIds: readonly string[],
  ): Promise<ConnectionRow[]> {
    if (resourceIds.length === 0) return [];
    return (
      await db.query<ConnectionRow>(
        'select * from connections where provider = $1 and push_resource_id = any($2::text[])',
        [provider, resourceIds],
      )
    ).rows;
  },
});

/** What the catch-up sweep looks for. */
const sweeps = (db: Queryable) => ({
  /**
   * Live connections not synced since their deadline: `pushedBefore` for those with a live push
   * channel (the 6-hour safety net), `polledBefore` for the rest (polling without push).
   */
  async dueForSync(input: { now: Date; pushedBefore: Date; polledBefore: Date; limit: number }) {
    const { rows } = await db.query<{ id: string }>(
      `select id from connections where ${LIVE} and (last_synced_at is null
         or (push_expires_at > $1 and last_synced_at < $2)
         or ((push_expires_at is null or push_expires_at <= $1) and last_synced_at < $3))
       order by last_synced_at nulls first limit $4`,
      [input.now, input.pushedBefore, input.polledBefore, input.limit],
    );
    return rows.map((row) => row.id);
  },

  /** Healthy connections whose push is missing, expired, or past half its lifetime. */
  async dueForPushRenewal(input: { now: Date; limit: number }) {
    const { rows } = await db.query<{ id: string }>(
      `select id from connections where status = 'healthy' and (push_expires_at is null
         or push_registered_at is null
         or push_registered_at + (push_expires_at - push_registered_at) / 2 <= $1)
       order by push_expires_at nulls first limit $2`,
      [input.now, input.limit],
    );
    return rows.map((row) => row.id);
  },

  /** When each live connection last synced (or was connected, before its first sync): sync lag. */
  async lastSyncTimes(): Promise<{ id: string; provider: 'google' | 'microsoft'; syncedAt: Date }[]> {
    const { rows } = await db.query<{ id: string; provider: 'google' | 'microsoft'; synced_at: Date }>(
      `select id, provider, coalesce(last_synced_at, created_at) as synced_at from connections where ${LIVE}`,
    );
    return rows.map((row) => ({ id: row.id, provider: row.provider, syncedAt: new Date(row.synced_at) }));
  },

  /** Connections the user disconnected whose cleanup has not run (its job was lost). */
  async disconnectedBefore(input: { before: Date; limit: number }) {
    const { rows } = await db.query<{ id: string }>(
      `select id from connections where status = 'disconnected' and updated_at < $1 limit $2`,
      [input.before, input.limit],
    );
    return rows.map((row) => row.id);
  },
});

/** Sync and push state of connections (see the file comment). */
export const syncStateRepository = (db: Queryable) => ({
  ...syncWrites(db),
  ...pushState(db),
  ...sweeps(db),
});

export type SyncStateRepository = ReturnType<typeof syncStateRepository>;
