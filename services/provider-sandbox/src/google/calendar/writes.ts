/** events.insert / update / patch / delete on the caller's calendar, with Google's preconditions. */
import type { SandboxAccount } from '../../core/types.js';
import { gerr } from '../errors.js';
import { declineExistingInvitations, declineNewInvitations } from './auto-decline.js';
import { buildEvent } from './build-event.js';
import type { CalendarDeps } from './context.js';
import { emailsFor, type SendUpdates } from './emails.js';
import { checkEventInput, mergePatch, type EventInput } from './event-input.js';
import { resolveEvent } from './instances.js';
import type { StoredEvent } from './model.js';
import { etagOf, toGoogleEvent, type ViewContext } from './serialize.js';
import { guardAttendeeChange } from './organizer-rules.js';
import { whenMs } from './time.js';

export interface WriteResult {
  event: StoredEvent;
  emails: ReturnType<typeof emailsFor>;
}

interface WriteOptions {
  sendUpdates: SendUpdates;
  ifMatch?: string;
}

function input(body: unknown): EventInput {
  const checked = checkEventInput(body);
  if (!checked) throw gerr.invalid();
  return checked;
}

const isGoogleUser = (deps: CalendarDeps) => (email: string) =>
  deps.core.accounts.byEmail('google', email) !== undefined;

export function insertEvent(
  deps: CalendarDeps,
  account: SandboxAccount,
  body: unknown,
  options: WriteOptions,
): WriteResult {
  const parsed = input(body);
  // Client-chosen ids make creates idempotent; reuse is 409 duplicate (PROVIDERS.md §4).
  if (parsed.id !== undefined && deps.store.get(parsed.id)) throw gerr.duplicate();
  const nowMs = deps.core.clock.nowMs();
  // Attendees whose focus time declines invitations over this one decline it as it arrives.
  const event = declineNewInvitations(deps, undefined, buildEvent(parsed, { account, nowMs }));
  deps.store.commit(event);
  declineExistingInvitations(deps, event, nowMs);
  return { event, emails: emailsFor(undefined, event, options.sendUpdates, isGoogleUser(deps)) };
}

/** The event as the calendar shows it, or 404 (deleted events, and events the calendar lost, are gone). */
export function findOnCalendar(deps: CalendarDeps, account: SandboxAccount, eventId: string): StoredEvent {
  const event = resolveEvent(deps.store, eventId, account.timeZone);
  if (!event || !deps.store.members(event).includes(account.email)) throw gerr.notFound();
  return event;
}

function checkEtag(event: StoredEvent, ifMatch: string | undefined) {
  // PROVIDERS.md §4: If-Match with a stale etag is 412 conditionNotMet.
  if (ifMatch !== undefined && ifMatch !== '*' && ifMatch !== etagOf(event)) throw gerr.conditionNotMet();
}

export function replaceEvent(
  deps: CalendarDeps,
  account: SandboxAccount,
  eventId: string,
  body: unknown,
  options: WriteOptions,
): WriteResult {
  const existing = findOnCalendar(deps, account, eventId);
  if (existing.deleted) throw gerr.notFound();
  checkEtag(existing, options.ifMatch);
  const parsed = input(body);
  const organizer = deps.core.accounts.byEmail('google', existing.organizer.email) ?? account;
  const nowMs = deps.core.clock.nowMs();
  const built = declineNewInvitations(
    deps,
    existing,
    buildEvent(parsed, { account: organizer, nowMs, existing }),
  );
  if (existing.calendarId !== account.email) guardAttendeeChange(existing, built, account.email, parsed);
  // The writer's private properties belong to the writer's copy, organizer or not. update is a full
  // replace (PROVIDERS.md §4), so a body without them clears the writer's; patch sends back the merged ones.
  const priv = parsed.extendedProperties?.private;
  built.privateProperties = { ...existing.privateProperties };
  if (priv) built.privateProperties[account.email] = { ...priv };
  else delete built.privateProperties[account.email];
  const before = deps.store.members(existing);
  deps.store.commit(built, before);
  if (startsDeclining(existing, built)) declineExistingInvitations(deps, built, nowMs);
  const emails =
    existing.calendarId === account.email
      ? emailsFor(existing, built, options.sendUpdates, isGoogleUser(deps))
      : [];
  return { event: built, emails };
}

