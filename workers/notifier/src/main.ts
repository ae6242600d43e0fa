/**
 * Worker process entry: config parsed once, one logger, the workers for this process's queues,
 * heartbeat for the liveness probe, graceful close on SIGTERM/SIGINT (see runWorkerProcess).
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
import { WORKER_NAME, queueBindings } from './processors.js';

const env = loadConfigOrExit('worker');
const logger = createLogger(env, WORKER_NAME);
const db = await openDatabase({
  url: env.DATABASE_URL,
  pgliteDir: join(env.DATA_DIR, 'pglite'),
  applicationName: WORKER_NAME,
});
const producerConnection = createRedisConnection(env.REDIS_URL, { role: 'producer' });
const producers = createProducers(producerConnection, env.QUEUE_PREFIX);
const metrics = await startWorkerMetrics(env, logger);
runWorkerProcess({
  name: WORKER_NAME,
  env,
  logger,
  queues: queueBindings({
    db,
    producers,
    vault: createTokenVault(env.TOKEN_SEALING_KEYS),
    policy: { allowHttp: env.WEBHOOK_ALLOW_HTTP, allowLoopback: env.WEBHOOK_ALLOW_LOOPBACK },
    now: () => new Date(),
    random: Math.random,
    publicUrl: env.PUBLIC_URL,
  }),
  onJobFinished: metrics.onJobFinished,
  onClose: async () => {
    await producers.close();
    await closeRedisConnection(producerConnection);
    await db.close();
    await metrics.close();
  },
});
