import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { calendar_v3 } from 'googleapis';
import { faultError, gerr } from '../src/google/errors.js';
import { conformanceFailures, errorShapeProblems, FIXTURES, validatorFor } from './conformance.js';
import { signIn, startSandbox, type Sandbox } from './helpers.js';

let sandbox: Sandbox;
let alex: calendar_v3.Calendar;

const fixture = (name: string) => JSON.parse(readFileSync(join(FIXTURES, name), 'utf8')) as unknown;

beforeAll(async () => {
  sandbox = await startSandbox({ seedDemo: true, startAtMs: Date.parse('2026-11-18T09:00:00Z') });
  alex = (await signIn(sandbox, 'alex.tlm@sandbox.test')).calendar;
});
afterAll(() => sandbox.close());

describe('conformance with the discovery document', () => {
  it('walks the demo calendar through every read route, and every response validates', async () => {
    await alex.calendarList.list();
    await alex.calendarList.get({ calendarId: 'primary' });
    await alex.calendars.get({ calendarId: 'primary' });
    await alex.settings.list();
    await alex.settings.get({ setting: 'timezone' });
    const { data: full } = await alex.events.list({ calendarId: 'primary', showDeleted: true });
    const { data: expanded } = await alex.events.list({
      calendarId: 'primary',
      singleEvents: true,
      orderBy: 'startTime',
      timeMin: '2026-11-16T00:00:00+01:00',
      timeMax: '2026-11-23T00:00:00+01:00',
      maxResults: 10,
    });
    expect(expanded.nextPageToken).toBeTruthy();
    await alex.events.list({
      calendarId: 'primary',
      pageToken: expanded.nextPageToken ?? '',
      maxResults: 10,
    });
    for (const event of full.items ?? []) {
      await alex.events.get({ calendarId: 'primary', eventId: event.id ?? '' });
      if (event.recurrence)
        await alex.events.instances({ calendarId: 'primary', eventId: event.id ?? '', maxResults: 5 });
    }
    const reports = ['priya.natarajan', 'marco.rossi', 'jonas.weber', 'lena.hoffmann'].map((r) => ({
      id: `${r}@sandbox.test`,
    }));
    const { data: busy } = await alex.freebusy.query({
      requestBody: {
        timeMin: '2026-11-16T00:00:00Z',
        timeMax: '2026-11-21T00:00:00Z',
        timeZone: 'Europe/Berlin',
        items: [{ id: 'primary' }, ...reports],
      },
    });
    expect(busy.calendars?.['priya.natarajan@sandbox.test']?.busy?.length).toBeGreaterThan(5);
    await alex.events.watch({
      calendarId: 'primary',
      requestBody: { id: 'conf-1', type: 'web_hook', address: 'https://push.invalid/hook' },
    });
    expect(sandbox.captured.length).toBeGreaterThan(20);
    expect(conformanceFailures(sandbox.captured)).toEqual([]);
  });

  it('the demo week has what the TLM story needs', async () => {
    const { data } = await alex.events.list({ calendarId: 'primary' });
    const items = data.items ?? [];
    const summaries = items.map((e) => e.summary);
    expect(summaries).toEqual(
      expect.arrayContaining([
        'Alex / Priya 1:1',
        'Marco <> Alex',
        'Company all-hands',
        'Public holiday (office closed)',
      ]),
    );
    expect(items.filter((e) => e.organizer?.self !== true).length).toBeGreaterThanOrEqual(5);
    expect(items.some((e) => e.eventType === 'outOfOffice')).toBe(true);
    expect(items.some((e) => e.attendees?.some((a) => a.email === 'chris@partner.example'))).toBe(true);
    const review = items.find((e) => e.summary === 'Architecture review');
    const { data: instances } = await alex.events.instances({
      calendarId: 'primary',
      eventId: review?.id ?? '',
      timeZone: 'Europe/Berlin',
      maxResults: 30,
    });
    const offsets = new Set(instances.items?.map((i) => i.start?.dateTime?.slice(-6)));
    expect(offsets.size).toBe(2); // the series crosses a DST change at 16:00 local throughout
    expect(instances.items?.every((i) => i.start?.dateTime?.slice(11, 16) === '16:00')).toBe(true);
  });

  it('the validator bites: an event with a wrong type or an unknown member is rejected', () => {
    const validate = validatorFor('Event');
    expect(validate({ kind: 'calendar#event', id: 'abc', start: { dateTime: '2026-11-18T10:00:00Z' } })).toBe(
      true,
    );
    expect(validate({ kind: 'calendar#event', sequence: 'one' })).toBe(false);
    expect(validate({ kind: 'calendar#event', notAField: true })).toBe(false);
  });
});

describe('error bodies match the fixtures field for field', () => {
  it.each([
    ['google-error-410-fullSyncRequired.json', gerr.fullSyncRequired()],
    ['google-error-410-updatedMinTooLongAgo.json', gerr.updatedMinTooLongAgo()],
    ['google-error-410-deleted.json', gerr.deleted()],
    ['google-error-412-conditionNotMet.json', gerr.conditionNotMet()],
    ['google-error-429-rateLimitExceeded.json', faultError(429)],
    ['google-error-403-userRateLimitExceeded.json', faultError(403)],
    ['google-error-403-rateLimitExceeded.json', gerr.rateLimited(403)],
  ])('%s', (file, error) => {
    expect(JSON.stringify(error.body())).toBe(JSON.stringify(fixture(file)));
  });

  it('the shape checker accepts every fixture and rejects a foreign shape', () => {
    for (const file of ['google-error-410-fullSyncRequired.json', 'google-error-412-conditionNotMet.json']) {
      const body = fixture(file) as { error: { code: number } };
      expect(errorShapeProblems(body, body.error.code)).toEqual([]);
    }
    expect(
      errorShapeProblems({ error: { code: 400, message: 'x', status: 'INVALID_ARGUMENT' } }, 400),
    ).not.toEqual([]);
  });
});
