/**
 * The overload-alert webhook contract, version 1. Bodies follow the Standard Webhooks payload
 * structure `{ type, timestamp, data }`; `data.version` names this schema. It is published as JSON
 * Schema (`npm run -w @frontload/worker-notifier schema` writes it) and in the API's OpenAPI document.
 */
import Type, { type Static } from 'typebox';
import { OverloadRuleSchema } from './metrics.js';

export const WEBHOOK_EVENT_TYPES = [
  'overload.tripped',
  'overload.cleared',
  'connection.lost',
  'skip_week.announced',
  'people.not_seen',
  'webhook.test',
] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];
export const WebhookEventTypeSchema = Type.Union([
  Type.Literal('overload.tripped'),
  Type.Literal('overload.cleared'),
  Type.Literal('connection.lost'),
  Type.Literal('skip_week.announced'),
  Type.Literal('people.not_seen'),
  Type.Literal('webhook.test'),
]);

const Person = Type.Object({ email: Type.String(), name: Type.String() });

export const WebhookEventDataV1 = Type.Object(
  {
    version: Type.Literal(1),
    summary: Type.String({ description: 'One sentence a person can read in a chat message.' }),
    user: Type.Object({ id: Type.String(), email: Type.String() }),
    week: Type.Optional(
      Type.Object({
        start: Type.String({ format: 'date', description: 'Monday of the week, in the user zone' }),
        zone: Type.String({ description: 'IANA zone the week is computed in' }),
      }),
    ),
    rule: Type.Optional(OverloadRuleSchema),
    // Within v1 keys are only ever added: a receiver reading one keeps finding it.
    measured: Type.Optional(
      Type.Record(Type.String(), Type.Number(), {
        description:
          'What the rule measured, by name. tooManyOneOnOnes: reportsWithOneOnOnes (what the limit counts), partnersWithOneOnOnes (counted apart, never toward the limit) and peopleWithOneOnOnes (both, as before people had roles).',
      }),
    ),
    thresholds: Type.Optional(
      Type.Record(Type.String(), Type.Number(), {
        description:
          'The limits the rule was held to, by name. tooManyOneOnOnes: maxReportsWithOneOnOnes, and the same limit under its first name maxPeopleWithOneOnOnes.',
      }),
    ),
    connection: Type.Optional(
      Type.Object({ id: Type.String(), provider: Type.String(), accountEmail: Type.String() }),
    ),
    skipWeek: Type.Optional(
      Type.Object({
        affected: Type.Array(Person),
        protected: Type.Array(Person),
        checkIns: Type.Optional(
          Type.Array(Type.Object({ email: Type.String(), name: Type.String(), text: Type.String() }), {
            description:
              'The check-in drafted for each person skipped, for the user to send over chat (Frontload does not send it).',
          }),
        ),
      }),
    ),
    notSeen: Type.Optional(
      Type.Object(
        {
          thresholdDays: Type.Integer({ description: "The user's threshold (preferences notSeenDays)" }),
          lookbackDays: Type.Integer({ description: 'How far back the calendar is read for it' }),
          people: Type.Array(
            Type.Object({
              email: Type.String(),
              name: Type.String(),
              role: Type.Union([Type.Literal('report'), Type.Literal('partner')]),
              daysNotSeen: Type.Union([Type.Integer(), Type.Null()], {
                description: 'Days since the last meeting together; null: none within lookbackDays',
              }),
              lastOneOnOneAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
              lastMetAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
              crossed: Type.Boolean({
                description: 'Newly past the threshold: this person is why the event was raised',
              }),
            }),
          ),
        },
        {
          description:
            'people.not_seen: every report and partner past the threshold, longest gap first. Raised once per person per gap.',
        },
      ),
    ),
    links: Type.Object({ settings: Type.String({ description: 'Where the user can act on this' }) }),
  },
  { additionalProperties: false },
);

export const WebhookPayloadV1 = Type.Object(
  {
    type: WebhookEventTypeSchema,
    timestamp: Type.String({ format: 'date-time' }),
    data: WebhookEventDataV1,
  },
  {
    $id: 'https://frontload.dev/schemas/webhook-event.v1.json',
    title: 'Frontload webhook event (v1)',
    additionalProperties: false,
  },
);
export type WebhookPayloadV1 = Static<typeof WebhookPayloadV1>;
export type WebhookEventDataV1 = Static<typeof WebhookEventDataV1>;
