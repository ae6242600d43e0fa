import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { calendar_v3 } from 'googleapis';
import { conformanceFailures } from './conformance.js';
import { createGoogleAccount, failure, signIn, startSandbox, type Sandbox } from './helpers.js';

let sandbox: Sandbox;
let alex: calendar_v3.Calendar;
let priya: calendar_v3.Calendar;
let alexId: string;

const berlin = (local: string) => ({ dateTime: local, timeZone: 'Europe/Berlin' });

beforeAll(async () => {
  sandbox = await startSandbox({ startAtMs: Date.parse('2026-10-12T07:00:00Z') });
  alexId = createGoogleAccount(sandbox, 'alex').id;
  createGoogleAccount(sandbox, 'priya', { focusTimeSupported: false });
  alex = (await signIn(sandbox, 'alex@sandbox.test')).calendar;
  priya = (await signIn(sandbox, 'priya@sandbox.test')).calendar;
});
afterAll(async () => {
  expect(conformanceFailures(sandbox.captured)).toEqual([]);
  await sandbox.close();
});

describe('recurring series', () => {
  it('expands across DST, keeps an exception and a cancelled instance as Google shows them', async () => {
    const { data: master } = await alex.events.insert({
      calendarId: 'primary',
      requestBody: {
        summary: 'Alex / Priya 1:1',
        start: berlin('2026-10-13T10:00:00'),
        end: berlin('2026-10-13T10:30:00'),
        recurrence: ['RRULE:FREQ=WEEKLY;BYDAY=TU;COUNT=5', 'EXDATE;TZID=Europe/Berlin:20261103T100000'],
        attendees: [{ email: 'priya@sandbox.test' }],
      },
    });
    const { data: instances } = await alex.events.instances({
      calendarId: 'primary',
      eventId: master.id ?? '',
      timeZone: 'Europe/Berlin',
    });
    // 5 slots minus the EXDATE; 10:00 local on both sides of the 25 Oct DST change.
    expect(instances.items?.map((i) => i.start?.dateTime)).toEqual([
      '2026-10-13T10:00:00+02:00',
      '2026-10-20T10:00:00+02:00',
      '2026-10-27T10:00:00+01:00',
      '2026-11-10T10:00:00+01:00',
    ]);
    const [first, second, third] = instances.items ?? [];
    expect(second?.id).toBe(`${master.id}_20261020T080000Z`);
    await alex.events.patch({
      calendarId: 'primary',
      eventId: second?.id ?? '',
      requestBody: { start: berlin('2026-10-21T15:00:00'), end: berlin('2026-10-21T15:30:00') },
    });
    await alex.events.delete({ calendarId: 'primary', eventId: third?.id ?? '' });
    const { data: raw } = await alex.events.list({ calendarId: 'primary' });
    const byId = new Map(raw.items?.map((e) => [e.id, e]));
    expect(byId.get(master.id)?.recurrence).toHaveLength(2);
    expect(byId.get(second?.id)).toMatchObject({
      recurringEventId: master.id,
      originalStartTime: { dateTime: '2026-10-20T10:00:00+02:00' },
      status: 'confirmed',
    });
    const cancelled = byId.get(third?.id);
    expect(Object.keys(cancelled ?? {}).sort()).toEqual([
      'etag',
      'id',
      'kind',
      'originalStartTime',
      'recurringEventId',
      'status',
    ]);
    expect(cancelled).toMatchObject({ status: 'cancelled', recurringEventId: master.id });
    const { data: single } = await alex.events.list({
      calendarId: 'primary',
      singleEvents: true,
      orderBy: 'startTime',
      timeZone: 'Europe/Berlin',
    });
    const series = single.items?.filter((e) => e.recurringEventId === master.id);
    expect(series?.map((e) => e.start?.dateTime)).toEqual([
      '2026-10-13T10:00:00+02:00',
      '2026-10-21T15:00:00+02:00',
      '2026-11-10T10:00:00+01:00',
    ]);
    expect(first?.id).toBe(series?.[0]?.id);
    // The attendee sees the same series on their own calendar.
    const { data: onPriya } = await priya.events.get({ calendarId: 'primary', eventId: master.id ?? '' });
    expect(onPriya.attendees?.find((a) => a.self)?.email).toBe('priya@sandbox.test');
  });
});

