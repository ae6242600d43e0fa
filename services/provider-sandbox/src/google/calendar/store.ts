/**
 * The events of every sandbox Google calendar. An event is stored once and shown on its organizer's
 * calendar and on the calendars of attendees who are sandbox accounts (Google keeps one event id across
 * those copies). Every change takes the next sequence number and stamps it on each calendar that saw
 * the change — including one that just lost the event — which is what sync tokens are made of.
 */
import { randomBytes } from 'node:crypto';
import type { StoredEvent } from './model.js';

interface SyncTokenState {
  calendar: string;
  seq: number;
  generation: number;
}

const MAX_SYNC_TOKENS = 100_000;

export type ChangeListener = (calendar: string) => void;

export class CalendarStore {
  private readonly events = new Map<string, StoredEvent>();
  /** master id → ids of its stored exceptions (listing a series must not scan every event). */
  private readonly exceptions = new Map<string, Set<string>>();
  /** calendar email → event id → sequence number of the last change that calendar saw. */
  private readonly entries = new Map<string, Map<string, number>>();
  private readonly generations = new Map<string, number>();
  private readonly syncTokens = new Map<string, SyncTokenState>();
  private readonly listeners = new Set<ChangeListener>();
  private seq = 0;

  constructor(private readonly isCalendar: (email: string) => boolean) {}

  get currentSeq(): number {
    return this.seq;
  }

  get(id: string): StoredEvent | undefined {
    return this.events.get(id);
  }

  /** Calendars that show the event: the organizer's and every sandbox attendee's who kept it. */
  members(event: StoredEvent): string[] {
    const emails = new Set([event.calendarId]);
    for (const attendee of event.attendees ?? []) {
      if (this.isCalendar(attendee.email)) emails.add(attendee.email);
    }
    for (const removed of event.removedFrom) if (removed !== event.calendarId) emails.delete(removed);
    return [...emails];
  }

  isOn(event: StoredEvent, calendar: string): boolean {
    return this.entries.get(calendar)?.has(event.id) === true;
  }

  /** Stores a new version; `before` is the calendars that showed the previous version. */
  commit(event: StoredEvent, before: readonly string[] = []): void {
    this.seq += 1;
    event.version += 1;
    this.events.set(event.id, event);
    if (event.recurringEventId !== undefined) {
      const ids = this.exceptions.get(event.recurringEventId) ?? new Set<string>();
      this.exceptions.set(event.recurringEventId, ids.add(event.id));
    }
    const touched = new Set([...before, ...this.members(event)]);
    for (const calendar of touched) {
      let map = this.entries.get(calendar);
      if (!map) this.entries.set(calendar, (map = new Map()));
      map.set(event.id, this.seq);
    }
    for (const calendar of touched) for (const listener of this.listeners) listener(calendar);
  }

  /** Every event the calendar has ever shown (tombstones and events it lost included). */
  eventsOn(calendar: string): StoredEvent[] {
    const ids = this.entries.get(calendar);
    if (!ids) return [];
    return [...ids.keys()].flatMap((id) => this.events.get(id) ?? []);
  }

  changedSince(calendar: string, seq: number): StoredEvent[] {
    const ids = this.entries.get(calendar);
    if (!ids) return [];
    return [...ids.entries()].filter(([, s]) => s > seq).flatMap(([id]) => this.events.get(id) ?? []);
  }

  /** Exceptions (stored instances) of a recurring series. */
  exceptionsOf(masterId: string): StoredEvent[] {
    return [...(this.exceptions.get(masterId) ?? [])].flatMap((id) => this.events.get(id) ?? []);
  }

  issueSyncToken(calendar: string, seq: number): string {
    // Opaque like Google's (`CPDAlvWDx70CEPDAlvWDx70CGAU=`); the state lives here, not in the token.
    const token = `C${randomBytes(15).toString('base64')}`;
    this.syncTokens.set(token, { calendar, seq, generation: this.generations.get(calendar) ?? 0 });
    // Past the cap the oldest tokens expire, which clients see as Google's 410 fullSyncRequired.
    if (this.syncTokens.size > MAX_SYNC_TOKENS)
      this.syncTokens.delete(this.syncTokens.keys().next().value ?? token);
    return token;
  }

  /** The sequence number a sync token stands for, or undefined when it is unknown or invalidated. */
  syncTokenSeq(token: string, calendar: string): number | undefined {
    const state = this.syncTokens.get(token);
    if (!state || state.calendar !== calendar) return undefined;
    return state.generation === (this.generations.get(calendar) ?? 0) ? state.seq : undefined;
  }

  invalidateSyncTokens(calendar: string): void {
    this.generations.set(calendar, (this.generations.get(calendar) ?? 0) + 1);
  }

  onChange(listener: ChangeListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  clear(): void {
    this.events.clear();
    this.exceptions.clear();
    this.entries.clear();
    this.generations.clear();
    this.syncTokens.clear();
    this.seq = 0;
  }
}
