/**
 * freebusy.query: busy intervals of sandbox calendars, from opaque, non-cancelled events the calendar's
 * owner has not declined (series expanded). Unknown calendars answer `notFound` inside the calendar
 * entry, as Google does, rather than failing the request.
 */
import type { SandboxAccount } from '../../core/types.js';
import { gerr } from '../errors.js';
import type { CalendarDeps } from './context.js';
import { overlaps, seriesInstances } from './instances.js';
import type { StoredEvent } from './model.js';
import { isTombstoneFor } from './serialize.js';
import { formatInZone, isTimeZone, parseTimestamp, whenMs } from './time.js';

interface FreeBusyBody {
  timeMin?: unknown;
  timeMax?: unknown;
  timeZone?: unknown;
  items?: unknown;
  calendarExpansionMax?: unknown;
  groupExpansionMax?: unknown;
}

const MAX_CALENDARS = 50;

export function queryFreeBusy(deps: CalendarDeps, caller: SandboxAccount, body: unknown) {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw gerr.parseError();
  const q = body as FreeBusyBody;
  if (q.timeMin === undefined) throw gerr.required('Missing timeMin parameter.');
  if (q.timeMax === undefined) throw gerr.required('Missing timeMax parameter.');
  const from = typeof q.timeMin === 'string' ? parseTimestamp(q.timeMin) : undefined;
  const to = typeof q.timeMax === 'string' ? parseTimestamp(q.timeMax) : undefined;
  if (from === undefined || to === undefined) throw gerr.badRequest();
  if (to <= from) throw gerr.timeRangeEmpty();
  const zone = typeof q.timeZone === 'string' && isTimeZone(q.timeZone) ? q.timeZone : 'UTC';
  if (!Array.isArray(q.items)) throw gerr.required('Missing items parameter.');
  if (q.items.length > MAX_CALENDARS) throw gerr.invalid('Too many calendars requested.');
  const calendars: Record<string, unknown> = {};
  for (const item of q.items as unknown[]) {
    const id =
      typeof item === 'object' && item !== null && typeof (item as { id?: unknown }).id === 'string'
        ? (item as { id: string }).id
        : undefined;
    if (id === undefined) throw gerr.required('Missing calendar id.');
    const email = id === 'primary' ? caller.email : id.toLowerCase();
    const account = deps.core.accounts.byEmail('google', email);
    calendars[id] = account
      ? {
          busy: busyOf(deps, account, from, to).map(([s, e]) => ({
            start: formatInZone(s, zone),
            end: formatInZone(e, zone),
          })),
        }
      : { errors: [{ domain: 'global', reason: 'notFound' }], busy: [] };
  }
  return {
    kind: 'calendar#freeBusy',
    timeMin: formatInZone(from, 'UTC'),
    timeMax: formatInZone(to, 'UTC'),
    calendars,
  };
}

function busyOf(deps: CalendarDeps, account: SandboxAccount, from: number, to: number): [number, number][] {
  const zone = account.timeZone;
  const events: StoredEvent[] = [];
  for (const event of deps.store.eventsOn(account.email)) {
    if (event.recurrence && !event.deleted)
      events.push(...seriesInstances(deps.store, event, zone, from, to));
    else if (!event.recurringEventId) events.push(event);
  }
  const intervals = events
    .filter(
      (e) => !isTombstoneFor(e, account.email, deps.store.members(e)) && e.transparency !== 'transparent',
    )
    .filter((e) => (e.attendees ?? []).find((a) => a.email === account.email)?.responseStatus !== 'declined')
    .filter((e) => overlaps(e, zone, from, to))
    .map((e): [number, number] => [Math.max(from, whenMs(e.start, zone)), Math.min(to, whenMs(e.end, zone))])
    .sort((a, b) => a[0] - b[0]);
  const merged: [number, number][] = [];
  for (const interval of intervals) {
    const last = merged[merged.length - 1];
    if (last && interval[0] <= last[1]) last[1] = Math.max(last[1], interval[1]);
    else merged.push([...interval]);
  }
  return merged;
}
