/**
 * The operations that revert a run, in reverse order. Each carries, as its precondition etag, the
 * etag our own write produced: if the user changed the event since, the undo leaves it alone and
 * says so (execute-operation.ts skips on an etag mismatch). A cancelled occurrence comes back with
 * the fields its cancellation recorded before writing (status, description), field for field.
 */
import type { CalendarEvent, MoveSeries } from '@frontload/domain';
import type { NewOperation, OperationRow } from '@frontload/db';
import { Value } from 'typebox/value';
import {
  LedgerOperationSchema,
  OccurrenceFieldsSchema,
  SeriesRecordSchema,
  type LedgerOperation,
  type RejoinSeries,
  type OccurrenceFields,
} from './ledger-operation.js';

function inverse(
  op: LedgerOperation,
  after: CalendarEvent | undefined,
  kept: OccurrenceFields | undefined,
): LedgerOperation | undefined {
  const etag = after?.etag === undefined ? {} : { etag: after.etag };
  const key = `undo:${op.key}`;
  switch (op.kind) {
    case 'moveSeries':
    case 'moveOccurrence':
    case 'updateFocusBlock':
      return {
        ...op,
        key,
        reason: `Undo: ${op.reason}`,
        before: op.after,
        after: op.before,
        ...etag,
      } as LedgerOperation;
    case 'createFocusBlock':
      return {
        kind: 'deleteFocusBlock',
        key,
        eventId: after?.id ?? op.eventId,
        reason: 'Undo: remove the focus block Frontload added',
        emails: [],
        before: op.after,
        ...etag,
      };
    case 'deleteFocusBlock':
      // A deleted focus block comes back as a new event (ids cannot be reused); derived from the key so a retry does not duplicate it.
      return {
        kind: 'createFocusBlock',
        key,
        eventId: `${op.eventId.slice(0, 40)}u${op.key.length.toString(32)}`.replace(/[^a-v0-9]/g, '0'),
        reason: 'Undo: bring back the focus block',
        emails: [],
        title: after?.title ?? 'Focus time',
        zone: after?.zone ?? 'UTC',
        after: op.before,
      };
    case 'cancelOccurrence':
      return {
        kind: 'restoreOccurrence',
        key,
        eventId: op.eventId,
        reason: 'Undo: restore the skipped 1:1',
        emails: op.emails,
        before: op.before,
        ...(kept === undefined ? {} : { fields: kept }),
      };
    case 'restoreOccurrence':
    case 'rejoinSeries':
      return undefined;
  }
}

/**
 * The undo of a series move that split the series: its old rule back (as recorded before the move)
 * and the continuing series (`after`, the one our write created) deleted, unless the user changed it.
 */
function rejoinOf(op: MoveSeries, after: CalendarEvent, rule: string): RejoinSeries {
  return {
    kind: 'rejoinSeries',
    key: `undo:${op.key}`,
    eventId: after.id,
    seriesId: op.seriesId,
    ...(after.etag === undefined ? {} : { etag: after.etag }),
    rule,
    reason: `Undo: ${op.reason}`,
    // The old series' update and the continuing series' cancellation.
    emails: op.emails,
    before: op.after,
    after: op.before,
  };
}

export function buildUndo(rows: OperationRow[]): NewOperation[] {
  const undo: NewOperation[] = [];
  for (const row of [...rows].reverse()) {
    if (row.status !== 'applied') continue;
    const op = Value.Parse(LedgerOperationSchema, row.desired);
    const before = (row.before_snapshot ?? undefined) as CalendarEvent | undefined;
    const after = (row.after_snapshot ?? before) as CalendarEvent | undefined;
    const recorded = (row.provider_result as { occurrence?: unknown } | null)?.occurrence;
    const kept = Value.Check(OccurrenceFieldsSchema, recorded) ? recorded : undefined;
    const series = (row.provider_result as { series?: unknown } | null)?.series;
    const back =
      op.kind === 'moveSeries' && after && Value.Check(SeriesRecordSchema, series)
        ? rejoinOf(op, after, series.rule)
        : inverse(op, after, kept);
    if (!back || !row.connection_id) continue;
    undo.push({
      kind: back.kind,
      connectionId: row.connection_id,
      targetEventId: back.eventId,
      desired: back,
      reason: back.reason,
      emails: back.emails,
      key: back.key,
    });
  }
  return undo;
}
