import Type from 'typebox';

// Instants are checked with a pattern rather than `format`: the planner parses every instant right
// after the schema check anyway, and TypeBox's format checkers were a tenth of the planner's time on
// a 150-event calendar. Calendar dates carry `format: 'date'` as well, so that an impossible date
// such as 2026-02-30 is refused wherever a schema is checked (the API stores some, e.g. the last
// skip week in preferences, without the planner seeing them first); they are few per plan.

/**
 * An instant as an RFC 3339 string with an offset, e.g. `2024-03-25T09:00:00Z`.
 * Everything we store and send is UTC; other offsets are accepted on input.
 */
export const InstantString = Type.String({
  pattern: '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d{1,9})?(Z|[+-]\\d{2}:\\d{2})$',
  description: 'RFC 3339 instant, UTC',
});

/** A calendar date without a zone, `YYYY-MM-DD` (all-day events, week starts). */
export const PlainDateString = Type.String({
  pattern: '^\\d{4}-\\d{2}-\\d{2}$',
  format: 'date',
  description: 'ISO 8601 calendar date',
});

/** A wall-clock time of day, `HH:MM` on a 24-hour clock. */
export const LocalTimeString = Type.String({
  pattern: '^([01][0-9]|2[0-3]):[0-5][0-9]$',
  description: 'wall-clock time HH:MM',
});

/** An IANA zone name such as `Europe/Berlin`; checked against the zone database at the planner boundary. */
export const ZoneName = Type.String({ minLength: 1, maxLength: 64, description: 'IANA time zone' });

/**
 * An e-mail address. Deliberately loose (something@something): provider resource addresses and
 * plus-addresses must pass, and the planner only compares addresses, it never sends mail.
 */
export const EmailAddress = Type.String({ pattern: '^[^\\s@]+@[^\\s@]+$', maxLength: 320 });

/** ISO weekday: 1 = Monday … 7 = Sunday. */
export const IsoWeekday = Type.Integer({ minimum: 1, maximum: 7 });

/** A half-open span between two instants: `[start, end)`. */
export const TimeRangeSchema = Type.Object(
  { start: InstantString, end: InstantString },
  { additionalProperties: false },
);
