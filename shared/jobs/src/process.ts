/**
 * The life of a worker process: heartbeat, one BullMQ worker per queue, and a graceful close on
 * SIGTERM/SIGINT (stop fetching, let active jobs finish, mark the heartbeat stopped, exit).
 * Every `workers/*` main.ts calls this, and so does the test fixture, so tests exercise the very
 * shutdown path production uses.
 */
import closeWithGrace from 'close-with-grace';
import type { WorkerEnv } from '@frontload/config';
import type { Logger } from '@frontload/logging';
import { closeRedisConnection, createRedisConnection } from './connection.js';
import { createHeartbeat, type Heartbeat } from './heartbeat.js';
import { reportFinishedJobs, type FinishedJobListener } from './finished-jobs.js';
import type { QueueName } from './queues.js';
import { startWorker, type QueueProcessors, type RunningWorker } from './worker.js';

/** A queue and the processors for each of its job names. */
export type QueueBinding = { [Q in QueueName]: { queue: Q; processors: QueueProcessors<Q> } }[QueueName];

/** The config a worker process needs (a subset of `WorkerEnv`). */
export type WorkerProcessEnv = Pick<
  WorkerEnv,
  'REDIS_URL' | 'QUEUE_PREFIX' | 'WORKER_CONCURRENCY' | 'WORKER_HEALTH_MAX_IDLE_SECONDS' | 'DATA_DIR'
>;

/** Settings for {@link runWorkerProcess}. */
export interface WorkerProcessOptions {
  /** Process name (`worker-sync`): names the heartbeat file and key. */
  name: string;
  env: WorkerProcessEnv;
  logger: Logger;
  queues: readonly QueueBinding[];
  /**
   * How long active jobs get to finish after SIGTERM before the process exits anyway. Keep it under
   * the pod's terminationGracePeriodSeconds (60 s in infra/k8s); a job cut off is recovered as stalled.
   */
  graceMs?: number;
  /** Told of every finished job attempt, with its duration and outcome (job-duration metrics). */
  onJobFinished?: FinishedJobListener;
  /** Releases what the processors hold (database, producer connections) after the workers closed. */
  onClose?: () => Promise<void>;
  /** Test knobs, passed to every worker. */
  drainDelaySeconds?: number;
  stalledIntervalMs?: number;
  lockDurationMs?: number;
}

/** A started worker process. */
export interface WorkerProcess {
  heartbeat: Heartbeat;
  workers: RunningWorker<QueueName>[];
  /** What SIGTERM does, minus the exit. */
  close(): Promise<void>;
}

/** Starts the workers and installs the signal handlers (which exit the process when done). */
export function runWorkerProcess(options: WorkerProcessOptions): WorkerProcess {
  const { env, logger } = options;
  const heartbeatRedis = createRedisConnection(env.REDIS_URL, { role: 'producer' });
  const heartbeat = createHeartbeat({
    worker: options.name,
    dataDir: env.DATA_DIR,
    redis: { client: heartbeatRedis, prefix: env.QUEUE_PREFIX },
    ttlSeconds: env.WORKER_HEALTH_MAX_IDLE_SECONDS,
    logger,
  });
  const workers = options.queues.map((binding) =>
    startWorker({
      ...(binding as { queue: QueueName; processors: QueueProcessors<QueueName> }),
      connectionUrl: env.REDIS_URL,
      prefix: env.QUEUE_PREFIX,
      concurrency: env.WORKER_CONCURRENCY,
      logger,
      heartbeat,
      ...(options.drainDelaySeconds === undefined ? {} : { drainDelaySeconds: options.drainDelaySeconds }),
      ...(options.stalledIntervalMs === undefined ? {} : { stalledIntervalMs: options.stalledIntervalMs }),
      ...(options.lockDurationMs === undefined ? {} : { lockDurationMs: options.lockDurationMs }),
    }),
  );
  const onJobFinished = options.onJobFinished;
  if (onJobFinished) for (const running of workers) reportFinishedJobs(running, onJobFinished);
  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= (async () => {
      await Promise.all(workers.map((worker) => worker.close()));
      await heartbeat.stop();
      await closeRedisConnection(heartbeatRedis);
      await options.onClose?.();
    })());
  closeWithGrace({ delay: options.graceMs ?? 50_000, logger }, async ({ signal, err }) => {
    if (err) logger.error({ err }, 'closing after an uncaught error');
    logger.info({ signal }, 'closing: no new jobs, waiting for active ones');
    await close();
    logger.info('closed');
  });
  logger.info(
    { queues: options.queues.map((q) => q.queue), concurrency: env.WORKER_CONCURRENCY, pid: process.pid },
    'worker started',
  );
  return { heartbeat, workers, close };
}
