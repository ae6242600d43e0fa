/**
 * Event writes as Exchange performs them: create (transactionId dedupe), PATCH of singles, masters and
 * occurrences (an edited occurrence becomes an `exception`), DELETE, and organizer-only cancel. Each write
 * returns the attendee emails Graph would send so the route can record them in the request log.
 */
import type { RequestLogEntry, SandboxAccount, SandboxCore } from '../core/types.js';
import { GraphError } from './errors.js';
import { applyEventInput, defaultFields, toRecurrence } from './event-input.js';
import type { EventInput } from './event-schema.js';
import { cancelCopies, syncCopies } from './meeting-copies.js';
import type { EventFields, EventView, OccurrenceState, StoredEvent } from './model.js';
import { checkOccurrenceMove } from './occurrence-rules.js';
import { firstOccurrence } from './recurrence.js';
import { newGraphId, newICalUId, type MicrosoftStore } from './store.js';

export type Emails = NonNullable<RequestLogEntry['emailsSent']>;
type EmailKind = Emails[number]['kind'];

function emailsFor(event: StoredEvent, fields: EventFields, kind: EmailKind): Emails {
  if (!event.isOrganizer) return [];
  const organizer = event.organizer.address.toLowerCase();
  return fields.attendees
    .filter((a) => a.emailAddress.address.toLowerCase() !== organizer)
    .map((a) => ({ to: a.emailAddress.address, kind }));
}

/**
 * Properties whose change makes Exchange send a meeting update to attendees. Personal properties
 * (categories, reminders, showAs, extended properties such as our own tag) change silently, which is
 * what keeps an autopilot's bookkeeping writes from mailing everyone (PROVIDERS.md §8.1).
 */
const MEETING_FIELDS = new Set([
  'subject',
  'body',
  'start',
  'end',
  'location',
  'locations',
  'attendees',
  'isAllDay',
  'recurrence',
  'isOnlineMeeting',
  'onlineMeetingProvider',
]);

function setExtendedProperties(event: StoredEvent, input: EventInput): void {
  for (const prop of input.singleValueExtendedProperties ?? [])
    event.extendedProperties.set(prop.id, prop.value);
}

/** Fields of `next` that differ from `base` (what an exception overrides). */
function diffFields(base: EventFields, next: EventFields): Partial<EventFields> {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(next) as (keyof EventFields)[]) {
    if (JSON.stringify(next[key]) !== JSON.stringify(base[key])) out[key] = next[key];
  }
  return out as Partial<EventFields>;
}

export class EventService {
  constructor(
    private readonly core: SandboxCore,
    private readonly store: MicrosoftStore,
  ) {}

  private now(): number {
    return this.core.clock.nowMs();
  }

  create(
    account: SandboxAccount,
    input: EventInput,
  ): { event: StoredEvent; emails: Emails; replayed: boolean } {
    if (input.transactionId !== undefined) {
      const existing = this.store.byTransaction(account.id, input.transactionId);
      if (existing !== undefined) return { event: existing, emails: [], replayed: true };
    }
    const now = this.now();
    const fields = applyEventInput(defaultFields(now), input);
    const meetingId = newGraphId();
    const event: StoredEvent = {
      id: meetingId,
      mailboxId: account.id,
      meetingId,
      iCalUId: newICalUId(),
      organizer: { name: account.name, address: account.email },
      isOrganizer: true,
      responseStatus: { response: 'organizer', timeMs: null },
      fields,
      recurrence: null,
      exceptions: new Map(),
      transactionId: input.transactionId ?? null,
      createdMs: now,
      lastModifiedMs: now,
      version: 1,
      seriesVersion: 1,
      seriesModifiedMs: now,
      isCancelled: false,
      extendedProperties: new Map(),
    };
    setExtendedProperties(event, input);
    if (input.recurrence !== undefined && input.recurrence !== null)
      this.setRecurrence(event, toRecurrence(input.recurrence, fields));
    this.store.insert(event);
    syncCopies(this.store, this.core.accounts, event, now);
    return { event, emails: emailsFor(event, event.fields, 'invitation'), replayed: false };
  }

