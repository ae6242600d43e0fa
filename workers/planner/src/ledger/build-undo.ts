/**
 * The operations that revert a run, in reverse order. Each carries, as its precondition etag, the
 * etag our own write produced: if the user changed the event since, the undo leaves it alone and
 * says so (execute-operation.ts skips on an etag mismatch). A cancelled occurrence comes back with
 * the fields its cancellation recorded before writing (status, description), field for field.
 */
import type { CalendarEvent } from '@frontload/domain';
import type { NewOperation, OperationRow } from '@frontload/db';
import { Value } from 'typebox/value';
import {
  LedgerOperationSchema,
  OccurrenceFieldsSchema,
  type LedgerOperation,
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
      return undefined;
  }
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
    const back = inverse(op, after, kept);
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
