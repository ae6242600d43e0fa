/**
 * The Event resource as clients send it. Types are checked (a wrong type is Google's 400 `invalid`);
 * members the API does not define, and read-only ones a client echoes back after a GET (kind, etag,
 * htmlLink, created, ...), are ignored as Calendar v3 ignores them.
 */
import Type, { type Static } from 'typebox';
import { Compile } from 'typebox/compile';

const Str = Type.String();
const Bool = Type.Boolean();
const StrMap = Type.Record(Type.String(), Type.String());

export const EventDateTimeInput = Type.Object({
  date: Type.Optional(Type.Union([Str, Type.Null()])),
  dateTime: Type.Optional(Type.Union([Str, Type.Null()])),
  timeZone: Type.Optional(Type.Union([Str, Type.Null()])),
});

const AttendeeInput = Type.Object({
  email: Type.Optional(Str),
  displayName: Type.Optional(Str),
  optional: Type.Optional(Bool),
  resource: Type.Optional(Bool),
  responseStatus: Type.Optional(
    Type.Union(['needsAction', 'declined', 'tentative', 'accepted'].map((s) => Type.Literal(s))),
  ),
  comment: Type.Optional(Str),
  additionalGuests: Type.Optional(Type.Integer({ minimum: 0 })),
});

export const EventInputSchema = Type.Object({
  id: Type.Optional(Str),
  summary: Type.Optional(Type.Union([Str, Type.Null()])),
  description: Type.Optional(Type.Union([Str, Type.Null()])),
  location: Type.Optional(Type.Union([Str, Type.Null()])),
  colorId: Type.Optional(Type.Union([Str, Type.Null()])),
  status: Type.Optional(Type.Union(['confirmed', 'tentative', 'cancelled'].map((s) => Type.Literal(s)))),
  start: Type.Optional(EventDateTimeInput),
  end: Type.Optional(EventDateTimeInput),
  recurrence: Type.Optional(Type.Union([Type.Array(Str), Type.Null()])),
  originalStartTime: Type.Optional(EventDateTimeInput),
  transparency: Type.Optional(Type.Union([Type.Literal('opaque'), Type.Literal('transparent')])),
  visibility: Type.Optional(
    Type.Union(['default', 'public', 'private', 'confidential'].map((s) => Type.Literal(s))),
  ),
  attendees: Type.Optional(Type.Union([Type.Array(AttendeeInput), Type.Null()])),
  attendeesOmitted: Type.Optional(Bool),
  guestsCanModify: Type.Optional(Bool),
  guestsCanInviteOthers: Type.Optional(Bool),
  guestsCanSeeOtherGuests: Type.Optional(Bool),
  anyoneCanAddSelf: Type.Optional(Bool),
  eventType: Type.Optional(Str),
  focusTimeProperties: Type.Optional(
    Type.Object({
      autoDeclineMode: Type.Optional(Str),
      declineMessage: Type.Optional(Str),
      chatStatus: Type.Optional(Str),
    }),
  ),
  outOfOfficeProperties: Type.Optional(
    Type.Object({ autoDeclineMode: Type.Optional(Str), declineMessage: Type.Optional(Str) }),
  ),
  extendedProperties: Type.Optional(
    Type.Object({
      private: Type.Optional(Type.Union([StrMap, Type.Null()])),
      shared: Type.Optional(Type.Union([StrMap, Type.Null()])),
    }),
  ),
  reminders: Type.Optional(
    Type.Object({
      useDefault: Type.Optional(Bool),
      overrides: Type.Optional(
        Type.Array(Type.Object({ method: Str, minutes: Type.Integer({ minimum: 0, maximum: 40320 }) })),
      ),
    }),
  ),
  source: Type.Optional(Type.Object({ url: Str, title: Str })),
  iCalUID: Type.Optional(Str),
  sequence: Type.Optional(Type.Integer({ minimum: 0 })),
});

export type EventInput = Static<typeof EventInputSchema>;

const validator = Compile(EventInputSchema);

/** The event body as typed input, or undefined when a member has the wrong type. */
export function checkEventInput(body: unknown): EventInput | undefined {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return undefined;
  return validator.Check(body) ? body : undefined;
}

/** Google's patch: objects merge member by member, arrays and scalars replace, null clears. */
export function mergePatch(
  target: Record<string, unknown>,
  patch: Record<string, unknown>,
): Record<string, unknown> {
  const out: Record<string, unknown> = { ...target };
  for (const [key, value] of Object.entries(patch)) {
    const current = out[key];
    if (value === null) delete out[key];
    else if (isPlainObject(value) && isPlainObject(current)) out[key] = mergePatch(current, value);
    else out[key] = value;
  }
  return out;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
