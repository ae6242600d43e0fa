/**
 * What the ledger executes: the planner's operations, plus `restoreOccurrence`, which only an undo
 * produces (bringing back an occurrence a skip week cancelled).
 */
import { OperationSchema, TimeRangeSchema, type CalendarEvent, type Operation } from '@frontload/domain';
import Type, { type Static } from 'typebox';

/**
 * An occurrence's own fields a cancellation changed, recorded on its ledger operation before the
 * write (`provider_result.occurrence`) so that undo restores them field for field.
 */
export const OccurrenceFieldsSchema = Type.Object(
  {
    status: Type.Union([Type.Literal('confirmed'), Type.Literal('tentative')]),
    description: Type.Union([Type.String(), Type.Null()]),
  },
  { additionalProperties: false },
);

export type OccurrenceFields = Static<typeof OccurrenceFieldsSchema>;

export const RestoreOccurrenceSchema = Type.Object(
  {
    kind: Type.Literal('restoreOccurrence'),
    key: Type.String({ minLength: 1 }),
    eventId: Type.String({ minLength: 1 }),
    reason: Type.String({ minLength: 1 }),
    emails: Type.Array(Type.String()),
    before: TimeRangeSchema,
    /** The fields to put back, where the cancellation recorded them. */
    fields: Type.Optional(OccurrenceFieldsSchema),
  },
  { additionalProperties: false },
);
export type RestoreOccurrence = Static<typeof RestoreOccurrenceSchema>;

/**
 * Undo of a series move: the old series (`seriesId`) gets back its rule as recorded before the move
 * (`rule`), and the series that continued it (`eventId`) is deleted. `before` is the slot the moved
 * occurrence has now, `after` the one it goes back to.
 */
export const RejoinSeriesSchema = Type.Object(
  {
    kind: Type.Literal('rejoinSeries'),
    key: Type.String({ minLength: 1 }),
    eventId: Type.String({ minLength: 1 }),
    seriesId: Type.String({ minLength: 1 }),
    etag: Type.Optional(Type.String()),
    rule: Type.String({ minLength: 1 }),
    reason: Type.String({ minLength: 1 }),
    emails: Type.Array(Type.String()),
    before: TimeRangeSchema,
    after: TimeRangeSchema,
  },
  { additionalProperties: false },
);
export type RejoinSeries = Static<typeof RejoinSeriesSchema>;

/** What the ledger records of a series move (`provider_result.series`): the old rule, before any write. */
export const SeriesRecordSchema = Type.Object({ rule: Type.String({ minLength: 1 }) });

export const LedgerOperationSchema = Type.Union([
  OperationSchema,
  RestoreOccurrenceSchema,
  RejoinSeriesSchema,
]);
export type LedgerOperation = Operation | RestoreOccurrence | RejoinSeries;

/** Kinds that change a user's meeting (and so need the user to organize it) vs. our own focus blocks. */
export const MEETING_KINDS = new Set([
  'moveSeries',
  'moveOccurrence',
  'cancelOccurrence',
  'restoreOccurrence',
  'rejoinSeries',
]);

/** The event a kind acts on at the provider: a series move (or its undo) writes the series master. */
export function providerTarget(op: LedgerOperation): string {
  return op.kind === 'moveSeries' || op.kind === 'rejoinSeries' ? op.seriesId : op.eventId;
}

/**
 * What executing one operation did: applied (written now, or found already done), skipped with a
 * reason, or failed with a reason (the provider would not take it, and trying again would not help).
 */
export type ExecutionResult =
  | { status: 'applied'; before: CalendarEvent | undefined; after: CalendarEvent | undefined; wrote: boolean }
  | { status: 'skipped'; before: CalendarEvent | undefined; reason: string; resync: boolean }
  | { status: 'failed'; before: CalendarEvent | undefined; reason: string };
