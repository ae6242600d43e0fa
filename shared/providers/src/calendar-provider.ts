/**
 * The one narrow interface every calendar provider implements (STYLE.md §2 rule 7). It speaks
 * domain types only: provider SDK types stay inside `google/` and `microsoft/`. Every method maps
 * provider failures to a {@link ProviderError} kind; none persists tokens, reads env or logs secrets.
 */
import type {
  CalendarEvent,
  CounterpartAvailability,
  FocusAutoDecline,
  FocusChatStatus,
  FrontloadTag,
  WorkingHours,
} from '@frontload/domain';
import type { ProviderCallHook } from './call-hooks.js';
import type { ProviderKind } from './provider-error.js';

/** Hands out a valid access token, refreshing (and persisting a rotated refresh token) as needed. */
export interface TokenSource {
  getAccessToken(): Promise<string>;
  /** Called after a 401: the next getAccessToken() must not return the same token. */
  invalidate(): void;
}

/** A half-open time window as RFC 3339 UTC instants. */
export interface TimeWindow {
  start: string;
  end: string;
}

/** One change to the mirror. A `delete` is an explicit tombstone from the provider, never a guess. */
export type EventChange =
  | { type: 'upsert'; event: CalendarEvent }
  | { type: 'delete'; id: string; seriesId?: string; originalStart?: string };

export interface ChangeSet {
  changes: EventChange[];
  /** Store it and pass it to the next listChanges (Google nextSyncToken, Graph deltaLink). */
  nextCursor: string;
  /** True when this was a full listing (no cursor given): the caller replaces its mirror with it. */
  full: boolean;
}

export interface ListChangesRequest {
  /** Absent: full sync. Present: incremental; an expired cursor throws ProviderError `cursor_expired`. */
  cursor?: string;
  /** Google ignores it on incremental syncs (forbidden with syncToken); Graph fixes it at the first call. */
  window: TimeWindow;
}

export interface CalendarSettings {
  /** IANA zone (Graph's Windows names are mapped). */
  timeZone: string;
  /** Known for Microsoft (mailbox settings); Google has no working-hours API. */
  workingHours?: WorkingHours;
  /** The zone the working hours are in (IANA), when the provider names one it can be mapped from. */
  workingHoursZone?: string;
}

export interface MoveEventInput {
  /** The event to move: a single event, an occurrence, or (moving a whole series) the series master. */
  id: string;
  start: string;
  end: string;
  /** The zone to write the times in (recurring events need one). */
  zone: string;
  /** Precondition: the write fails with ProviderError `conflict` if the event changed since. */
  etag?: string;
  /** Tell the attendees (one update email per attendee); false for events with nobody to tell. */
  notifyAttendees: boolean;
  /**
   * Moving a whole series to another day: the ISO weekday (1 = Monday) it meets on from now on. The
   * adapter rewrites the recurrence rule's day along with the times (patching the start alone would
   * keep the old BYDAY and the occurrences would stay where they were).
   */
  seriesWeekday?: number;
}

export interface CreateEventInput {
  /**
   * Chosen by us and derived from the operation, so a retried create never duplicates: a Google event
   * id (base32hex, 5–1024 chars) and a Graph transactionId. Creating an id that exists returns it.
   */
  clientId: string;
  title: string;
  start: string;
  end: string;
  zone: string;
  tag: FrontloadTag;
  /** Google `eventType: focusTime` where the account supports it; otherwise a busy tagged event. */
  focusTime: boolean;
  /**
   * Google focus time only: which conflicting invitations Calendar declines by itself (absent: none)
   * and the Chat status during the block (absent: available). Other providers ignore them.
   */
  autoDecline?: FocusAutoDecline;
  chatStatus?: FocusChatStatus;
}

export interface PushChannel {
  channelId: string;
  /** Google resourceId / Graph subscription id; needed to stop the channel. */
  resourceId: string;
  /** Epoch milliseconds the provider granted. */
  expiresAt: number;
}

export interface WatchInput {
  channelId: string;
  /** HTTPS URL the provider POSTs notifications to. */
  address: string;
  /** Secret echoed in every notification (Google token, Graph clientState); verify it on receipt. */
  secret: string;
  /** Graph lifecycle notifications URL. */
  lifecycleAddress?: string;
  ttlSeconds: number;
}

