/**
 * Focus time's auto-decline (PROVIDERS.md §4, `focusTimeProperties`): Calendar declines, in the
 * attendee's name, invitations that overlap one of their focusTime events whose `autoDeclineMode` is
 * `declineOnlyNewConflictingInvitations` (invitations that arrive while the focus time is there) or
 * `declineAllConflictingInvitations` (those too, and the invitations already there when the focus
 * time is created or moved). The focus time's `declineMessage` becomes the attendee's response
 * comment. `declineNone` declines nothing.
 *
 * Kept to what Frontload writes and reads: single timed invitations and stored occurrences, against
 * single or recurring focus time. Occurrences of a recurring invitation that were never changed are
 * not declined one by one, nor are all-day events.
 */
import type { CalendarDeps } from './context.js';
import { overlaps, seriesInstances } from './instances.js';
import type { StoredAttendee, StoredEvent } from './model.js';
import { whenMs } from './time.js';

const DECLINING_MODES = new Set(['declineOnlyNewConflictingInvitations', 'declineAllConflictingInvitations']);

const isLive = (event: StoredEvent) => !event.deleted && event.status !== 'cancelled';

/** A timed meeting someone else organized: what auto-decline acts on. */
function isInvitation(event: StoredEvent): boolean {
  return (
    isLive(event) &&
    event.eventType === 'default' &&
    event.recurrence === undefined &&
    event.start.kind === 'dateTime'
  );
}

/** `calendar`'s focus time that declines invitations and overlaps [fromMs, toMs), if there is one. */
function decliningFocusTime(
  deps: CalendarDeps,
  calendar: string,
  fromMs: number,
  toMs: number,
): StoredEvent | undefined {
  const account = deps.core.accounts.byEmail('google', calendar);
  // Only a sandbox calendar that may hold focus time can decline (and only its own events are read).
  if (!account?.focusTimeSupported) return undefined;
  for (const event of deps.store.eventsOn(calendar)) {
    if (event.calendarId !== calendar || event.eventType !== 'focusTime' || !isLive(event)) continue;
    if (!DECLINING_MODES.has(event.focusTimeProperties?.autoDeclineMode ?? '')) continue;
    if (event.recurringEventId !== undefined) continue; // stored occurrences come with their series
    const zone = account.timeZone;
    const slots = event.recurrence ? seriesInstances(deps.store, event, zone, fromMs, toMs) : [event];
    if (slots.some((slot) => isLive(slot) && overlaps(slot, zone, fromMs, toMs))) return event;
  }
  return undefined;
}

function declined(attendee: StoredAttendee, focus: StoredEvent): StoredAttendee {
  const message = focus.focusTimeProperties?.declineMessage;
  return { ...attendee, responseStatus: 'declined', ...(message === undefined ? {} : { comment: message }) };
}

/**
 * `event` as it reaches its attendees' calendars: each attendee it newly reaches (not in `before`)
 * whose focus time declines invitations over its time has declined it.
 */
export function declineNewInvitations(
  deps: CalendarDeps,
  before: StoredEvent | undefined,
  event: StoredEvent,
): StoredEvent {
  if (!isInvitation(event) || !event.attendees) return event;
  const fromMs = whenMs(event.start, 'UTC');
  const toMs = whenMs(event.end, 'UTC');
  let changed = false;
  const attendees = event.attendees.map((attendee) => {
    const reached =
      attendee.email !== event.calendarId &&
      attendee.responseStatus !== 'declined' &&
      !(before?.attendees ?? []).some((b) => b.email === attendee.email);
    const focus = reached ? decliningFocusTime(deps, attendee.email, fromMs, toMs) : undefined;
    if (!focus) return attendee;
    changed = true;
    return declined(attendee, focus);
  });
  return changed ? { ...event, attendees } : event;
}

/**
 * With `declineAllConflictingInvitations`, a focus time that is created or moved declines the
 * invitations already on its owner's calendar over its time. Each one declined is committed.
 */
export function declineExistingInvitations(deps: CalendarDeps, focus: StoredEvent, nowMs: number): void {
  if (focus.eventType !== 'focusTime' || !isLive(focus) || focus.recurrence !== undefined) return;
  if (focus.focusTimeProperties?.autoDeclineMode !== 'declineAllConflictingInvitations') return;
  const owner = focus.calendarId;
  const fromMs = whenMs(focus.start, 'UTC');
  const toMs = whenMs(focus.end, 'UTC');
  for (const event of deps.store.eventsOn(owner)) {
    if (event.calendarId === owner || !isInvitation(event)) continue;
    if (!overlaps(event, 'UTC', fromMs, toMs)) continue;
    const self = event.attendees?.find((a) => a.email === owner);
    if (!self || self.responseStatus === 'declined' || event.removedFrom.includes(owner)) continue;
    const before = deps.store.members(event);
    deps.store.commit(
      {
        ...event,
        attendees: (event.attendees ?? []).map((a) => (a === self ? declined(a, focus) : a)),
        updatedMs: nowMs,
      },
      before,
    );
  }
}
