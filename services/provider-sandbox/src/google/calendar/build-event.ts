/** Turns a checked Event input into a stored event, enforcing the rules Calendar v3 enforces on writes. */
import { randomBytes } from 'node:crypto';
import type { SandboxAccount } from '../../core/types.js';
import { gerr } from '../errors.js';
import type { EventInput } from './event-input.js';
import { EVENT_ID_PATTERN, type StoredAttendee, type StoredEvent, type When } from './model.js';
import { parseRecurrence, RecurrenceError } from './recurrence.js';
import { isDate, isTimeZone, parseEventDateTime, whenMs } from './time.js';

type DateInput = NonNullable<EventInput['start']>;

const EVENT_TYPES = ['default', 'focusTime', 'outOfOffice', 'workingLocation'] as const;
const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;

/** base32hex, 26 characters: the form of ids Google generates. */
export function generateEventId(): string {
  const alphabet = '0123456789abcdefghijklmnopqrstuv';
  return [...randomBytes(26)].map((b) => alphabet[b % 32]).join('');
}

function parseWhen(input: DateInput | undefined, which: 'start' | 'end'): When {
  if (!input || (!input.date && !input.dateTime)) throw gerr.required(`Missing ${which} time.`);
  const timeZone = input.timeZone ?? undefined;
  if (timeZone !== undefined && !isTimeZone(timeZone))
    throw gerr.invalid(`Invalid time zone definition for ${which} time.`);
  if (input.date) {
    if (input.dateTime || !isDate(input.date)) throw gerr.invalid(`Invalid ${which} time.`);
    return { kind: 'date', date: input.date };
  }
  const ms = parseEventDateTime(input.dateTime ?? '', timeZone);
  if (ms === undefined) {
    throw timeZone === undefined && !/[zZ]|[+-]\d\d:\d\d$/.test(input.dateTime ?? '')
      ? gerr.invalid(`Missing time zone definition for ${which} time.`)
      : gerr.invalid(`Invalid ${which} time.`);
  }
  return { kind: 'dateTime', ms, ...(timeZone === undefined ? {} : { timeZone }) };
}

function parseAttendees(
  input: EventInput['attendees'],
  organizerEmail: string,
  previous?: StoredAttendee[],
): StoredAttendee[] | undefined {
  if (!input) return undefined;
  const seen = new Set<string>();
  const out: StoredAttendee[] = [];
  for (const a of input) {
    if (!a.email) throw gerr.required('Missing attendee email.');
    const email = a.email.trim().toLowerCase();
    if (!EMAIL.test(email)) throw gerr.invalid('Invalid attendee email.');
    if (seen.has(email)) continue;
    seen.add(email);
    const before = previous?.find((p) => p.email === email);
    out.push({
      email,
      responseStatus:
        a.responseStatus ?? before?.responseStatus ?? (email === organizerEmail ? 'accepted' : 'needsAction'),
      ...(a.displayName === undefined ? {} : { displayName: a.displayName }),
      ...(a.optional ? { optional: true } : {}),
      ...(a.resource ? { resource: true } : {}),
      ...(a.comment === undefined ? {} : { comment: a.comment }),
      ...(a.additionalGuests ? { additionalGuests: a.additionalGuests } : {}),
    });
  }
  return out;
}

function checkTimes(start: When, end: When, recurrence: string[] | undefined) {
  if (start.kind !== end.kind) throw gerr.invalid('Invalid start time.');
  const zone = 'UTC';
  if (
    whenMs(end, zone) < whenMs(start, zone) ||
    (start.kind === 'date' && whenMs(end, zone) === whenMs(start, zone))
  ) {
    throw gerr.timeRangeEmpty();
  }
  if (!recurrence || recurrence.length === 0) return;
  let rules: ReturnType<typeof parseRecurrence>;
  try {
    rules = parseRecurrence(recurrence);
  } catch (error) {
    if (error instanceof RecurrenceError) throw gerr.invalid('Invalid recurrence rule.');
    throw error;
  }
  if (rules.rrules.length === 0 && rules.rdates.length === 0) throw gerr.invalid('Invalid recurrence rule.');
  // PROVIDERS.md §6: recurring events must specify a time zone.
  if (start.kind === 'dateTime' && start.timeZone === undefined)
    throw gerr.invalid('Missing time zone definition for start time.');
}

function checkEventType(
  input: EventInput,
  account: SandboxAccount,
  start: When,
  attendees: StoredAttendee[] | undefined,
) {
  const type = input.eventType ?? 'default';
  if (!(EVENT_TYPES as readonly string[]).includes(type)) throw gerr.invalid(`Invalid event type: ${type}`);
  if (input.focusTimeProperties && type !== 'focusTime')
    throw gerr.invalid('focusTimeProperties requires eventType focusTime.');
  if (type !== 'focusTime') return type as StoredEvent['eventType'];
  // PROVIDERS.md §8.14: focus time exists only on primary calendars and not for every user.
  if (!account.focusTimeSupported)
    throw gerr.invalid('Focus time events are not supported for this calendar.');
  if (start.kind === 'date') throw gerr.invalid('Focus time events cannot be all-day events.');
  if ((attendees ?? []).some((a) => a.email !== account.email))
    throw gerr.invalid('Focus time events cannot have attendees.');
  return 'focusTime';
}

export interface BuildContext {
  account: SandboxAccount;
  nowMs: number;
  existing?: StoredEvent;
  id?: string;
}

