import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DEVELOPMENT_SEALING_KEY } from '@frontload/config';
import { migrate, openDatabase, repositories, type Database } from '@frontload/db';
import { DEFAULT_PREFERENCES, type WeekMetrics } from '@frontload/domain';
import { createTokenVault, generateWebhookSecret } from '@frontload/security';
import { createTestDatabase, type TestDatabase } from '@frontload/testing';
import { Webhook } from 'standardwebhooks';
import { Value } from 'typebox/value';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { deliverWebhook, type DeliveryDeps } from './deliver-webhook.js';
import { evaluateAlerts, type AlertContext } from './evaluate-alerts.js';
import { SCHEDULE_SPAN_MS } from './retry-schedule.js';
import { SlackIncomingWebhookMessage } from './slack-message.js';

interface Received {
  headers: IncomingHttpHeaders;
  body: string;
}

/** A receiver on loopback that answers with the next scripted status (200 once the script runs out). */
function receiver() {
  const received: Received[] = [];
  let script: number[] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      received.push({ headers: req.headers, body });
      res.writeHead(script.shift() ?? 200).end('ok');
    });
  });
  return {
    received,
    script: (statuses: number[]) => (script = [...statuses]),
    start: () =>
      new Promise<string>((r) =>
        server.listen(0, '127.0.0.1', () =>
          r(`http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`),
        ),
      ),
    stop: () => new Promise<void>((r) => server.close(() => r())),
  };
}

const vault = createTokenVault(DEVELOPMENT_SEALING_KEY);
const week = (overrides: Partial<WeekMetrics> = {}): WeekMetrics => ({
  week: '2026-11-23',
  meetingHours: 12,
  focusHours: 8,
  focusTargetHours: 10,
  peopleWithOneOnOnes: 4,
  longestBackToBack: { count: 2, minutes: 90 },
  firstHalfPeopleShare: 0.4,
  overload: [],
  ...overrides,
});

