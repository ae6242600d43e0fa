import { GraphError, type Client } from '@microsoft/microsoft-graph-client';
import type { Event, MailboxSettings } from '@microsoft/microsoft-graph-types';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAccount, graphClient, signIn, startSandbox, type Sandbox } from './microsoft-helpers.js';

const TAG = 'String {66f5a359-4659-4830-9070-00047ec6ac6e} Name FrontloadTag';

async function graphFailure(promise: Promise<unknown>): Promise<GraphError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof GraphError) return error;
    throw error;
  }
  throw new Error('expected the Graph call to fail');
}

const weeklyStandup = (subject: string): Event => ({
  subject,
  start: { dateTime: '2026-11-23T09:00:00', timeZone: 'W. Europe Standard Time' },
  end: { dateTime: '2026-11-23T09:30:00', timeZone: 'W. Europe Standard Time' },
  attendees: [{ type: 'required', emailAddress: { address: 'sam@fabrikam.example', name: 'Sam Ortiz' } }],
  recurrence: {
    pattern: { type: 'weekly', interval: 1, daysOfWeek: ['monday', 'wednesday'], firstDayOfWeek: 'sunday' },
    range: {
      type: 'numbered',
      startDate: '2026-11-23',
      numberOfOccurrences: 6,
      recurrenceTimeZone: 'W. Europe Standard Time',
    },
  },
});

