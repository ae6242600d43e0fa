/**
 * Executes one ledger operation against the provider, reconcile-then-act: read the event's current
 * state first, and
 *  - if it already is what the operation wants (our earlier attempt landed before a crash), record it
 *    as applied without writing again;
 *  - if it changed since the plan (etag differs) or is not ours to touch, skip it with a reason;
 *  - otherwise write, with the plan's etag as precondition.
 * Together with client-chosen ids for creates, this makes a replay after a crash at any instant
 * neither double nor lose a change.
 *
 * A create's id may be taken by an event that is gone (Google refuses the id of a deleted event with
 * 409 duplicate) or is not the block wanted: that is reconciled once, by creating under a fresh id
 * derived from the first, and if that does not land either the operation fails with the reason. No
 * operation makes more than a handful of provider calls, and none is retried in a loop.
 */
import type { CalendarEvent, CreateFocusBlock } from '@frontload/domain';
import {
  irreversibleReason,
  isProviderError,
  restoresCancelledOccurrence,
  type CalendarProvider,
} from '@frontload/providers';
import {
  MEETING_KINDS,
  providerTarget,
  type ExecutionResult,
  type LedgerOperation,
  type OccurrenceFields,
} from './ledger-operation.js';
import { executeSeriesMove, executeSeriesRejoin, type SeriesLedger } from './series-move.js';

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
    case 'rejoinSeries':
      return false; // decided by series-move.ts
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

async function write(
  provider: CalendarProvider,
  op: LedgerOperation,
  keep?: Keep,
): Promise<CalendarEvent | undefined> {
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
    case 'rejoinSeries':
      throw new Error('series moves and their undo are executed by series-move.ts');
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
        // The user's focus preferences as the plan saw them (Google focus time; absent: the defaults).
        ...(op.autoDecline ? { autoDecline: op.autoDecline } : {}),
        ...(op.chatStatus ? { chatStatus: op.chatStatus } : {}),
      });
    case 'deleteFocusBlock':
      await provider.deleteEvent({ id: op.eventId, ...etag });
      return undefined;
    case 'cancelOccurrence':
      await provider.cancelOccurrence({
        id: op.eventId,
        message: op.message,
        ...etag,
        ...(keep ? { keep } : {}),
      });
      return undefined;
    case 'restoreOccurrence':
      return provider.restoreOccurrence({
        id: op.eventId,
        ...(op.fields ? { fields: op.fields } : {}),
      });
  }
}

/** Whether `event` is the focus block a create wants: there, ours, at the planned slot. */
function isWantedBlock(op: CreateFocusBlock, event: CalendarEvent | undefined): boolean {
  return !gone(event) && event?.tag?.kind === 'focusBlock' && at(event, op.after);
}

/** The one other id a create may take when its own is spent: derived, so a replay picks the same. */
export const freshBlockId = (clientId: string) => `${clientId}n`;

/**
 * Creates a focus block under `op.eventId`, reconciling a taken id once: read what holds it, adopt it
 * when it is the wanted block, else create under {@link freshBlockId}. At most three provider calls.
 */
async function executeCreate(
  provider: CalendarProvider,
  op: CreateFocusBlock,
  guard: Guard,
): Promise<ExecutionResult> {
  const current = await provider.getEvent(op.eventId);
  if (isWantedBlock(op, current))
    return { status: 'applied', before: undefined, after: current, wrote: false };
  const refused = await guard();
  if (refused) return { status: 'skipped', before: undefined, reason: refused, resync: false };
  const fresh = freshBlockId(op.eventId);
  const attempt = async (clientId: string) => {
    try {
      return await write(provider, { ...op, eventId: clientId });
    } catch (error) {
      if (isProviderError(error) && error.kind === 'conflict') return undefined; // the id is taken
      throw error;
    }
  };
  // An id held by something else (a deleted event, another slot) is spent: go straight to the fresh one.
  let after = current === undefined ? await attempt(op.eventId) : undefined;
  if (!isWantedBlock(op, after)) after = await attempt(fresh);
  if (!isWantedBlock(op, after)) {
    return {
      status: 'failed',
      before: undefined,
      reason: `the provider would not create the focus block under ${op.eventId} or ${fresh} (both ids are taken)`,
    };
  }
  return { status: 'applied', before: undefined, after, wrote: true };
}

/**
 * The apply-time guard's verdict for the operation (see apply-guard.ts), asked only once the
 * provider shows the operation not done yet: a replay of a write that landed is recorded as applied.
 */
export type Guard = () => Promise<string | undefined>;

const noGuard: Guard = () => Promise.resolve(undefined);

/**
 * Records, before a cancellation writes, the occurrence's own fields it is about to change, so the
 * undo can put them back even when the job dies right after the write.
 */
export type Keep = (fields: OccurrenceFields) => Promise<void>;

export async function executeOperation(
  provider: CalendarProvider,
  op: LedgerOperation,
  guard: Guard = noGuard,
  keep?: Keep,
  series?: SeriesLedger & { now: number },
): Promise<ExecutionResult> {
  if (op.kind === 'moveSeries') return executeSeriesMove(provider, op, guard, series);
  if (op.kind === 'rejoinSeries') return executeSeriesRejoin(provider, op, series?.now ?? Date.now());
  if (op.kind === 'createFocusBlock') return executeCreate(provider, op, guard);
  if (op.kind === 'restoreOccurrence' && !restoresCancelledOccurrence(provider.kind)) {
    // Said plainly, without a call that can only fail (and would count as a failure against the run).
    const reason = irreversibleReason(provider.kind, 'cancelOccurrence')!;
    return { status: 'skipped', before: undefined, reason, resync: false };
  }
  const current = await provider.getEvent(providerTarget(op));
  if (alreadyDone(op, current)) return { status: 'applied', before: current, after: current, wrote: false };
  const refused = refusal(op, current);
  if (refused) return { status: 'skipped', before: current, reason: refused, resync: true };
  const guarded = await guard();
  if (guarded) return { status: 'skipped', before: current, reason: guarded, resync: false };
  const after = await write(provider, op, keep);
  return { status: 'applied', before: current, after, wrote: true };
}
