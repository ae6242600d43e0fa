/**
 * events.list: full listings with filters, incremental listings from a sync token, singleEvents
 * expansion, and paging whose state lives server-side so changes made while a client pages are never
 * lost: the nextSyncToken on the last page stands for the moment the first page was computed.
 */
import { randomBytes } from 'node:crypto';
import type { SandboxAccount } from '../../core/types.js';
import { gerr } from '../errors.js';
import { seriesInstances, overlaps } from './instances.js';
import type { ListQuery } from './list-query.js';
import type { StoredEvent } from './model.js';
import { isTombstoneFor, toGoogleEvent, type GoogleEventJson, type ViewContext } from './serialize.js';
import type { CalendarStore } from './store.js';
import { isoUtc, whenMs } from './time.js';

interface PageState {
  calendar: string;
  items: GoogleEventJson[];
  snapshotSeq: number;
}

/**
 * How far back `updatedMin` may reach before Google answers 410 updatedMinTooLongAgo. Google does not
 * publish the window ("tombstones disappear eventually", PROVIDERS.md §2); 28 days is the sandbox's choice.
 */
export const UPDATED_MIN_WINDOW_MS = 28 * 86_400_000;

/** How far an unbounded singleEvents listing expands endless series (documented sandbox limit). */
const EXPANSION_HORIZON_MS = 730 * 86_400_000;

/**
 * Page tokens can be replayed (a client retrying a page after a timeout gets the same page), so they
 * are kept, not consumed; the oldest are forgotten past a cap so abandoned listings cannot pile up.
 */
export class PageBook {
  private readonly pages = new Map<string, PageState>();
  constructor(private readonly cap = 10_000) {}
  open(state: PageState): string {
    const token = randomBytes(24).toString('base64url');
    this.pages.set(token, state);
    if (this.pages.size > this.cap) this.pages.delete(this.pages.keys().next().value ?? token);
    return token;
  }
  take(token: string, calendar: string): PageState | undefined {
    const state = this.pages.get(token);
    return state?.calendar === calendar ? state : undefined;
  }
  clear() {
    this.pages.clear();
  }
}

export function listEvents(
  store: CalendarStore,
  pages: PageBook,
  account: SandboxAccount,
  view: ViewContext,
  query: ListQuery,
  nowMs: number,
) {
  let state: PageState;
  if (query.pageToken !== undefined) {
    const taken = pages.take(query.pageToken, account.email);
    if (!taken) throw gerr.invalidParameter('pageToken', 'Invalid page token value.');
    state = taken;
  } else {
    state = {
      calendar: account.email,
      items: computeItems(store, account, view, query, nowMs),
      snapshotSeq: store.currentSeq,
    };
  }
  const page = state.items.slice(0, query.maxResults);
  const rest = state.items.slice(query.maxResults);
  const next =
    rest.length > 0
      ? { nextPageToken: pages.open({ ...state, items: rest }) }
      : { nextSyncToken: store.issueSyncToken(account.email, state.snapshotSeq) };
  return {
    kind: 'calendar#events',
    etag: `"p${state.snapshotSeq}${nowMs}"`,
    summary: account.email,
    description: '',
    updated: isoUtc(nowMs),
    timeZone: account.timeZone,
    accessRole: 'owner',
    defaultReminders: [{ method: 'popup', minutes: 10 }],
    ...next,
    items: page,
  };
}

function computeItems(
  store: CalendarStore,
  account: SandboxAccount,
  view: ViewContext,
  query: ListQuery,
  nowMs: number,
): GoogleEventJson[] {
  let candidates: StoredEvent[];
  if (query.updatedMin !== undefined && query.updatedMin < nowMs - UPDATED_MIN_WINDOW_MS) {
    throw gerr.updatedMinTooLongAgo();
  }
  if (query.syncToken !== undefined) {
    const seq = store.syncTokenSeq(query.syncToken, account.email);
    // PROVIDERS.md §2: an invalid token is 410 fullSyncRequired; retrying the same token never helps.
    if (seq === undefined) throw gerr.fullSyncRequired();
    candidates = store.changedSince(account.email, seq);
  } else {
    candidates = store.eventsOn(account.email);
  }
  const from = query.timeMin ?? Number.NEGATIVE_INFINITY;
  const to = query.timeMax ?? Number.POSITIVE_INFINITY;
  const events = query.singleEvents ? expand(store, candidates, view.zone, query, nowMs) : candidates;
  const kept = events.filter((e) => keep(store, e, view, query, from, to));
  sortEvents(kept, query, view.zone);
  return kept.map((e) => toGoogleEvent(e, view, store.members(e)));
}

