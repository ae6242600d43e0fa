/**
 * What a provider can take back. Google confirms a cancelled instance again (G-REC); Graph's
 * `POST /cancel` moves the occurrence to Deleted Items and out of its series, and nothing restores it
 * (M-CANCEL). The preview warns about such operations, applying them needs the user's confirmation,
 * and an undo reports them instead of trying.
 */
import type { ProviderKind } from './provider-error.js';

/** Whether an occurrence this provider cancelled can be brought back (an undo of a skip week). */
export function restoresCancelledOccurrence(kind: ProviderKind): boolean {
  return kind === 'google';
}

/** Why an operation of `kind` on this provider cannot be undone, or undefined when it can. */
export function irreversibleReason(provider: ProviderKind, kind: string): string | undefined {
  if (kind === 'cancelOccurrence' && !restoresCancelledOccurrence(provider)) {
    return 'cannot be undone: Microsoft 365 cannot restore a cancelled occurrence (the cancellation is final there), so this 1:1 stays cancelled';
  }
  return undefined;
}