/** A focus time moved, or switched to declining all conflicts: what is now under it gets declined. */
function startsDeclining(existing: StoredEvent, built: StoredEvent): boolean {
  const mode = (e: StoredEvent) => e.focusTimeProperties?.autoDeclineMode;
  return (
    mode(built) !== mode(existing) ||
    whenMs(built.start, 'UTC') !== whenMs(existing.start, 'UTC') ||
    whenMs(built.end, 'UTC') !== whenMs(existing.end, 'UTC')
  );
}

export function patchEvent(
  deps: CalendarDeps,
  account: SandboxAccount,
  view: ViewContext,
  eventId: string,
  body: unknown,
  options: WriteOptions,
): WriteResult {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw gerr.invalid();
  const existing = findOnCalendar(deps, account, eventId);
  if (existing.deleted) throw gerr.notFound();
  checkEtag(existing, options.ifMatch);
  // G-EV: the organizer's copy of a cancelled event keeps its details (so it can be undeleted); a
  // patch applies to them, not to the id-only tombstone that other readers see.
  const organizerCopy = existing.status === 'cancelled' && existing.calendarId === account.email;
  const base = organizerCopy ? { ...existing, status: 'confirmed' as const } : existing;
  const current = {
    ...toGoogleEvent(base, { ...view, zone: 'UTC' }, deps.store.members(existing)),
    status: existing.status,
  };
  return replaceEvent(deps, account, eventId, mergePatch(current, body as Record<string, unknown>), {
    ...options,
    ifMatch: undefined,
  });
}

export function deleteEvent(
  deps: CalendarDeps,
  account: SandboxAccount,
  eventId: string,
  options: WriteOptions,
): WriteResult {
  const existing = resolveEvent(deps.store, eventId, account.timeZone);
  const shown =
    existing !== undefined &&
    (deps.store.isOn(existing, account.email) || existing.calendarId === account.email);
  if (!existing || !shown) throw gerr.notFound();
  // PROVIDERS.md §7: deleting an already-deleted event is 410 `deleted`.
  const gone =
    existing.deleted ||
    existing.status === 'cancelled' ||
    !deps.store.members(existing).includes(account.email);
  if (gone) throw gerr.deleted();
  checkEtag(existing, options.ifMatch);
  const before = deps.store.members(existing);
  const nowMs = deps.core.clock.nowMs();
  if (existing.calendarId !== account.email) return removeForAttendee(deps, account, existing, before, nowMs);
  const after: StoredEvent =
    existing.recurringEventId !== undefined
      ? { ...existing, status: 'cancelled', updatedMs: nowMs } // a cancelled exception keeps the slot hidden
      : { ...existing, status: 'cancelled', deleted: true, updatedMs: nowMs };
  deps.store.commit(after, before);
  if (existing.recurrence) {
    for (const exception of deps.store.exceptionsOf(existing.id)) {
      if (!exception.deleted)
        deps.store.commit(
          { ...exception, deleted: true, status: 'cancelled', updatedMs: nowMs },
          deps.store.members(exception),
        );
    }
  }
  return { event: after, emails: emailsFor(existing, undefined, options.sendUpdates, isGoogleUser(deps)) };
}

/** An attendee deleting a meeting removes it from their own calendar and declines it. */
function removeForAttendee(
  deps: CalendarDeps,
  account: SandboxAccount,
  existing: StoredEvent,
  before: string[],
  nowMs: number,
): WriteResult {
  const after: StoredEvent = {
    ...existing,
    attendees: (existing.attendees ?? []).map((a) =>
      a.email === account.email ? { ...a, responseStatus: 'declined' } : a,
    ),
    removedFrom: [...existing.removedFrom, account.email],
    updatedMs: nowMs,
  };
  deps.store.commit(after, before);
  return { event: after, emails: [] };
}
