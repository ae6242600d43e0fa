/**
 * The Google mapper on real payloads: Google's own documentation samples (tests/fixtures/provider-docs) and an
 * events.list page recorded from the provider sandbox (`__fixtures__/sandbox-events-list.json`: a
 * bi-weekly series with a moved exception and a cancelled instance, a deleted event, focusTime with our
 * tag, workingLocation and a transparent all-day event, in a Europe/Berlin calendar).
 */
import type { calendar_v3 } from 'googleapis';
import { CalendarEventSchema, type CalendarEvent } from '@frontload/domain';
import { Value } from 'typebox/value';
import { describe, expect, it } from 'vitest';
import type { EventChange } from '../calendar-provider.js';
import { googleDocJson, recordedJson } from '../__fixtures__/fixtures.js';
import {
  mapGoogleEvent,
  needsCalendarZone,
  parseGoogleRecurrence,
  readGoogleTag,
  googleTagProperties,
} from './map-google-event.js';

type GoogleEvent = calendar_v3.Schema$Event;
const ctx = { calendarZone: 'Europe/Berlin' };
const page = recordedJson('google', 'sandbox-events-list.json') as calendar_v3.Schema$Events;
const items = page.items ?? [];
const upsert = (change: EventChange): CalendarEvent => {
  if (change.type !== 'upsert') throw new Error(`expected an upsert, got ${JSON.stringify(change)}`);
  return change.event;
};
const item = (summary: string) => items.find((e) => e.summary === summary) as GoogleEvent;

describe('mapGoogleEvent on Google documentation samples', () => {
  it('maps the recurring-event insert sample (given the id Google assigns) to a weekly series', () => {
    const body = googleDocJson('google-doc-recurring-event-insert-body.txt') as GoogleEvent;
    expect(() => mapGoogleEvent(body, ctx)).toThrow(TypeError); // no id: not a stored event
    const event = upsert(mapGoogleEvent({ ...body, id: 'appointment1' }, ctx));
    expect(event).toMatchObject({
      kind: 'series',
      recurrence: { frequency: 'weekly', interval: 1 },
      title: 'Appointment',
      start: '2011-06-03T17:00:00Z',
      end: '2011-06-03T17:25:00Z',
      zone: 'America/Los_Angeles',
      status: 'confirmed',
      transparency: 'busy',
      eventType: 'default',
      organizerIsSelf: false,
      attendees: [{ email: 'attendeeEmail', responseStatus: 'needsAction' }],
    });
  });

  it('maps the cancelled-instance sample to a tombstone of that occurrence', () => {
    const body = googleDocJson('google-doc-recurring-instance-cancel-PUT-body.txt') as GoogleEvent;
    // The guide prints originalStartTime as a bare string; the API (discovery document) sends an
    // EventDateTime object. As printed, the slot is unknown and only the series is named.
    expect(mapGoogleEvent(body, ctx)).toEqual({
      type: 'delete',
      id: 'instanceId',
      seriesId: 'recurringEventId',
    });
    const asSent = {
      ...body,
      originalStartTime: { dateTime: '2011-06-03T10:00:00.000-07:00', timeZone: 'America/Los_Angeles' },
    };
    expect(mapGoogleEvent(asSent, ctx)).toEqual({
      type: 'delete',
      id: 'instanceId',
      seriesId: 'recurringEventId',
      originalStart: '2011-06-03T17:00:00Z',
    });
  });

  it('maps the same instance, confirmed, to an occurrence with self and organizer flags', () => {
    const body = googleDocJson('google-doc-recurring-instance-cancel-PUT-body.txt') as GoogleEvent;
    const event = upsert(
      mapGoogleEvent(
        { ...body, status: 'confirmed', originalStartTime: { dateTime: '2011-06-03T10:00:00.000-07:00' } },
        ctx,
      ),
    );
    expect(event).toMatchObject({
      id: 'instanceId',
      kind: 'occurrence',
      seriesId: 'recurringEventId',
      originalStart: '2011-06-03T17:00:00Z',
      etag: 'instanceEtag',
      organizerEmail: 'userEmail',
    });
    expect(event.attendees).toEqual([
      { email: 'attendeeEmail', name: 'attendeeDisplayName', responseStatus: 'needsAction' },
      {
        email: 'userEmail',
        name: 'userDisplayName',
        responseStatus: 'accepted',
        organizer: true,
        self: true,
      },
    ]);
  });
});

