/**
 * One delivery attempt of a webhook message: sign with the endpoint's secret(s), POST through the
 * SSRF guard, record the attempt, and decide what follows. The message id never changes between
 * attempts, so receivers can deduplicate. Re-running an attempt that already succeeded (a worker
 * restart, a duplicate job) sends nothing.
 */
import { repositories, type Database, type WebhookDeliveryRow, type WebhookEndpointRow } from '@frontload/db';
import { WebhookPayloadV1 } from '@frontload/domain';
import {
  isSecurityError,
  safeRequest,
  signWebhook,
  type TokenVault,
  type UrlPolicy,
} from '@frontload/security';
import type { Producers } from '@frontload/jobs';
import { processMetrics } from '@frontload/metrics';
import { Value } from 'typebox/value';
import { DISABLE_AFTER_FAILING_MS, MAX_ATTEMPTS, nextAttemptDelay } from './retry-schedule.js';
import { slackMessage } from './slack-message.js';

export interface DeliveryDeps {
  db: Database;
  vault: TokenVault;
  policy: UrlPolicy;
  now: () => Date;
  random: () => number;
  /** Queues attempt `attempt` of this delivery after `delayMs`. */
  scheduleAttempt: (deliveryId: string, attempt: number, delayMs: number) => Promise<void>;
  /** Overrides the 15 s timeout (tests). */
  timeoutMs?: number;
  /** Tells the user's open pages when an endpoint is turned off (user-events in @frontload/jobs). */
  producers?: Pick<Producers, 'notifyUser'>;
}

export type DeliveryOutcome =
  | { outcome: 'delivered'; statusCode: number }
  | { outcome: 'retry_scheduled'; statusCode: number | null; nextAttempt: number; delayMs: number }
  | { outcome: 'abandoned'; reason: string }
  | { outcome: 'skipped'; reason: string };

const RESPONSE_EXCERPT_BYTES = 1024;

function secretsOf(endpoint: WebhookEndpointRow, vault: TokenVault, now: Date): string[] {
  const sealed = vault.unseal(endpoint.sealed_secrets, { userId: endpoint.user_id, provider: 'webhook' }) as {
    current: string;
    previous?: string;
  };
  const overlap = endpoint.previous_secret_expires_at && endpoint.previous_secret_expires_at > now;
  return sealed.previous && overlap ? [sealed.current, sealed.previous] : [sealed.current];
}

function bodyOf(endpoint: WebhookEndpointRow, delivery: WebhookDeliveryRow): string {
  // Stored JSON is a trust boundary too: a row that no longer matches the schema is not sent.
  const payload = Value.Parse(WebhookPayloadV1, delivery.payload);
  return JSON.stringify(endpoint.format === 'slack' ? slackMessage(payload) : payload);
}

async function post(endpoint: WebhookEndpointRow, delivery: WebhookDeliveryRow, deps: DeliveryDeps) {
  const now = deps.now();
  const body = bodyOf(endpoint, delivery);
  const headers = signWebhook({
    secrets: secretsOf(endpoint, deps.vault, now),
    messageId: delivery.message_id,
    timestamp: now,
    body,
  });
  const started = Date.now();
  try {
    const response = await safeRequest({
      url: endpoint.url,
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/json', 'user-agent': 'Frontload-Webhooks/1' },
      body,
      timeoutMs: deps.timeoutMs ?? 15_000,
      maxResponseBytes: RESPONSE_EXCERPT_BYTES,
      ...deps.policy,
    });
    return {
      statusCode: response.status,
      excerpt: response.body,
      durationMs: response.durationMs,
    };
  } catch (error) {
    if (!isSecurityError(error)) throw error;
    return { statusCode: null, excerpt: `${error.code}: ${error.message}`, durationMs: Date.now() - started };
  }
}

/** Attempts one delivery and counts its outcome (`frontload_webhook_deliveries_total`). */
export async function deliverWebhook(
  deliveryId: string,
  attempt: number,
  deps: DeliveryDeps,
): Promise<DeliveryOutcome> {
  const result = await attemptDelivery(deliveryId, attempt, deps);
  processMetrics().webhookDeliveries.inc({ outcome: result.outcome });
  return result;
}

