import Type, { type Static } from 'typebox';
import { EmailAddress, IsoWeekday, LocalTimeString, TimeRangeSchema, ZoneName } from './primitives.js';
import { WorkingHoursSchema } from './preferences.js';

/** The user's settings for one counterpart (the `people` table). */
export const PersonSettingsSchema = Type.Object(
  {
    email: EmailAddress,
    /** Never skipped: this person finds their 1:1s invaluable. */
    protected: Type.Optional(Type.Boolean()),
    /** Their 1:1s stay where they are. */
    fixed: Type.Optional(Type.Boolean()),
    /** Counts as a colleague even with an outside address. */
    allowExternal: Type.Optional(Type.Boolean()),
    /** Where their 1:1 should go when it moves, if free. */
    preferredSlot: Type.Optional(
      Type.Object({ weekday: IsoWeekday, time: LocalTimeString }, { additionalProperties: false }),
    ),
  },
  { additionalProperties: false },
);
/** The user's settings for one counterpart. */
export type PersonSettings = Static<typeof PersonSettingsSchema>;

/**
 * What we know about a counterpart's time: free/busy intervals for the horizon, and their zone and
 * working hours when the provider tells us (Graph `getSchedule`). Without working hours the user's own
 * hours are assumed in the counterpart's zone; without a zone, in the user's zone.
 */
export const CounterpartAvailabilitySchema = Type.Object(
  {
    email: EmailAddress,
    zone: Type.Optional(ZoneName),
    workingHours: Type.Optional(WorkingHoursSchema),
    busy: Type.Array(TimeRangeSchema, { maxItems: 5000 }),
  },
  { additionalProperties: false },
);
/** What we know about a counterpart's time. */
export type CounterpartAvailability = Static<typeof CounterpartAvailabilitySchema>;
