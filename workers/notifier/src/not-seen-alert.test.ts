import { migrate, openDatabase, repositories, type Database } from '@frontload/db';
import type { CalendarEvent, WebhookPayloadV1 } from '@frontload/domain';
import { createTestDatabase, type TestDatabase } from '@frontload/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { evaluatePlanAlerts } from './alert-jobs.js';

const publicUrl = 'http://localhost:3000';
const priya = { email: 'priya@example.com', name: 'Priya Natarajan' };
const omar = { email: 'omar@example.com', name: 'Omar Haddad' };

/** A half-hour meeting of the user with the given people, that day at 10:00 UTC. */
const meeting = (id: string, day: string, people: { email: string; name: string }[]): CalendarEvent => ({
  id,
  kind: 'single',
  title: id,
  start: `${day}T10:00:00.000Z`,
  end: `${day}T10:30:00.000Z`,
  zone: 'UTC',
  status: 'confirmed',
  attendees: [
    { email: 'tlm@example.com', self: true, responseStatus: 'accepted' },
    ...people.map((p) => ({ ...p, responseStatus: 'accepted' as const })),
  ],
  organizerIsSelf: true,
  transparency: 'busy',
  eventType: 'default',
});

describe('people.not_seen alert', () => {
  let testDb: TestDatabase;
  let db: Database;
  let userId: string;
  let connectionId: string;

  beforeAll(async () => {
    testDb = await createTestDatabase();
    db = await openDatabase({ url: testDb.url, maxConnections: 2 });
    await migrate(db);
    const repos = repositories(db);
    userId = (await repos.users.upsertByEmail({ email: 'tlm@example.com', name: 'TLM', timeZone: 'UTC' })).id;
    connectionId = (
      await repos.connections.upsert({
        userId,
        provider: 'google',
        accountSubject: 'sub-tlm',
        accountEmail: 'tlm@example.com',
        sealedTokens: 'v1.sealed-for-tests',
        scopes: [],
      })
    ).row.id;
    await repos.webhooks.createEndpoint({
      userId,
      url: 'https://hooks.example.com/x',
      description: '',
      eventTypes: ['people.not_seen'],
      format: 'json',
      sealedSecrets: 'sealed',
    });
    await repos.mirror.applyChanges(connectionId, [
      { type: 'upsert', event: meeting('priya-1on1', '2026-10-30', [priya]) },
      { type: 'upsert', event: meeting('omar-1on1', '2026-11-19', [omar]) },
    ]);
  });
  afterAll(async () => {
    await db.close();
    await testDb.drop();
  });

  /** A plan that counted Priya and Omar as reports (and Kim as neither), evaluated at `at`. */
  const evaluate = async (at: string) => {
    const metrics = {
      weeks: [],
      people: [
        { email: priya.email, role: 'report' },
        { email: omar.email, role: 'report' },
        { email: 'kim@example.com', role: 'other' },
      ],
    };
    const planId = (
      await db.query<{ id: string }>(
        `insert into plans (user_id, inputs_hash, horizon_start, horizon_end, metrics)
         values ($1, $2, now(), now() + interval '14 days', $3::jsonb) returning id`,
        [userId, at, JSON.stringify(metrics)],
      )
    ).rows[0]!.id;
    return evaluatePlanAlerts(db, { userId, planId }, publicUrl, new Date(at));
  };
  const payloads = async () =>
    (
      await db.query<{ message_id: string; payload: WebhookPayloadV1 }>(
        `select message_id, payload from webhook_deliveries where event_type = 'people.not_seen' order by created_at`,
      )
    ).rows;

  it('raises one event naming the report past the threshold, with their days, and not the one seen lately', async () => {
    const result = await evaluate('2026-11-21T12:00:00Z');
    expect(result.deliveries).toHaveLength(1);
    const [row] = await payloads();
    expect(row?.payload.type).toBe('people.not_seen');
    expect(row?.payload.data.summary).toBe('Not seen lately: Priya Natarajan (22 days). Check in with them?');
    expect(row?.payload.data.notSeen).toEqual({
      thresholdDays: 14,
      lookbackDays: 56,
      people: [
        {
          email: priya.email,
          name: 'Priya Natarajan',
          role: 'report',
          daysNotSeen: 22,
          lastOneOnOneAt: '2026-10-30T10:30:00.000Z',
          lastMetAt: '2026-10-30T10:30:00.000Z',
          crossed: true,
        },
      ],
    });
    expect(row?.payload.data.links.settings).toBe(`${publicUrl}/#people`);
  });

  it('says nothing more while the gap is the same: the same plan again, or a new plan days later', async () => {
    expect((await evaluate('2026-11-21T12:00:00Z')).deliveries).toEqual([]);
    expect((await evaluate('2026-11-24T08:00:00Z')).deliveries).toEqual([]);
    expect(await payloads()).toHaveLength(1);
  });

  it('raises it again once the person was seen and then not seen for the threshold again', async () => {
    await repositories(db).mirror.applyChanges(connectionId, [
      { type: 'upsert', event: meeting('priya-again', '2026-11-25', [priya]) },
      { type: 'upsert', event: meeting('omar-again', '2026-12-08', [omar]) },
    ]);
    // Seen two days ago: under the threshold, nothing to say.
    expect((await evaluate('2026-11-27T09:00:00Z')).deliveries).toEqual([]);
    // Fourteen days after that meeting: a new gap, a new message.
    expect((await evaluate('2026-12-09T09:00:00Z')).deliveries).toHaveLength(1);
    const rows = await payloads();
    expect(rows).toHaveLength(2);
    expect(rows[1]?.message_id).not.toBe(rows[0]?.message_id);
    expect(rows[1]?.payload.data.notSeen?.people).toEqual([
      expect.objectContaining({ email: priya.email, daysNotSeen: 14, crossed: true }),
    ]);
  });

  it('does not take a gap whose last meeting slid out of the eight weeks read for a new one', async () => {
    // Priya's last meeting (25 November) is more than 56 days back by then; Omar was met lately.
    await repositories(db).mirror.applyChanges(connectionId, [
      { type: 'upsert', event: meeting('omar-late', '2027-01-25', [omar]) },
    ]);
    expect((await evaluate('2027-01-26T09:00:00Z')).deliveries).toEqual([]);
    expect(await payloads()).toHaveLength(2);
  });
});
