/**
 * A worker process from start to exit in one call: config parsed once, one logger, the database,
 * the producers and their Redis connection, the metrics server, the per-account provider limiter,
 * the BullMQ workers with their heartbeat, the job schedulers kept in Redis (schedules.ts), and a
 * graceful close on SIGTERM/SIGINT. Every `workers/*` main.ts and every test harness that starts a
 * worker process calls it, so tests run the start-up and shutdown production runs.
 */
import { join } from 'node:path';
import { loadConfigOrExit, type WorkerEnv } from '@frontload/config';
import {
  createAccountLimiter,
  limitsFromEnv,
  oauthFromEnv,
  type ConnectionDeps,
} from '@frontload/connections';
import { openDatabase, type Database } from '@frontload/db';
import {
  closeRedisConnection,
  createProducers,
  createRedisConnection,
  runWorkerProcess,
  type Producers,
  type QueueBinding,
  type WorkerProcess,
} from '@frontload/jobs';
import { createLogger, type Logger } from '@frontload/logging';
import { startWorkerMetrics, type WorkerMetrics } from '@frontload/metrics';
import type { ProviderCallHook } from '@frontload/providers';
import { createTokenVault, type TokenVault } from '@frontload/security';
import type { Redis } from 'ioredis';
import { keepSchedules, SCHEDULES_CHECK_EVERY_MS, type ScheduleKeeper } from './schedules.js';

/** What a worker's processors are built from. */
export interface WorkerRuntime {
  name: string;
  env: WorkerEnv;
  logger: Logger;
  db: Database;
  /** The producers' Redis connection (fails fast); also for limiters, caches and schedulers. */
  redis: Redis;
  producers: Producers;
  metrics: WorkerMetrics;
  vault: TokenVault;
  /** The clock every processor reads. */
  now: () => Date;
  /** OAuth clients for refreshing a connection's tokens. */
  oauth: ReturnType<typeof oauthFromEnv>;
  /**
   * Around every provider request: the per-account limiter first (a call it defers is never sent,
   * so the other hooks never see it), then the provider-call metrics.
   */
  callHooks: readonly ProviderCallHook[];
  /** What `openConnection` needs to open a user's calendar from a stored connection (all of the above). */
  connections: ConnectionDeps;
}

/** Settings for {@link startWorkerRuntime}. */
export interface WorkerRuntimeOptions {
  /** Process name (`worker-sync`): logger name, heartbeat file and key, database application name. */
  name: string;
  /** The queues this process serves, built from the runtime. */
  queues: (runtime: WorkerRuntime) => readonly QueueBinding[];
  /**
   * Upserts every job scheduler this worker owns (idempotent). Run at start, whenever the Redis
   * connection is ready again, and whenever a periodic look finds Redis has lost them.
   */
  schedules?: (runtime: WorkerRuntime) => Promise<void>;
  /** How often to look whether Redis still holds the schedulers (default 30 s). */
  schedulesCheckEveryMs?: number;
  /** Replaces the wall clock (a simulated clock in the chaos suite). */
  now?: () => Date;
  /** Test knobs, passed to every BullMQ worker. */
  drainDelaySeconds?: number;
  stalledIntervalMs?: number;
  lockDurationMs?: number;
}

/** A started worker process. */
export interface StartedWorker extends WorkerProcess {
  runtime: WorkerRuntime;
  schedules: ScheduleKeeper | undefined;
}

/** Opens what the processors are built from: config, logger, database, Redis, producers, metrics. */
async function openRuntime(name: string, clock: (() => Date) | undefined): Promise<WorkerRuntime> {
  const env = loadConfigOrExit('worker');
  const logger = createLogger(env, name);
  const db = await openDatabase({
    url: env.DATABASE_URL,
    pgliteDir: join(env.DATA_DIR, 'pglite'),
    applicationName: name,
  });
  const redis = createRedisConnection(env.REDIS_URL, { role: 'producer' });
  const producers = createProducers(redis, env.QUEUE_PREFIX);
  const metrics = await startWorkerMetrics(env, logger);
  const now = clock ?? (() => new Date());
  const limiter = createAccountLimiter(redis, { prefix: env.QUEUE_PREFIX, limits: limitsFromEnv(env) });
  const vault = createTokenVault(env.TOKEN_SEALING_KEYS);
  const oauth = oauthFromEnv(env, now);
  const callHooks = [limiter, metrics.providerCallHook];
  const apiBaseUrls = { google: env.GOOGLE_API_BASE_URL, microsoft: env.MICROSOFT_GRAPH_BASE_URL };
  const connections = { db, producers, now, vault, oauth, apiBaseUrls, callHooks };
  return { name, env, logger, db, redis, producers, metrics, vault, now, oauth, callHooks, connections };
}

/** Starts a worker process; SIGTERM/SIGINT close it (see runWorkerProcess) and exit. */
export async function startWorkerRuntime(options: WorkerRuntimeOptions): Promise<StartedWorker> {
  const runtime = await openRuntime(options.name, options.now);
  const { name, env, logger, redis, producers, db, metrics } = runtime;
  const { schedules: ensure } = options;
  const schedules = ensure
    ? keepSchedules({
        redis,
        key: `${env.QUEUE_PREFIX}:schedules:${name}`,
        ensure: () => ensure(runtime),
        checkEveryMs: options.schedulesCheckEveryMs ?? SCHEDULES_CHECK_EVERY_MS,
        logger,
      })
    : undefined;
  const started = runWorkerProcess({
    name,
    env,
    logger,
    queues: options.queues(runtime),
    onJobFinished: metrics.onJobFinished,
    ...(options.drainDelaySeconds === undefined ? {} : { drainDelaySeconds: options.drainDelaySeconds }),
    ...(options.stalledIntervalMs === undefined ? {} : { stalledIntervalMs: options.stalledIntervalMs }),
    ...(options.lockDurationMs === undefined ? {} : { lockDurationMs: options.lockDurationMs }),
    onClose: async () => {
      schedules?.stop();
      await producers.close();
      await closeRedisConnection(redis);
      await db.close();
      await metrics.close();
    },
  });
  return { ...started, runtime, schedules };
}