/** An occurrence's own fields a skip-week cancellation changes, as they were before it. */
export interface OccurrenceFields {
  status: 'confirmed' | 'tentative';
  /** The occurrence's description (its agenda), or null when it had none. */
  description: string | null;
}

/**
 * A series' recurrence exactly as the provider holds it (Google: its RRULE/EXDATE lines; Graph: its
 * recurrence object), as opaque text: read before a split and handed back to rejoin it on undo.
 */
export type SeriesRule = string;

/**
 * Moving a series from one occurrence on ("this and following"): the old series ends just before
 * `from` (its past occurrences keep their times) and a new series continues it at the new time.
 */
export interface SplitSeriesInput {
  /** The series master. */
  id: string;
  /** The original start of the first occurrence that moves: the old series ends just before it. */
  from: string;
  /** The continuing series' id, chosen by us as for createEvent, so a replay finds what it created. */
  clientId: string;
  /** The first moved occurrence's new slot; the continuing series meets on its weekday and time in `zone`. */
  start: string;
  end: string;
  zone: string;
  /** Given the old series' rule as it is, before anything is written (undo hands it to rejoinSeries). */
  keep?: (rule: SeriesRule) => Promise<void>;
}

export interface CalendarProvider {
  readonly kind: ProviderKind;
  listChanges(request: ListChangesRequest): Promise<ChangeSet>;
  getEvent(id: string): Promise<CalendarEvent | undefined>;
  getSettings(): Promise<CalendarSettings>;
  /** Busy times (and Graph working hours) of other people, in as few calls as the provider allows. */
  freeBusy(emails: string[], window: TimeWindow): Promise<CounterpartAvailability[]>;
  moveEvent(input: MoveEventInput): Promise<CalendarEvent>;
  createEvent(input: CreateEventInput): Promise<CalendarEvent>;
  /**
   * Cancels one occurrence (never the series), sending `message` to the attendees. Where the
   * cancellation itself changes the occurrence's own fields (Google: the message goes in the
   * description), `keep` is given them as they are, before anything is written.
   */
  cancelOccurrence(input: {
    id: string;
    etag?: string;
    message: string;
    keep?: (fields: OccurrenceFields) => Promise<void>;
  }): Promise<void>;
  /**
   * Brings back an occurrence we cancelled (undo), where the provider allows it, with `fields` as
   * `keep` was given them when it was cancelled.
   */
  restoreOccurrence(input: { id: string; fields?: OccurrenceFields }): Promise<CalendarEvent>;
  /**
   * Ends the series just before `from` and continues it from there as a new series at the new time,
   * telling the attendees (one update for the ended series, one invitation for the continuing one).
   * Idempotent: a replay ends the series at the same instant and finds the continuing series by id.
   */
  splitSeries(input: SplitSeriesInput): Promise<{ ended: CalendarEvent; continuing: CalendarEvent }>;
  /**
   * Undo of a split: the series' rule back as `keep` was given it, the continuing series deleted (one
   * update and one cancellation per attendee). Already rejoined counts as done.
   */
  rejoinSeries(input: { id: string; rule: SeriesRule; continuingId: string }): Promise<CalendarEvent>;
  /** Deletes an event we created. Already gone counts as done. */
  deleteEvent(input: { id: string; etag?: string }): Promise<void>;
  watch(input: WatchInput): Promise<PushChannel>;
  renewWatch(input: WatchInput & { resourceId: string }): Promise<PushChannel>;
  unwatch(channel: { channelId: string; resourceId: string }): Promise<void>;
}

export interface ProviderSettings {
  tokens: TokenSource;
  /** Google: the APIs root (Calendar v3 under it). Microsoft: the Graph root (v1.0 appended). */
  apiBaseUrl: string;
  /** The calendar to read and write ('primary' for Google, the default calendar for Graph). */
  calendarId?: string;
  /** Injected clock (epoch ms). */
  now: () => number;
  /**
   * The connected account's address (from the OAuth identity). Graph does not flag the user's own
   * attendee entry, so the Microsoft adapter compares addresses; without it, it reads `/me` once.
   */
  accountEmail?: string;
  /** Per-request timeout in ms (default 30 s); a request that times out is a `transient` failure. */
  requestTimeoutMs?: number;
  /** Called around every request (metrics, the per-account limiter); see call-hooks.ts. */
  callHooks?: readonly ProviderCallHook[];
}
