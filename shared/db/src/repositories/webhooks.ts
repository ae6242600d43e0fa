import type { Queryable } from '../database.js';

export interface WebhookEndpointRow {
  id: string;
  user_id: string;
  url: string;
  description: string;
  event_types: string[];
  format: 'json' | 'slack';
  sealed_secrets: string;
  enabled: boolean;
  disabled_reason: string | null;
  failing_since: Date | null;
  secret_rotated_at: Date | null;
  previous_secret_expires_at: Date | null;
  created_at: Date;
}

export interface WebhookDeliveryRow {
  id: string;
  endpoint_id: string;
  user_id: string | null;
  message_id: string;
  event_type: string;
  payload: unknown;
  status: 'pending' | 'delivered' | 'failed' | 'abandoned';
  attempts: number;
  last_status_code: number | null;
  last_duration_ms: number | null;
  last_response_excerpt: string | null;
  last_attempt_at: Date | null;
  next_attempt_at: Date | null;
  created_at: Date;
}

/**
 * A delivery still to be attempted (pending, or failed with a retry scheduled) whose attempt is this
 * far past due has lost its job: Redis lost its data, or BullMQ gave up on a job whose worker kept
 * dying. The catch-up sweep queues its attempt again, and the user may ask for a redelivery.
 */
export const STUCK_DELIVERY_MS = 10 * 60_000;

/** When the next attempt of a delivery still to be attempted was due. */
const dueAt = (row: Pick<WebhookDeliveryRow, 'next_attempt_at' | 'created_at'>) =>
  row.next_attempt_at ?? row.created_at;

/** True when the delivery's job is lost (see {@link STUCK_DELIVERY_MS}). */
export function isStuckDelivery(
  row: Pick<WebhookDeliveryRow, 'status' | 'next_attempt_at' | 'created_at'>,
  now: Date,
): boolean {
  return (
    (row.status === 'pending' || row.status === 'failed') &&
    now.getTime() - dueAt(row).getTime() > STUCK_DELIVERY_MS
  );
}

/** What the catch-up sweep looks for. */
const recovery = (db: Queryable) => ({
  /** Stuck deliveries, most overdue first, with the attempt that is due. */
  async stuckDeliveries(input: { now: Date; limit: number }): Promise<{ id: string; attempt: number }[]> {
    const { rows } = await db.query<{ id: string; attempts: number }>(
      `select id, attempts from webhook_deliveries
       where status in ('pending', 'failed') and coalesce(next_attempt_at, created_at) < $1
       order by coalesce(next_attempt_at, created_at) limit $2`,
      [new Date(input.now.getTime() - STUCK_DELIVERY_MS), input.limit],
    );
    return rows.map((row) => ({ id: row.id, attempt: row.attempts + 1 }));
  },
});

