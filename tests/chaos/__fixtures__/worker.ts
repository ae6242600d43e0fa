/**
 * A worker process of the chaos stack: the same processors, config path and process life as
 * workers/{sync,planner,notifier}/src/main.ts, with two differences the simulation needs:
 * - `now()` reads the simulated clock (sim-clock.ts), so weeks pass in seconds;
 * - short job locks and stalled-job checks, so a SIGKILLed job is picked up again within a second.
 * The sync worker reads the calendar with a 3 s request timeout (production: 30 s), so a provider
 * that hangs costs a chaos seed seconds, not half a minute. No job schedulers are installed: the
 * runner enqueues the catch-up sweep and the weekly plan at the simulated instants they fall on.
 *
 * argv: kind (sync | planner | notifier) clockFile stalledIntervalMs lockDurationMs
 */
import { join } from 'node:path';
import { loadConfigOrExit } from '@frontload/config';
import { oauthFromEnv, openConnection } from '@frontload/connections';
import { openDatabase } from '@frontload/db';
import {
  closeRedisConnection,
  createProducers,
  createRedisConnection,
  runWorkerProcess,
  type QueueBinding,
} from '@frontload/jobs';
import { createLogger } from '@frontload/logging';
import { createProvider } from '@frontload/providers';
import { createTokenVault } from '@frontload/security';
import * as notifier from '@frontload/worker-notifier';
import * as planner from '@frontload/worker-planner';
import * as sync from '@frontload/worker-sync';
import { fileClock } from '../sim-clock.js';

const KINDS = ['sync', 'planner', 'notifier'] as const;
type Kind = (typeof KINDS)[number];
const [kindArg, clockPath, stalledArg, lockArg] = process.argv.slice(2);
const stalledIntervalMs = Number(stalledArg);
const lockDurationMs = Number(lockArg);
if (!KINDS.includes(kindArg as Kind) || !clockPath || !(stalledIntervalMs > 0) || !(lockDurationMs > 0)) {
  console.error('usage: worker.ts sync|planner|notifier <clockFile> <stalledIntervalMs> <lockDurationMs>');
  process.exit(2);
}
const kind = kindArg as Kind;
/** Sync reads time out after this long (see the header). */
const SYNC_REQUEST_TIMEOUT_MS = 3_000;
/** The sweep re-syncs every connection not synced in the last simulated minute (see stack.ts). */
const SWEEP_INTERVAL_MS = 60_000;

const env = loadConfigOrExit('worker');
const name = { sync: sync.WORKER_NAME, planner: planner.WORKER_NAME, notifier: notifier.WORKER_NAME }[kind];
const logger = createLogger(env, name);
const db = await openDatabase({
  url: env.DATABASE_URL,
  pgliteDir: join(env.DATA_DIR, 'pglite'),
  applicationName: name,
});
const producerConnection = createRedisConnection(env.REDIS_URL, { role: 'producer' });
const producers = createProducers(producerConnection, env.QUEUE_PREFIX);
const now = fileClock(clockPath!);
const vault = createTokenVault(env.TOKEN_SEALING_KEYS);

function bindings(): QueueBinding[] {
  if (kind === 'sync') {
    return sync.queueBindings({
      db,
      producers,
      vault,
      oauth: oauthFromEnv(env, now),
      providerFor: async (connection, tokens) =>
        createProvider(connection.provider, {
          tokens,
          apiBaseUrl:
            connection.provider === 'google' ? env.GOOGLE_API_BASE_URL : env.MICROSOFT_GRAPH_BASE_URL,
          ...(connection.provider === 'google' ? { calendarId: connection.calendar_id } : {}),
          accountEmail: connection.account_email,
          now: () => now().getTime(),
          requestTimeoutMs: SYNC_REQUEST_TIMEOUT_MS,
        }),
      now,
      pushPublicUrl: env.PUSH_PUBLIC_URL,
      tuning: {
        ...sync.DEFAULT_TUNING,
        catchUpIntervalMs: SWEEP_INTERVAL_MS,
        pollIntervalMs: SWEEP_INTERVAL_MS,
      },
    });
  }
  if (kind === 'planner') {
    const connectionDeps = {
      db,
      producers,
      now,
      vault,
      oauth: oauthFromEnv(env, now),
      apiBaseUrls: { google: env.GOOGLE_API_BASE_URL, microsoft: env.MICROSOFT_GRAPH_BASE_URL },
    };
    return planner.queueBindings({
      db,
      producers,
      now,
      providerFor: (connection) => openConnection(connectionDeps, connection),
    });
  }
  return notifier.queueBindings({
    db,
    producers,
    vault,
    policy: { allowHttp: env.WEBHOOK_ALLOW_HTTP, allowLoopback: env.WEBHOOK_ALLOW_LOOPBACK },
    now,
    random: Math.random,
    publicUrl: env.PUBLIC_URL,
  });
}

runWorkerProcess({
  name,
  env,
  logger,
  stalledIntervalMs,
  lockDurationMs,
  drainDelaySeconds: 1,
  queues: bindings(),
  onClose: async () => {
    await producers.close();
    await closeRedisConnection(producerConnection);
    await db.close();
  },
});
