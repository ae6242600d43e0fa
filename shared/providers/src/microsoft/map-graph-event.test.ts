/**
 * The Graph mapper on real payloads: Microsoft's documentation samples (tests/fixtures/provider-docs) and delta
 * rounds recorded from the provider sandbox (`__fixtures__/sandbox-delta-*.json`: a weekly 1:1 in
 * Pacific Standard Time with a room, an all-day out-of-office, a free lunch; then the round after one
 * occurrence was moved and the lunch deleted), all requested with `Prefer: outlook.timezone="UTC"`.
 */
import { CalendarEventSchema, type CalendarEvent } from '@frontload/domain';
import { Value } from 'typebox/value';
import { describe, expect, it } from 'vitest';
import type { EventChange } from '../calendar-provider.js';
import { recordedJson, sharedJson } from '../__fixtures__/fixtures.js';
import {
  GRAPH_TAG_PROPERTY_ID,
  graphInstant,
  graphTagProperties,
  graphTransactionId,
  mapGraphEvent,
  parseGraphRecurrence,
  readGraphTag,
  type GraphDeltaItem,
} from './map-graph-event.js';

interface Page {
  value: GraphDeltaItem[];
  '@odata.nextLink'?: string;
  '@odata.deltaLink'?: string;
}
const ctx = { fallbackZone: 'UTC' };
const upsert = (change: EventChange): CalendarEvent => {
  if (change.type !== 'upsert') throw new Error(`expected an upsert, got ${JSON.stringify(change)}`);
  return change.event;
};

describe('mapGraphEvent on Microsoft documentation samples', () => {
  it('maps both delta sample pages (7-digit fractions, UTC) and keeps their etags', () => {
    const first = sharedJson('graph-calendarview-delta-page1-with-nextlink.json') as Page;
    const last = sharedJson('graph-calendarview-delta-final-page-with-deltalink.json') as Page;
    expect(first['@odata.nextLink']).toContain('$skiptoken=');
    expect(last['@odata.deltaLink']).toContain('$deltatoken=');
    const events = [...first.value, ...last.value].map((item) => upsert(mapGraphEvent(item, ctx)));
    expect(events.map((e) => [e.title, e.start, e.end])).toEqual([
      ['Plan shopping list', '2016-12-09T20:30:00Z', '2016-12-09T22:00:00Z'],
      ['Pick up car', '2016-12-10T01:00:00Z', '2016-12-10T02:00:00Z'],
      ['Rest!', '2016-12-12T02:00:00Z', '2016-12-12T07:30:00Z'],
    ]);
    expect(events[0]).toMatchObject({
      id: 'AAMkADNVxRAAA=',
      kind: 'single',
      zone: 'UTC',
      etag: 'W/"EZ9r3czxY0m2jz8c45czkwAAFXcvIQ=="',
      organizerEmail: 'samanthab@contoso.onmicrosoft.com',
      organizerIsSelf: false,
      attendees: [],
      transparency: 'busy',
      status: 'confirmed',
    });
    for (const event of events) expect(Value.Errors(CalendarEventSchema, event)).toEqual([]);
  });

  it('maps the series-master sample: weekly series in the Eastern zone, organizer and self flags', () => {
    const master = sharedJson('graph-event-seriesmaster-group-event.json') as GraphDeltaItem;
    const event = upsert(mapGraphEvent(master, { ...ctx, selfEmail: 'lidiah@contoso.com' }));
    expect(event).toMatchObject({
      kind: 'series',
      recurrence: { frequency: 'weekly', interval: 1 },
      title: 'Continuing Education Sync',
      start: '2017-08-15T14:30:00Z',
      end: '2017-08-15T15:30:00Z',
      zone: 'America/New_York',
      organizerIsSelf: true,
      organizerEmail: 'HRTaskforce@contoso.com',
      etag: 'W/"xPZF2y46pEiVBni87OnrpgAAAAAJTg=="',
    });
    expect(event.attendees).toHaveLength(5);
    expect(event.attendees[0]).toEqual({
      email: 'LidiaH@contoso.com',
      name: 'Lidia Holloway',
      responseStatus: 'accepted',
      self: true,
    });
    expect(event.attendees[1]).toEqual({
      email: 'HRTaskforce@contoso.com',
      name: 'HR Taskforce',
      responseStatus: 'accepted',
      organizer: true,
    });
    expect(event.attendees[2]).toEqual({
      email: 'DiegoS@contoso.com',
      name: 'Diego Siciliani',
      responseStatus: 'needsAction',
    });
    expect(Value.Errors(CalendarEventSchema, event)).toEqual([]);
  });
});

