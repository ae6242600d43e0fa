/**
 * Conformance of the Microsoft emulation, driven only through the real Graph client:
 * - every JSON response of a broad scenario validates against the v1.0 CSDL subset;
 * - the documented samples (graph-docs-calendar-samples.json, the delta pages, the seriesMaster sample)
 *   replay against the sandbox and come back with the same fields and value types;
 * - every error body has Graph's error shape, field for field; bad input is a 4xx, never a 500.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ResponseType, type Client } from '@microsoft/microsoft-graph-client';
import type { Event, Subscription } from '@microsoft/microsoft-graph-types';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURES } from './conformance.js';
import { Csdl } from './microsoft-csdl.js';
import {
  createAccount,
  graphClient,
  relative,
  ResponseRecorder,
  signIn,
  startReceiver,
  startSandbox,
  START_MS,
  type Receiver,
  type Sandbox,
} from './microsoft-helpers.js';

const fixture = (name: string): unknown => JSON.parse(readFileSync(join(FIXTURES, name), 'utf8'));
const csdl = new Csdl(join(FIXTURES, 'graph-v1.0-csdl-calendar-subset.xml'));

interface Mock {
  request: { url: string; method?: string };
  response: { statusCode: number; body?: unknown };
}

/** Samples for endpoints outside this emulation's scope (attachments, accept/decline, calendars…). */
const NOT_EMULATED =
  /attachments|forward|Reminder|calendarGroups|\/calendars\/|POST \/me\/calendars|groups\/|findMeetingTimes|multiValueExtendedProperties|^PATCH \/me\/mailboxSettings|^(DELETE|PATCH) \/me\/calendar$/;
/** Properties a sample shows that the v1.0 CSDL does not declare on a non-open type (we follow the CSDL). */
const NOT_IN_CSDL = new Set(['notificationContentType']);
/**
 * The workingHours sample's mailbox uses a customTimeZone (bias + DST rules); sandbox mailboxes use named
 * zones, which Graph reports as `{name}` (see the mailboxSettings sample), so only `name` is compared.
 */
const CUSTOM_ZONE_ONLY = new Set(['@odata.type', 'bias', 'standardOffset', 'daylightOffset']);

/** Documented fields must come back with the same JSON type (a documented null accepts anything). */
function sameShape(doc: unknown, ours: unknown, path: string, problems: string[]): void {
  // null is a value of every nullable property; nullability itself is checked against the CSDL above.
  if (doc === null || ours === null) return;
  if (Array.isArray(doc)) {
    if (!Array.isArray(ours)) return void problems.push(`${path}: expected array`);
    if (doc.length > 0 && ours.length > 0) sameShape(doc[0], ours[0], `${path}[0]`, problems);
    return;
  }
  if (typeof doc === 'object') {
    if (ours === null || typeof ours !== 'object' || Array.isArray(ours))
      return void problems.push(`${path}: expected object`);
    for (const [key, value] of Object.entries(doc)) {
      if (NOT_IN_CSDL.has(key) || (path.endsWith('.timeZone') && CUSTOM_ZONE_ONLY.has(key))) continue;
      if (!(key in ours)) problems.push(`${path}.${key}: missing`);
      else sameShape(value, (ours as Record<string, unknown>)[key], `${path}.${key}`, problems);
    }
    return;
  }
  if (typeof ours !== typeof doc)
    problems.push(`${path}: ${typeof doc} expected, got ${JSON.stringify(ours)}`);
}

/** The CSDL type of a response from its @odata.context. */
function typeOfContext(context: string): { type: string; collection: boolean } | undefined {
  const fragment = context.split('#')[1] ?? '';
  if (/scheduleInformation/.test(fragment)) return { type: 'scheduleInformation', collection: true };
  if (/^subscriptions\/\$entity$/.test(fragment)) return { type: 'subscription', collection: false };
  if (/^subscriptions$/.test(fragment)) return { type: 'subscription', collection: true };
  if (/events\/\$entity$/.test(fragment)) return { type: 'event', collection: false };
  if (/^Collection\(event\)$|\/events$|\/calendarView$/.test(fragment))
    return { type: 'event', collection: true };
  if (/mailboxSettings\/workingHours$/.test(fragment)) return { type: 'workingHours', collection: false };
  if (/\/calendars\/\$entity$/.test(fragment)) return { type: 'calendar', collection: false };
  if (/\/calendars$/.test(fragment)) return { type: 'calendar', collection: true };
  return undefined;
}

