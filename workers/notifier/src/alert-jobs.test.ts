import { migrate, openDatabase, repositories, type Database } from '@frontload/db';
import { DEFAULT_PREFERENCES } from '@frontload/domain';
import { createTestDatabase, type TestDatabase } from '@frontload/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectionLostAlert, evaluatePlanAlerts, skipWeekAnnouncement } from './alert-jobs.js';

const now = new Date('2026-11-21T10:00:00Z');
const publicUrl = 'http://localhost:3000';

describe('alert jobs', () => {
  let testDb: TestDatabase;
  let db: Database;
  let userId: string;

  beforeAll(async () => {
    testDb = await createTestDatabase();
    db = await openDatabase({ url: testDb.url, maxConnections: 2 });
    await migrate(db);
    const repos = repositories(db);
    userId = (
      await repos.users.upsertByEmail({ email: 'tlm@example.com', name: 'TLM', timeZone: 'Europe/Berlin' })
    ).id;
    await repos.webhooks.createEndpoint({
      userId,
      url: 'https://hooks.example.com/x',
      description: '',
      eventTypes: ['overload.tripped', 'connection.lost', 'skip_week.announced'],
      format: 'json',
      sealedSecrets: 'sealed',
    });
  });
  afterAll(async () => {
    await db.close();
    await testDb.drop();
  });

  const storePlan = async (metrics: unknown) =>
    (
      await db.query<{ id: string }>(
        `insert into plans (user_id, inputs_hash, horizon_start, horizon_end, metrics)
         values ($1, 'h', now(), now() + interval '14 days', $2::jsonb) returning id`,
        [userId, JSON.stringify(metrics)],
      )
    ).rows[0]!.id;

  it('reads a stored plan’s week metrics and creates one delivery per tripped rule, with the user’s zone', async () => {
    const planId = await storePlan({
      weeks: [
        {
          week: '2026-11-23',
          meetingHours: 27,
          focusHours: 9,
          focusTargetHours: 10,
          peopleWithOneOnOnes: 6,
          longestBackToBack: { count: 2, minutes: 60 },
          firstHalfPeopleShare: 0.5,
          overload: ['meetingHours', 'tooManyOneOnOnes'],
        },
      ],
    });
    const result = await evaluatePlanAlerts(db, { userId, planId }, publicUrl, now);
    expect(result.deliveries).toHaveLength(2);
    const rows = await db.query<{
      payload: { data: { rule: string; week: { zone: string }; thresholds: object } };
    }>('select payload from webhook_deliveries order by payload->>$1', ['data']);
    expect(rows.rows.map((r) => r.payload.data.rule).sort()).toEqual(['meetingHours', 'tooManyOneOnOnes']);
    expect(rows.rows[0]?.payload.data.week.zone).toBe('Europe/Berlin');
    expect(rows.rows.find((r) => r.payload.data.rule === 'meetingHours')?.payload.data.thresholds).toEqual({
      maxMeetingHours: DEFAULT_PREFERENCES.overload.maxMeetingHours,
    });
  });

  it('in preview mode alerts on the calendar as it is, not on the proposed week; in autopilot on the week the plan makes', async () => {
    const week = (start: string, focusHours: number, overload: string[]) => ({
      week: start,
      meetingHours: 12,
      focusHours,
      focusTargetHours: 10,
      peopleWithOneOnOnes: 3,
      longestBackToBack: { count: 2, minutes: 60 },
      firstHalfPeopleShare: 0.5,
      overload,
    });
    const shortfalls = async () =>
      (
        await db.query<{ week: string }>(
          `select payload->'data'->'week'->>'start' as week from webhook_deliveries
           where payload->'data'->>'rule' = 'focusShortfall' and payload->>'type' = 'overload.tripped'`,
        )
      ).rows.map((r) => r.week);
    // The calendar has no focus time in the week of 7 Dec; the preview would add 10 h.
    const previewPlan = await storePlan({
      weeks: [week('2026-12-07', 10, [])],
      calendarWeeks: [week('2026-12-07', 0, ['focusShortfall'])],
    });
    await evaluatePlanAlerts(db, { userId, planId: previewPlan }, publicUrl, now);
    expect(await shortfalls()).toEqual(['2026-12-07']);

    // In autopilot the plan becomes the calendar: a plan that fixes the week of 14 Dec raises nothing.
    await repositories(db).users.setMode(userId, 'autopilot');
    const autopilotPlan = await storePlan({
      weeks: [week('2026-12-14', 10, [])],
      calendarWeeks: [week('2026-12-14', 0, ['focusShortfall'])],
    });
    await evaluatePlanAlerts(db, { userId, planId: autopilotPlan }, publicUrl, now);
    expect(await shortfalls()).toEqual(['2026-12-07']);
    await repositories(db).users.setMode(userId, 'preview');
  });

  it('refuses malformed stored metrics instead of alerting on them', async () => {
    const planId = await storePlan({ weeks: [{ week: 'soon', meetingHours: 'lots' }] });
    await expect(evaluatePlanAlerts(db, { userId, planId }, publicUrl, now)).rejects.toThrow();
  });

  it('announces a lost connection once per loss, and not at all once it is reconnected', async () => {
    const repos = repositories(db);
    const { row } = await repos.connections.upsert({
      userId,
      provider: 'google',
      accountSubject: 'sub-1',
      accountEmail: 'tlm@example.com',
      sealedTokens: 'sealed',
      scopes: [],
    });
    expect((await connectionLostAlert(db, row.id, publicUrl, now)).deliveries).toEqual([]); // healthy: nothing
    await repos.connections.setStatus(row.id, 'needs_reauth');
    const first = await connectionLostAlert(db, row.id, publicUrl, now);
    const again = await connectionLostAlert(db, row.id, publicUrl, now);
    expect(first.deliveries).toHaveLength(1);
    expect(again.deliveries).toEqual(first.deliveries); // same message, same delivery
    const delivery = await repos.webhooks.deliveryById(first.deliveries[0]!);
    expect(delivery).toMatchObject({ event_type: 'connection.lost' });
  });

  /** A plan with a skip week whose cancellation of marco's 1:1 has `status` in the ledger. */
  const skipWeekPlan = async (week: string, status: 'planned' | 'applied' | 'reverted') => {
    const planId = await storePlan({ weeks: [], skipWeek: week });
    await db.query(
      `insert into operations (plan_id, seq, kind, desired, reason, idempotency_key, status)
       values ($1, 0, 'cancelOccurrence', $2::jsonb, 'skip week', 'k1', $3)`,
      [
        planId,
        JSON.stringify({
          counterpart: 'marco@example.com',
          counterpartName: 'Marco Rossi',
          checkIn: 'Hi Marco, it is a skip week. Reply here if you need me.',
        }),
        status,
      ],
    );
    return planId;
  };
  const announcements = async () =>
    (
      await db.query<{ n: number }>(
        `select count(*)::int as n from webhook_deliveries where event_type = 'skip_week.announced'`,
      )
    ).rows[0]!.n;

  it('announces no skip week for a preview never applied, nor for a run whose cancellations were undone', async () => {
    const preview = await skipWeekPlan('2026-12-07', 'planned');
    const result = await skipWeekAnnouncement(db, { userId, planId: preview }, publicUrl, now);
    expect(result.deliveries).toEqual([]);
    const undone = await skipWeekPlan('2026-12-07', 'reverted');
    expect((await skipWeekAnnouncement(db, { userId, planId: undone }, publicUrl, now)).deliveries).toEqual(
      [],
    );
    expect(await announcements()).toBe(0);
  });

  it('announces an applied skip week once, in the past tense, listing whose 1:1 was cancelled (with the check-in drafted for them) and who is protected', async () => {
    await db.query(
      `insert into people (user_id, email, display_name, protected) values ($1, 'priya@example.com', 'Priya', true)`,
      [userId],
    );
    const planId = await skipWeekPlan('2026-12-21', 'applied');
    const first = await skipWeekAnnouncement(db, { userId, planId }, publicUrl, now);
    expect(first.deliveries).toHaveLength(1);
    // The job retried, and another applied run for the same week: still the one message.
    expect((await skipWeekAnnouncement(db, { userId, planId }, publicUrl, now)).deliveries).toEqual(
      first.deliveries,
    );
    const replanned = await skipWeekPlan('2026-12-21', 'applied');
    expect(
      (await skipWeekAnnouncement(db, { userId, planId: replanned }, publicUrl, now)).deliveries,
    ).toEqual(first.deliveries);
    const delivery = await repositories(db).webhooks.deliveryById(first.deliveries[0]!);
    expect(delivery?.payload).toMatchObject({
      type: 'skip_week.announced',
      data: {
        summary: expect.stringMatching(/1 1:1\(s\) were cancelled with your note/),
        week: { start: '2026-12-21' },
        skipWeek: {
          affected: [{ email: 'marco@example.com', name: 'Marco Rossi' }],
          protected: [{ email: 'priya@example.com', name: 'Priya' }],
          checkIns: [
            {
              email: 'marco@example.com',
              name: 'Marco Rossi',
              text: 'Hi Marco, it is a skip week. Reply here if you need me.',
            },
          ],
        },
      },
    });
  });
});
