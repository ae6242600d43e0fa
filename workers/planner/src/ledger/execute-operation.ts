/**
 * Executes one ledger operation against the provider, reconcile-then-act: read the event's current
 * state first, and
 *  - if it already is what the operation wants (our earlier attempt landed before a crash), record it
 *    as applied without writing again;
 *  - if it changed since the plan (etag differs) or is not ours to touch, skip it with a reason;
 *  - otherwise write, with the plan's etag as precondition.
 * Together with client-chosen ids for creates, this makes a replay after a crash at any instant
 * neither double nor lose a change.
 */
import type { CalendarEvent } from '@frontload/domain';
import type { CalendarProvider } from '@frontload/providers';
import {
  MEETING_KINDS,
  providerTarget,
  type ExecutionResult,
  type LedgerOperation,
} from './ledger-operation.js';
import { executeSeriesMove } from './series-move.js';

const sameInstant = (a: string, b: string) => Date.parse(a) === Date.parse(b);
const at = (event: CalendarEvent | undefined, range: { start: string; end: string }) =>
  event !== undefined && sameInstant(event.start, range.start) && sameInstant(event.end, range.end);
const gone = (event: CalendarEvent | undefined) => event === undefined || event.status === 'cancelled';

/** True when the provider already shows the operation's outcome. */
export function alreadyDone(op: LedgerOperation, current: CalendarEvent | undefined): boolean {
  switch (op.kind) {
    case 'moveOccurrence':
    case 'updateFocusBlock':
      return at(current, op.after);
    case 'moveSeries':
      return false; // decided by series-move.ts from the master
    case 'createFocusBlock':
      return current !== undefined && !gone(current);
    case 'deleteFocusBlock':
    case 'cancelOccurrence':
      return gone(current);
    case 'restoreOccurrence':
      return current !== undefined && current.status !== 'cancelled';
  }
}

/** Why an operation must not be executed now, or undefined when it may. */
export function refusal(op: LedgerOperation, current: CalendarEvent | undefined): string | undefined {
  if (op.kind === 'createFocusBlock' || op.kind === 'restoreOccurrence') return undefined;
  if (current === undefined) return 'the event no longer exists';
  if ('etag' in op && op.etag !== undefined && current.etag !== undefined && current.etag !== op.etag) {
    return 'the event changed after the plan was made';
  }
  if (MEETING_KINDS.has(op.kind) && !current.organizerIsSelf)
    return 'the user does not organize this meeting';
  if (!MEETING_KINDS.has(op.kind) && current.tag?.kind !== 'focusBlock')
    return 'Frontload did not create this event';
  return undefined;
}

async function write(provider: CalendarProvider, op: LedgerOperation): Promise<CalendarEvent | undefined> {
  const etag = 'etag' in op && op.etag !== undefined ? { etag: op.etag } : {};
  switch (op.kind) {
    case 'moveOccurrence':
      return provider.moveEvent({
        id: op.eventId,
        start: op.after.start,
        end: op.after.end,
        zone: 'UTC',
        notifyAttendees: true,
        ...etag,
      });
    case 'moveSeries':
      throw new Error('series moves are executed by executeSeriesMove');
    case 'updateFocusBlock':
      return provider.moveEvent({
        id: op.eventId,
        start: op.after.start,
        end: op.after.end,
        zone: 'UTC',
        notifyAttendees: false,
        ...etag,
      });
    case 'createFocusBlock':
      return provider.createEvent({
        clientId: op.eventId,
        title: op.title,
        start: op.after.start,
        end: op.after.end,
        zone: op.zone,
        tag: { kind: 'focusBlock' },
        focusTime: true,
      });
    case 'deleteFocusBlock':
      await provider.deleteEvent({ id: op.eventId, ...etag });
      return undefined;
    case 'cancelOccurrence':
      await provider.cancelOccurrence({ id: op.eventId, message: op.message, ...etag });
      return undefined;
    case 'restoreOccurrence':
      return provider.restoreOccurrence({ id: op.eventId });
  }
}

export async function executeOperation(
  provider: CalendarProvider,
  op: LedgerOperation,
): Promise<ExecutionResult> {
  if (op.kind === 'moveSeries') return executeSeriesMove(provider, op);
  const current = await provider.getEvent(providerTarget(op));
  if (alreadyDone(op, current)) return { status: 'applied', before: current, after: current, wrote: false };
  const refused = refusal(op, current);
  if (refused) return { status: 'skipped', before: current, reason: refused, resync: true };
  const after = await write(provider, op);
  return { status: 'applied', before: current, after, wrote: true };
}