/** A full event from input (insert, or PUT over `existing`); organizer, creator and ids are kept. */
export function buildEvent(input: EventInput, ctx: BuildContext): StoredEvent {
  const { account, existing } = ctx;
  const id = existing?.id ?? input.id ?? ctx.id ?? generateEventId();
  if (!existing && input.id !== undefined && !EVENT_ID_PATTERN.test(input.id))
    throw gerr.invalid('Invalid resource id value.');
  const start = parseWhen(input.start, 'start');
  const end = parseWhen(input.end, 'end');
  const recurrence = input.recurrence ?? undefined;
  if (existing?.recurringEventId !== undefined && recurrence && recurrence.length > 0)
    throw gerr.invalid('Invalid recurrence rule.');
  checkTimes(start, end, recurrence);
  const organizer = existing?.organizer ?? { email: account.email, displayName: account.name };
  const given = parseAttendees(input.attendees, organizer.email, existing?.attendees);
  // attendeesOmitted: the client saw a shortened list; only the attendees it sent are updated.
  const attendees =
    input.attendeesOmitted && existing?.attendees ? mergeOmitted(existing.attendees, given ?? []) : given;
  const eventType = checkEventType(input, account, start, attendees);
  const privateProperties = privatePropertiesFor(input, account.email, existing);
  const timesChanged =
    existing !== undefined &&
    (whenMs(existing.start, 'UTC') !== whenMs(start, 'UTC') ||
      whenMs(existing.end, 'UTC') !== whenMs(end, 'UTC'));
  return {
    id,
    calendarId: existing?.calendarId ?? account.email,
    iCalUID: existing?.iCalUID ?? input.iCalUID ?? `${id}@google.com`,
    status: input.status ?? 'confirmed',
    deleted: false,
    ...textFields(input),
    start,
    end,
    ...(recurrence && recurrence.length > 0 ? { recurrence: [...recurrence] } : {}),
    ...(existing?.recurringEventId === undefined ? {} : { recurringEventId: existing.recurringEventId }),
    ...(existing?.originalStartTime === undefined ? {} : { originalStartTime: existing.originalStartTime }),
    ...(input.transparency ? { transparency: input.transparency } : {}),
    ...(input.visibility ? { visibility: input.visibility } : {}),
    ...(attendees && attendees.length > 0 ? { attendees } : {}),
    ...guestFlags(input),
    organizer,
    creator: existing?.creator ?? { email: account.email, displayName: account.name },
    ...typeFields(input, eventType),
    ...(input.extendedProperties?.shared ? { sharedProperties: { ...input.extendedProperties.shared } } : {}),
    privateProperties,
    ...(input.reminders
      ? {
          reminders: {
            useDefault: input.reminders.useDefault ?? false,
            ...(input.reminders.overrides ? { overrides: input.reminders.overrides } : {}),
          },
        }
      : {}),
    ...(input.source ? { source: input.source } : {}),
    sequence: (existing?.sequence ?? input.sequence ?? 0) + (timesChanged ? 1 : 0),
    createdMs: existing?.createdMs ?? ctx.nowMs,
    updatedMs: ctx.nowMs,
    version: existing?.version ?? 0,
    removedFrom: existing ? [...existing.removedFrom] : [],
  };
}

function textFields(input: EventInput) {
  return {
    ...(input.summary == null ? {} : { summary: input.summary }),
    ...(input.description == null ? {} : { description: input.description }),
    ...(input.location == null ? {} : { location: input.location }),
    ...(input.colorId == null ? {} : { colorId: input.colorId }),
  };
}

function guestFlags(input: EventInput) {
  return {
    ...(input.guestsCanModify === undefined ? {} : { guestsCanModify: input.guestsCanModify }),
    ...(input.guestsCanInviteOthers === undefined
      ? {}
      : { guestsCanInviteOthers: input.guestsCanInviteOthers }),
    ...(input.guestsCanSeeOtherGuests === undefined
      ? {}
      : { guestsCanSeeOtherGuests: input.guestsCanSeeOtherGuests }),
    ...(input.anyoneCanAddSelf === undefined ? {} : { anyoneCanAddSelf: input.anyoneCanAddSelf }),
  };
}

function typeFields(input: EventInput, eventType: StoredEvent['eventType']) {
  return {
    eventType,
    ...(eventType === 'focusTime'
      ? { focusTimeProperties: { chatStatus: 'doNotDisturb', ...input.focusTimeProperties } }
      : {}),
    ...(input.outOfOfficeProperties && eventType === 'outOfOffice'
      ? { outOfOfficeProperties: input.outOfOfficeProperties }
      : {}),
  };
}

/** `extendedProperties.private` belongs to the writer's copy; other copies keep theirs. */
function privatePropertiesFor(input: EventInput, calendar: string, existing: StoredEvent | undefined) {
  const properties = { ...existing?.privateProperties };
  const priv = input.extendedProperties?.private;
  if (priv) properties[calendar] = { ...priv };
  else if (input.extendedProperties !== undefined || !existing) delete properties[calendar];
  return properties;
}

function mergeOmitted(existing: StoredAttendee[], given: StoredAttendee[]): StoredAttendee[] {
  const updates = new Map(given.map((a) => [a.email, a]));
  const merged = existing.map((a) => updates.get(a.email) ?? a);
  return [...merged, ...given.filter((a) => !existing.some((e) => e.email === a.email))];
}
