/**
 * Test-only planner worker process for the SIGKILL loop: the same dependencies and processors as
 * workers/planner/src/main.ts (queueBindings, openConnection, config from the environment), with a
 * short job lock and stalled-job check so that a killed worker's `apply` job is picked up again
 * within a couple of seconds instead of 30 s.
 *
 * argv: stalledIntervalMs lockDurationMs
 *
 * The loop kills the same run once per operation; the runner lets a job be recovered
 * MAX_STALLED_COUNT (10) times, more than the plan's operations.
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
} from '@frontload/jobs';
import { createLogger } from '@frontload/logging';
import { createTokenVault } from '@frontload/security';
import { WORKER_NAME, queueBindings } from '@frontload/worker-planner';

const [stalledIntervalMs = 500, lockDurationMs = 1_000] = process.argv.slice(2).map(Number);
const env = loadConfigOrExit('worker');
const logger = createLogger(env, WORKER_NAME);
const db = await openDatabase({
  url: env.DATABASE_URL,
  pgliteDir: join(env.DATA_DIR, 'pglite'),
  applicationName: WORKER_NAME,
});
const producerConnection = createRedisConnection(env.REDIS_URL, { role: 'producer' });
const producers = createProducers(producerConnection, env.QUEUE_PREFIX);
const now = () => new Date();
const connectionDeps = {
  db,
  producers,
  now,
  vault: createTokenVault(env.TOKEN_SEALING_KEYS),
  oauth: oauthFromEnv(env, now),
  apiBaseUrls: { google: env.GOOGLE_API_BASE_URL, microsoft: env.MICROSOFT_GRAPH_BASE_URL },
};
runWorkerProcess({
  name: WORKER_NAME,
  env,
  logger,
  stalledIntervalMs,
  lockDurationMs,
  drainDelaySeconds: 1,
  queues: queueBindings({
    db,
    producers,
    now,
    providerFor: (connection) => openConnection(connectionDeps, connection),
  }),
  onClose: async () => {
    await producers.close();
    await closeRedisConnection(producerConnection);
    await db.close();
  },
});