/** singleEvents=true: masters become their instances (within the window), exceptions stand in for slots. */
function expand(
  store: CalendarStore,
  candidates: StoredEvent[],
  zone: string,
  query: ListQuery,
  nowMs: number,
): StoredEvent[] {
  const from = query.timeMin ?? Number.NEGATIVE_INFINITY;
  const to = query.timeMax ?? nowMs + EXPANSION_HORIZON_MS;
  const out = new Map<string, StoredEvent>();
  for (const event of candidates) {
    if (event.recurrence && !event.deleted) {
      const lower = Number.isFinite(from) ? from : whenMs(event.start, zone);
      for (const instance of seriesInstances(store, event, zone, lower, to)) out.set(instance.id, instance);
    } else {
      // Single events, exceptions, and deleted masters (which come back as their own tombstone).
      out.set(event.id, event);
    }
  }
  return [...out.values()];
}

function keep(
  store: CalendarStore,
  event: StoredEvent,
  view: ViewContext,
  query: ListQuery,
  from: number,
  to: number,
): boolean {
  const members = store.members(event);
  const tomb = isTombstoneFor(event, view.calendar, members);
  const cancelledInstance =
    event.recurringEventId !== undefined && event.status === 'cancelled' && !event.deleted;
  // PROVIDERS.md §2: singleEvents=false still returns cancelled instances; otherwise showDeleted decides.
  if (tomb && !query.showDeleted && !(cancelledInstance && !query.singleEvents)) {
    if (query.updatedMin === undefined || event.updatedMs < query.updatedMin) return false;
  }
  if (query.updatedMin !== undefined && event.updatedMs < query.updatedMin) return false;
  if (
    query.syncToken === undefined &&
    (Number.isFinite(from) || Number.isFinite(to)) &&
    !inWindow(store, event, view.zone, from, to)
  )
    return false;
  if (query.iCalUID !== undefined && event.iCalUID !== query.iCalUID) return false;
  if (!propertiesMatch(event.privateProperties[view.calendar], query.privateExtendedProperty)) return false;
  if (!propertiesMatch(event.sharedProperties, query.sharedExtendedProperty)) return false;
  if (query.eventTypes && !query.eventTypes.includes(event.eventType)) return false;
  if (query.q !== undefined && !matchesText(event, query.q)) return false;
  return true;
}

function inWindow(store: CalendarStore, event: StoredEvent, zone: string, from: number, to: number): boolean {
  if (event.recurrence && !event.deleted) {
    const lower = Number.isFinite(from) ? from : whenMs(event.start, zone);
    const upper = Number.isFinite(to) ? to : lower + EXPANSION_HORIZON_MS;
    return seriesInstances(store, event, zone, lower, upper).length > 0;
  }
  if (event.recurringEventId !== undefined && event.status === 'cancelled' && event.originalStartTime) {
    const at = whenMs(event.originalStartTime, zone);
    return at >= from && at < to;
  }
  return overlaps(event, zone, from, to);
}

function propertiesMatch(props: Record<string, string> | undefined, wanted: [string, string][]): boolean {
  return wanted.every(([key, value]) => props?.[key] === value);
}

function matchesText(event: StoredEvent, q: string): boolean {
  const text = [
    event.summary,
    event.description,
    event.location,
    ...(event.attendees ?? []).map((a) => a.email),
  ]
    .join(' ')
    .toLowerCase();
  return q
    .toLowerCase()
    .split(/\s+/)
    .every((term) => text.includes(term));
}

function sortEvents(events: StoredEvent[], query: ListQuery, zone: string) {
  if (query.orderBy === 'updated')
    events.sort((a, b) => a.updatedMs - b.updatedMs || a.id.localeCompare(b.id));
  else
    events.sort(
      (a, b) =>
        whenMs(a.start, zone) - whenMs(b.start, zone) ||
        a.createdMs - b.createdMs ||
        a.id.localeCompare(b.id),
    );
}
