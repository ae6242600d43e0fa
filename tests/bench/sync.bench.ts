// Sync benchmark (not a timed test), Google adapter against the in-process provider sandbox, real
// Redis and Postgres, the API's push receiver on a loopback port: initial sync of 5,000 events,
// provider calls of an incremental sync with no changes, notification → mirror latency, and provider
// calls per user over a simulated working day.
// Writes bench/results/sync.json. Run: node --conditions=@frontload/source --import tsx tests/bench/sync.bench.ts
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join, resolve } from 'node:path';
import { repositories } from '@frontload/db';
import { waitUntil } from '@frontload/testing';
import { startSyncHarness, type SyncHarness } from '../e2e/sync-harness.js';

const DAY = 86_400_000;
const HOUR = 3_600_000;
const EVENTS = 5_000;
const LATENCY_SAMPLES = 60;
const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;

type LogEntry = { provider: string; route: string; status: number };

const h: SyncHarness = await startSyncHarness();
const repos = repositories(h.t.db);
const clock = await h.sandbox.control<{ nowMs: number }>('GET', '/clock');
const base = Math.ceil(clock.nowMs / DAY) * DAY + 8 * HOUR;
const log = () => h.sandbox.control<LogEntry[]>('GET', '/requests');
/** Provider API calls (Calendar and OAuth) logged after `from`. */
const providerCallsSince = async (from: number) =>
  (await log()).slice(from).filter((e) => e.provider === 'google');

const byRoute = (calls: LogEntry[]) =>
  Object.fromEntries(
    [...new Set(calls.map((c) => c.route))].map((route) => [
      route,
      calls.filter((c) => c.route === route).length,
    ]),
  );

const googleEvent = (id: string, startMs: number) => ({
  id,
  summary: id,
  start: { dateTime: new Date(startMs).toISOString() },
  end: { dateTime: new Date(startMs + 30 * 60_000).toISOString() },
});
const id32 = (prefix: string, i: number) => `${prefix}${i.toString(32).padStart(5, '0')}`;

async function account(email: string, events: unknown[]) {
  const { id } = await h.sandbox.createAccount({
    provider: 'google',
    email,
    name: email,
    timeZone: 'Europe/Berlin',
  });
  for (let i = 0; i < events.length; i += 5_000) {
    await h.sandbox.control('POST', `/accounts/${id}/events`, { events: events.slice(i, i + 5_000) });
  }
  return id;
}

async function connected(accountId: string) {
  const { connectionId } = await h.connect('google', accountId);
  await waitUntil(async () => (await repos.connections.byId(connectionId))?.push_channel_id ?? undefined, {
    timeoutMs: 60_000,
    what: 'initial sync and channel',
  });
  await h.idle(60_000);
  return connectionId;
}

// 1. Initial sync of a 5,000-event calendar: from the OAuth callback to the full mirror.
const bulkAccount = await account(
  'bulk@sandbox.test',
  Array.from({ length: EVENTS }, (_, i) =>
    googleEvent(id32('bulk', i), base + (i % 50) * DAY + (i % 18) * 1_800_000),
  ),
);
const initialStarted = performance.now();
const bulkConnection = await h.connect('google', bulkAccount).then((c) => c.connectionId);
await waitUntil(async () => (await repos.mirror.count(bulkConnection)) === EVENTS, {
  timeoutMs: 120_000,
  intervalMs: 20,
  what: 'the full mirror',
});
const initialSeconds = (performance.now() - initialStarted) / 1000;
await h.idle(60_000);

// 2. Incremental sync with nothing changed: provider calls, read from the sandbox request log.
const beforeIncremental = (await log()).length;
await h.deps.producers.enqueueSync({ connectionId: bulkConnection, reason: 'catch_up' });
await h.idle();
const incrementalCalls = await providerCallsSince(beforeIncremental);