describe('mapGraphEvent on recorded sandbox delta rounds', () => {
  const initial = recordedJson('microsoft', 'sandbox-delta-initial.json') as Page;
  const incremental = recordedJson('microsoft', 'sandbox-delta-incremental.json') as Page;
  const context = { fallbackZone: 'America/Los_Angeles', selfEmail: 'maya@contoso.test' };
  const events = initial.value.map((item) => upsert(mapGraphEvent(item, context)));

  it('maps occurrences with series id and original slot, in the series zone', () => {
    for (const event of events) expect(Value.Errors(CalendarEventSchema, event)).toEqual([]);
    const occurrences = events.filter((e) => e.title === 'Maya / Ravi 1:1');
    expect(occurrences.map((o) => o.originalStart)).toEqual([
      '2026-11-24T17:00:00Z',
      '2026-12-01T17:00:00Z',
      '2026-12-08T17:00:00Z',
      '2026-12-15T17:00:00Z',
    ]);
    expect(occurrences[0]).toMatchObject({
      kind: 'occurrence',
      start: '2026-11-24T17:00:00Z',
      end: '2026-11-24T17:30:00Z',
      zone: 'America/Los_Angeles',
      organizerIsSelf: true,
    });
    expect(new Set(occurrences.map((o) => o.seriesId)).size).toBe(1);
    expect(occurrences[0]?.attendees).toEqual([
      { email: 'ravi@contoso.test', name: 'Ravi Kumar', responseStatus: 'needsAction' },
      { email: 'conf-b@contoso.test', name: 'Conf B', responseStatus: 'needsAction', resource: true },
      {
        email: 'maya@contoso.test',
        name: 'Maya Patel',
        responseStatus: 'accepted',
        organizer: true,
        self: true,
      },
    ]);
  });

  it('keeps all-day dates and anchors them in the event zone; free and oof map through', () => {
    expect(events.find((e) => e.title === 'Thanksgiving')).toMatchObject({
      allDay: { startDate: '2026-11-26', endDate: '2026-11-27' },
      start: '2026-11-26T08:00:00Z',
      end: '2026-11-27T08:00:00Z',
      eventType: 'outOfOffice',
    });
    expect(events.find((e) => e.title === 'Lunch')?.transparency).toBe('free');
  });

  it('maps the next round: a moved exception keeps its slot, a deleted event is a tombstone', () => {
    const [moved, removed] = incremental.value.map((item) => mapGraphEvent(item, context));
    expect(upsert(moved as EventChange)).toMatchObject({
      kind: 'occurrence',
      originalStart: '2026-12-01T17:00:00Z',
      start: '2026-12-02T18:00:00Z',
    });
    const lunch = events.find((e) => e.title === 'Lunch');
    expect(removed).toEqual({ type: 'delete', id: lunch?.id });
  });
});

describe('Graph mapping details', () => {
  it('converts Windows and IANA zone names; refuses unknown ones', () => {
    expect(graphInstant({ dateTime: '2019-03-15T12:00:00.0000000', timeZone: 'Pacific Standard Time' })).toBe(
      '2019-03-15T19:00:00Z',
    );
    expect(graphInstant({ dateTime: '2026-07-01T09:00:00.0000000', timeZone: 'Europe/Berlin' })).toBe(
      '2026-07-01T07:00:00Z',
    );
    expect(graphInstant({ dateTime: '2026-07-01T09:00:00.1234567', timeZone: 'UTC' })).toBe(
      '2026-07-01T09:00:00.1234567Z',
    );
    expect(() => graphInstant({ dateTime: '2026-07-01T09:00:00', timeZone: 'Customized Time Zone' })).toThrow(
      TypeError,
    );
  });

  it('maps recurrence pattern types to frequencies', () => {
    expect(parseGraphRecurrence({ pattern: { type: 'relativeMonthly', interval: 2 } })).toEqual({
      frequency: 'monthly',
      interval: 2,
    });
    expect(parseGraphRecurrence({ pattern: { type: 'absoluteYearly', interval: 1 } })).toEqual({
      frequency: 'yearly',
      interval: 1,
    });
    expect(parseGraphRecurrence(null)).toBeUndefined();
  });

  it('round-trips our tag (property ids compare case-insensitively)', () => {
    expect(
      readGraphTag({ singleValueExtendedProperties: graphTagProperties({ kind: 'focusBlock' }) }),
    ).toEqual({ kind: 'focusBlock' });
    expect(
      readGraphTag({
        singleValueExtendedProperties: [{ id: GRAPH_TAG_PROPERTY_ID.toUpperCase(), value: 'focusBlock' }],
      }),
    ).toEqual({ kind: 'focusBlock' });
    expect(
      readGraphTag({ singleValueExtendedProperties: [{ id: GRAPH_TAG_PROPERTY_ID, value: 'other' }] }),
    ).toBeUndefined();
    expect(readGraphTag({ transactionId: graphTransactionId({ kind: 'focusBlock' }, 'op-1') })).toEqual({
      kind: 'focusBlock',
    });
    expect(readGraphTag({ transactionId: 'op-1' })).toBeUndefined();
  });

  it('maps a cancelled meeting copy as cancelled, not as a deletion', () => {
    const event = upsert(
      mapGraphEvent(
        {
          id: 'x1',
          type: 'singleInstance',
          isCancelled: true,
          subject: 'Canceled: Sync',
          start: { dateTime: '2026-11-24T10:00:00.0000000', timeZone: 'UTC' },
          end: { dateTime: '2026-11-24T11:00:00.0000000', timeZone: 'UTC' },
        },
        ctx,
      ),
    );
    expect(event.status).toBe('cancelled');
  });
});
