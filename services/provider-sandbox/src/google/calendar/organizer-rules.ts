/**
 * What an attendee may change on their copy of someone else's event: their own response (status,
 * comment, guests), their private extended properties, reminders and color. Anything shared is the
 * organizer's — 403 forbiddenForNonOrganizer (PROVIDERS.md §7, §8.8).
 */
import { gerr } from '../errors.js';
import type { EventInput } from './event-input.js';
import type { StoredEvent } from './model.js';
import { sameWhen } from './time.js';

function shared(event: StoredEvent, self: string) {
  return JSON.stringify({
    summary: event.summary ?? '',
    description: event.description ?? '',
    location: event.location ?? '',
    status: event.status,
    recurrence: event.recurrence ?? [],
    attendees: (event.attendees ?? [])
      .filter((a) => a.email !== self)
      .map((a) => a.email)
      .sort(),
    visibility: event.visibility ?? 'default',
    sharedProperties: event.sharedProperties ?? {},
    eventType: event.eventType,
  });
}

export function guardAttendeeChange(
  existing: StoredEvent,
  built: StoredEvent,
  self: string,
  input: EventInput,
) {
  const moved = !sameWhen(existing.start, built.start) || !sameWhen(existing.end, built.end);
  const selfRemoved = !(built.attendees ?? []).some((a) => a.email === self);
  if (
    moved ||
    selfRemoved ||
    shared(existing, self) !== shared(built, self) ||
    (input.guestsCanModify !== undefined && input.guestsCanModify !== (existing.guestsCanModify ?? false))
  ) {
    if (!existing.guestsCanModify) throw gerr.forbiddenForNonOrganizer();
  }
  // Keep the organizer's view of everything the attendee may not touch.
  Object.assign(built, {
    organizer: existing.organizer,
    creator: existing.creator,
    sequence: existing.sequence,
    attendees: (existing.attendees ?? []).map((a) =>
      a.email === self ? ((built.attendees ?? []).find((b) => b.email === self) ?? a) : a,
    ),
  });
}