const ENVELOPE = new Set(['@odata.context', '@odata.nextLink', '@odata.deltaLink', 'value']);

function validateResponse(body: Record<string, unknown>, where: string): string[] {
  const context = typeof body['@odata.context'] === 'string' ? body['@odata.context'] : '';
  const target = typeOfContext(context);
  if (target === undefined) return [];
  if (!target.collection) return csdl.validate(target.type, body, where);
  const extra = Object.keys(body).filter((k) => !ENVELOPE.has(k));
  const items = Array.isArray(body.value) ? (body.value as unknown[]) : [];
  return [
    ...extra.map((k) => `${where}: unexpected envelope key ${k}`),
    ...items.flatMap((item, i) => csdl.validate(target.type, item, `${where}[${i}]`)),
  ];
}

const at = (day: string, time: string) => ({
  dateTime: `${day}T${time}:00`,
  timeZone: 'Pacific Standard Time',
});

describe('Graph conformance', () => {
  let sandbox: Sandbox;
  let receiver: Receiver;
  let client: Client;
  const recorder = new ResponseRecorder();
  let meganId = '';

  async function scenario(): Promise<void> {
    await client.api('/me').get();
    await client.api('/me/calendar').get();
    await client.api('/me/calendars').get();
    await client.api('/me/mailboxSettings').get();
    for (const p of ['workingHours', 'automaticRepliesSetting', 'userPurpose'])
      await client.api(`/me/mailboxSettings/${p}`).get();
    const single = (await client.api('/me/events').post({
      subject: 'Family reunion',
      body: { contentType: 'HTML', content: "Let's get together this Thanksgiving!" },
      start: at('2026-11-26', '09:00'),
      end: at('2026-11-29', '21:00'),
      location: { displayName: '' },
      attendees: [
        { emailAddress: { address: 'Terrie@contoso.com', name: 'Terrie Barrera' }, type: 'required' },
      ],
    })) as Event;
    const room = (await client.api('/me/events').post({
      subject: 'Roadmap review',
      transactionId: 'frontload-roadmap-1',
      start: at('2026-11-23', '09:00'),
      end: at('2026-11-23', '10:00'),
      location: { displayName: 'Conf Room Rainier' },
      isOnlineMeeting: true,
      onlineMeetingProvider: 'teamsForBusiness',
      attendees: [{ emailAddress: { address: 'alex@contoso.com', name: 'Alex Wilber' }, type: 'required' }],
    })) as Event;
    const selections = [
      'subject,body,bodyPreview,organizer,attendees,start,end,location,hideAttendees',
      'subject,body,bodyPreview,organizer,attendees,start,end,location,locations',
    ];
    for (const id of [single.id, room.id]) {
      for (const selection of selections) await client.api(`/me/events/${id}`).select(selection).get();
    }
    await client
      .api('/me/events')
      .select('subject,body,bodyPreview,organizer,attendees,start,end,location')
      .get();
    await client.api('/me/calendar/events').filter("startswith(subject,'Roadmap')").get();
    await client.api('/me/calendar/events').get();
    const series = (await client.api('/me/events').post({
      subject: 'Continuing Education Sync',
      start: at('2026-11-24', '10:30'),
      end: at('2026-11-24', '11:30'),
      location: { displayName: 'HR Taskforce / Benefits' },
      attendees: [
        { emailAddress: { address: 'LidiaH@contoso.com', name: 'Lidia Holloway' }, type: 'required' },
      ],
      recurrence: {
        pattern: {
          type: 'weekly',
          interval: 1,
          daysOfWeek: ['tuesday', 'thursday'],
          firstDayOfWeek: 'sunday',
        },
        range: { type: 'noEnd', startDate: '2026-11-24', recurrenceTimeZone: 'Eastern Standard Time' },
      },
    })) as Event;
    await client.api(`/me/events/${series.id}`).get();
    const window = { startDateTime: '2026-11-23T00:00:00Z', endDateTime: '2026-12-07T00:00:00Z' };
    const instances = (
      (await client.api(`/me/events/${series.id}/instances`).query(window).get()) as { value: Event[] }
    ).value;
    await client
      .api(`/me/events/${instances[0]?.id}`)
      .patch({ subject: 'Continuing Education Sync (moved)', isReminderOn: false });
    await client.api(`/me/events/${instances[1]?.id}/cancel`).post({ Comment: 'Cancelling for this week' });
    await client.api('/me/calendarView').query(window).get();
    await client.api('/me/calendar/calendarView').query(window).get();
    let link = `/me/calendarView/delta?startDateTime=${window.startDateTime}&endDateTime=${window.endDateTime}`;
    for (;;) {
      const page = (await client.api(link).header('Prefer', 'odata.maxpagesize=3').get()) as Record<
        string,
        string | undefined
      >;
      if (page['@odata.nextLink'] === undefined) {
        await client.api(`/me/events/${single.id}`).patch({ subject: 'Family reunion (v2)' });
        await client.api(relative(page['@odata.deltaLink'] ?? '')).get();
        break;
      }
      link = relative(page['@odata.nextLink']);
    }
    await client
      .api('/me/calendar/getSchedule')
      .header('Prefer', 'outlook.timezone="Pacific Standard Time"')
      .post({
        schedules: ['adele@fabrikam.example'],
        startTime: at('2026-11-24', '08:00'),
        endTime: at('2026-11-24', '18:00'),
        availabilityViewInterval: 60,
      });
    const subscription = (await client.api('/subscriptions').post({
      changeType: 'created,updated,deleted',
      notificationUrl: receiver.url,
      lifecycleNotificationUrl: receiver.url,
      resource: 'me/events',
      expirationDateTime: new Date(START_MS + 86_400_000).toISOString(),
      clientState: 'secretClientValue',
    })) as Subscription;
    await client.api(`/subscriptions/${subscription.id}`).get();
    await client.api('/subscriptions').get();
    await client
      .api(`/subscriptions/${subscription.id}`)
      .patch({ expirationDateTime: new Date(START_MS + 2 * 86_400_000).toISOString() });
    await client.api(`/subscriptions/${subscription.id}/reauthorize`).post({});
    await respondAsAttendee();
    await client.api(`/me/events/${single.id}`).delete();
    await receiver.waitFor((n) => n.changeType === 'deleted');
    await client.api(`/subscriptions/${subscription.id}`).delete();
  }

  /** Megan answers three invitations from Adele: accept, tentativelyAccept, decline. */
  async function respondAsAttendee(): Promise<void> {
    const megan = graphClient(sandbox.base, (await signIn(sandbox.base, meganId)).access_token, recorder);
    for (const [i, action] of ['accept', 'tentativelyAccept', 'decline'].entries()) {
      await client.api('/me/events').post({
        subject: `Invitation ${action}`,
        start: at('2026-11-30', `1${i}:00`),
        end: at('2026-11-30', `1${i}:30`),
        attendees: [
          { emailAddress: { address: 'megan@fabrikam.example', name: 'Megan Bowen' }, type: 'required' },
        ],
      });
      const copy = ((await megan.api('/me/events').top(50).get()) as { value: Event[] }).value.find(
        (e) => e.subject === `Invitation ${action}`,
      );
      await megan.api(`/me/events/${copy?.id}/${action}`).post({ comment: 'Thanks', sendResponse: true });
    }
  }

  async function badInput(): Promise<void> {
    const raw = (request: Promise<unknown>) => request.catch(() => undefined);
    const post = (path: string, body: unknown) =>
      raw(
        client.api(path).header('Content-Type', 'application/json').responseType(ResponseType.RAW).post(body),
      );
    await post('/me/events', '{"subject": ');
    await post('/me/events', { subject: 'x', colour: 'blue' });
    await post('/me/events', { subject: 5 });
    await post('/me/events', { subject: { nested: true } });
    await post('/me/events', { showAs: 'sleeping' });
    await post('/me/events', { start: { dateTime: '2026-11-24T10:00:00', timeZone: 'Mars/Olympus' } });
    await post('/me/events', { start: { dateTime: 'tomorrow', timeZone: 'UTC' } });
    await post('/me/events', {
      recurrence: { pattern: { type: 'weekly' }, range: { type: 'noEnd', startDate: '2026-11-24' } },
    });
    await post('/me/calendar/getSchedule', { schedules: 'adele@fabrikam.example' });
    await post('/subscriptions', {
      changeType: 'created',
      resource: 'me/messages',
      notificationUrl: receiver.url,
      expirationDateTime: new Date(START_MS + 3_600_000).toISOString(),
    });
    await post('/subscriptions', {
      changeType: 'renamed',
      resource: 'me/events',
      notificationUrl: receiver.url,
      expirationDateTime: new Date(START_MS + 3_600_000).toISOString(),
    });
    await raw(client.api('/me/events/AAMkAGdoesnotexist').responseType(ResponseType.RAW).get());
    await raw(client.api('/me/events').query({ $top: 'ten' }).responseType(ResponseType.RAW).get());
    await raw(
      client.api('/me/events').query({ $filter: "subject eq 'x'" }).responseType(ResponseType.RAW).get(),
    );
    await raw(client.api('/me/calendarView').responseType(ResponseType.RAW).get());
    await raw(
      client.api('/me/calendarView/delta?$deltatoken=not-a-token').responseType(ResponseType.RAW).get(),
    );
    await raw(
      client
        .api('/me/calendarView/delta?startDateTime=2026-11-23T00:00:00Z&endDateTime=2026-11-24T00:00:00Z')
        .header('Prefer', 'odata.maxpagesize=100000')
        .responseType(ResponseType.RAW)
        .get(),
    );
    await raw(client.api('/me/todo/lists').responseType(ResponseType.RAW).get());
    await raw(graphClient(sandbox.base, '', recorder).api('/me/events').responseType(ResponseType.RAW).get());
    await raw(
      graphClient(sandbox.base, 'expired-or-forged', recorder)
        .api('/me')
        .responseType(ResponseType.RAW)
        .get(),
    );
  }

  beforeAll(async () => {
    sandbox = await startSandbox();
    receiver = await startReceiver();
    const account = createAccount(
      sandbox.core,
      'Adele Vance',
      'adele@fabrikam.example',
      'America/Los_Angeles',
    );
    meganId = createAccount(sandbox.core, 'Megan Bowen', 'megan@fabrikam.example', 'America/Los_Angeles').id;
    client = graphClient(sandbox.base, (await signIn(sandbox.base, account.id)).access_token, recorder);
    await scenario();
    await badInput();
  });
  afterAll(async () => {
    await sandbox.close();
    await receiver.close();
  });

  const jsonResponses = () =>
    recorder.responses.filter((r) => r.body !== undefined && typeof r.body === 'object') as {
      method: string;
      url: string;
      status: number;
      body: Record<string, unknown>;
    }[];

  it('validates every successful Graph response against the v1.0 CSDL subset', () => {
    const ok = jsonResponses().filter((r) => r.status < 400);
    expect(ok.length).toBeGreaterThan(25);
    const problems = ok.flatMap((r) => validateResponse(r.body, `${r.method} ${new URL(r.url).pathname}`));
    expect(problems).toEqual([]);
    const typed = ok.filter((r) => typeOfContext(String(r.body['@odata.context'] ?? '')) !== undefined);
    expect(typed.length).toBeGreaterThan(20);
  });

  it('validates the change and lifecycle notifications against changeNotification', () => {
    expect(receiver.notifications.length).toBeGreaterThan(0);
    expect(
      receiver.notifications.flatMap((n, i) => csdl.validate('changeNotification', n, `notification[${i}]`)),
    ).toEqual([]);
  });

  it('answers bad input with 4xx Graph errors, field for field, and never a 500', () => {
    const errors = jsonResponses().filter((r) => r.status >= 400);
    expect(errors.length).toBeGreaterThanOrEqual(18);
    expect(recorder.responses.filter((r) => r.status >= 500)).toEqual([]);
    for (const e of errors) {
      const error = e.body.error as Record<string, unknown>;
      expect(Object.keys(e.body)).toEqual(['error']);
      expect(Object.keys(error).sort()).toEqual(['code', 'innerError', 'message']);
      expect(typeof error.code).toBe('string');
      expect(Object.keys(error.innerError as object).sort()).toEqual([
        'client-request-id',
        'date',
        'request-id',
      ]);
      expect(String((error.innerError as Record<string, string>).date)).toMatch(
        /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/,
      );
    }
    const codes = errors.map((e) => `${e.status} ${String((e.body.error as Record<string, unknown>).code)}`);
    expect(codes).toEqual(
      expect.arrayContaining([
        '400 BadRequest',
        '400 RequestBodyRead',
        '400 TimeZoneNotSupportedException',
        '404 ErrorItemNotFound',
        '401 InvalidAuthenticationToken',
        '400 ErrorInvalidParameter',
        '400 ErrorInvalidUrlQueryFilter',
      ]),
    );
    const capped = recorder.responses.find(
      (r) => r.url.includes('endDateTime=2026-11-24') && r.status === 200,
    );
    expect(capped).toBeDefined();
  });

  it('replays the documented samples with the same fields and types', () => {
    const mocks = (fixture('graph-docs-calendar-samples.json') as { mocks: Mock[] }).mocks;
    const replayed: string[] = [];
    const problems: string[] = [];
    for (const mock of mocks) {
      const method = mock.request.method ?? 'GET';
      const sample = new URL(mock.request.url.replace(/\*/g, 'STAR'));
      const label = `${method} ${sample.pathname.replace('/v1.0', '')}`.replace(/STAR/g, '*');
      if (NOT_EMULATED.test(`${label}${sample.search}`)) continue;
      const path = new RegExp(`^${sample.pathname.replace(/STAR/g, '[^/]+')}$`);
      const keys = [...sample.searchParams.keys()]
        .map((k) => k.toLowerCase())
        .sort()
        .join('&');
      const candidates = recorder.responses.filter((r) => {
        const url = new URL(r.url);
        const ourKeys = [...url.searchParams.keys()].map((k) => k.toLowerCase());
        return (
          r.method === method &&
          r.status < 400 &&
          path.test(url.pathname) &&
          ourKeys.sort().join('&') === keys
        );
      });
      if (candidates.length === 0) {
        problems.push(`${label}: not replayed`);
        continue;
      }
      replayed.push(label);
      // The same request shape was sent for several events; the closest response is the sample's replay.
      const fits = candidates.map((ours) => {
        const found: string[] = [];
        if (mock.response.body === undefined || mock.response.body === null) {
          if (ours.status !== mock.response.statusCode)
            found.push(`${label}: status ${ours.status}, documented ${mock.response.statusCode}`);
        } else sameShape(mock.response.body, ours.body, label, found);
        return found;
      });
      problems.push(...fits.reduce((best, f) => (f.length < best.length ? f : best)));
    }
    expect(problems).toEqual([]);
    expect(replayed.length).toBeGreaterThanOrEqual(27);
  });

  it('returns seriesMaster and delta pages shaped like the documented ones', () => {
    const problems: string[] = [];
    const master = recorder.responses.find(
      (r) => (r.body as Event | undefined)?.type === 'seriesMaster' && r.method === 'GET',
    );
    sameShape(fixture('graph-event-seriesmaster-group-event.json'), master?.body, 'seriesMaster', problems);
    const deltas = recorder.responses.filter(
      (r) => r.url.includes('/calendarView/delta') && r.status === 200,
    );
    const first = deltas.find((r) => '@odata.nextLink' in (r.body as object));
    const last = deltas.find((r) => '@odata.deltaLink' in (r.body as object));
    sameShape(
      fixture('graph-calendarview-delta-page1-with-nextlink.json'),
      first?.body,
      'delta page 1',
      problems,
    );
    sameShape(
      fixture('graph-calendarview-delta-final-page-with-deltalink.json'),
      last?.body,
      'delta final page',
      problems,
    );
    expect(problems).toEqual([]);
  });
});