export const webhooksRepository = (db: Queryable) => ({
  ...recovery(db),
  async createEndpoint(input: {
    userId: string;
    url: string;
    description: string;
    eventTypes: string[];
    format: 'json' | 'slack';
    sealedSecrets: string;
  }): Promise<WebhookEndpointRow> {
    const { rows } = await db.query<WebhookEndpointRow>(
      `insert into webhook_endpoints (user_id, url, description, event_types, format, sealed_secrets)
       values ($1, $2, $3, $4, $5, $6) returning *`,
      [input.userId, input.url, input.description, input.eventTypes, input.format, input.sealedSecrets],
    );
    return rows[0]!;
  },

  /**
   * Locks the owner's user row for the rest of the transaction, so that concurrent creations for
   * one user take turns, and counts the user's endpoints. Call inside a transaction.
   */
  async lockOwnerAndCountEndpoints(userId: string): Promise<number> {
    await db.query('select id from users where id = $1 for update', [userId]);
    const { rows } = await db.query<{ n: number }>(
      'select count(*)::int as n from webhook_endpoints where user_id = $1',
      [userId],
    );
    return rows[0]?.n ?? 0;
  },

  async endpointForUser(userId: string, id: string): Promise<WebhookEndpointRow | undefined> {
    return (
      await db.query<WebhookEndpointRow>('select * from webhook_endpoints where id = $1 and user_id = $2', [
        id,
        userId,
      ])
    ).rows[0];
  },

  async endpointById(id: string): Promise<WebhookEndpointRow | undefined> {
    return (await db.query<WebhookEndpointRow>('select * from webhook_endpoints where id = $1', [id]))
      .rows[0];
  },

  async endpointsForUser(userId: string): Promise<WebhookEndpointRow[]> {
    return (
      await db.query<WebhookEndpointRow>(
        'select * from webhook_endpoints where user_id = $1 order by created_at',
        [userId],
      )
    ).rows;
  },

  /** Enabled endpoints of a user subscribed to an event type. */
  async subscribers(userId: string, eventType: string): Promise<WebhookEndpointRow[]> {
    return (
      await db.query<WebhookEndpointRow>(
        'select * from webhook_endpoints where user_id = $1 and enabled and $2 = any(event_types)',
        [userId, eventType],
      )
    ).rows;
  },

  /** Changes the description and the event types an endpoint receives (an absent one is kept). */
  async updateEndpoint(
    id: string,
    changes: { description?: string | undefined; eventTypes?: string[] | undefined },
  ): Promise<void> {
    await db.query(
      `update webhook_endpoints set description = coalesce($2, description), event_types = coalesce($3, event_types)
       where id = $1`,
      [id, changes.description ?? null, changes.eventTypes ?? null],
    );
  },

  /** Every endpoint's sealed signing secrets, for re-sealing under a new key. */
  async allSealedSecrets(): Promise<{ id: string; user_id: string; sealed: string }[]> {
    const { rows } = await db.query<{ id: string; user_id: string; sealed: string }>(
      'select id, user_id, sealed_secrets as sealed from webhook_endpoints',
    );
    return rows;
  },

  /** Compare-and-set: replaces the sealed secrets only where they still are `previous`. */
  async replaceSealedSecrets(id: string, sealed: string, previous: string): Promise<boolean> {
    const { rowCount } = await db.query(
      'update webhook_endpoints set sealed_secrets = $2 where id = $1 and sealed_secrets = $3',
      [id, sealed, previous],
    );
    return rowCount > 0;
  },

  async setEnabled(id: string, enabled: boolean, reason: string | null): Promise<void> {
    await db.query(
      `update webhook_endpoints set enabled = $2, disabled_reason = $3,
         failing_since = case when $2 then null else failing_since end where id = $1`,
      [id, enabled, enabled ? null : reason],
    );
  },

  async setSecrets(
    id: string,
    sealedSecrets: string,
    rotatedAt: Date,
    previousExpiresAt: Date | null,
  ): Promise<void> {
    await db.query(
      `update webhook_endpoints set sealed_secrets = $2, secret_rotated_at = $3, previous_secret_expires_at = $4
       where id = $1`,
      [id, sealedSecrets, rotatedAt, previousExpiresAt],
    );
  },

  /** First failure starts the clock; a success stops it. */
  async markFailing(id: string, failing: boolean, now: Date): Promise<Date | null> {
    const { rows } = await db.query<{ failing_since: Date | null }>(
      `update webhook_endpoints set failing_since = case when $2 then coalesce(failing_since, $3) else null end
       where id = $1 returning failing_since`,
      [id, failing, now],
    );
    return rows[0]?.failing_since ?? null;
  },

  async deleteEndpoint(userId: string, id: string): Promise<boolean> {
    return (
      (await db.query('delete from webhook_endpoints where id = $1 and user_id = $2', [id, userId]))
        .rowCount > 0
    );
  },

  /** Idempotent: the same (endpoint, message id) is one delivery however often it is recorded. */
  async createDelivery(input: {
    endpointId: string;
    userId: string;
    messageId: string;
    eventType: string;
    payload: unknown;
  }): Promise<WebhookDeliveryRow> {
    const { rows } = await db.query<WebhookDeliveryRow>(
      `insert into webhook_deliveries (endpoint_id, user_id, message_id, event_type, payload)
       values ($1, $2, $3, $4, $5::jsonb)
       on conflict (endpoint_id, message_id) do update set message_id = excluded.message_id
       returning *`,
      [input.endpointId, input.userId, input.messageId, input.eventType, JSON.stringify(input.payload)],
    );
    return rows[0]!;
  },

  async deliveryById(id: string): Promise<WebhookDeliveryRow | undefined> {
    return (await db.query<WebhookDeliveryRow>('select * from webhook_deliveries where id = $1', [id]))
      .rows[0];
  },

  async deliveriesForEndpoint(endpointId: string, limit = 50): Promise<WebhookDeliveryRow[]> {
    return (
      await db.query<WebhookDeliveryRow>(
        'select * from webhook_deliveries where endpoint_id = $1 order by created_at desc limit $2',
        [endpointId, limit],
      )
    ).rows;
  },

  async recordAttempt(
    id: string,
    attempt: {
      status: WebhookDeliveryRow['status'];
      statusCode: number | null;
      durationMs: number;
      responseExcerpt: string | null;
      at: Date;
      nextAttemptAt: Date | null;
    },
  ): Promise<void> {
    await db.query(
      `update webhook_deliveries set status = $2, attempts = attempts + 1, last_status_code = $3,
         last_duration_ms = $4, last_response_excerpt = $5, last_attempt_at = $6, next_attempt_at = $7
       where id = $1`,
      [
        id,
        attempt.status,
        attempt.statusCode,
        attempt.durationMs,
        attempt.responseExcerpt,
        attempt.at,
        attempt.nextAttemptAt,
      ],
    );
  },

  /** Back to pending for a redelivery the user asked for at `at` (its attempt is due then). */
  async resetForRedelivery(id: string, at: Date): Promise<void> {
    await db.query(`update webhook_deliveries set status = 'pending', next_attempt_at = $2 where id = $1`, [
      id,
      at,
    ]);
  },
});
