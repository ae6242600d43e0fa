import Type, { type Static } from 'typebox';
import { EmailAddress, InstantString, PlainDateString, ZoneName } from './primitives.js';

/** How an attendee answered an invitation (Google's names; the Graph adapter maps its own). */
export const ResponseStatusSchema = Type.Enum(['needsAction', 'accepted', 'tentative', 'declined']);
/** How an attendee answered an invitation. */
export type ResponseStatus = Static<typeof ResponseStatusSchema>;

// Events and attendees allow properties beyond these (the mirror may carry more than the planner reads,
// and checking every key of every event cost a tenth of a plan); preferences, people and history stay
// strict, because a misspelt setting there must not pass silently.

/** One attendee of an event, as the provider lists it. */
export const AttendeeSchema = Type.Object({
  email: EmailAddress,
  /** The person's name as the provider gives it (Google `displayName`, Graph `emailAddress.name`). */
  name: Type.Optional(Type.String({ maxLength: 500 })),
  /** This attendee is the user whose calendar it is. */
  self: Type.Optional(Type.Boolean()),
  organizer: Type.Optional(Type.Boolean()),
  responseStatus: ResponseStatusSchema,
  /** A room or other resource: never counted as a person. */
  resource: Type.Optional(Type.Boolean()),
  optional: Type.Optional(Type.Boolean()),
});
/** One attendee of an event. */
export type Attendee = Static<typeof AttendeeSchema>;

/**
 * The tag Frontload puts on events it creates (a private extended property at the provider).
 * Only tagged events are ever deleted or re-placed by Frontload.
 */
export const FrontloadTagSchema = Type.Object(
  { kind: Type.Literal('focusBlock') },
  { additionalProperties: false },
);
/** The tag Frontload puts on events it creates. */
export type FrontloadTag = Static<typeof FrontloadTagSchema>;

/**
 * How often a series repeats, enough for the planner to know the gap to the next occurrence
 * (skip weeks must not stretch anyone past 21 days without a 1:1).
 */
export const RecurrenceSchema = Type.Object(
  {
    frequency: Type.Enum(['daily', 'weekly', 'monthly', 'yearly']),
    interval: Type.Integer({ minimum: 1, maximum: 366 }),
  },
  { additionalProperties: false },
);
/** How often a series repeats. */
export type Recurrence = Static<typeof RecurrenceSchema>;

/**
 * An event in the mirror of the user's calendar, as the provider adapters map it.
 *
 * - `kind`: `single` (no recurrence), `series` (a recurring master) or `occurrence` (one instance of a
 *   series, with `seriesId` and `originalStart`, its slot before any edit).
 * - `start`/`end` are UTC instants for every event. For all-day events they are the start of the first
 *   day and of the day after the last one in `zone`, and `allDay` keeps the dates themselves.
 * - `transparency`: `busy` blocks time, `free` does not (Google `transparent`, Graph `free`).
 */
export const CalendarEventSchema = Type.Object({
  id: Type.String({ minLength: 1, maxLength: 1024 }),
  kind: Type.Enum(['single', 'occurrence', 'series']),
  seriesId: Type.Optional(Type.String({ minLength: 1, maxLength: 1024 })),
  originalStart: Type.Optional(InstantString),
  recurrence: Type.Optional(RecurrenceSchema),
  title: Type.String({ maxLength: 2000 }),
  start: InstantString,
  end: InstantString,
  /** The zone the event was created in (its recurrence rule is read in this zone). */
  zone: ZoneName,
  allDay: Type.Optional(
    Type.Object(
      {
        startDate: PlainDateString,
        /** Exclusive, as both providers send it. */
        endDate: PlainDateString,
      },
      { additionalProperties: false },
    ),
  ),
  status: Type.Enum(['confirmed', 'tentative', 'cancelled']),
  attendees: Type.Array(AttendeeSchema, { maxItems: 1000 }),
  organizerIsSelf: Type.Boolean(),
  organizerEmail: Type.Optional(EmailAddress),
  transparency: Type.Enum(['busy', 'free']),
  eventType: Type.Enum(['default', 'focusTime', 'outOfOffice', 'workingLocation', 'other']),
  tag: Type.Optional(FrontloadTagSchema),
  etag: Type.Optional(Type.String({ maxLength: 256 })),
});
/** An event in the mirror of the user's calendar. */
export type CalendarEvent = Static<typeof CalendarEventSchema>;

/** The user's own attendee entry, if the provider listed one. */
export function selfAttendee(event: CalendarEvent): Attendee | undefined {
  return event.attendees.find((attendee) => attendee.self === true);
}

/** Attendees who are people other than the user (rooms and resources excluded). */
export function otherPeople(event: CalendarEvent): Attendee[] {
  return event.attendees.filter((attendee) => attendee.self !== true && attendee.resource !== true);
}

/** True for an event Frontload created as a focus block. */
export function isFocusBlock(event: CalendarEvent): boolean {
  return event.tag?.kind === 'focusBlock';
}