describe('cancelling one instance the way Google’s guide shows (PUT status=cancelled)', () => {
  it('hides the slot and leaves an id-only cancelled exception', async () => {
    const { data: master } = await alex.events.insert({
      calendarId: 'primary',
      requestBody: {
        summary: 'Recurring event',
        start: { dateTime: '2026-10-13T10:00:00.000-07:00', timeZone: 'America/Los_Angeles' },
        end: { dateTime: '2026-10-13T10:25:00.000-07:00', timeZone: 'America/Los_Angeles' },
        recurrence: ['RRULE:FREQ=WEEKLY;UNTIL=20261110T170000Z'],
      },
    });
    const { data: instances } = await alex.events.instances({
      calendarId: 'primary',
      eventId: master.id ?? '',
    });
    const target = instances.items?.[1];
    await alex.events.update({
      calendarId: 'primary',
      eventId: target?.id ?? '',
      requestBody: { ...target, status: 'cancelled' },
    });
    const { data: after } = await alex.events.instances({ calendarId: 'primary', eventId: master.id ?? '' });
    expect(after.items?.map((i) => i.id)).not.toContain(target?.id);
    expect(after.items).toHaveLength((instances.items?.length ?? 0) - 1);
    const { data: withDeleted } = await alex.events.instances({
      calendarId: 'primary',
      eventId: master.id ?? '',
      showDeleted: true,
    });
    expect(withDeleted.items?.find((i) => i.id === target?.id)).toMatchObject({
      status: 'cancelled',
      recurringEventId: master.id,
    });
  });
});