async function attemptDelivery(
  deliveryId: string,
  attempt: number,
  deps: DeliveryDeps,
): Promise<DeliveryOutcome> {
  const repos = repositories(deps.db);
  const delivery = await repos.webhooks.deliveryById(deliveryId);
  if (!delivery) return { outcome: 'skipped', reason: 'delivery no longer exists' };
  if (delivery.status !== 'pending' && delivery.status !== 'failed')
    return { outcome: 'skipped', reason: `already ${delivery.status}` };
  const endpoint = await repos.webhooks.endpointById(delivery.endpoint_id);
  if (!endpoint?.enabled) {
    await record(deps, delivery.id, 'abandoned', null, 0, 'endpoint disabled', null);
    return { outcome: 'abandoned', reason: 'endpoint disabled' };
  }
  const result = await post(endpoint, delivery, deps);
  const code = result.statusCode;
  if (code !== null && code >= 200 && code < 300) {
    await record(deps, delivery.id, 'delivered', code, result.durationMs, result.excerpt, null);
    await repos.webhooks.markFailing(endpoint.id, false, deps.now());
    return { outcome: 'delivered', statusCode: code };
  }
  if (code === 410) return gone(deps, endpoint, delivery, result.durationMs, result.excerpt);
  return failed(deps, endpoint, delivery, attempt, code, result.durationMs, result.excerpt);
}

async function record(
  deps: DeliveryDeps,
  id: string,
  status: WebhookDeliveryRow['status'],
  statusCode: number | null,
  durationMs: number,
  excerpt: string | null,
  nextAttemptAt: Date | null,
) {
  await repositories(deps.db).webhooks.recordAttempt(id, {
    status,
    statusCode,
    durationMs: Math.round(durationMs),
    responseExcerpt: excerpt?.slice(0, RESPONSE_EXCERPT_BYTES) ?? null,
    at: deps.now(),
    nextAttemptAt,
  });
}

/** A receiver answering 410 Gone asks us to stop: the endpoint is disabled and the user told. */
async function gone(
  deps: DeliveryDeps,
  endpoint: WebhookEndpointRow,
  delivery: WebhookDeliveryRow,
  durationMs: number,
  excerpt: string,
) {
  const repos = repositories(deps.db);
  await record(deps, delivery.id, 'abandoned', 410, durationMs, excerpt, null);
  await repos.webhooks.setEnabled(endpoint.id, false, 'the receiver answered 410 Gone');
  await repos.audit.record({
    userId: endpoint.user_id,
    actor: 'system',
    action: 'webhook.disabled',
    details: { id: endpoint.id, reason: '410 Gone' },
  });
  await deps.producers?.notifyUser(endpoint.user_id, { kind: 'settings', section: 'webhooks' });
  return { outcome: 'abandoned' as const, reason: 'receiver answered 410 Gone' };
}

async function failed(
  deps: DeliveryDeps,
  endpoint: WebhookEndpointRow,
  delivery: WebhookDeliveryRow,
  attempt: number,
  statusCode: number | null,
  durationMs: number,
  excerpt: string,
): Promise<DeliveryOutcome> {
  const repos = repositories(deps.db);
  const now = deps.now();
  const failingSince = await repos.webhooks.markFailing(endpoint.id, true, now);
  if (failingSince && now.getTime() - failingSince.getTime() >= DISABLE_AFTER_FAILING_MS) {
    await record(deps, delivery.id, 'abandoned', statusCode, durationMs, excerpt, null);
    await repos.webhooks.setEnabled(endpoint.id, false, 'failing for more than 3 days');
    await repos.audit.record({
      userId: endpoint.user_id,
      actor: 'system',
      action: 'webhook.disabled',
      details: { id: endpoint.id, reason: 'failing for more than 3 days' },
    });
    await deps.producers?.notifyUser(endpoint.user_id, { kind: 'settings', section: 'webhooks' });
    return { outcome: 'abandoned', reason: 'endpoint failing for more than 3 days' };
  }
  const delayMs = attempt < MAX_ATTEMPTS ? nextAttemptDelay(attempt, deps.random()) : undefined;
  if (delayMs === undefined) {
    await record(deps, delivery.id, 'abandoned', statusCode, durationMs, excerpt, null);
    return { outcome: 'abandoned', reason: `no success after ${attempt} attempts` };
  }
  await record(
    deps,
    delivery.id,
    'failed',
    statusCode,
    durationMs,
    excerpt,
    new Date(now.getTime() + delayMs),
  );
  await deps.scheduleAttempt(delivery.id, attempt + 1, delayMs);
  return { outcome: 'retry_scheduled', statusCode, nextAttempt: attempt + 1, delayMs };
}
