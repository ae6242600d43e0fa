/**
 * Payload schemas, one per job name. Redis keeps job data in clear text, so a payload holds ids
 * and versions only — never tokens, credentials or event bodies; `additionalProperties: false`
 * makes a stray field a validation error instead of a leak.
 */
import Type from 'typebox';

/** Our ids (UUIDs, provider-safe slugs): no ':' so they can be part of a BullMQ job id. */
const id = (description: string) => Type.String({ pattern: '^[A-Za-z0-9_-]{1,128}$', description });
const closed = { additionalProperties: false } as const;

/** `sync`: bring one connection's mirror up to date. */
export const SyncPayload = Type.Object(
  {
    connectionId: id('connections.id'),
    reason: Type.Union(
      [Type.Literal('initial'), Type.Literal('push'), Type.Literal('catch_up'), Type.Literal('resync')],
      {
        description: 'Why the sync was asked for; resync drops the cursor and lists everything.',
      },
    ),
  },
  closed,
);

/** `plan`: recompute one user's plan from the mirror. */
export const PlanPayload = Type.Object(
  {
    userId: id('users.id'),
    reason: Type.Union([
      Type.Literal('sync'),
      Type.Literal('preferences'),
      Type.Literal('people'),
      Type.Literal('manual'),
      Type.Literal('schedule'),
    ]),
    requestedAt: Type.Optional(Type.String({ format: 'date-time', description: 'When it was asked for.' })),
  },
  closed,
);

/** `apply`: carry out one stored plan run through the operation ledger. */
export const ApplyPayload = Type.Object({ runId: id('plans.id') }, closed);

/** `undo`: revert one applied run through the ledger. */
export const UndoPayload = Type.Object({ runId: id('plans.id') }, closed);

/** `deliver-webhook`: send one stored webhook delivery. */
export const DeliverWebhookPayload = Type.Object(
  {
    deliveryId: id('webhook_deliveries.id'),
    /** Which attempt this job is (1 first); the notifier schedules the next one itself, over 24 h and more. */
    attempt: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })),
    /** Set when a user asks for a redelivery (ISO time of the request): a new job, the same message id. */
    redelivery: Type.Optional(Type.String({ maxLength: 40 })),
  },
  closed,
);

/** `evaluate-alerts`: check a stored plan's week metrics against the user's overload rules. */
export const EvaluateAlertsPayload = Type.Object({ userId: id('users.id'), planId: id('plans.id') }, closed);

/** `skip-week-announced`: tell the user's webhooks about a planned skip week (who is skipped, who is protected). */
export const SkipWeekAnnouncedPayload = Type.Object(
  { userId: id('users.id'), planId: id('plans.id') },
  closed,
);

/** `connection-lost`: tell the user's webhooks that a connection needs to be reconnected. */
export const ConnectionLostPayload = Type.Object({ connectionId: id('connections.id') }, closed);

/** `renew-push`: renew a connection's push channel or subscription before it expires. */
export const RenewPushPayload = Type.Object({ connectionId: id('connections.id') }, closed);

/** `disconnect`: stop push, revoke at the provider, delete the connection's tokens and mirror. */
export const DisconnectPayload = Type.Object({ connectionId: id('connections.id') }, closed);

/** `catch-up-sweep`: find connections whose push went quiet and queue a catch-up sync. */
export const CatchUpSweepPayload = Type.Object({}, closed);
