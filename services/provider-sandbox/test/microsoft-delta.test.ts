import { GraphError, type Client } from '@microsoft/microsoft-graph-client';
import type { Event } from '@microsoft/microsoft-graph-types';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createAccount,
  graphClient,
  relative,
  signIn,
  startSandbox,
  type Sandbox,
} from './microsoft-helpers.js';

interface DeltaPage {
  '@odata.context': string;
  '@odata.nextLink'?: string;
  '@odata.deltaLink'?: string;
  value: (Event & { '@removed'?: { reason: string } })[];
}

/** Follows nextLinks until a deltaLink, like a sync worker. */
async function deltaRound(
  client: Client,
  first: string,
  prefer = 'odata.maxpagesize=2',
): Promise<{ items: DeltaPage['value']; deltaLink: string; pages: number }> {
  const items: DeltaPage['value'] = [];
  let link = first;
  for (let pages = 1; ; pages += 1) {
    const page = (await client.api(link).header('Prefer', prefer).get()) as DeltaPage;
    items.push(...page.value);
    if (page['@odata.deltaLink'] !== undefined)
      return { items, deltaLink: relative(page['@odata.deltaLink']), pages };
    link = relative(page['@odata.nextLink'] ?? '');
  }
}

const at = (day: string, time: string) => ({ dateTime: `${day}T${time}:00`, timeZone: 'UTC' });

describe('Graph calendarView delta', () => {
  let sandbox: Sandbox;
  let worker: Client;
  let user: Client;
  let accountId: string;
  const window = '/me/calendarView/delta?startDateTime=2026-11-23T00:00:00Z&endDateTime=2026-11-30T00:00:00Z';

  beforeAll(async () => {
    sandbox = await startSandbox();
    accountId = createAccount(sandbox.core, 'Priya Raman', 'priya@fabrikam.example').id;
    // Two clients for one mailbox: our sync worker and "another client" (Outlook) changing the calendar.
    worker = graphClient(sandbox.base, (await signIn(sandbox.base, accountId)).access_token);
    user = graphClient(sandbox.base, (await signIn(sandbox.base, accountId)).access_token);
    for (const [subject, day] of [
      ['Mon 1:1', '2026-11-23'],
      ['Tue review', '2026-11-24'],
      ['Wed planning', '2026-11-25'],
    ] as const) {
      await user.api('/me/events').post({ subject, start: at(day, '10:00'), end: at(day, '11:00') });
    }
    await user
      .api('/me/events')
      .post({ subject: 'Next month', start: at('2026-12-10', '10:00'), end: at('2026-12-10', '11:00') });
    await user.api('/me/events').post({
      subject: 'Daily check-in',
      start: at('2026-11-26', '09:00'),
      end: at('2026-11-26', '09:15'),
      recurrence: {
        pattern: { type: 'daily', interval: 1 },
        range: { type: 'endDate', startDate: '2026-11-26', endDate: '2026-12-02', recurrenceTimeZone: 'UTC' },
      },
    });
  });
  afterAll(async () => sandbox.close());

  it('pages a full round with nextLinks, then sees another client’s insert, update and delete', async () => {
    const full = await deltaRound(worker, window);
    expect(full.pages).toBe(4);
    expect(full.items.map((e) => e.subject).sort()).toEqual([
      'Daily check-in',
      'Daily check-in',
      'Daily check-in',
      'Daily check-in',
      'Mon 1:1',
      'Tue review',
      'Wed planning',
    ]);
    expect(
      full.items.filter((e) => e.subject === 'Daily check-in').every((e) => e.type === 'occurrence'),
    ).toBe(true);
    expect(full.items[0]?.start?.dateTime).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{7}$/);

    const tue = full.items.find((e) => e.subject === 'Tue review');
    const wed = full.items.find((e) => e.subject === 'Wed planning');
    const inserted = (await user.api('/me/events').post({
      subject: 'Thu offsite',
      start: at('2026-11-26', '13:00'),
      end: at('2026-11-26', '17:00'),
    })) as Event;
    await user.api(`/me/events/${tue?.id}`).patch({ subject: 'Tue review (v2)' });
    await user.api(`/me/events/${wed?.id}`).delete();

    const next = await deltaRound(worker, full.deltaLink);
    const byId = new Map(next.items.map((e) => [e.id, e]));
    expect(next.items).toHaveLength(3);
    expect(byId.get(inserted.id)?.subject).toBe('Thu offsite');
    expect(byId.get(tue?.id)?.subject).toBe('Tue review (v2)');
    expect(byId.get(wed?.id)).toEqual({
      '@odata.type': '#microsoft.graph.event',
      id: wed?.id,
      '@removed': { reason: 'deleted' },
    });

    const quiet = await deltaRound(worker, next.deltaLink);
    expect(quiet.items).toEqual([]);
  });

  it('renders times in the Prefer outlook.timezone zone', async () => {
    const { items } = await deltaRound(
      worker,
      window,
      'odata.maxpagesize=50, outlook.timezone="Tokyo Standard Time"',
    );
    const monday = items.find((e) => e.subject === 'Mon 1:1');
    expect(monday?.start).toEqual({
      dateTime: '2026-11-23T19:00:00.0000000',
      timeZone: 'Tokyo Standard Time',
    });
  });

  it('answers 410 SyncStateNotFound once the delta links are invalidated', async () => {
    const { deltaLink } = await deltaRound(worker, window);
    sandbox.core.provider('microsoft')?.invalidateSyncTokens(accountId);
    let failure: unknown;
    try {
      await worker.api(deltaLink).get();
    } catch (error) {
      failure = error;
    }
    expect(failure).toBeInstanceOf(GraphError);
    expect((failure as GraphError).statusCode).toBe(410);
    expect((failure as GraphError).code).toBe('SyncStateNotFound');
    const restarted = await deltaRound(worker, window);
    expect(restarted.items.length).toBeGreaterThan(0);
  });

  it('requires the window on the first request', async () => {
    const failure = await worker
      .api('/me/calendarView/delta')
      .get()
      .catch((error: unknown) => error);
    expect((failure as GraphError).statusCode).toBe(400);
    expect((failure as GraphError).code).toBe('ErrorInvalidParameter');
  });
  it('serves the same delta under /me/calendars/{id} for the default calendar, 404 for another id', async () => {
    const calendar = (await worker.api('/me/calendar').get()) as { id: string };
    const scoped = await deltaRound(worker, `/me/calendars/${calendar.id}${window.slice(3)}`);
    expect(scoped.items.length).toBeGreaterThan(0);
    expect(scoped.deltaLink.startsWith(`/me/calendars/${calendar.id}/calendarView/delta?$deltatoken=`)).toBe(
      true,
    );
    const other = (await worker
      .api(`/me/calendars/AAMkOther${window.slice(3)}`)
      .get()
      .catch((e: unknown) => e)) as GraphError;
    expect(other.statusCode).toBe(404);
  });
});
