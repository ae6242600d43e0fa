/**
 * What the ledger executes: the planner's operations, plus `restoreOccurrence`, which only an undo
 * produces (bringing back an occurrence a skip week cancelled).
 */
import { OperationSchema, TimeRangeSchema, type CalendarEvent, type Operation } from '@frontload/domain';
import Type, { type Static } from 'typebox';

export const RestoreOccurrenceSchema = Type.Object(
  {
    kind: Type.Literal('restoreOccurrence'),
    key: Type.String({ minLength: 1 }),
    eventId: Type.String({ minLength: 1 }),
    reason: Type.String({ minLength: 1 }),
    emails: Type.Array(Type.String()),
    before: TimeRangeSchema,
  },
  { additionalProperties: false },
);
export type RestoreOccurrence = Static<typeof RestoreOccurrenceSchema>;

export const LedgerOperationSchema = Type.Union([OperationSchema, RestoreOccurrenceSchema]);
export type LedgerOperation = Operation | RestoreOccurrence;

/** Kinds that change a user's meeting (and so need the user to organize it) vs. our own focus blocks. */
export const MEETING_KINDS = new Set([
  'moveSeries',
  'moveOccurrence',
  'cancelOccurrence',
  'restoreOccurrence',
]);

/** The event a kind acts on at the provider: a series move patches the series master. */
export function providerTarget(op: LedgerOperation): string {
  return op.kind === 'moveSeries' ? op.seriesId : op.eventId;
}

/**
 * What executing one operation did: applied (written now, or found already done), skipped with a
 * reason, or failed with a reason (the provider would not take it, and trying again would not help).
 */
export type ExecutionResult =
  | { status: 'applied'; before: CalendarEvent | undefined; after: CalendarEvent | undefined; wrote: boolean }
  | { status: 'skipped'; before: CalendarEvent | undefined; reason: string; resync: boolean }
  | { status: 'failed'; before: CalendarEvent | undefined; reason: string };
