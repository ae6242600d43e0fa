/**
 * Worker process entry: config parsed once, one logger, the workers for this process's queues,
 * the sweep's job scheduler, heartbeat for the liveness probe, graceful close on SIGTERM/SIGINT
 * (see runWorkerProcess).
 */
import { join } from 'node:path';
import { loadConfigOrExit } from '@frontload/config';
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
import { createAccountLimiter, limitsFromEnv, oauthFromEnv } from '@frontload/connections';
import { DEFAULT_TUNING } from './deps.js';
import { WORKER_NAME, queueBindings } from './processors.js';
import { providerFactory } from './provider-factory.js';
import { scheduleSweep } from './schedule.js';

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
runWorkerProcess({
  name: WORKER_NAME,
  env,
  logger,
  queues: queueBindings({
    db,
    producers,
    vault: createTokenVault(env.TOKEN_SEALING_KEYS),
    oauth: oauthFromEnv(env, now),
    providerFor: providerFactory(env, now, [limiter, metrics.providerCallHook]),
    now,
    pushPublicUrl: env.PUSH_PUBLIC_URL,
    tuning: DEFAULT_TUNING,
  }),
  onJobFinished: metrics.onJobFinished,
  onClose: async () => {
    await producers.close();
    await closeRedisConnection(producerConnection);
    await db.close();
    await metrics.close();
  },
});
// The scheduler is idempotent; a Redis hiccup at start is retried by the next process start.
const schedulerConnection = createRedisConnection(env.REDIS_URL, { role: 'worker' });
await scheduleSweep(schedulerConnection, env.QUEUE_PREFIX, DEFAULT_TUNING.sweepEveryMs)
  .catch((error: unknown) => logger.error({ err: error }, 'could not schedule the catch-up sweep'))
  .finally(() => closeRedisConnection(schedulerConnection));