describe('mapGoogleEvent on a recorded sandbox listing (singleEvents=false, showDeleted)', () => {
  const changes = items.map((e) => mapGoogleEvent(e, { calendarZone: page.timeZone ?? 'UTC' }));

  it('produces schema-valid events and explicit tombstones only', () => {
    for (const change of changes) {
      if (change.type === 'upsert') expect(Value.Errors(CalendarEventSchema, change.event)).toEqual([]);
    }
    expect(changes.filter((c) => c.type === 'delete')).toHaveLength(2);
  });

  it('maps the bi-weekly master with attendee flags (resource, self, organizer)', () => {
    const series = upsert(mapGoogleEvent(item('Alex / Sam 1:1'), ctx));
    expect(series).toMatchObject({
      kind: 'series',
      recurrence: { frequency: 'weekly', interval: 2 },
      start: '2026-11-24T09:00:00Z',
      zone: 'Europe/Berlin',
      organizerIsSelf: true,
      organizerEmail: 'alex@sandbox.test',
    });
    expect(series.attendees).toContainEqual({
      email: 'room-4@resource.sandbox.test',
      responseStatus: 'needsAction',
      resource: true,
    });
    expect(series.attendees).toContainEqual(
      expect.objectContaining({ email: 'alex@sandbox.test', self: true, organizer: true }),
    );
  });

  it('keys the moved exception and the cancelled instance by series and original slot', () => {
    const master = item('Alex / Sam 1:1');
    const exception = items.find(
      (e) => e.recurringEventId === master.id && e.status === 'confirmed',
    ) as GoogleEvent;
    expect(upsert(mapGoogleEvent(exception, ctx))).toMatchObject({
      kind: 'occurrence',
      seriesId: master.id,
      originalStart: '2026-12-08T09:00:00Z',
      start: '2026-12-09T10:00:00Z',
    });
    const cancelled = items.find(
      (e) => e.recurringEventId === master.id && e.status === 'cancelled',
    ) as GoogleEvent;
    expect(mapGoogleEvent(cancelled, ctx)).toEqual({
      type: 'delete',
      id: cancelled.id,
      seriesId: master.id,
      originalStart: '2026-12-22T09:00:00Z',
    });
  });

  it('reads focusTime with our tag, workingLocation, and all-day dates in the calendar zone', () => {
    expect(upsert(mapGoogleEvent(item('Focus'), ctx))).toMatchObject({
      id: 'focusblock2026k48',
      eventType: 'focusTime',
      tag: { kind: 'focusBlock' },
      transparency: 'busy',
      start: '2026-11-26T12:00:00Z',
    });
    expect(upsert(mapGoogleEvent(item('Home'), ctx))).toMatchObject({
      eventType: 'workingLocation',
      transparency: 'free',
    });
    expect(upsert(mapGoogleEvent(item('Offsite'), ctx))).toMatchObject({
      allDay: { startDate: '2026-11-27', endDate: '2026-11-28' },
      start: '2026-11-26T23:00:00Z',
      end: '2026-11-27T23:00:00Z',
      zone: 'Europe/Berlin',
      transparency: 'free',
    });
  });

  it('turns a deleted single event into an id-only tombstone', () => {
    const deleted = items.find((e) => e.status === 'cancelled' && !e.recurringEventId) as GoogleEvent;
    expect(mapGoogleEvent(deleted, ctx)).toEqual({ type: 'delete', id: deleted.id });
  });
});

describe('Google mapping details', () => {
  it('parses RRULE frequency and interval, ignoring what the planner does not need', () => {
    expect(
      parseGoogleRecurrence([
        'EXDATE;TZID=Europe/Berlin:20261201T100000',
        'RRULE:FREQ=MONTHLY;INTERVAL=3;BYDAY=1TU',
      ]),
    ).toEqual({
      frequency: 'monthly',
      interval: 3,
    });
    expect(parseGoogleRecurrence(['RRULE:FREQ=HOURLY'])).toBeUndefined();
    expect(parseGoogleRecurrence(['RDATE:20261201'])).toBeUndefined();
  });

  it('round-trips our tag and ignores foreign values', () => {
    expect(
      readGoogleTag({ extendedProperties: { private: googleTagProperties({ kind: 'focusBlock' }) } }),
    ).toEqual({
      kind: 'focusBlock',
    });
    expect(
      readGoogleTag({ extendedProperties: { private: { frontload: 'somethingElse' } } }),
    ).toBeUndefined();
    expect(readGoogleTag({ extendedProperties: { shared: { frontload: 'focusBlock' } } })).toBeUndefined();
  });

  it('maps unknown event types to other and tentative status through', () => {
    const base: GoogleEvent = {
      id: 'e1',
      start: { dateTime: '2026-11-24T10:00:00Z' },
      end: { dateTime: '2026-11-24T11:00:00Z' },
    };
    expect(
      upsert(mapGoogleEvent({ ...base, eventType: 'birthday', status: 'tentative' }, ctx)),
    ).toMatchObject({
      eventType: 'other',
      status: 'tentative',
      zone: 'Europe/Berlin',
    });
    expect(needsCalendarZone(base)).toBe(true);
    expect(needsCalendarZone({ ...base, start: { dateTime: '2026-11-24T10:00:00Z', timeZone: 'UTC' } })).toBe(
      false,
    );
  });
});
