// Webhooks benchmark (not a timed test): signed deliveries per second to a loopback receiver, one at
// a time and eight at once, and the cost of evaluating the overload rules after a plan.
// Writes bench/results/webhooks.json. Run: node --conditions=@frontload/source --import tsx tests/bench/webhooks.bench.ts
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import { join, resolve } from 'node:path';
import { DEVELOPMENT_SEALING_KEY } from '@frontload/config';
import { migrate, openDatabase, repositories } from '@frontload/db';
import type { WeekMetrics } from '@frontload/domain';
import { DEFAULT_PREFERENCES } from '@frontload/domain';
import { createTokenVault, generateWebhookSecret } from '@frontload/security';
import { createTestDatabase } from '@frontload/testing';
import { deliverWebhook } from '../../workers/notifier/src/deliver-webhook.js';
import { evaluateAlerts } from '../../workers/notifier/src/evaluate-alerts.js';

const DELIVERIES = 400;
const EVALUATIONS = 300;
const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;

const testDb = await createTestDatabase();
const db = await openDatabase({ url: testDb.url, maxConnections: 10 });
await migrate(db);
const server = createServer((req, res) => req.resume().on('end', () => res.writeHead(204).end()));
await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
const vault = createTokenVault(DEVELOPMENT_SEALING_KEY);
const repos = repositories(db);
const user = await repos.users.upsertByEmail({ email: 'bench@example.com', name: 'Bench' });
const endpoint = await repos.webhooks.createEndpoint({
  userId: user.id,
  url,
  description: 'bench',
  eventTypes: ['webhook.test', 'overload.tripped', 'overload.cleared'],
  format: 'json',
  sealedSecrets: vault.seal({ current: generateWebhookSecret() }, { userId: user.id, provider: 'webhook' }),
});
const deps = {
  db,
  vault,
  policy: { allowHttp: true, allowLoopback: true },
  now: () => new Date(),
  random: Math.random,
  scheduleAttempt: async () => undefined,
};

async function deliveries(count: number, concurrency: number): Promise<number> {
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const payload = {
      type: 'webhook.test',
      timestamp: new Date().toISOString(),
      data: {
        version: 1,
        summary: `bench ${i}`,
        user: { id: user.id, email: user.email },
        links: { settings: 'http://localhost:3000' },
      },
    };
    ids.push(
      (
        await repos.webhooks.createDelivery({
          endpointId: endpoint.id,
          userId: user.id,
          messageId: `msg_${concurrency}_${i}`,
          eventType: 'webhook.test',
          payload,
        })
      ).id,
    );
  }
  const started = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < ids.length) await deliverWebhook(ids[next++]!, 1, deps);
    }),
  );
  return count / ((performance.now() - started) / 1000);
}

const week = (i: number): WeekMetrics => ({
  week: '2026-11-23',
  meetingHours: i % 2 ? 26 : 12,
  focusHours: 8,
  focusTargetHours: 10,
  peopleWithOneOnOnes: 4,
  longestBackToBack: { count: 2, minutes: 90 },
  firstHalfPeopleShare: 0.4,
  overload: i % 2 ? ['meetingHours'] : [],
});

const sequential = await deliveries(DELIVERIES, 1);
const concurrent = await deliveries(DELIVERIES, 8);
const timings: number[] = [];
for (let i = 0; i < EVALUATIONS; i++) {
  const started = performance.now();
  await evaluateAlerts(db, [week(i), { ...week(i + 1), week: '2026-11-30' }], {
    user: { id: user.id, email: user.email },
    zone: 'Europe/Berlin',
    limits: DEFAULT_PREFERENCES.overload,
    publicUrl: 'http://localhost:3000',
    now: new Date(),
  });
  timings.push(performance.now() - started);
}
timings.sort((a, b) => a - b);

const result = {
  measuredAt: new Date().toISOString(),
  node: process.version,
  cores: os.cpus().length,
  loadAverage: os.loadavg().map((l) => Math.round(l * 100) / 100),
  note: 'Each delivery: load the row, unseal the secret, sign (Standard Webhooks), POST through the SSRF guard to a loopback receiver, record the attempt in Postgres.',
  signedDeliveriesPerSecond: { sequential: Math.round(sequential), concurrency8: Math.round(concurrent) },
  evaluationPerPlan: {
    weeks: 2,
    rules: 4,
    medianMs: Math.round(percentile(timings, 0.5) * 1000) / 1000,
    p99Ms: Math.round(percentile(timings, 0.99) * 1000) / 1000,
    note: 'Half of the evaluations flip a rule, so they write a transition and a delivery.',
  },
};
const out = resolve(import.meta.dirname, '../../bench/results');
mkdirSync(out, { recursive: true });
writeFileSync(join(out, 'webhooks.json'), `${JSON.stringify(result, null, 2)}\n`);
process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
server.close();
await db.close();
await testDb.drop();
