import Type, { type Static } from 'typebox';
import { PlainDateString } from './primitives.js';

/** Names of the overload rules (ARCHITECTURE "Overload rules"). */
export const OverloadRuleSchema = Type.Enum([
  'meetingHours',
  'focusShortfall',
  'tooManyOneOnOnes',
  'backToBack',
]);
/** Names of the overload rules. */
export type OverloadRule = Static<typeof OverloadRuleSchema>;

/** One week's load, after the plan's operations: the inputs of the overload webhooks. */
export const WeekMetricsSchema = Type.Object(
  {
    /** First day of the week in the user's zone. */
    week: PlainDateString,
    /** Time in meetings with other people, overlaps counted once. */
    meetingHours: Type.Number({ minimum: 0 }),
    /** Focus time: our blocks plus the user's own focus-time events. */
    focusHours: Type.Number({ minimum: 0 }),
    focusTargetHours: Type.Number({ minimum: 0 }),
    /** Distinct people with a recurring 1:1 this week (a skipped occurrence still counts). */
    peopleWithOneOnOnes: Type.Integer({ minimum: 0 }),
    /**
     * Of those, the user's reports (set in People, else proposed from the calendar): what the
     * `tooManyOneOnOnes` rule counts. Absent only on plans made before people had roles.
     */
    reportsWithOneOnOnes: Type.Optional(Type.Integer({ minimum: 0 })),
    /** Cross-functional partners with a 1:1 this week, counted on their own (never toward the rule). */
    partnersWithOneOnOnes: Type.Optional(Type.Integer({ minimum: 0 })),
    /** Longest run of meetings with less than the back-to-back gap between them. */
    longestBackToBack: Type.Object(
      { count: Type.Integer({ minimum: 0 }), minutes: Type.Number({ minimum: 0 }) },
      { additionalProperties: false },
    ),
    /** Share (0–1) of first-half working time spent in meetings with people. */
    firstHalfPeopleShare: Type.Number({ minimum: 0, maximum: 1 }),
    /** Overload rules this week trips. */
    overload: Type.Array(OverloadRuleSchema),
  },
  { additionalProperties: false },
);
/** One week's load. */
export type WeekMetrics = Static<typeof WeekMetricsSchema>;
