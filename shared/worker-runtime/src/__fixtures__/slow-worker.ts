/**
 * Test-only worker process for the shutdown tests: serves the `sync` queue with a processor that
 * records each execution in Redis (`<prefix>:fixture:started|finished:<jobId>`, INCR) and takes
 * `argv[2]` milliseconds. Config comes from the environment like a real worker's.
 * argv: durationMs stalledIntervalMs lockDurationMs
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { loadConfigOrExit } from '@frontload/config';
import { createLogger } from '@frontload/logging';
import { createRedisConnection } from '../connection.js';
import { runWorkerProcess } from '../process.js';

const [durationMs = 2_000, stalledIntervalMs = 30_000, lockDurationMs = 30_000] = process.argv
  .slice(2)
  .map(Number);
const env = loadConfigOrExit('worker');
const logger = createLogger(env, 'fixture-worker');
const redis = createRedisConnection(env.REDIS_URL, { role: 'producer' });

runWorkerProcess({
  name: 'fixture-worker',
  env,
  logger,
  stalledIntervalMs,
  lockDurationMs,
  drainDelaySeconds: 1,
  queues: [
    {
      queue: 'sync',
      processors: {
        sync: async (payload, job) => {
          await redis.incr(`${env.QUEUE_PREFIX}:fixture:started:${job.id}`);
          await sleep(durationMs);
          await redis.incr(`${env.QUEUE_PREFIX}:fixture:finished:${job.id}`);
          return { connectionId: payload.connectionId };
        },
      },
    },
  ],
});
