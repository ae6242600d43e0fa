/**
 * A calendar as the sandbox holds it, in one provider-neutral shape for comparing: content only
 * (summary, times as instants, status, attendees and their answers, recurrence, our tag), never
 * provider ids or etags, which differ between two runs of the same script.
 */
import type { RunningSandbox } from '@frontload/testing';
import { Temporal } from 'temporal-polyfill';

type When = { dateTime?: string; date?: string; timeZone?: string };
/** An event as the sandbox dumps it: Google or Graph fields. */
export type RawEvent = {
  id: string;
  summary?: string;
  subject?: string;
  status?: string;
  isCancelled?: boolean;
  isAllDay?: boolean;
  start?: When;
  end?: When;
  recurrence?: unknown;
  recurringEventId?: string;
  seriesMasterId?: string | null;
  originalStartTime?: When;
  originalStart?: string;
  transactionId?: string | null;
  extendedProperties?: { private?: Record<string, string> };
  organizer?: { email?: string; emailAddress?: { address?: string } };
  isOrganizer?: boolean;
  attendees?: {
    email?: string;
    responseStatus?: string;
    emailAddress?: { address?: string };
    status?: { response?: string };
  }[];
};

export interface ViewEvent {
  id: string;
  /** The series this event is an occurrence or exception of. */
  masterId?: string;
  /** Frontload's key for an event it created (Google event id, Graph transactionId). */
  ourKey?: string;
  organizedByUser: boolean;
  recurring: boolean;
  allDay: boolean;
  cancelled: boolean;
  /** Comparable content (JSON of the fields above the ids). */
  content: string;
  start: string;
}

function instant(when: When | undefined): string {
  if (!when) return '';
  if (when.date) return when.date;
  const text = when.dateTime ?? '';
  if (/(Z|[+-]\d\d:\d\d)$/.test(text)) return Temporal.Instant.from(text).toString();
  const plain = Temporal.PlainDateTime.from(text);
  const zone = !when.timeZone || when.timeZone === 'UTC' ? 'UTC' : when.timeZone;
  return plain.toZonedDateTime(zone).toInstant().toString();
}

export function viewOf(e: RawEvent, userEmail: string): ViewEvent {
  const ourKey =
    e.extendedProperties?.private?.frontload !== undefined
      ? e.id
      : e.transactionId?.startsWith('frontload.')
        ? e.transactionId
        : undefined;
  const cancelled = e.status === 'cancelled' || e.isCancelled === true;
  const attendees = (e.attendees ?? [])
    .map(
      (a) =>
        `${(a.email ?? a.emailAddress?.address ?? '').toLowerCase()}:${a.responseStatus ?? a.status?.response ?? ''}`,
    )
    .sort();
  const organizer = (e.organizer?.email ?? e.organizer?.emailAddress?.address ?? '').toLowerCase();
  const start = instant(e.start);
  const content = JSON.stringify({
    summary: e.summary ?? e.subject ?? '',
    start,
    end: instant(e.end),
    cancelled,
    original: e.originalStartTime ? instant(e.originalStartTime) : (e.originalStart ?? null),
    recurrence: e.recurrence ?? null,
    attendees,
    ours: ourKey !== undefined,
  });
  const masterId = e.recurringEventId ?? e.seriesMasterId ?? undefined;
  return {
    id: e.id,
    ...(masterId ? { masterId } : {}),
    ...(ourKey ? { ourKey } : {}),
    organizedByUser: e.isOrganizer ?? organizer === userEmail.toLowerCase(),
    recurring: Boolean(e.recurrence) || masterId !== undefined,
    allDay: Boolean(e.start?.date) || e.isAllDay === true,
    cancelled,
    content,
    start,
  };
}

/** The account's calendar (cancelled exceptions included: they are content too). */
export async function calendarView(
  sandbox: RunningSandbox,
  accountId: string,
  userEmail: string,
): Promise<ViewEvent[]> {
  const raw = await sandbox.control<RawEvent[]>('GET', `/accounts/${accountId}/events`);
  // A deleted event is a bare tombstone in Google's listing: nothing is left of it to compare.
  return raw
    .filter((e) => !(e.status === 'cancelled' && !e.recurringEventId))
    .map((e) => viewOf(e, userEmail))
    .sort((a, b) => a.content.localeCompare(b.content));
}

/** The multiset of contents, for comparing two runs. */
export const contents = (events: ViewEvent[]) => events.map((e) => e.content).sort();

/**
 * Whether an event still lies ahead at `atMs`: series masters always (they recur into the future),
 * an exception by its original slot, anything else by its end.
 */
export function ahead(e: ViewEvent, atMs: number): boolean {
  if (e.recurring && !e.masterId) return true;
  const { end, original } = JSON.parse(e.content) as { end: string; original: string | null };
  const when = e.masterId ? original : end;
  return when === null || when === '' || Date.parse(when) >= atMs;
}
