import Type, { type Static } from 'typebox';
import { EmailAddress, IsoWeekday, LocalTimeString, TimeRangeSchema, ZoneName } from './primitives.js';
import { WorkingHoursSchema } from './preferences.js';

/**
 * What a counterpart is to the user: one of their reports, a cross-functional partner (another
 * team, another department, or outside the organisation), or neither. The overload rule counts
 * reports only; partners are counted on their own.
 */
export const PersonRoleSchema = Type.Union([
  Type.Literal('report'),
  Type.Literal('partner'),
  Type.Literal('other'),
]);
/** What a counterpart is to the user. */
export type PersonRole = Static<typeof PersonRoleSchema>;

/** Where a role came from: proposed from the calendar, or set (or confirmed) by the user. */
export type RoleSource = 'detected' | 'user';

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
    /**
     * The role the user set or confirmed in People. Absent: Frontload proposes one from the calendar,
     * and a role set here is never replaced by that proposal.
     */
    role: Type.Optional(PersonRoleSchema),
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
