/**
 * Worker process entry: config parsed once, one logger, the workers for the plan and apply queues,
 * heartbeat for the liveness probe, graceful close on SIGTERM/SIGINT (see runWorkerProcess).
 */
import { join } from 'node:path';
import { loadConfigOrExit } from '@frontload/config';
import { createAccountLimiter, limitsFromEnv, oauthFromEnv, openConnection } from '@frontload/connections';
import { openDatabase } from '@frontload/db';
import {
  closeRedisConnection,
  createProducers,
  createRedisConnection,
  runWorkerProcess,
} from '@frontload/jobs';
import { createLogger } from '@frontload/logging';
import { startWorkerMetrics } from '@frontload/metrics';
import { createTokenVault } from '@frontload/security';
import { WORKER_NAME, queueBindings } from './processors.js';
import { redisFreeBusyCache } from './free-busy-cache.js';
import { scheduleWeeklyPlan } from './weekly-schedule.js';

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
const metrics = await startWorkerMetrics(env, logger);
// First in the list: a call the limiter defers is never sent, so the other hooks never see it.
const limiter = createAccountLimiter(producerConnection, {
  prefix: env.QUEUE_PREFIX,
  limits: limitsFromEnv(env),
});
const connectionDeps = {
  db,
  producers,
  now,
  vault: createTokenVault(env.TOKEN_SEALING_KEYS),
  oauth: oauthFromEnv(env, now),
  apiBaseUrls: { google: env.GOOGLE_API_BASE_URL, microsoft: env.MICROSOFT_GRAPH_BASE_URL },
  callHooks: [limiter, metrics.providerCallHook],
};
runWorkerProcess({
  name: WORKER_NAME,
  env,
  logger,
  queues: queueBindings({
    db,
    producers,
    now,
    providerFor: (connection) => openConnection(connectionDeps, connection),
    scheduleWeekly: (userId, zone) => scheduleWeeklyPlan(producerConnection, env.QUEUE_PREFIX, userId, zone),
    freeBusyCache: redisFreeBusyCache(producerConnection, env.QUEUE_PREFIX),
  }),
  onJobFinished: metrics.onJobFinished,
  onClose: async () => {
    await producers.close();
    await closeRedisConnection(producerConnection);
    await db.close();
    await metrics.close();
  },
});
