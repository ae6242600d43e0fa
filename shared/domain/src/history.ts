import Type, { type Static } from 'typebox';
import { EmailAddress, InstantString, PlainDateString, TimeRangeSchema } from './primitives.js';

/**
 * What the planner needs to remember between runs; the worker builds it from the ledger and the mirror.
 */
export const PlannerHistorySchema = Type.Object(
  {
    /**
     * First day (in the user's zone) of the last skip week, or null when the cadence has not started:
     * then no skip week is proposed. The worker seeds it with the week the user connected.
     */
    lastSkipWeek: Type.Union([PlainDateString, Type.Null()]),
    /** When each person's last 1:1 was held (before the planning horizon). */
    lastHeldOneOnOnes: Type.Array(
      Type.Object({ email: EmailAddress, at: InstantString }, { additionalProperties: false }),
      {
        maxItems: 1000,
      },
    ),
    /** Focus blocks Frontload created that the user deleted: not recreated in their week, their slots avoided. */
    deletedFocusBlocks: Type.Array(TimeRangeSchema, { maxItems: 1000 }),
    /**
     * Event or series ids the user moved themselves after Frontload moved them (or a preview proposed
     * it) and has not handed back: treated as fixed.
     */
    userOverrides: Type.Array(Type.String({ minLength: 1, maxLength: 1024 }), { maxItems: 5000 }),
  },
  { additionalProperties: false },
);
/** What the planner remembers between runs. */
export type PlannerHistory = Static<typeof PlannerHistorySchema>;

/** History for a user the planner has never seen (a fresh object each call). */
export function emptyHistory(): PlannerHistory {
  return { lastSkipWeek: null, lastHeldOneOnOnes: [], deletedFocusBlocks: [], userOverrides: [] };
}