// 3. Notification → mirror updated: insert in the sandbox, poll the mirror.
const latencyAccount = await account('latency@sandbox.test', [googleEvent('seed0', base + DAY)]);
const latencyConnection = await connected(latencyAccount);
const latencies: number[] = [];
for (let i = 0; i < LATENCY_SAMPLES; i += 1) {
  const eventId = id32('lat', i);
  const started = performance.now();
  await h.sandbox.control('POST', `/accounts/${latencyAccount}/events`, {
    events: [googleEvent(eventId, base + (i % 20) * DAY + 10 * HOUR)],
  });
  await waitUntil(async () => (await repos.mirror.byId(latencyConnection, eventId)) !== undefined, {
    timeoutMs: 10_000,
    intervalMs: 2,
    what: `${eventId} mirrored`,
  });
  latencies.push(performance.now() - started);
  await h.idle();
}
latencies.sort((a, b) => a - b);

// 4. A realistic day for one user: 14 calendar changes spread over 11 hours (three hours with two),
// hourly clock steps with the catch-up sweep, access tokens expiring every hour.
const dayAccount = await account(
  'day@sandbox.test',
  Array.from({ length: 300 }, (_, i) => googleEvent(id32('dae', i), base + (i % 40) * DAY + (i % 8) * HOUR)),
);
const dayConnection = await connected(dayAccount);
// Only this user's connection is live during the day, so every logged provider call is theirs.
await repos.connections.delete(bulkConnection);
await repos.connections.delete(latencyConnection);
const beforeDay = (await log()).length;
const changeHours = new Map([
  [1, 1],
  [2, 2],
  [3, 1],
  [4, 1],
  [5, 2],
  [6, 1],
  [7, 1],
  [8, 2],
  [9, 1],
  [10, 1],
  [11, 1],
]);
let changes = 0;
for (let hour = 0; hour < 24; hour += 1) {
  await h.advance(HOUR);
  for (let edit = 0; edit < (changeHours.get(hour) ?? 0); edit += 1) {
    const eventId = id32('chg', changes++);
    await h.sandbox.control('POST', `/accounts/${dayAccount}/events`, {
      events: [googleEvent(eventId, base + 3 * DAY + changes * HOUR)],
    });
    await waitUntil(async () => (await repos.mirror.byId(dayConnection, eventId)) !== undefined, {
      timeoutMs: 10_000,
      what: `${eventId} mirrored`,
    });
  }
  await h.deps.producers.enqueueCatchUpSweep({});
  await h.idle();
}
const dayLogged = await providerCallsSince(beforeDay);
// OpenID discovery happens once per process (cached), not per user.
const dayCalls = dayLogged.filter((c) => !c.route.includes('.well-known'));

const result = {
  measuredAt: new Date().toISOString(),
  node: process.version,
  cores: os.cpus().length,
  loadAverage: os.loadavg().map((l) => Math.round(l * 100) / 100),
  note: 'Google adapter (googleapis) against the in-process sandbox over loopback HTTP; sync worker on real Redis (BullMQ), Postgres mirror; push delivered by the sandbox to the API receiver on a real port.',
  initialSync: {
    events: EVENTS,
    seconds: Math.round(initialSeconds * 100) / 100,
    eventsPerSecond: Math.round(EVENTS / initialSeconds),
    targetSeconds: 10,
    measuredFrom: 'OAuth callback (initial sync queued) to all rows in the mirror',
  },
  incrementalNoChanges: {
    providerCalls: incrementalCalls.length,
    routes: byRoute(incrementalCalls),
    target: 1,
  },
  notificationToMirrorMs: {
    samples: LATENCY_SAMPLES,
    p50: Math.round(percentile(latencies, 0.5)),
    p99: Math.round(percentile(latencies, 0.99)),
    max: Math.round(latencies.at(-1)!),
    targetP99: 1000,
    measuredFrom: 'insert accepted by the sandbox to the row visible in the mirror (2 ms polling)',
  },
  realisticDay: {
    changes,
    providerCalls: dayCalls.length,
    routes: byRoute(dayCalls),
    perProcessCalls: byRoute(dayLogged.filter((c) => c.route.includes('.well-known'))),
    target: 30,
    scenario:
      '24 hourly steps of both clocks; 14 edits in 11 of them (three hours with two), each reaching the mirror by push; catch-up sweep every step (6 h safety net); access tokens last 1 h, so each active hour refreshes once',
  },
};

await h.close();
const out = resolve(join(import.meta.dirname, '../../bench/results'));
mkdirSync(out, { recursive: true });
writeFileSync(join(out, 'sync.json'), `${JSON.stringify(result, null, 2)}\n`);
console.log(JSON.stringify(result, null, 2));
process.exit(0);