describe('Graph /me, mailboxSettings and events', () => {
  let sandbox: Sandbox;
  let priya: Client;
  let sam: Client;

  beforeAll(async () => {
    sandbox = await startSandbox();
    const p = createAccount(sandbox.core, 'Priya Raman', 'priya@fabrikam.example', 'Europe/Berlin');
    const s = createAccount(sandbox.core, 'Sam Ortiz', 'sam@fabrikam.example', 'America/New_York');
    priya = graphClient(sandbox.base, (await signIn(sandbox.base, p.id)).access_token);
    sam = graphClient(sandbox.base, (await signIn(sandbox.base, s.id)).access_token);
  });
  afterAll(async () => sandbox.close());

  it('reports the mailbox zone as a Windows name and working hours', async () => {
    const settings = (await priya.api('/me/mailboxSettings').get()) as MailboxSettings;
    expect(settings.timeZone).toBe('W. Europe Standard Time');
    expect(settings.workingHours?.daysOfWeek).toEqual([
      'monday',
      'tuesday',
      'wednesday',
      'thursday',
      'friday',
    ]);
    expect(settings.workingHours?.startTime).toBe('09:00:00.0000000');
  });

  it('serves working hours changed through the control API, as an Outlook user changing theirs', async () => {
    const me = (await priya.api('/me').get()) as { id: string };
    const patched = await fetch(`${sandbox.base}/_sandbox/accounts/${me.id}`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ workingHours: { days: [2, 3, 4], start: '07:30', end: '15:00' } }),
    });
    expect(patched.status).toBe(200);
    const settings = (await priya.api('/me/mailboxSettings').get()) as MailboxSettings;
    expect(settings.workingHours?.daysOfWeek).toEqual(['tuesday', 'wednesday', 'thursday']);
    expect(settings.workingHours?.startTime).toBe('07:30:00.0000000');
    expect(settings.workingHours?.endTime).toBe('15:00:00.0000000');
    const unknown = await fetch(`${sandbox.base}/_sandbox/accounts/nobody`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ workingHours: { days: [1], start: '09:00', end: '17:00' } }),
    });
    expect(unknown.status).toBe(404);
    await fetch(`${sandbox.base}/_sandbox/accounts/${me.id}`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ workingHours: { days: [1, 2, 3, 4, 5], start: '09:00', end: '17:00' } }),
    });
  });

  it('creates, reads with Prefer outlook.timezone, patches and deletes an event', async () => {
    const created = (await priya.api('/me/events').post({
      subject: 'Roadmap review',
      start: { dateTime: '2026-11-24T15:00:00', timeZone: 'W. Europe Standard Time' },
      end: { dateTime: '2026-11-24T16:00:00', timeZone: 'W. Europe Standard Time' },
    })) as Event;
    expect(created.type).toBe('singleInstance');
    expect(created.start).toEqual({ dateTime: '2026-11-24T14:00:00.0000000', timeZone: 'UTC' });
    expect(created.originalStartTimeZone).toBe('W. Europe Standard Time');
    const local = (await priya
      .api(`/me/events/${created.id}`)
      .header('Prefer', 'outlook.timezone="Pacific Standard Time"')
      .get()) as Event;
    expect(local.start).toEqual({
      dateTime: '2026-11-24T06:00:00.0000000',
      timeZone: 'Pacific Standard Time',
    });
    const patched = (await priya
      .api(`/me/events/${created.id}`)
      .patch({ subject: 'Roadmap review (moved)' })) as Event;
    expect(patched.subject).toBe('Roadmap review (moved)');
    expect(patched.changeKey).not.toBe(created.changeKey);
    await priya.api(`/me/events/${created.id}`).delete();
    const gone = await graphFailure(priya.api(`/me/events/${created.id}`).get());
    expect(gone.statusCode).toBe(404);
    expect(gone.code).toBe('ErrorItemNotFound');
  });

  it('returns bodies as HTML by default and as text on Prefer outlook.body-content-type', async () => {
    const created = (await priya
      .api('/me/events')
      .post({ subject: 'Body check', body: { contentType: 'text', content: 'Agenda: <none>' } })) as Event;
    expect(created.body).toEqual({
      contentType: 'html',
      content:
        '<html><head><meta http-equiv="Content-Type" content="text/html; charset=utf-8"></head><body>Agenda: &lt;none&gt;</body></html>',
    });
    const text = (await priya
      .api(`/me/events/${created.id}`)
      .header('Prefer', 'outlook.body-content-type="text"')
      .get()) as Event;
    expect(text.body).toEqual({ contentType: 'text', content: 'Agenda: <none>' });
    await priya.api(`/me/events/${created.id}`).delete();
  });

  it('keeps showAs and categories as written, on create and on read', async () => {
    const created = (await priya.api('/me/events').post({
      subject: 'Focus time',
      start: { dateTime: '2026-11-26T13:00:00', timeZone: 'UTC' },
      end: { dateTime: '2026-11-26T15:00:00', timeZone: 'UTC' },
      showAs: 'busy',
      categories: ['Focus time'],
    })) as Event;
    expect(created).toMatchObject({ showAs: 'busy', categories: ['Focus time'] });
    const read = (await priya.api(`/me/events/${created.id}`).get()) as Event;
    expect(read).toMatchObject({ showAs: 'busy', categories: ['Focus time'] });
    const plain = (await priya.api('/me/events').post({
      subject: 'No category',
      start: { dateTime: '2026-11-26T16:00:00', timeZone: 'UTC' },
      end: { dateTime: '2026-11-26T16:30:00', timeZone: 'UTC' },
    })) as Event;
    expect(plain.categories).toEqual([]);
    await priya.api(`/me/events/${created.id}`).delete();
    await priya.api(`/me/events/${plain.id}`).delete();
  });

  it('dedupes POSTs that carry the same transactionId', async () => {
    const body = {
      subject: 'Idempotent',
      transactionId: 'frontload-7f1c',
      start: { dateTime: '2026-11-25T10:00:00', timeZone: 'UTC' },
      end: { dateTime: '2026-11-25T10:30:00', timeZone: 'UTC' },
    };
    const a = (await priya.api('/me/events').post(body)) as Event;
    const b = (await priya.api('/me/events').post(body)) as Event;
    expect(b.id).toBe(a.id);
    expect(a.transactionId).toBe('frontload-7f1c');
  });

  it('writes, filters and expands singleValueExtendedProperties', async () => {
    const tagged = (await priya.api('/me/events').post({
      subject: 'Focus block',
      start: { dateTime: '2026-11-26T08:00:00', timeZone: 'UTC' },
      end: { dateTime: '2026-11-26T10:00:00', timeZone: 'UTC' },
      singleValueExtendedProperties: [{ id: TAG, value: 'frontload' }],
    })) as Event;
    const found = (await priya
      .api('/me/events')
      .filter(`singleValueExtendedProperties/Any(ep: ep/id eq '${TAG}' and ep/value eq 'frontload')`)
      .expand(`singleValueExtendedProperties($filter=id eq '${TAG}')`)
      .get()) as { value: Event[] };
    expect(found.value.map((e) => e.id)).toEqual([tagged.id]);
    expect(found.value[0]?.singleValueExtendedProperties).toEqual([{ id: TAG, value: 'frontload' }]);
    const plain = (await priya.api(`/me/events/${tagged.id}`).get()) as Event;
    expect(plain.singleValueExtendedProperties).toBeUndefined();
  });

  it('models a series: seriesMaster, occurrences, an exception, and the attendee copy', async () => {
    const master = (await priya.api('/me/events').post(weeklyStandup('Team standup'))) as Event;
    expect(master.type).toBe('seriesMaster');
    const instances = (await priya
      .api(`/me/events/${master.id}/instances`)
      .query({ startDateTime: '2026-11-23T00:00:00Z', endDateTime: '2026-12-31T00:00:00Z' })
      .get()) as { value: Event[] };
    expect(instances.value).toHaveLength(6);
    expect(instances.value.every((i) => i.type === 'occurrence' && i.seriesMasterId === master.id)).toBe(
      true,
    );
    const second = instances.value[1];
    const moved = (await priya.api(`/me/events/${second?.id}`).patch({
      start: { dateTime: '2026-11-25T11:00:00', timeZone: 'W. Europe Standard Time' },
      end: { dateTime: '2026-11-25T11:30:00', timeZone: 'W. Europe Standard Time' },
    })) as Event;
    expect(moved.type).toBe('exception');
    expect(moved.id).toBe(second?.id);
    expect(moved.start?.dateTime).toBe('2026-11-25T10:00:00.0000000');
    const after = (await priya
      .api(`/me/events/${master.id}/instances`)
      .query({ startDateTime: '2026-11-23T00:00:00Z', endDateTime: '2026-12-31T00:00:00Z' })
      .get()) as { value: Event[] };
    expect(after.value.map((i) => i.type)).toEqual([
      'occurrence',
      'exception',
      'occurrence',
      'occurrence',
      'occurrence',
      'occurrence',
    ]);
    const samView = (await sam
      .api('/me/calendarView')
      .query({ startDateTime: '2026-11-23T00:00:00Z', endDateTime: '2026-11-26T00:00:00Z' })
      .get()) as { value: Event[] };
    expect(samView.value.map((e) => [e.subject, e.isOrganizer, e.type])).toEqual([
      ['Team standup', false, 'occurrence'],
      ['Team standup', false, 'exception'],
    ]);
  });

  it('cancels one occurrence as organizer (202) and refuses an attendee with 400', async () => {
    const master = (await priya.api('/me/events').post(weeklyStandup('Design sync'))) as Event;
    const window = { startDateTime: '2026-11-23T00:00:00Z', endDateTime: '2026-12-31T00:00:00Z' };
    const [first] = (
      (await priya.api(`/me/events/${master.id}/instances`).query(window).get()) as { value: Event[] }
    ).value;
    await priya.api(`/me/events/${first?.id}/cancel`).post({ comment: 'Skipping this week' });
    const left = (
      (await priya.api(`/me/events/${master.id}/instances`).query(window).get()) as { value: Event[] }
    ).value;
    expect(left).toHaveLength(5);
    expect(left.some((i) => i.id === first?.id)).toBe(false);
    const samCopy = ((await sam.api('/me/events').get()) as { value: Event[] }).value.find(
      (e) => e.subject === 'Design sync',
    );
    const samInstances = (
      (await sam.api(`/me/events/${samCopy?.id}/instances`).query(window).get()) as { value: Event[] }
    ).value;
    expect(samInstances[0]?.isCancelled).toBe(true);
    const refused = await graphFailure(
      sam.api(`/me/events/${samInstances[1]?.id}/cancel`).post({ comment: 'no' }),
    );
    expect(refused.statusCode).toBe(400);
    const emails = sandbox.core.log.entries().flatMap((e) => e.emailsSent ?? []);
    // The organizer's comment travels in the cancellation mail.
    expect(emails).toContainEqual({
      to: 'sam@fabrikam.example',
      kind: 'cancellation',
      message: 'Skipping this week',
    });
  });

  it('answers getSchedule with availabilityView and workingHours, and enforces its limits', async () => {
    const result = (await priya.api('/me/calendar/getSchedule').post({
      schedules: ['sam@fabrikam.example', 'nobody@elsewhere.example'],
      startTime: { dateTime: '2026-11-23T08:00:00', timeZone: 'W. Europe Standard Time' },
      endTime: { dateTime: '2026-11-23T11:00:00', timeZone: 'W. Europe Standard Time' },
      availabilityViewInterval: 30,
    })) as {
      value: {
        scheduleId: string;
        availabilityView: string;
        workingHours?: { timeZone: { name: string } };
        scheduleItems: { status: string; start: { dateTime: string; timeZone: string } }[];
        error?: unknown;
      }[];
    };
    // Without Prefer: outlook.timezone the items come back in UTC.
    expect(result.value[0]?.scheduleItems[0]).toMatchObject({
      status: 'tentative',
      start: { dateTime: '2026-11-23T08:00:00.0000000', timeZone: 'UTC' },
    });
    // Sam has not answered the standup yet: Outlook shows it as tentative.
    expect(result.value[0]?.availabilityView).toBe('001000');
    expect(result.value[0]?.workingHours?.timeZone.name).toBe('Eastern Standard Time');
    expect(result.value[1]?.error).toBeDefined();
    const many = await graphFailure(
      priya.api('/me/calendar/getSchedule').post({
        schedules: Array.from({ length: 21 }, (_, i) => `u${i}@fabrikam.example`),
        startTime: { dateTime: '2026-11-23T08:00:00', timeZone: 'UTC' },
        endTime: { dateTime: '2026-11-23T11:00:00', timeZone: 'UTC' },
      }),
    );
    expect(many.code).toBe('ErrorMailboxDataArrayTooBig');
    const long = await graphFailure(
      priya.api('/me/calendar/getSchedule').post({
        schedules: ['sam@fabrikam.example'],
        startTime: { dateTime: '2026-11-23T00:00:00', timeZone: 'UTC' },
        endTime: { dateTime: '2027-01-04T00:00:00', timeZone: 'UTC' },
      }),
    );
    expect(long.code).toBe('ErrorTimeIntervalTooBig');
  });
  it('records attendee responses: accept on the copy, the answer on the organizer side, decline of one occurrence', async () => {
    const window = { startDateTime: '2026-11-23T00:00:00Z', endDateTime: '2026-12-31T00:00:00Z' };
    const copy = ((await sam.api('/me/events').get()) as { value: Event[] }).value.find(
      (e) => e.subject === 'Team standup',
    );
    await sam.api(`/me/events/${copy?.id}/accept`).post({ comment: 'See you there', sendResponse: true });
    const accepted = (await sam.api(`/me/events/${copy?.id}`).get()) as Event;
    expect(accepted.responseStatus?.response).toBe('accepted');
    expect(accepted.showAs).toBe('busy');
    const organizerView = ((await priya.api('/me/events').get()) as { value: Event[] }).value.find(
      (e) => e.subject === 'Team standup',
    );
    expect(organizerView?.attendees?.[0]?.status?.response).toBe('accepted');
    const [first, second] = (
      (await sam.api(`/me/events/${copy?.id}/instances`).query(window).get()) as { value: Event[] }
    ).value;
    await sam.api(`/me/events/${second?.id}/decline`).post({ sendResponse: false });
    const left = (
      (await sam.api(`/me/events/${copy?.id}/instances`).query(window).get()) as { value: Event[] }
    ).value;
    expect(left.map((i) => i.id)).not.toContain(second?.id);
    expect(left.map((i) => i.id)).toContain(first?.id);
    const own = await graphFailure(priya.api(`/me/events/${organizerView?.id}/tentativelyAccept`).post({}));
    expect(own.statusCode).toBe(400);
  });

  it('answers a stale If-Match with 412 and an occurrence moved past its neighbour with ErrorOccurrenceCrossingBoundary', async () => {
    const event = (await priya.api('/me/events').post({
      subject: 'Etag check',
      start: { dateTime: '2026-11-24T07:00:00', timeZone: 'UTC' },
      end: { dateTime: '2026-11-24T07:30:00', timeZone: 'UTC' },
    })) as Event;
    const etag = (event as Record<string, unknown>)['@odata.etag'] as string;
    await priya.api(`/me/events/${event.id}`).header('If-Match', etag).patch({ subject: 'Etag check v2' });
    const stale = await graphFailure(
      priya.api(`/me/events/${event.id}`).header('If-Match', etag).patch({ subject: 'lost update' }),
    );
    expect(stale.statusCode).toBe(412);
    expect(stale.code).toBe('ErrorIrresolvableConflict');
    const master = (await priya.api('/me/events').post(weeklyStandup('Boundary check'))) as Event;
    const window = { startDateTime: '2026-11-23T00:00:00Z', endDateTime: '2026-12-31T00:00:00Z' };
    const [first] = (
      (await priya.api(`/me/events/${master.id}/instances`).query(window).get()) as { value: Event[] }
    ).value;
    const crossing = await graphFailure(
      priya.api(`/me/events/${first?.id}`).patch({
        start: { dateTime: '2026-11-25T10:00:00', timeZone: 'W. Europe Standard Time' },
        end: { dateTime: '2026-11-25T10:30:00', timeZone: 'W. Europe Standard Time' },
      }),
    );
    expect(crossing.code).toBe('ErrorOccurrenceCrossingBoundary');
  });

  it('drops the exceptions when the whole series moves, as Outlook does', async () => {
    const master = (await priya
      .api('/me/events')
      .post({ ...weeklyStandup('Moving series'), attendees: [] })) as Event;
    const window = { startDateTime: '2026-11-23T00:00:00Z', endDateTime: '2026-12-31T00:00:00Z' };
    const [first] = (
      (await priya.api(`/me/events/${master.id}/instances`).query(window).get()) as { value: Event[] }
    ).value;
    await priya.api(`/me/events/${first?.id}`).patch({ subject: 'One-off title' });
    await priya.api(`/me/events/${master.id}`).patch({
      start: { dateTime: '2026-11-23T14:00:00', timeZone: 'W. Europe Standard Time' },
      end: { dateTime: '2026-11-23T14:30:00', timeZone: 'W. Europe Standard Time' },
    });
    const after = (
      (await priya.api(`/me/events/${master.id}/instances`).query(window).get()) as { value: Event[] }
    ).value;
    expect(after).toHaveLength(6);
    expect(new Set(after.map((i) => i.type))).toEqual(new Set(['occurrence']));
    expect(new Set(after.map((i) => i.start?.dateTime?.slice(11)))).toEqual(new Set(['13:00:00.0000000']));
  });

  it('records the attendee emails Graph would send, and none for personal changes', async () => {
    // The sandbox clock stands still, so the log is sliced by position rather than by time.
    const all = () => sandbox.core.log.entries().flatMap((e) => e.emailsSent ?? []);
    const before = all().length;
    const emails = () => all().slice(before);
    const meeting = (await priya.api('/me/events').post({
      subject: 'Quarterly planning',
      start: { dateTime: '2026-11-27T13:00:00', timeZone: 'UTC' },
      end: { dateTime: '2026-11-27T14:00:00', timeZone: 'UTC' },
      attendees: [
        { emailAddress: { address: 'sam@fabrikam.example' } },
        { emailAddress: { address: 'guest@northwind.example' } },
      ],
    })) as Event;
    expect(emails()).toEqual([
      { to: 'sam@fabrikam.example', kind: 'invitation' },
      { to: 'guest@northwind.example', kind: 'invitation' },
    ]);
    await priya
      .api(`/me/events/${meeting.id}`)
      .patch({ categories: ['Frontload'], singleValueExtendedProperties: [{ id: TAG, value: 'seen' }] });
    expect(emails()).toHaveLength(2);
    await priya.api(`/me/events/${meeting.id}`).patch({
      start: { dateTime: '2026-11-27T15:00:00', timeZone: 'UTC' },
      end: { dateTime: '2026-11-27T16:00:00', timeZone: 'UTC' },
    });
    expect(emails().slice(2)).toEqual([
      { to: 'sam@fabrikam.example', kind: 'update' },
      { to: 'guest@northwind.example', kind: 'update' },
    ]);
  });

  it('enforces scopes: a Calendars.Read token cannot write', async () => {
    const account = sandbox.core.accounts.byEmail('microsoft', 'priya@fabrikam.example');
    const readOnly = graphClient(
      sandbox.base,
      (await signIn(sandbox.base, account?.id ?? '', 'User.Read Calendars.Read')).access_token,
    );
    await readOnly.api('/me/events').get();
    const refused = await graphFailure(readOnly.api('/me/events').post({ subject: 'nope' }));
    expect(refused.statusCode).toBe(403);
    expect(refused.code).toBe('ErrorAccessDenied');
    const noMailbox = await graphFailure(readOnly.api('/me/mailboxSettings').get());
    expect(noMailbox.statusCode).toBe(403);
  });

  it('answers 401 InvalidAuthenticationToken once the access token expired', async () => {
    sandbox.core.clock.advance(2 * 3_600_000);
    const expired = await graphFailure(priya.api('/me').get());
    expect(expired.statusCode).toBe(401);
    expect(expired.code).toBe('InvalidAuthenticationToken');
  });
});
