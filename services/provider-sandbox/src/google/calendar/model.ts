/** The stored shape of a Google event (one record per event, shared by every calendar that shows it). */

/** A start/end/originalStartTime: an all-day date, or an instant plus the zone it was written in. */
export type When = { kind: 'date'; date: string } | { kind: 'dateTime'; ms: number; timeZone?: string };

export type ResponseStatus = 'needsAction' | 'declined' | 'tentative' | 'accepted';

export interface StoredAttendee {
  email: string;
  displayName?: string;
  optional?: boolean;
  resource?: boolean;
  responseStatus: ResponseStatus;
  comment?: string;
  additionalGuests?: number;
}

export interface Person {
  email: string;
  displayName?: string;
}

export interface FocusTimeProperties {
  autoDeclineMode?: string;
  declineMessage?: string;
  chatStatus?: string;
}

export interface StoredEvent {
  id: string;
  /** Email of the calendar that owns the event (the organizer's primary calendar). */
  calendarId: string;
  iCalUID: string;
  status: 'confirmed' | 'tentative' | 'cancelled';
  /** True once deleted: the record stays as a tombstone so sync can report it. */
  deleted: boolean;
  summary?: string;
  description?: string;
  location?: string;
  colorId?: string;
  start: When;
  end: When;
  recurrence?: string[];
  recurringEventId?: string;
  originalStartTime?: When;
  transparency?: 'opaque' | 'transparent';
  visibility?: 'default' | 'public' | 'private' | 'confidential';
  attendees?: StoredAttendee[];
  guestsCanModify?: boolean;
  guestsCanInviteOthers?: boolean;
  guestsCanSeeOtherGuests?: boolean;
  anyoneCanAddSelf?: boolean;
  organizer: Person;
  creator: Person;
  eventType: 'default' | 'focusTime' | 'outOfOffice' | 'workingLocation';
  focusTimeProperties?: FocusTimeProperties;
  outOfOfficeProperties?: { autoDeclineMode?: string; declineMessage?: string };
  sharedProperties?: Record<string, string>;
  /** `extendedProperties.private` is per calendar copy (keyed by calendar email). */
  privateProperties: Record<string, Record<string, string>>;
  reminders?: { useDefault: boolean; overrides?: { method: string; minutes: number }[] };
  source?: { url: string; title: string };
  sequence: number;
  createdMs: number;
  updatedMs: number;
  /** Bumped on every change; feeds the ETag. */
  version: number;
  /** Calendars of attendees who removed the event from their own calendar. */
  removedFrom: string[];
}

/** Event ids Google accepts from clients: base32hex (a-v, 0-9), 5 to 1024 characters (PROVIDERS.md §4). */
export const EVENT_ID_PATTERN = /^[a-v0-9]{5,1024}$/;
