/** Instances of recurring series: virtual ones computed from the master, stored ones (exceptions). */
import type { StoredEvent, When } from './model.js';
import { instanceEnd, instanceStarts } from './recurrence.js';
import type { CalendarStore } from './store.js';
import { instanceSuffix, sameWhen, whenMs } from './time.js';

/** The instance of `master` at `start`, as Google shows an unmodified occurrence. */
export function virtualInstance(master: StoredEvent, start: When): StoredEvent {
  const { recurrence: _recurrence, ...rest } = master;
  return {
    ...rest,
    id: `${master.id}_${instanceSuffix(start)}`,
    recurringEventId: master.id,
    originalStartTime: start,
    start,
    end: instanceEnd(master, start),
    privateProperties: { ...master.privateProperties },
    removedFrom: [...master.removedFrom],
  };
}

/**
 * Every instance of a series overlapping [fromMs, toMs): exceptions replace the slot they came from
 * (a moved exception is included where it now lies); cancelled slots come back as cancelled events.
 */
export function seriesInstances(
  store: CalendarStore,
  master: StoredEvent,
  zone: string,
  fromMs: number,
  toMs: number,
): StoredEvent[] {
  const exceptions = store.exceptionsOf(master.id);
  const byOriginal = (when: When) => exceptions.find((e) => sameWhen(e.originalStartTime, when));
  const out = instanceStarts(master, zone, fromMs, toMs).map(
    (start) => byOriginal(start) ?? virtualInstance(master, start),
  );
  const included = new Set(out.map((e) => e.id));
  for (const exception of exceptions) {
    if (!included.has(exception.id) && overlaps(exception, zone, fromMs, toMs)) out.push(exception);
  }
  return out;
}

export function overlaps(event: StoredEvent, zone: string, fromMs: number, toMs: number): boolean {
  const start = whenMs(event.start, zone);
  const end = whenMs(event.end, zone);
  return end > fromMs && start < toMs;
}

/**
 * Resolves an event id on a calendar: a stored event, or an unmodified instance named
 * `<masterId>_<YYYYMMDDTHHMMSSZ>` (all-day: `<masterId>_<YYYYMMDD>`) of a live series.
 */
export function resolveEvent(store: CalendarStore, id: string, zone: string): StoredEvent | undefined {
  const stored = store.get(id);
  if (stored) return stored;
  const m = /^(.+)_(\d{8})(T\d{6}Z)?$/.exec(id);
  const master = m?.[1] === undefined ? undefined : store.get(m[1]);
  if (!m || !master || master.deleted || !master.recurrence) return undefined;
  const slot: When = m[3]
    ? {
        kind: 'dateTime',
        ms: Date.parse(
          `${m[2]?.slice(0, 4)}-${m[2]?.slice(4, 6)}-${m[2]?.slice(6, 8)}T${m[3].slice(1, 3)}:${m[3].slice(3, 5)}:${m[3].slice(5, 7)}Z`,
        ),
      }
    : { kind: 'date', date: `${m[2]?.slice(0, 4)}-${m[2]?.slice(4, 6)}-${m[2]?.slice(6, 8)}` };
  const at =
    slot.kind === 'dateTime' ? slot.ms : Date.parse(`${slot.kind === 'date' ? slot.date : ''}T00:00:00Z`);
  const match = instanceStarts(master, zone, at - 86_400_000, at + 86_400_000).find(
    (s) => instanceSuffix(s) === instanceSuffix(slot),
  );
  return match ? virtualInstance(master, match) : undefined;
}
