import Type, { type Static } from 'typebox';
import {
  CalendarEventSchema,
  CounterpartAvailabilitySchema,
  EmailAddress,
  InstantString,
  PersonSettingsSchema,
  PlannerHistorySchema,
  PreferencesSchema,
  TimeRangeSchema,
  ZoneName,
  type Operation,
  type PlanNote,
  type WeekMetrics,
} from '@frontload/domain';

/**
 * Everything `plan()` reads. The planner has no clock and no randomness: `now` and `idSeed` come in here.
 *
 * - `events`: the mirror for the horizon (expanded occurrences plus singles; series masters are optional
 *   and only lend their recurrence).
 * - `otherCalendarsBusy`: busy time on the user's other connected calendars (never moved or written;
 *   it holds the user's time like a meeting they accepted).
 * - `counterparts`: free/busy (and zone, working hours when known) of the people the user has 1:1s with;
 *   a 1:1 with someone missing here is never moved, because "free for both" cannot be checked.
 * - `idSeed`: a stable per-user string mixed into the ids of events we create (Google client ids).
 * - `horizonWeeks`: weeks planned from the current one on (default 2: current and next); once the
 *   current week's working hours are over (Friday evening, the weekend) the coming week counts as current.
 */
export const PlannerInputSchema = Type.Object(
  {
    now: InstantString,
    zone: ZoneName,
    userEmail: EmailAddress,
    idSeed: Type.String({ minLength: 1, maxLength: 200 }),
    horizonWeeks: Type.Optional(Type.Integer({ minimum: 1, maximum: 4 })),
    preferences: PreferencesSchema,
    people: Type.Array(PersonSettingsSchema, { maxItems: 2000 }),
    events: Type.Array(CalendarEventSchema, { maxItems: 5000 }),
    otherCalendarsBusy: Type.Optional(Type.Array(TimeRangeSchema, { maxItems: 5000 })),
    counterparts: Type.Array(CounterpartAvailabilitySchema, { maxItems: 2000 }),
    history: PlannerHistorySchema,
  },
  { additionalProperties: false },
);
/** Everything `plan()` reads. */
export type PlannerInput = Static<typeof PlannerInputSchema>;

/** A problem with the input: a JSON pointer into it and a sentence. */
export interface InputIssue {
  readonly path: string;
  readonly message: string;
}

/** What a plan proposes. */
export interface PlannerOutput {
  /** Intended changes, in the order the ledger should apply them. */
  readonly operations: Operation[];
  /** What was left alone and why, for the preview. */
  readonly notes: PlanNote[];
  /** Per horizon week, after the operations. */
  readonly metrics: WeekMetrics[];
  /** Per horizon week, of the calendar as it is (none of the operations applied). */
  readonly calendarMetrics: WeekMetrics[];
  /** First day of the skip week this plan acts on, if any (the ledger records it as the last skip week). */
  readonly skipWeek: string | null;
  /** More operations than the blast radius: apply only after the user confirms. */
  readonly requiresConfirmation: boolean;
}

/** The result of `plan()`: a plan, or the reasons the input was rejected. */
export type PlanResult =
  ({ readonly ok: true } & PlannerOutput) | { readonly ok: false; readonly errors: InputIssue[] };