describe('notifier: signed webhook deliveries and edge-triggered alerts', () => {
  let testDb: TestDatabase;
  let db: Database;
  let hook: ReturnType<typeof receiver>;
  let url: string;
  let userId: string;
  let now: Date;
  let scheduled: { deliveryId: string; attempt: number; delayMs: number }[];

  const deps = (): DeliveryDeps => ({
    db,
    vault,
    policy: { allowHttp: true, allowLoopback: true },
    now: () => now,
    random: () => 0.5,
    scheduleAttempt: async (deliveryId, attempt, delayMs) =>
      void scheduled.push({ deliveryId, attempt, delayMs }),
  });

  async function endpoint(
    format: 'json' | 'slack' = 'json',
    secrets: { current: string; previous?: string } = { current: generateWebhookSecret() },
  ) {
    const row = await repositories(db).webhooks.createEndpoint({
      userId,
      url,
      description: '',
      eventTypes: ['overload.tripped', 'overload.cleared', 'webhook.test'],
      format,
      sealedSecrets: vault.seal(secrets, { userId, provider: 'webhook' }),
    });
    return { row, secrets };
  }

  const ctx = (): AlertContext => ({
    user: { id: userId, email: 'tlm@example.com' },
    zone: 'Europe/Berlin',
    limits: DEFAULT_PREFERENCES.overload,
    publicUrl: 'http://localhost:3000',
    now,
  });

  beforeAll(async () => {
    testDb = await createTestDatabase();
    db = await openDatabase({ url: testDb.url, maxConnections: 2 });
    await migrate(db);
    hook = receiver();
    url = await hook.start();
  });
  afterAll(async () => {
    await hook.stop();
    await db.close();
    await testDb.drop();
  });
  beforeEach(async () => {
    await db.query('delete from users');
    userId = (await repositories(db).users.upsertByEmail({ email: 'tlm@example.com', name: 'TLM' })).id;
    hook.received.length = 0;
    hook.script([]);
    scheduled = [];
    now = new Date(); // receivers check webhook-timestamp against their own clock
  });

  it('a rule that trips sends one signed event that the standardwebhooks library verifies', async () => {
    const { secrets } = await endpoint();
    const ids = await evaluateAlerts(db, [week({ meetingHours: 26, overload: ['meetingHours'] })], ctx());
    expect(ids).toHaveLength(1);
    expect(await deliverWebhook(ids[0]!, 1, deps())).toMatchObject({ outcome: 'delivered', statusCode: 200 });
    const [request] = hook.received;
    const verified = new Webhook(secrets.current).verify(
      request!.body,
      request!.headers as Record<string, string>,
    ) as {
      type: string;
      data: { rule: string; measured: Record<string, number>; thresholds: Record<string, number> };
    };
    expect(verified).toMatchObject({
      type: 'overload.tripped',
      data: { rule: 'meetingHours', measured: { meetingHours: 26 }, thresholds: { maxMeetingHours: 20 } },
    });
  });

  it('replans that do not change a rule’s state send nothing; clearing sends exactly one event', async () => {
    await endpoint();
    const overloaded = week({ meetingHours: 26, overload: ['meetingHours'] });
    expect(await evaluateAlerts(db, [week()], ctx())).toEqual([]); // healthy from the start: silent
    expect(await evaluateAlerts(db, [overloaded], ctx())).toHaveLength(1);
    for (let i = 0; i < 5; i++) expect(await evaluateAlerts(db, [overloaded], ctx())).toEqual([]);
    const cleared = await evaluateAlerts(db, [week()], ctx());
    expect(cleared).toHaveLength(1);
    const row = await repositories(db).webhooks.deliveryById(cleared[0]!);
    expect(row?.event_type).toBe('overload.cleared');
    expect(await evaluateAlerts(db, [overloaded], ctx())).toHaveLength(1); // trips again: a new message
    const ids = await db.query<{ message_id: string }>('select message_id from webhook_deliveries');
    expect(new Set(ids.rows.map((r) => r.message_id)).size).toBe(3);
  });

  it('500s then 200: delivered once, every attempt carrying the same message id, on a schedule spanning more than 24 h', async () => {
    await endpoint();
    const [id] = await evaluateAlerts(
      db,
      [week({ overload: ['backToBack'], longestBackToBack: { count: 6, minutes: 240 } })],
      ctx(),
    );
    hook.script([500, 503]);
    expect(await deliverWebhook(id!, 1, deps())).toMatchObject({
      outcome: 'retry_scheduled',
      nextAttempt: 2,
    });
    expect(await deliverWebhook(id!, 2, deps())).toMatchObject({
      outcome: 'retry_scheduled',
      nextAttempt: 3,
    });
    expect(await deliverWebhook(id!, 3, deps())).toMatchObject({ outcome: 'delivered' });
    // A duplicate job or a restart after success sends nothing more.
    expect(await deliverWebhook(id!, 3, deps())).toMatchObject({ outcome: 'skipped' });
    expect(hook.received).toHaveLength(3);
    expect(new Set(hook.received.map((r) => r.headers['webhook-id'])).size).toBe(1);
    expect(scheduled.map((s) => s.delayMs)).toEqual([30_000, 120_000]);
    expect(SCHEDULE_SPAN_MS).toBeGreaterThan(24 * 3600_000);
    const row = await repositories(db).webhooks.deliveryById(id!);
    expect(row).toMatchObject({ status: 'delivered', attempts: 3, last_status_code: 200 });
  });

  it('a receiver answering 410 Gone disables the endpoint and abandons the delivery', async () => {
    const { row } = await endpoint();
    const [id] = await evaluateAlerts(
      db,
      [week({ overload: ['tooManyOneOnOnes'], peopleWithOneOnOnes: 7 })],
      ctx(),
    );
    hook.script([410]);
    expect(await deliverWebhook(id!, 1, deps())).toMatchObject({ outcome: 'abandoned' });
    const after = await repositories(db).webhooks.endpointById(row.id);
    expect(after).toMatchObject({ enabled: false, disabled_reason: 'the receiver answered 410 Gone' });
    expect(scheduled).toEqual([]);
  });

  it('an endpoint failing for more than three days is disabled and the user told in the audit log', async () => {
    const { row } = await endpoint();
    const [id] = await evaluateAlerts(db, [week({ overload: ['meetingHours'], meetingHours: 30 })], ctx());
    hook.script([500, 500]);
    await deliverWebhook(id!, 1, deps());
    now = new Date(now.getTime() + 3 * 24 * 3600_000 + 1);
    expect(await deliverWebhook(id!, 2, deps())).toMatchObject({ outcome: 'abandoned' });
    expect((await repositories(db).webhooks.endpointById(row.id))?.enabled).toBe(false);
    const audit = await repositories(db).audit.listForUser(userId);
    expect(audit.map((a) => a.action)).toContain('webhook.disabled');
  });

  it('during a secret rotation both secrets sign, so a receiver holding either one verifies', async () => {
    const secrets = { current: generateWebhookSecret(), previous: generateWebhookSecret() };
    const { row } = await endpoint('json', secrets);
    await repositories(db).webhooks.setSecrets(
      row.id,
      row.sealed_secrets,
      now,
      new Date(now.getTime() + 3600_000),
    );
    const [id] = await evaluateAlerts(db, [week({ overload: ['meetingHours'], meetingHours: 30 })], ctx());
    await deliverWebhook(id!, 1, deps());
    const [request] = hook.received;
    for (const secret of [secrets.current, secrets.previous]) {
      expect(() =>
        new Webhook(secret).verify(request!.body, request!.headers as Record<string, string>),
      ).not.toThrow();
    }
    expect(() =>
      new Webhook(generateWebhookSecret()).verify(request!.body, request!.headers as Record<string, string>),
    ).toThrow();
  });

  it('the slack format is a valid incoming-webhook message with the same facts', async () => {
    await endpoint('slack');
    const [id] = await evaluateAlerts(db, [week({ overload: ['focusShortfall'], focusHours: 3 })], ctx());
    await deliverWebhook(id!, 1, deps());
    const message = JSON.parse(hook.received[0]!.body) as unknown;
    expect(Value.Check(SlackIncomingWebhookMessage, message)).toBe(true);
    expect(JSON.stringify(message)).toContain('focusHours: *3*');
  });

  it('checks the address again at delivery time: a loopback target is refused without any request', async () => {
    await endpoint();
    const [id] = await evaluateAlerts(db, [week({ overload: ['meetingHours'], meetingHours: 30 })], ctx());
    const strict = { ...deps(), policy: { allowHttp: true } };
    expect(await deliverWebhook(id!, 1, strict)).toMatchObject({
      outcome: 'retry_scheduled',
      statusCode: null,
    });
    expect(hook.received).toHaveLength(0);
    const row = await repositories(db).webhooks.deliveryById(id!);
    expect(row?.last_response_excerpt).toMatch(/FL_SSRF_REFUSED/);
  });
});