describe('writes', () => {
  it('412 conditionNotMet on a stale etag; the fresh etag works', async () => {
    const { data: created } = await alex.events.insert({
      calendarId: 'primary',
      requestBody: {
        summary: 'v1',
        start: berlin('2026-10-14T09:00:00'),
        end: berlin('2026-10-14T09:30:00'),
      },
    });
    const { data: updated } = await alex.events.patch({
      calendarId: 'primary',
      eventId: created.id ?? '',
      requestBody: { summary: 'v2' },
    });
    expect(updated.etag).not.toBe(created.etag);
    const stale = await failure(
      alex.events.update(
        { calendarId: 'primary', eventId: created.id ?? '', requestBody: { ...created, summary: 'v3' } },
        { headers: { 'If-Match': created.etag ?? '' } },
      ),
    );
    expect(stale.status).toBe(412);
    expect(stale.body).toMatchObject({
      error: { errors: [{ reason: 'conditionNotMet', location: 'If-Match', locationType: 'header' }] },
    });
    const ok = await alex.events.update(
      { calendarId: 'primary', eventId: created.id ?? '', requestBody: { ...updated, summary: 'v3' } },
      { headers: { 'If-Match': updated.etag ?? '' } },
    );
    expect(ok.data.summary).toBe('v3');
  });

  it('accepts client-chosen base32hex ids once (409 duplicate after), refuses other ids', async () => {
    const body = {
      id: 'frontload0abc123',
      summary: 'Idempotent',
      start: berlin('2026-10-15T09:00:00'),
      end: berlin('2026-10-15T09:30:00'),
    };
    expect((await alex.events.insert({ calendarId: 'primary', requestBody: body })).data.id).toBe(
      'frontload0abc123',
    );
    expect(await failure(alex.events.insert({ calendarId: 'primary', requestBody: body }))).toMatchObject({
      status: 409,
      body: { error: { errors: [{ reason: 'duplicate' }] } },
    });
    expect(
      await failure(
        alex.events.insert({ calendarId: 'primary', requestBody: { ...body, id: 'Not_Base32!' } }),
      ),
    ).toMatchObject({ status: 400 });
  });

  it('creates focusTime on a supporting account and refuses it elsewhere', async () => {
    const { data } = await alex.events.insert({
      calendarId: 'primary',
      requestBody: {
        summary: 'Focus',
        eventType: 'focusTime',
        start: berlin('2026-10-16T13:00:00'),
        end: berlin('2026-10-16T16:00:00'),
        focusTimeProperties: {
          autoDeclineMode: 'declineOnlyNewConflictingInvitations',
          declineMessage: 'Heads down',
        },
      },
    });
    expect(data).toMatchObject({
      eventType: 'focusTime',
      focusTimeProperties: { chatStatus: 'doNotDisturb', declineMessage: 'Heads down' },
    });
    const refused = await failure(
      priya.events.insert({
        calendarId: 'primary',
        requestBody: {
          eventType: 'focusTime',
          start: berlin('2026-10-16T13:00:00'),
          end: berlin('2026-10-16T14:00:00'),
        },
      }),
    );
    expect(refused.status).toBe(400);
  });

  it('gives attendees copies, refuses shared changes by a non-organizer, records sendUpdates emails', async () => {
    const { data: meeting } = await alex.events.insert({
      calendarId: 'primary',
      sendUpdates: 'all',
      requestBody: {
        summary: 'Sync',
        start: berlin('2026-10-14T11:00:00'),
        end: berlin('2026-10-14T11:30:00'),
        attendees: [{ email: 'priya@sandbox.test' }, { email: 'guest@partner.example' }],
      },
    });
    const moved = await failure(
      priya.events.patch({
        calendarId: 'primary',
        eventId: meeting.id ?? '',
        requestBody: { summary: 'Renamed' },
      }),
    );
    expect(moved.status).toBe(403);
    expect(moved.body).toMatchObject({ error: { errors: [{ reason: 'forbiddenForNonOrganizer' }] } });
    const { data: accepted } = await priya.events.patch({
      calendarId: 'primary',
      eventId: meeting.id ?? '',
      requestBody: {
        attendees: [
          { email: 'priya@sandbox.test', responseStatus: 'accepted' },
          { email: 'guest@partner.example' },
        ],
        extendedProperties: { private: { mine: '1' } },
      },
    });
    expect(accepted.attendees?.find((a) => a.self)?.responseStatus).toBe('accepted');
    const { data: organizerView } = await alex.events.get({
      calendarId: 'primary',
      eventId: meeting.id ?? '',
    });
    expect(organizerView.attendees?.find((a) => a.email === 'priya@sandbox.test')?.responseStatus).toBe(
      'accepted',
    );
    expect(organizerView.extendedProperties?.private).toBeUndefined();
    await alex.events.delete({
      calendarId: 'primary',
      eventId: meeting.id ?? '',
      sendUpdates: 'externalOnly',
    });
    const log = sandbox.core.log.entries({ accountId: alexId }).filter((e) => e.emailsSent);
    expect(log.map((e) => e.emailsSent)).toEqual([
      [
        { to: 'priya@sandbox.test', kind: 'invitation' },
        { to: 'guest@partner.example', kind: 'invitation' },
      ],
      [{ to: 'guest@partner.example', kind: 'cancellation' }],
    ]);
    expect(sandbox.core.log.counters()[alexId]?.emailsSent).toBe(3);
    expect(
      await failure(alex.events.delete({ calendarId: 'primary', eventId: meeting.id ?? '' })),
    ).toMatchObject({ status: 410 });
  });

  it('answers freebusy from sandbox calendars and flags unknown ones', async () => {
    const { data } = await alex.freebusy.query({
      requestBody: {
        timeMin: '2026-10-13T00:00:00Z',
        timeMax: '2026-10-14T00:00:00Z',
        items: [{ id: 'priya@sandbox.test' }, { id: 'nobody@sandbox.test' }],
      },
    });
    expect(data.calendars?.['priya@sandbox.test']?.busy).toEqual([
      { start: '2026-10-13T08:00:00Z', end: '2026-10-13T08:30:00Z' },
    ]);
    expect(data.calendars?.['nobody@sandbox.test']?.errors).toEqual([
      { domain: 'global', reason: 'notFound' },
    ]);
  });

  it('serves calendarList, calendars.get and settings', async () => {
    expect((await alex.calendarList.list()).data.items?.[0]).toMatchObject({
      id: 'alex@sandbox.test',
      primary: true,
      accessRole: 'owner',
    });
    expect((await alex.calendars.get({ calendarId: 'primary' })).data.timeZone).toBe('Europe/Berlin');
    expect((await alex.settings.get({ setting: 'timezone' })).data.value).toBe('Europe/Berlin');
    expect((await alex.settings.list()).data.items?.length).toBeGreaterThan(1);
  });
});

