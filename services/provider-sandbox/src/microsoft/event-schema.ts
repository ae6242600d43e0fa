/**
 * TypeBox schemas of the writable `event` properties (v1.0 CSDL, graph-v1.0-csdl-calendar-subset.xml).
 * Unknown properties are rejected the way Graph's OData reader does ("RequestBodyRead"); enum members are
 * checked case-insensitively afterwards because Graph accepts "HTML" and "html" alike.
 */
import Type, { type Static } from 'typebox';

const open = { additionalProperties: false } as const;

export const DateTimeTimeZoneSchema = Type.Object(
  { dateTime: Type.String(), timeZone: Type.Optional(Type.String()) },
  open,
);

const EmailAddressSchema = Type.Object({ address: Type.String(), name: Type.Optional(Type.String()) }, open);

const AttendeeSchema = Type.Object(
  {
    type: Type.Optional(Type.String()),
    emailAddress: EmailAddressSchema,
    status: Type.Optional(
      Type.Object({ response: Type.Optional(Type.String()), time: Type.Optional(Type.String()) }, open),
    ),
    proposedNewTime: Type.Optional(Type.Null()),
  },
  open,
);

const LocationSchema = Type.Object(
  {
    displayName: Type.Optional(Type.String()),
    locationType: Type.Optional(Type.String()),
    locationUri: Type.Optional(Type.String()),
    locationEmailAddress: Type.Optional(Type.String()),
    uniqueId: Type.Optional(Type.String()),
    uniqueIdType: Type.Optional(Type.String()),
    address: Type.Optional(Type.Record(Type.String(), Type.String())),
    coordinates: Type.Optional(Type.Record(Type.String(), Type.Number())),
  },
  open,
);

export const RecurrenceSchema = Type.Object(
  {
    pattern: Type.Object(
      {
        type: Type.String(),
        interval: Type.Optional(Type.Integer({ minimum: 0 })),
        month: Type.Optional(Type.Integer({ minimum: 0, maximum: 12 })),
        dayOfMonth: Type.Optional(Type.Integer({ minimum: 0, maximum: 31 })),
        daysOfWeek: Type.Optional(Type.Array(Type.String())),
        firstDayOfWeek: Type.Optional(Type.String()),
        index: Type.Optional(Type.String()),
      },
      open,
    ),
    range: Type.Object(
      {
        type: Type.String(),
        startDate: Type.String(),
        endDate: Type.Optional(Type.String()),
        recurrenceTimeZone: Type.Optional(Type.String()),
        numberOfOccurrences: Type.Optional(Type.Integer({ minimum: 0 })),
      },
      open,
    ),
  },
  open,
);

export const ExtendedPropertySchema = Type.Object({ id: Type.String(), value: Type.String() }, open);

export const EventInputSchema = Type.Object(
  {
    subject: Type.Optional(Type.String()),
    body: Type.Optional(
      Type.Object({ contentType: Type.Optional(Type.String()), content: Type.Optional(Type.String()) }, open),
    ),
    start: Type.Optional(DateTimeTimeZoneSchema),
    end: Type.Optional(DateTimeTimeZoneSchema),
    location: Type.Optional(LocationSchema),
    locations: Type.Optional(Type.Array(LocationSchema)),
    attendees: Type.Optional(Type.Array(AttendeeSchema)),
    isAllDay: Type.Optional(Type.Boolean()),
    showAs: Type.Optional(Type.String()),
    sensitivity: Type.Optional(Type.String()),
    importance: Type.Optional(Type.String()),
    categories: Type.Optional(Type.Array(Type.String())),
    isReminderOn: Type.Optional(Type.Boolean()),
    reminderMinutesBeforeStart: Type.Optional(Type.Integer()),
    responseRequested: Type.Optional(Type.Boolean()),
    allowNewTimeProposals: Type.Optional(Type.Boolean()),
    hideAttendees: Type.Optional(Type.Boolean()),
    isOnlineMeeting: Type.Optional(Type.Boolean()),
    onlineMeetingProvider: Type.Optional(Type.String()),
    recurrence: Type.Optional(Type.Union([RecurrenceSchema, Type.Null()])),
    transactionId: Type.Optional(Type.String()),
    singleValueExtendedProperties: Type.Optional(Type.Array(ExtendedPropertySchema)),
  },
  open,
);

export type EventInput = Static<typeof EventInputSchema>;
export type RecurrenceInput = Static<typeof RecurrenceSchema>;

/** The Edm type of each primitive property, for Graph's "Cannot convert the literal" message. */
export const EDM_TYPES: Record<string, string> = {
  string: 'Edm.String',
  boolean: 'Edm.Boolean',
  integer: 'Edm.Int32',
  number: 'Edm.Double',
};
