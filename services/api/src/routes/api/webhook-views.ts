/** Schemas and views of webhook endpoints and deliveries as the API shows them (never a secret). */
import type { WebhookDeliveryRow, WebhookEndpointRow } from '@frontload/db';
import { WebhookEventTypeSchema } from '@frontload/domain';
import Type from 'typebox';

export const EndpointView = Type.Object({
  id: Type.String(),
  url: Type.String(),
  description: Type.String(),
  eventTypes: Type.Array(Type.String()),
  format: Type.Union([Type.Literal('json'), Type.Literal('slack')]),
  enabled: Type.Boolean(),
  disabledReason: Type.Union([Type.String(), Type.Null()]),
  failingSince: Type.Union([Type.String(), Type.Null()]),
  secretRotatedAt: Type.Union([Type.String(), Type.Null()]),
  createdAt: Type.String(),
});

export const DeliveryView = Type.Object({
  id: Type.String(),
  messageId: Type.String(),
  eventType: Type.String(),
  status: Type.String(),
  attempts: Type.Integer(),
  lastStatusCode: Type.Union([Type.Integer(), Type.Null()]),
  lastDurationMs: Type.Union([Type.Integer(), Type.Null()]),
  lastResponseExcerpt: Type.Union([Type.String(), Type.Null()]),
  lastAttemptAt: Type.Union([Type.String(), Type.Null()]),
  nextAttemptAt: Type.Union([Type.String(), Type.Null()]),
  createdAt: Type.String(),
});

export const CreateEndpointBody = Type.Object(
  {
    url: Type.String({ minLength: 1, maxLength: 2048 }),
    description: Type.Optional(Type.String({ maxLength: 500 })),
    eventTypes: Type.Array(WebhookEventTypeSchema, { minItems: 1, uniqueItems: true }),
    format: Type.Optional(Type.Union([Type.Literal('json'), Type.Literal('slack')])),
  },
  { additionalProperties: false },
);

export const UpdateEndpointBody = Type.Object(
  {
    enabled: Type.Optional(Type.Boolean()),
    description: Type.Optional(Type.String({ maxLength: 500 })),
    eventTypes: Type.Optional(Type.Array(WebhookEventTypeSchema, { minItems: 1, uniqueItems: true })),
  },
  { additionalProperties: false, minProperties: 1 },
);

const iso = (d: Date | null) => d?.toISOString() ?? null;

export const endpointView = (row: WebhookEndpointRow) => ({
  id: row.id,
  url: row.url,
  description: row.description,
  eventTypes: row.event_types,
  format: row.format,
  enabled: row.enabled,
  disabledReason: row.disabled_reason,
  failingSince: iso(row.failing_since),
  secretRotatedAt: iso(row.secret_rotated_at),
  createdAt: row.created_at.toISOString(),
});

export const deliveryView = (row: WebhookDeliveryRow) => ({
  id: row.id,
  messageId: row.message_id,
  eventType: row.event_type,
  status: row.status,
  attempts: row.attempts,
  lastStatusCode: row.last_status_code,
  lastDurationMs: row.last_duration_ms,
  lastResponseExcerpt: row.last_response_excerpt,
  lastAttemptAt: iso(row.last_attempt_at),
  nextAttemptAt: iso(row.next_attempt_at),
  createdAt: row.created_at.toISOString(),
});