describe('attendee copies in sync', () => {
  it('an attendee removed by the organizer sees a tombstone; the organizer sees the reply', async () => {
    const { data: aStart } = await alex.events.list({ calendarId: 'primary' });
    const { data: pStart } = await priya.events.list({ calendarId: 'primary' });
    const { data: meeting } = await alex.events.insert({
      calendarId: 'primary',
      requestBody: {
        summary: 'Copy test',
        start: berlin('2026-10-15T14:00:00'),
        end: berlin('2026-10-15T14:30:00'),
        attendees: [{ email: 'priya@sandbox.test' }],
      },
    });
    await priya.events.patch({
      calendarId: 'primary',
      eventId: meeting.id ?? '',
      requestBody: { attendees: [{ email: 'priya@sandbox.test', responseStatus: 'tentative' }] },
    });
    const { data: aDelta } = await alex.events.list({
      calendarId: 'primary',
      syncToken: aStart.nextSyncToken ?? '',
    });
    expect(aDelta.items?.find((e) => e.id === meeting.id)?.attendees?.[0]?.responseStatus).toBe('tentative');
    await alex.events.patch({
      calendarId: 'primary',
      eventId: meeting.id ?? '',
      requestBody: { attendees: [] },
    });
    const { data: pDelta } = await priya.events.list({
      calendarId: 'primary',
      syncToken: pStart.nextSyncToken ?? '',
    });
    expect(pDelta.items?.find((e) => e.id === meeting.id)).toEqual(
      expect.objectContaining({ status: 'cancelled' }),
    );
    expect(
      await failure(priya.events.get({ calendarId: 'primary', eventId: meeting.id ?? '' })),
    ).toMatchObject({ status: 404 });
  });

  it('shortens guest lists with maxAttendees and merges a reply sent with attendeesOmitted', async () => {
    const guests = ['priya@sandbox.test', 'a@partner.example', 'b@partner.example'];
    const { data: big } = await alex.events.insert({
      calendarId: 'primary',
      requestBody: {
        summary: 'Big',
        start: berlin('2026-10-16T09:00:00'),
        end: berlin('2026-10-16T10:00:00'),
        attendees: guests.map((email) => ({ email })),
      },
    });
    const { data: short } = await priya.events.get({
      calendarId: 'primary',
      eventId: big.id ?? '',
      maxAttendees: 1,
    });
    expect(short).toMatchObject({
      attendeesOmitted: true,
      attendees: [{ email: 'priya@sandbox.test', self: true }],
    });
    const { data: replied } = await priya.events.update({
      calendarId: 'primary',
      eventId: big.id ?? '',
      requestBody: { ...short, attendees: [{ email: 'priya@sandbox.test', responseStatus: 'accepted' }] },
    });
    expect(replied.attendees?.map((a) => [a.email, a.responseStatus])).toEqual([
      ['priya@sandbox.test', 'accepted'],
      ['a@partner.example', 'needsAction'],
      ['b@partner.example', 'needsAction'],
    ]);
  });

  it('answers a conditional GET with 304 and lists a series with UNTIL and only timeMax', async () => {
    const { data: series } = await alex.events.insert({
      calendarId: 'primary',
      requestBody: {
        summary: 'Until',
        start: berlin('2026-10-12T08:00:00'),
        end: berlin('2026-10-12T08:15:00'),
        recurrence: ['RRULE:FREQ=DAILY;UNTIL=20261014T235959Z'],
      },
    });
    const fresh = await alex.events.get(
      { calendarId: 'primary', eventId: series.id ?? '' },
      { headers: { 'If-None-Match': series.etag ?? '' }, validateStatus: () => true },
    );
    expect(fresh.status).toBe(304);
    const { data: instances } = await alex.events.instances({
      calendarId: 'primary',
      eventId: series.id ?? '',
    });
    expect(instances.items).toHaveLength(3);
    const { data: early } = await alex.events.list({
      calendarId: 'primary',
      timeMax: '2026-10-12T12:00:00Z',
    });
    expect(early.items?.map((e) => e.id)).toContain(series.id);
    expect(
      await failure(alex.events.list({ calendarId: 'primary', updatedMin: '2026-01-01T00:00:00Z' })),
    ).toMatchObject({
      status: 410,
      body: { error: { errors: [{ reason: 'updatedMinTooLongAgo' }] } },
    });
  });
});
