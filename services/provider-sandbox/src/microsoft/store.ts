/**
 * In-memory mailbox store for the Microsoft emulation: events per mailbox, transactionId dedupe,
 * the per-mailbox sync generation that invalidates delta tokens, and change listeners (subscriptions).
 */
import { createHash, randomBytes } from 'node:crypto';
import type { ChangeType, StoreChange, StoredEvent } from './model.js';

/** Graph ids are opaque base64 strings ("AAMkAD..."); ours are base64url so they are safe in paths. */
export function newGraphId(): string {
  return `AAMkAG${randomBytes(33).toString('base64url')}`;
}

/** iCalUId: Exchange's 040000008200E00074C5B7101A82E008… form (hex). */
export function newICalUId(): string {
  return `040000008200E00074C5B7101A82E00800000000${randomBytes(36).toString('hex').toUpperCase()}`;
}

/** changeKey / etag: a hash of the item id and its version, so it changes exactly when the item changes. */
export function changeKeyOf(id: string, version: string): string {
  return createHash('sha1').update(`${id}|${version}`).digest('base64').slice(0, 24);
}

/** Each mailbox has one (default) calendar; its id is derived so it is stable across restarts. */
export function calendarIdOf(mailboxId: string): string {
  return `AAMkCA${Buffer.from(mailboxId).toString('base64url')}`;
}

const OCCURRENCE_PREFIX = 'AAMkOC';

/** Occurrence ids are derived from the master id and the original start, so they are stable. */
export function occurrenceId(masterId: string, originalStartMs: number): string {
  return `${OCCURRENCE_PREFIX}${Buffer.from(`${masterId}:${originalStartMs}`).toString('base64url')}`;
}

export function parseOccurrenceId(id: string): { masterId: string; originalStartMs: number } | undefined {
  if (!id.startsWith(OCCURRENCE_PREFIX)) return undefined;
  const decoded = Buffer.from(id.slice(OCCURRENCE_PREFIX.length), 'base64url').toString('utf8');
  const at = decoded.lastIndexOf(':');
  const ms = Number(decoded.slice(at + 1));
  if (at <= 0 || !Number.isSafeInteger(ms)) return undefined;
  return { masterId: decoded.slice(0, at), originalStartMs: ms };
}

function index(map: Map<string, Map<string, StoredEvent>>, key: string): Map<string, StoredEvent> {
  let inner = map.get(key);
  if (inner === undefined) {
    inner = new Map();
    map.set(key, inner);
  }
  return inner;
}

export class MicrosoftStore {
  private readonly events = new Map<string, StoredEvent>();
  /** Indexes (mailbox and meeting never change after insert) so lookups stay cheap in load tests. */
  private readonly byMailbox = new Map<string, Map<string, StoredEvent>>();
  private readonly byMeeting = new Map<string, Map<string, StoredEvent>>();
  private readonly transactions = new Map<string, string>();
  private readonly generations = new Map<string, number>();
  private readonly listeners: ((change: StoreChange) => void)[] = [];

  get(id: string): StoredEvent | undefined {
    return this.events.get(id);
  }

  list(mailboxId: string): StoredEvent[] {
    return [...(this.byMailbox.get(mailboxId)?.values() ?? [])];
  }

  /** The copy of a meeting in one mailbox (organizer or attendee copy). */
  copyIn(mailboxId: string, meetingId: string): StoredEvent | undefined {
    for (const e of this.byMeeting.get(meetingId)?.values() ?? []) if (e.mailboxId === mailboxId) return e;
    return undefined;
  }

  copiesOf(meetingId: string): StoredEvent[] {
    return [...(this.byMeeting.get(meetingId)?.values() ?? [])];
  }

  byTransaction(mailboxId: string, transactionId: string): StoredEvent | undefined {
    const id = this.transactions.get(`${mailboxId}\u0000${transactionId}`);
    return id === undefined ? undefined : this.events.get(id);
  }

  insert(event: StoredEvent): void {
    this.events.set(event.id, event);
    index(this.byMailbox, event.mailboxId).set(event.id, event);
    index(this.byMeeting, event.meetingId).set(event.id, event);
    if (event.transactionId !== null) {
      this.transactions.set(`${event.mailboxId}\u0000${event.transactionId}`, event.id);
    }
    this.emit({ mailboxId: event.mailboxId, eventId: event.id, changeType: 'created' });
  }

  /** Marks an event changed: bumps its version (changeKey) and notifies listeners. */
  touch(event: StoredEvent, nowMs: number, changeType: ChangeType = 'updated'): void {
    event.version += 1;
    event.lastModifiedMs = nowMs;
    this.emit({ mailboxId: event.mailboxId, eventId: event.id, changeType });
  }

  remove(event: StoredEvent): void {
    this.events.delete(event.id);
    this.byMailbox.get(event.mailboxId)?.delete(event.id);
    this.byMeeting.get(event.meetingId)?.delete(event.id);
    this.emit({ mailboxId: event.mailboxId, eventId: event.id, changeType: 'deleted' });
  }

  generation(mailboxId: string): number {
    return this.generations.get(mailboxId) ?? 0;
  }

  invalidate(mailboxId: string): void {
    this.generations.set(mailboxId, this.generation(mailboxId) + 1);
  }

  onChange(listener: (change: StoreChange) => void): void {
    this.listeners.push(listener);
  }

  reset(): void {
    this.events.clear();
    this.byMailbox.clear();
    this.byMeeting.clear();
    this.transactions.clear();
    // Generations keep counting so delta links issued before a reset answer 410 afterwards.
    for (const id of this.generations.keys()) this.invalidate(id);
  }

  private emit(change: StoreChange): void {
    for (const listener of this.listeners) listener(change);
  }
}