  /** Graph anchors a series on its first slot: the master's start moves there. */
  private setRecurrence(event: StoredEvent, recurrence: StoredEvent['recurrence']): void {
    event.recurrence = recurrence;
    event.exceptions = new Map();
    const first = firstOccurrence(event);
    if (first !== undefined && first !== event.fields.startMs) {
      const duration = event.fields.endMs - event.fields.startMs;
      event.fields = { ...event.fields, startMs: first, endMs: first + duration };
    }
  }

  update(view: EventView, input: EventInput): Emails {
    if (input.transactionId !== undefined) {
      throw new GraphError(
        400,
        'ErrorInvalidPropertyUpdateSentMessage',
        'The transactionId property cannot be updated.',
      );
    }
    const event = view.event;
    const before = new Set(event.fields.attendees.map((a) => a.emailAddress.address.toLowerCase()));
    if (view.originalStartMs !== null) {
      this.updateOccurrence(view, input);
    } else {
      event.seriesVersion += 1;
      event.seriesModifiedMs = this.now();
      event.fields = applyEventInput(event.fields, input);
      // Moving a whole series drops its exceptions, as Outlook warns ("all exceptions … will be lost").
      const moved = input.start !== undefined || input.end !== undefined;
      if (moved && event.recurrence !== null && input.recurrence === undefined)
        this.setRecurrence(event, event.recurrence);
      if (input.recurrence !== undefined) {
        if (input.recurrence === null) {
          event.recurrence = null;
          event.exceptions = new Map();
        } else {
          this.setRecurrence(event, toRecurrence(input.recurrence, event.fields));
        }
      }
    }
    setExtendedProperties(event, input);
    this.store.touch(event, this.now());
    if (event.isOrganizer)
      syncCopies(this.store, this.core.accounts, event, this.now(), view.originalStartMs === null);
    if (!Object.keys(input).some((key) => MEETING_FIELDS.has(key))) return [];
    const fields = view.originalStartMs === null ? event.fields : applyEventInput(view.fields, input);
    return emailsFor(event, fields, 'update').map((e) =>
      before.has(e.to.toLowerCase()) ? e : { ...e, kind: 'invitation' as const },
    );
  }

  private updateOccurrence(view: EventView, input: EventInput): void {
    if (input.recurrence !== undefined) {
      throw new GraphError(
        400,
        'ErrorPropertyValidationFailure',
        'At least one property failed validation. recurrence cannot be set on an occurrence.',
      );
    }
    const master = view.event;
    const start = view.originalStartMs ?? 0;
    const duration = master.fields.endMs - master.fields.startMs;
    const base: EventFields = { ...master.fields, startMs: start, endMs: start + duration };
    const next = applyEventInput(view.fields, input);
    if (next.startMs !== view.fields.startMs) checkOccurrenceMove(master, start, next.startMs);
    const previous = master.exceptions.get(start);
    const state: OccurrenceState = {
      overrides: diffFields(base, next),
      deleted: false,
      isCancelled: previous?.isCancelled ?? false,
      version: (previous?.version ?? 0) + 1,
      lastModifiedMs: this.now(),
    };
    master.exceptions.set(start, state);
  }

  /** DELETE: removes from this mailbox; an organizer's deletion cancels the meeting for attendees. */
  delete(view: EventView): Emails {
    return this.removeFromCalendar(view, 'cancellation');
  }

  /** POST /cancel: organizer only (attendees get 400, PROVIDERS.md §4 M-CANCEL). */
  cancel(view: EventView): Emails {
    if (!view.event.isOrganizer) {
      throw new GraphError(
        400,
        'ErrorAccessDenied',
        "Your request can't be completed. You need to be an organizer to cancel a meeting.",
      );
    }
    return this.removeFromCalendar(view, 'cancellation');
  }

  private removeFromCalendar(view: EventView, kind: EmailKind): Emails {
    const event = view.event;
    const emails = emailsFor(event, view.fields, kind);
    const now = this.now();
    if (view.originalStartMs === null) {
      this.store.remove(event);
      if (event.isOrganizer) cancelCopies(this.store, event, now);
      return emails;
    }
    const previous = event.exceptions.get(view.originalStartMs);
    event.exceptions.set(view.originalStartMs, {
      overrides: previous?.overrides ?? {},
      deleted: true,
      isCancelled: true,
      version: (previous?.version ?? 0) + 1,
      lastModifiedMs: now,
    });
    this.store.touch(event, now);
    if (event.isOrganizer) syncCopies(this.store, this.core.accounts, event, now, false);
    return emails;
  }
}
