/**
 * Attendee copies: when an organizer's meeting invites other sandbox Microsoft mailboxes, Exchange puts a
 * copy in each of their calendars (isOrganizer false, responseStatus notResponded) and keeps it in step
 * with the organizer's changes. Cancelling leaves the attendee copy in place with isCancelled (PROVIDERS.md §4).
 */
import type { AccountStore } from '../core/types.js';
import type { OccurrenceState, StoredEvent } from './model.js';
import { newGraphId, type MicrosoftStore } from './store.js';

/**
 * The organizer's exceptions as the attendee sees them. Occurrences the attendee declined stay gone from
 * their calendar (`local`), occurrences the organizer deleted or cancelled show as cancelled.
 */
function cloneExceptions(
  source: Map<number, OccurrenceState>,
  local: Map<number, OccurrenceState> = new Map(),
): Map<number, OccurrenceState> {
  const out = new Map<number, OccurrenceState>();
  for (const [start, state] of source) {
    const cancelled = state.deleted || state.isCancelled;
    out.set(start, { ...state, overrides: { ...state.overrides }, deleted: false, isCancelled: cancelled });
  }
  for (const [start, state] of local) {
    if (state.deleted) out.set(start, { ...(out.get(start) ?? state), deleted: true });
  }
  return out;
}

function inviteeMailboxes(organizer: StoredEvent, accounts: AccountStore): Map<string, string> {
  const out = new Map<string, string>();
  for (const attendee of organizer.fields.attendees) {
    // A declined meeting left the attendee's calendar; processing later responses must not bring it back.
    if (attendee.status.response === 'declined') continue;
    const account = accounts.byEmail('microsoft', attendee.emailAddress.address.toLowerCase());
    if (account !== undefined && account.id !== organizer.mailboxId)
      out.set(account.id, attendee.emailAddress.address);
  }
  return out;
}

/** Creates, refreshes or cancels attendee copies so they mirror the organizer's event. */
export function syncCopies(
  store: MicrosoftStore,
  accounts: AccountStore,
  organizer: StoredEvent,
  nowMs: number,
  seriesChanged = true,
): void {
  const invitees = inviteeMailboxes(organizer, accounts);
  for (const copy of store.copiesOf(organizer.meetingId)) {
    if (copy.isOrganizer || invitees.has(copy.mailboxId)) continue;
    // Removed from the attendee list: Exchange sends a cancellation to that attendee.
    copy.isCancelled = true;
    copy.seriesVersion += 1;
    store.touch(copy, nowMs);
  }
  for (const mailboxId of invitees.keys()) {
    const existing = store.copyIn(mailboxId, organizer.meetingId);
    if (existing === undefined) {
      store.insert({
        ...organizer,
        id: newGraphId(),
        mailboxId,
        isOrganizer: false,
        responseStatus: { response: 'notResponded', timeMs: null },
        // Outlook shows an unanswered meeting request as tentative in the attendee's calendar.
        fields: {
          ...organizer.fields,
          isReminderOn: true,
          showAs: organizer.fields.showAs === 'free' ? 'free' : 'tentative',
        },
        exceptions: cloneExceptions(organizer.exceptions),
        transactionId: null,
        createdMs: nowMs,
        lastModifiedMs: nowMs,
        version: 1,
        seriesVersion: 1,
        seriesModifiedMs: nowMs,
        extendedProperties: new Map(),
      });
      continue;
    }
    // Reminders, showAs and categories are the attendee's own; everything else follows the organizer.
    const own = existing.fields;
    existing.fields = {
      ...organizer.fields,
      isReminderOn: own.isReminderOn,
      reminderMinutesBeforeStart: own.reminderMinutesBeforeStart,
      showAs: own.showAs,
      categories: own.categories,
    };
    existing.recurrence = organizer.recurrence;
    existing.exceptions = cloneExceptions(organizer.exceptions, existing.exceptions);
    existing.isCancelled = organizer.isCancelled;
    if (seriesChanged) {
      existing.seriesVersion += 1;
      existing.seriesModifiedMs = nowMs;
    }
    store.touch(existing, nowMs);
  }
}

/** Organizer deleted or cancelled the whole meeting: attendee copies stay, marked cancelled. */
export function cancelCopies(store: MicrosoftStore, organizer: StoredEvent, nowMs: number): void {
  for (const copy of store.copiesOf(organizer.meetingId)) {
    if (copy.isOrganizer) continue;
    copy.isCancelled = true;
    copy.seriesVersion += 1;
    store.touch(copy, nowMs);
  }
}
