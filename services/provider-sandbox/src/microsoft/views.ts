/**
 * Materialises what Graph shows: single instances and series masters (GET /events), expanded occurrences
 * and exceptions (calendarView, delta, instances). Delta returns instances, never masters (PROVIDERS.md §2).
 */
import type { EventFields, EventView, StoredEvent } from './model.js';
import { isOccurrence, occurrenceStarts } from './recurrence.js';
import { occurrenceId, parseOccurrenceId, type MicrosoftStore } from './store.js';

export function masterView(event: StoredEvent): EventView {
  return {
    id: event.id,
    type: event.recurrence === null ? 'singleInstance' : 'seriesMaster',
    event,
    seriesMasterId: null,
    originalStartMs: null,
    fields: event.fields,
    isCancelled: event.isCancelled,
    version: String(event.version),
    lastModifiedMs: event.lastModifiedMs,
  };
}

function instanceView(master: StoredEvent, originalStartMs: number): EventView | undefined {
  const state = master.exceptions.get(originalStartMs);
  if (state?.deleted === true) return undefined;
  const duration = master.fields.endMs - master.fields.startMs;
  const base: EventFields = { ...master.fields, startMs: originalStartMs, endMs: originalStartMs + duration };
  const fields: EventFields = state === undefined ? base : { ...base, ...state.overrides };
  return {
    id: occurrenceId(master.id, originalStartMs),
    type: state === undefined ? 'occurrence' : 'exception',
    event: master,
    seriesMasterId: master.id,
    originalStartMs,
    fields,
    isCancelled: master.isCancelled || state?.isCancelled === true,
    version: `${master.seriesVersion}.${state?.version ?? 0}`,
    lastModifiedMs: state?.lastModifiedMs ?? master.seriesModifiedMs,
  };
}

const overlaps = (f: EventFields, fromMs: number, toMs: number): boolean =>
  f.startMs < toMs && (f.endMs > fromMs || (f.endMs === f.startMs && f.startMs >= fromMs));

/** Occurrences and exceptions of a series overlapping the window, in start order. */
export function instancesOf(master: StoredEvent, fromMs: number, toMs: number): EventView[] {
  const starts = new Set(occurrenceStarts(master, fromMs, toMs));
  // Exceptions moved into the window from a slot outside it still belong to it.
  for (const [start, state] of master.exceptions) if (!state.deleted) starts.add(start);
  const views: EventView[] = [];
  for (const start of starts) {
    const view = instanceView(master, start);
    if (view !== undefined && overlaps(view.fields, fromMs, toMs)) views.push(view);
  }
  return views.sort((a, b) => a.fields.startMs - b.fields.startMs);
}

/** calendarView semantics: single instances plus expanded instances, masters omitted. */
export function calendarView(
  store: MicrosoftStore,
  mailboxId: string,
  fromMs: number,
  toMs: number,
): EventView[] {
  const views: EventView[] = [];
  for (const event of store.list(mailboxId)) {
    if (event.recurrence === null) {
      if (overlaps(event.fields, fromMs, toMs)) views.push(masterView(event));
    } else {
      views.push(...instancesOf(event, fromMs, toMs));
    }
  }
  return views.sort((a, b) => a.fields.startMs - b.fields.startMs || a.id.localeCompare(b.id));
}

/** Resolves any id a client may hold (single, master, occurrence, exception) within one mailbox. */
export function resolveView(store: MicrosoftStore, mailboxId: string, id: string): EventView | undefined {
  const direct = store.get(id);
  if (direct !== undefined) return direct.mailboxId === mailboxId ? masterView(direct) : undefined;
  const occ = parseOccurrenceId(id);
  if (occ === undefined) return undefined;
  const master = store.get(occ.masterId);
  if (master?.mailboxId !== mailboxId || master.recurrence === null) return undefined;
  const known = master.exceptions.has(occ.originalStartMs) || isOccurrence(master, occ.originalStartMs);
  return known ? instanceView(master, occ.originalStartMs) : undefined;
}
