import { describe, expect, it } from 'vitest';
import { resolveEvent } from './instances.js';
import type { StoredEvent } from './model.js';
import { instanceStarts, parseRecurrence, RecurrenceError } from './recurrence.js';
import { CalendarStore } from './store.js';

function series(overrides: Partial<StoredEvent>): StoredEvent {
  return {
    id: 'series0001',
    calendarId: 'alex@sandbox.test',
    iCalUID: 'series0001@google.com',
    status: 'confirmed',
    deleted: false,
    start: { kind: 'date', date: '2026-11-02' },
    end: { kind: 'date', date: '2026-11-03' },
    organizer: { email: 'alex@sandbox.test' },
    creator: { email: 'alex@sandbox.test' },
    eventType: 'default',
    privateProperties: {},
    sequence: 0,
    createdMs: 0,
    updatedMs: 0,
    version: 0,
    removedFrom: [],
    ...overrides,
  };
}

const all = (event: StoredEvent) =>
  instanceStarts(event, 'Europe/Berlin', Date.parse('2026-01-01'), Date.parse('2027-12-31'));

describe('recurrence expansion', () => {
  it('expands all-day series by date, honouring EXDATE (date form) and RDATE', () => {
    const event = series({
      recurrence: [
        'RRULE:FREQ=WEEKLY;BYDAY=MO;COUNT=4',
        'EXDATE;VALUE=DATE:20261109',
        'RDATE;VALUE=DATE:20261225',
      ],
    });
    expect(all(event)).toEqual([
      { kind: 'date', date: '2026-11-02' },
      { kind: 'date', date: '2026-11-16' },
      { kind: 'date', date: '2026-11-23' },
      { kind: 'date', date: '2026-12-25' },
    ]);
  });

  it('keeps local wall time across DST and applies UTC EXDATEs', () => {
    const start = Date.parse('2026-03-23T09:00:00Z'); // 10:00 in Berlin, before the 29 March change
    const event = series({
      start: { kind: 'dateTime', ms: start, timeZone: 'Europe/Berlin' },
      end: { kind: 'dateTime', ms: start + 1_800_000, timeZone: 'Europe/Berlin' },
      recurrence: ['RRULE:FREQ=WEEKLY;INTERVAL=1;BYDAY=MO;UNTIL=20260413T235959Z', 'EXDATE:20260406T080000Z'],
    });
    expect(all(event).map((w) => (w.kind === 'dateTime' ? new Date(w.ms).toISOString() : w.date))).toEqual([
      '2026-03-23T09:00:00.000Z',
      '2026-03-30T08:00:00.000Z',
      '2026-04-13T08:00:00.000Z',
    ]);
  });

  it('refuses what is not RRULE / EXDATE / RDATE', () => {
    expect(() => parseRecurrence(['RRULE:BYDAY=MO'])).toThrow(RecurrenceError);
    expect(() => parseRecurrence(['EXRULE:FREQ=DAILY'])).toThrow(RecurrenceError);
    expect(() => parseRecurrence(['EXDATE:2026-11-09'])).toThrow(RecurrenceError);
  });

  it('resolves instance ids of timed and all-day series, and only real slots', () => {
    const store = new CalendarStore(() => true);
    store.commit(series({ recurrence: ['RRULE:FREQ=DAILY;COUNT=3'] }));
    expect(resolveEvent(store, 'series0001_20261103', 'Europe/Berlin')).toMatchObject({
      recurringEventId: 'series0001',
      start: { kind: 'date', date: '2026-11-03' },
      end: { kind: 'date', date: '2026-11-04' },
    });
    expect(resolveEvent(store, 'series0001_20261110', 'Europe/Berlin')).toBeUndefined();
    expect(resolveEvent(store, 'series0001_20261103T090000Z', 'Europe/Berlin')).toBeUndefined();
  });
});
