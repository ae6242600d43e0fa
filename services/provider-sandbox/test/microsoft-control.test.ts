import type { Event } from '@microsoft/microsoft-graph-types';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graphClient, relative, signIn, startSandbox, type Sandbox } from './microsoft-helpers.js';

const json = async (response: Response): Promise<unknown> => response.json();

describe('the control API on the Microsoft side', () => {
  let sandbox: Sandbox;
  const post = (path: string, body?: unknown) =>
    fetch(`${sandbox.base}${path}`, {
      method: 'POST',
      ...(body === undefined
        ? {}
        : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
    });

  beforeAll(async () => {
    sandbox = await startSandbox();
  });
  afterAll(async () => sandbox.close());

  it('creates a mailbox, seeds Graph-shaped events, dumps them and invalidates delta links (410)', async () => {
    const account = (await json(
      await post('/_sandbox/accounts', {
        provider: 'microsoft',
        email: 'lee@fabrikam.example',
        name: 'Lee Gu',
        timeZone: 'Europe/Berlin',
      }),
    )) as { id: string };
    const seeded = await post(`/_sandbox/accounts/${account.id}/events`, {
      events: [
        {
          subject: 'Seeded 1:1',
          start: { dateTime: '2026-11-24T10:00:00', timeZone: 'W. Europe Standard Time' },
          end: { dateTime: '2026-11-24T10:30:00', timeZone: 'W. Europe Standard Time' },
        },
        {
          subject: 'Seeded all-day',
          isAllDay: true,
          start: { dateTime: '2026-11-25T00:00:00', timeZone: 'UTC' },
          end: { dateTime: '2026-11-26T00:00:00', timeZone: 'UTC' },
        },
      ],
    });
    expect(seeded.status).toBe(201);
    expect(await json(seeded)).toEqual({ created: 2 });
    const rejected = await post(`/_sandbox/accounts/${account.id}/events`, {
      events: [{ subject: 'x', colour: 'red' }],
    });
    expect(rejected.status).toBe(400);
    const dump = (await json(
      await fetch(`${sandbox.base}/_sandbox/accounts/${account.id}/events`),
    )) as Event[];
    expect(dump.map((e) => e.subject).sort()).toEqual(['Seeded 1:1', 'Seeded all-day']);

    const client = graphClient(sandbox.base, (await signIn(sandbox.base, account.id)).access_token);
    const first = (await client
      .api('/me/calendarView/delta')
      .query({ startDateTime: '2026-11-23T00:00:00Z', endDateTime: '2026-11-30T00:00:00Z' })
      .get()) as { value: Event[]; '@odata.deltaLink': string };
    expect(first.value).toHaveLength(2);
    expect((await post(`/_sandbox/accounts/${account.id}/invalidate-sync-tokens`)).status).toBe(204);
    const gone = (await client
      .api(relative(first['@odata.deltaLink']))
      .get()
      .catch((e: unknown) => e)) as { statusCode: number };
    expect(gone.statusCode).toBe(410);
  });

  it('logs Graph calls per account with their route patterns', async () => {
    const entries = sandbox.core.log.entries({ provider: 'microsoft' });
    expect(entries.map((e) => e.route)).toEqual(
      expect.arrayContaining(['GET /v1.0/me/calendarView/delta', 'POST /:tenant/oauth2/v2.0/token']),
    );
    expect(entries.find((e) => e.route === 'GET /v1.0/me/calendarView/delta')?.accountId).toEqual(
      expect.any(String),
    );
  });
});
