/** TypeBox schemas of the /_sandbox control API (they double as its OpenAPI document). */
import Type from 'typebox';

const Provider = Type.Union([Type.Literal('google'), Type.Literal('microsoft')]);
/** Faults and the request log also cover Slack (which has no sandbox accounts). */
const AnyProvider = Type.Union([Type.Literal('google'), Type.Literal('microsoft'), Type.Literal('slack')]);
const HHMM = Type.String({ pattern: '^([01][0-9]|2[0-3]):[0-5][0-9]$', description: 'Local time HH:MM' });

export const WorkingHoursSchema = Type.Object(
  {
    days: Type.Array(Type.Integer({ minimum: 1, maximum: 7 }), {
      minItems: 1,
      maxItems: 7,
      description: 'ISO weekdays, 1 = Monday',
    }),
    start: HHMM,
    end: HHMM,
  },
  { additionalProperties: false },
);

export const AccountSchema = Type.Object({
  id: Type.String(),
  provider: Provider,
  email: Type.String(),
  name: Type.String(),
  timeZone: Type.String(),
  workingHours: WorkingHoursSchema,
  focusTimeSupported: Type.Boolean(),
  tenantId: Type.Optional(Type.String()),
});

export const CreateAccountBody = Type.Object(
  {
    id: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9_-]{1,64}$' })),
    provider: Provider,
    email: Type.String({ pattern: '^[^@\\s]+@[^@\\s]+$', maxLength: 254 }),
    name: Type.String({ minLength: 1, maxLength: 200 }),
    timeZone: Type.String({ minLength: 1, description: 'IANA zone, e.g. Europe/Berlin' }),
    workingHours: Type.Optional(WorkingHoursSchema),
    focusTimeSupported: Type.Optional(Type.Boolean({ description: 'Google: may create focusTime events' })),
    tenantId: Type.Optional(
      Type.String({
        format: 'uuid',
        description: "Microsoft: the account's Entra tenant id (id_token tid); default the sandbox's tenant",
      }),
    ),
  },
  { additionalProperties: false },
);

/** What a mailbox owner may change later in their settings (Outlook: working hours). */
export const UpdateAccountBody = Type.Object(
  { workingHours: Type.Optional(WorkingHoursSchema) },
  { additionalProperties: false },
);

export const AccountParams = Type.Object({ accountId: Type.String() });

export const SeedEventsBody = Type.Object(
  {
    events: Type.Array(Type.Unknown(), {
      maxItems: 10_000,
      description: "Events in the provider's own input shape (Google Event resource / Graph event)",
    }),
  },
  { additionalProperties: false },
);

export const ClockBody = Type.Object(
  {
    nowMs: Type.Optional(Type.Integer({ minimum: 0 })),
    iso: Type.Optional(Type.String({ format: 'date-time' })),
  },
  {
    additionalProperties: false,
    description: 'Give exactly one of nowMs or iso; the clock never goes back.',
  },
);

export const AdvanceBody = Type.Object(
  { ms: Type.Integer({ minimum: 0, maximum: 400 * 24 * 3600 * 1000 }) },
  { additionalProperties: false },
);

export const ClockReply = Type.Object({ nowMs: Type.Integer(), iso: Type.String() });

export const FaultBody = Type.Object(
  {
    provider: Type.Optional(AnyProvider),
    route: Type.String({
      minLength: 1,
      description:
        'Logged route (`GET /calendar/v3/calendars/:calendarId/events`), a prefix ending in *, or *',
    }),
    accountId: Type.Optional(Type.String()),
    status: Type.Optional(Type.Integer({ minimum: 400, maximum: 599 })),
    count: Type.Optional(Type.Integer({ minimum: 1 })),
    rate: Type.Optional(Type.Number({ minimum: 0, maximum: 1 })),
    latencyMs: Type.Optional(Type.Integer({ minimum: 0, maximum: 120_000 })),
    timeout: Type.Optional(Type.Boolean()),
    retryAfterSeconds: Type.Optional(Type.Integer({ minimum: 0 })),
  },
  { additionalProperties: false },
);

export const FaultRuleSchema = Type.Intersect([Type.Object({ id: Type.String() }), FaultBody]);

export const PushFaultBody = Type.Object(
  {
    provider: Type.Optional(Provider),
    accountId: Type.Optional(Type.String()),
    mode: Type.Union([Type.Literal('drop'), Type.Literal('duplicate'), Type.Literal('delay')]),
    count: Type.Integer({ minimum: 1 }),
    delayMs: Type.Optional(Type.Integer({ minimum: 0, maximum: 600_000 })),
  },
  { additionalProperties: false },
);

export const PushReleaseBody = Type.Object(
  {
    reverse: Type.Optional(
      Type.Boolean({ description: 'Newest first: the subscriber hears of the changes out of order' }),
    ),
  },
  { additionalProperties: false },
);

export const RevokeTokenBody = Type.Object(
  { refreshToken: Type.String({ minLength: 1 }) },
  { additionalProperties: false },
);

export const RequestLogQuery = Type.Object(
  {
    accountId: Type.Optional(Type.String()),
    provider: Type.Optional(AnyProvider),
    sinceMs: Type.Optional(Type.Integer({ minimum: 0 })),
    route: Type.Optional(Type.String({ description: 'Only this logged route, e.g. `POST /token`' })),
    limit: Type.Optional(
      Type.Integer({ minimum: 1, maximum: 50_000, description: 'Only the newest N entries' }),
    ),
  },
  { additionalProperties: false },
);

export const ResetBody = Type.Object(
  { seedDemo: Type.Optional(Type.Boolean({ description: 'Load the demo accounts again after the reset' })) },
  { additionalProperties: false },
);

export const ErrorReply = Type.Object({ error: Type.String(), message: Type.String() });

export const AccountLoadReply = Type.Record(
  Type.String({ description: 'Account id' }),
  Type.Object({
    inFlight: Type.Integer({ description: 'Requests of the account being served now' }),
    maxInFlight: Type.Integer({ description: 'The most requests of the account in flight at once' }),
    started: Type.Integer({ description: 'Requests started since the last clear' }),
    maxStartedPerSecond: Type.Integer({
      description: 'The most requests started within any one second of wall-clock time',
    }),
  }),
);

export const MintTokensBody = Type.Object(
  {
    clientId: Type.Optional(
      Type.String({ minLength: 1, description: 'OAuth client the grant is for (default frontload-local)' }),
    ),
    scopes: Type.Array(Type.String({ minLength: 1 }), { minItems: 1, maxItems: 50 }),
    accessTokenSeconds: Type.Optional(Type.Integer({ minimum: 1, maximum: 86_400 })),
  },
  { additionalProperties: false },
);

export const MintedTokens = Type.Object({
  accessToken: Type.String(),
  refreshToken: Type.String(),
  expiresAtMs: Type.Integer(),
  scopes: Type.Array(Type.String()),
});
