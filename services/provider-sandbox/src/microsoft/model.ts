/**
 * The Microsoft mailbox model. Every event lives in one mailbox (a sandbox Microsoft account). A meeting
 * is the organizer's copy plus one attendee copy per invited sandbox mailbox, linked by `meetingId` and
 * sharing `iCalUId` — the way Exchange stores meetings, which is what makes getSchedule meaningful.
 * Instants are epoch ms; zones are IANA (converted to Windows names only on the wire, see time.ts).
 */
import type { GraphWeekday } from './time.js';

export type ResponseType =
  'none' | 'organizer' | 'tentativelyAccepted' | 'accepted' | 'declined' | 'notResponded';
export type ShowAs = 'free' | 'tentative' | 'busy' | 'oof' | 'workingElsewhere' | 'unknown';
export type Sensitivity = 'normal' | 'personal' | 'private' | 'confidential';
export type Importance = 'low' | 'normal' | 'high';
export type EventType = 'singleInstance' | 'occurrence' | 'exception' | 'seriesMaster';
export type AttendeeType = 'required' | 'optional' | 'resource';

export interface EmailAddress {
  name: string;
  address: string;
}

export interface Attendee {
  type: AttendeeType;
  status: { response: ResponseType; time: string };
  emailAddress: EmailAddress;
}

export type PatternType =
  'daily' | 'weekly' | 'absoluteMonthly' | 'relativeMonthly' | 'absoluteYearly' | 'relativeYearly';
export type WeekIndex = 'first' | 'second' | 'third' | 'fourth' | 'last';
export type RangeType = 'endDate' | 'noEnd' | 'numbered';

/** Graph `patternedRecurrence`, stored with every field filled in the way Graph echoes it back. */
export interface PatternedRecurrence {
  pattern: {
    type: PatternType;
    interval: number;
    month: number;
    dayOfMonth: number;
    daysOfWeek: GraphWeekday[];
    firstDayOfWeek: GraphWeekday;
    index: WeekIndex;
  };
  range: {
    type: RangeType;
    startDate: string;
    endDate: string;
    /** Windows or IANA name as written by the client; resolved with time.ts when expanding. */
    recurrenceTimeZone: string;
    numberOfOccurrences: number;
  };
}

/** The organizer-controlled fields an occurrence may override. */
export interface EventFields {
  subject: string;
  body: { contentType: 'text' | 'html'; content: string };
  startMs: number;
  endMs: number;
  /** IANA zone the client wrote `start` in (reported as originalStartTimeZone). */
  startZone: string;
  endZone: string;
  isAllDay: boolean;
  showAs: ShowAs;
  sensitivity: Sensitivity;
  importance: Importance;
  categories: string[];
  location: { displayName: string };
  attendees: Attendee[];
  isReminderOn: boolean;
  reminderMinutesBeforeStart: number;
  responseRequested: boolean;
  allowNewTimeProposals: boolean;
  hideAttendees: boolean;
  isOnlineMeeting: boolean;
}

export interface OccurrenceState {
  overrides: Partial<EventFields>;
  /** Deleted (or cancelled by the organizer): gone from this mailbox's calendar. */
  deleted: boolean;
  /** Attendee copies of an occurrence the organizer cancelled stay visible with isCancelled (Exchange). */
  isCancelled: boolean;
  version: number;
  lastModifiedMs: number;
}

export interface StoredEvent {
  id: string;
  mailboxId: string;
  meetingId: string;
  iCalUId: string;
  organizer: EmailAddress;
  isOrganizer: boolean;
  responseStatus: { response: ResponseType; timeMs: number | null };
  fields: EventFields;
  recurrence: PatternedRecurrence | null;
  /** Keyed by the occurrence's original start (epoch ms). */
  exceptions: Map<number, OccurrenceState>;
  transactionId: string | null;
  createdMs: number;
  lastModifiedMs: number;
  version: number;
  /** Bumped only by series-level changes, so editing one occurrence leaves the others' changeKeys alone. */
  seriesVersion: number;
  seriesModifiedMs: number;
  isCancelled: boolean;
  /** singleValueExtendedProperties: property id → value. */
  extendedProperties: Map<string, string>;
}

/** One row as Graph shows it: a single instance, a series master, or one expanded occurrence/exception. */
export interface EventView {
  id: string;
  type: EventType;
  event: StoredEvent;
  seriesMasterId: string | null;
  originalStartMs: number | null;
  fields: EventFields;
  isCancelled: boolean;
  version: string;
  lastModifiedMs: number;
}

export type ChangeType = 'created' | 'updated' | 'deleted';

export interface StoreChange {
  mailboxId: string;
  eventId: string;
  changeType: ChangeType;
}
